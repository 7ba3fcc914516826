"""Staff account operations. They flush; the view or CLI command commits once."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import secrets
from dataclasses import dataclass
from importlib import resources

from flask import current_app
from sqlalchemy import case, delete, func, literal, null, select, update

from civic.audit.services import record_change, record_event
from civic.auth import passwords
from civic.auth.models import LoginThrottle, StaffSession, User
from civic.auth.roles import ADMIN, ROLES
from civic.database import UTCDateTime, upsert, utcnow
from civic.errors import DomainError
from civic.extensions import db


class AccountError(DomainError, ValueError):
    """A user-facing problem with an account operation (message in Ukrainian).

    ``field`` names the form field the message belongs to.
    """

    def __init__(self, message: str, *, field: str = "login") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    error: str | None = None


BAD_CREDENTIALS = "Неправильний логін або пароль."


def normalise_login(login: str) -> str:
    return login.strip().lower()


def get_user_by_login(login: str) -> User | None:
    return db.session.scalar(select(User).where(User.login == normalise_login(login)))


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.login)))


def count_users() -> int:
    return db.session.scalar(select(func.count(User.id))) or 0


def _lockout_message(until: dt.datetime | None, now: dt.datetime) -> str:
    minutes = (
        max(1, math.ceil((until - now).total_seconds() / 60))
        if until is not None
        else current_app.config["LOGIN_LOCKOUT_MINUTES"]
    )
    return (
        "Забагато невдалих спроб входу. Обліковий запис тимчасово заблоковано; "
        f"спробуйте через {minutes} хв."
    )


@dataclass(frozen=True)
class LoginAttempt:
    """An attempt counted before its password is checked (see ``begin_login``)."""

    login: str
    number: int  # this attempt's place among the attempts not yet proven right
    locked_until: dt.datetime | None
    now: dt.datetime


def begin_login(login: str, *, now: dt.datetime | None = None) -> LoginAttempt:
    """Count one login attempt for ``login`` (known or not) in one atomic statement.

    ``INSERT … ON CONFLICT DO UPDATE SET failures = failures + 1 … RETURNING`` runs under the
    row lock on PostgreSQL and the write lock on SQLite, so parallel attempts each get their own
    number. The caller commits right away, before the slow password check, so that the next
    request sees the count. Flushes nothing else.
    """
    now = now or utcnow()
    cfg = current_app.config
    login = normalise_login(login)[:80]
    lockout = dt.timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
    until = now + lockout
    limit = cfg["LOGIN_MAX_FAILURES"]
    t = LoginThrottle.__table__
    # A lock that has run out, or failures older than the lockout window, start afresh.
    stale = ((t.c.locked_until.is_not(None)) & (t.c.locked_until <= now)) | (
        (t.c.locked_until.is_(None)) & (t.c.last_attempt_at < now - lockout)
    )
    failures = case((stale, 1), else_=t.c.failures + 1)
    kept_lock = case((stale, null()), else_=t.c.locked_until)
    statement = (
        upsert(t)
        .values(
            login=login,
            failures=1,
            locked_until=until if limit <= 1 else None,
            last_attempt_at=now,
        )
        .on_conflict_do_update(
            index_elements=[t.c.login],
            set_={
                "failures": failures,
                # The attempt that reaches the limit locks at once, so a dead worker cannot
                # leave the count at the limit without an end; a right password lifts it.
                "locked_until": case(
                    (failures >= limit, func.coalesce(kept_lock, literal(until, UTCDateTime()))),
                    else_=null(),
                ),
                "last_attempt_at": now,
            },
        )
        .returning(t.c.failures, t.c.locked_until)
    )
    number, locked_until = db.session.execute(statement).one()
    return LoginAttempt(login, number, locked_until, now)


def finish_login(attempt: LoginAttempt, password: str) -> LoginResult:
    """Check the password of a counted attempt; flushes, the caller commits.

    Attempts past LOGIN_MAX_FAILURES are refused without looking at the password, so no more
    than that many passwords are ever tried per lockout. Unknown logins go through a hash
    check against a dummy hash and are counted and locked exactly like real ones.
    """
    cfg = current_app.config
    now = attempt.now
    limit = cfg["LOGIN_MAX_FAILURES"]
    if attempt.number > limit:
        return LoginResult(None, _lockout_message(attempt.locked_until, now))
    user = get_user_by_login(attempt.login)
    right = user.check_password(password) if user is not None else passwords.verify_dummy(password)
    t = LoginThrottle.__table__
    if not right:
        # Write first: on SQLite this takes the write lock before the audit chain is read.
        db.session.execute(update(t).where(t.c.login == attempt.login).values(last_attempt_at=now))
        if user is None:
            record_event("auth.login_failed", details={"login": attempt.login})
        else:
            record_event("auth.login_failed", object_type="user", object_id=user.id, actor=user)
        if attempt.number >= limit:
            if user is not None:
                record_event("auth.locked", object_type="user", object_id=user.id, actor=user)
            db.session.flush()
            return LoginResult(None, _lockout_message(attempt.locked_until, now))
        db.session.flush()
        return LoginResult(None, BAD_CREDENTIALS)
    db.session.execute(delete(t).where(t.c.login == attempt.login))
    prune_login_throttle(now=now)
    if not user.is_active:
        record_event("auth.login_refused", object_type="user", object_id=user.id, actor=user)
        db.session.flush()
        return LoginResult(None, "Обліковий запис вимкнено. Зверніться до адміністратора.")
    user.last_login_at = now
    record_event("auth.login", object_type="user", object_id=user.id, actor=user)
    db.session.flush()
    return LoginResult(user)


def authenticate(login: str, password: str, *, now: dt.datetime | None = None) -> LoginResult:
    """``begin_login`` then ``finish_login`` in one transaction (for scripts and tests; the
    login view commits between the two so parallel requests see each other's count)."""
    return finish_login(begin_login(login, now=now), password)


def prune_login_throttle(*, now: dt.datetime | None = None) -> int:
    """Forget counts nobody has added to for LOGIN_LOCKOUT_MINUTES whose lock has run out
    (failures spread over longer than that no longer add up; rows for made-up logins go)."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
    t = LoginThrottle.__table__
    result = db.session.execute(
        delete(t).where(
            t.c.last_attempt_at < cutoff,
            (t.c.locked_until.is_(None)) | (t.c.locked_until <= now),
        )
    )
    return result.rowcount or 0


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _session_lifetime() -> dt.timedelta:
    return current_app.permanent_session_lifetime


def start_session(user: User, *, now: dt.datetime | None = None) -> str:
    """A new server-side session for ``user``; its token goes into the cookie (``get_id``)."""
    now = now or utcnow()
    db.session.execute(
        delete(StaffSession).where(StaffSession.created_at < now - _session_lifetime())
    )
    token = secrets.token_urlsafe(32)
    db.session.add(StaffSession(token_hash=_token_hash(token), user_id=user.id, created_at=now))
    db.session.flush()
    user.session_token = token
    return token


def load_session_user(token: str, *, now: dt.datetime | None = None) -> User | None:
    """The active user whose live session ``token`` names, or None (logged out, password
    changed, account disabled, or the session older than PERMANENT_SESSION_LIFETIME)."""
    now = now or utcnow()
    user = db.session.scalar(
        select(User)
        .join(StaffSession, StaffSession.user_id == User.id)
        .where(
            StaffSession.token_hash == _token_hash(token),
            StaffSession.created_at >= now - _session_lifetime(),
            User.is_active.is_(True),
        )
    )
    if user is not None:
        user.session_token = token
    return user


def end_session(token: str | None) -> None:
    """Log out this browser: its cookie names a session that no longer exists."""
    if token:
        db.session.execute(
            delete(StaffSession).where(StaffSession.token_hash == _token_hash(token))
        )


def end_all_sessions(user: User) -> int:
    """Log ``user`` out everywhere (password changed, account disabled)."""
    return db.session.execute(delete(StaffSession).where(StaffSession.user_id == user.id)).rowcount


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords (civic/data/common-passwords.txt)."""
    text = resources.files("civic").joinpath("data/common-passwords.txt").read_text("utf-8")
    return passwords.parse_common_passwords(text.splitlines())


def check_password_rules(password: str, *, login: str, roles) -> None:
    """Refuse a password that is short (12 for admins, 10 for others), common, or holds the
    login — wherever a password is set: the users page, ``civic users``, the demo."""
    found = passwords.problems(
        password, login=login, admin=ADMIN in set(roles), common=common_passwords()
    )
    if found:
        raise AccountError(" ".join(found), field="password")


def _check_roles(roles) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(
            f"Невідома роль: {', '.join(unknown)}. Можливі ролі: {', '.join(ROLES)}."
        )
    return roles


def create_user(
    login: str,
    password: str,
    roles,
    *,
    full_name: str = "",
    gender: str = "",
    actor: User | None = None,
) -> User:
    login = normalise_login(login)
    if not login or len(login) > 80:
        raise AccountError("Логін має містити від 1 до 80 символів.")
    roles = _check_roles(roles)
    check_password_rules(password, login=login, roles=roles)
    if get_user_by_login(login) is not None:
        raise AccountError(f"Користувач «{login}» уже існує.")
    user = User(login=login, full_name=full_name.strip(), gender=gender)
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    record_change("user.created", user, {"login": login, "roles": roles}, actor=actor)
    return user


def update_user(
    user: User,
    *,
    roles=None,
    full_name: str | None = None,
    gender: str | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    """Change an account; an admin cannot take their own admin role away or switch themselves
    off (there would be no one to undo it)."""
    own = actor is not None and actor.id == user.id
    if own and ((roles is not None and ADMIN not in roles) or is_active is False):
        raise AccountError(
            "Не можна забрати в себе роль адміністратора чи вимкнути себе.", field="roles"
        )
    changes: dict = {}
    if roles is not None:
        roles = _check_roles(roles)
        if roles != sorted(user.roles):
            changes["roles"] = {"from": sorted(user.roles), "to": roles}
            user.set_roles(roles)
    if full_name is not None and full_name.strip() != user.full_name:
        changes["full_name"] = {"from": user.full_name, "to": full_name.strip()}
        user.full_name = full_name.strip()
    if gender is not None and gender != (user.gender or ""):
        changes["gender"] = {"from": user.gender or "", "to": gender}
        user.gender = gender
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = {"from": user.is_active, "to": is_active}
        user.is_active = is_active
    if password:
        check_password_rules(password, login=user.login, roles=user.roles)
        user.set_password(password)
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.login == user.login))
        changes["password"] = "changed"
    if "password" in changes or changes.get("is_active", {}).get("to") is False:
        # "Log out everywhere": every cookie issued before this change stops opening pages.
        changes["sessions_ended"] = end_all_sessions(user)
    if changes:
        record_change("user.updated", user, changes, actor=actor)
    return user
