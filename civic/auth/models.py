from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civic.auth import passwords
from civic.auth.roles import allows
from civic.database import Identified, UTCDateTime, utcnow
from civic.extensions import db


class User(UserMixin, Identified, db.Model):
    __tablename__ = "users"

    login: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    # "m", "f" or "": the verb's gender in the audit log's sentences («запропонувала»).
    gender: Mapped[str] = mapped_column(String(1), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    # The staff session this request runs in (set by login and by the user loader, not stored
    # on the user): Flask-Login keeps ``get_id()`` in the cookie, so the cookie names a
    # server-side session that logout, a password change or disabling the account deletes.
    session_token = None  # str | None

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(r.role for r in self.role_rows)

    def set_roles(self, roles) -> None:
        wanted = set(roles)
        self.role_rows = [r for r in self.role_rows if r.role in wanted]
        for role in sorted(wanted - {r.role for r in self.role_rows}):
            self.role_rows.append(UserRole(role=role))

    def has_role(self, *roles: str) -> bool:
        return allows(self.roles, roles)

    def get_id(self) -> str:
        if not self.session_token:
            raise AttributeError("a staff user is logged in only through a StaffSession")
        return self.session_token

    def set_password(self, password: str) -> None:
        self.password_hash = passwords.hash_password(password)

    def check_password(self, password: str) -> bool:
        return passwords.verify(self.password_hash, password)


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class StaffSession(db.Model):
    """One logged-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class LoginThrottle(db.Model):
    """Login attempts per login name — real or not, so unknown logins lock exactly alike.

    ``failures`` counts attempts not yet proven right; it is raised atomically *before* the
    password is checked, so no more than LOGIN_MAX_FAILURES passwords are ever tried per lock.
    """

    __tablename__ = "login_throttle"

    login: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
