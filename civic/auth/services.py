"""Staff account operations. They flush; the view or CLI command commits once."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from civic.audit.services import record_event
from civic.auth.models import User
from civic.auth.roles import ROLES
from civic.database import utcnow
from civic.extensions import db


class AccountError(ValueError):
    """A user-facing problem with an account operation (message in Ukrainian)."""


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


def _lockout_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return (
        "Забагато невдалих спроб входу. Обліковий запис тимчасово заблоковано; "
        f"спробуйте через {minutes} хв."
    )


def authenticate(login: str, password: str, *, now: dt.datetime | None = None) -> LoginResult:
    """Check a password, counting failures; after LOGIN_MAX_FAILURES the account is locked.

    The failure counter lives in the database so that every worker process agrees.
    """
    now = now or utcnow()
    cfg = current_app.config
    user = get_user_by_login(login)
    if user is None:
        record_event("auth.login_failed", details={"login": normalise_login(login)[:80]})
        return LoginResult(None, BAD_CREDENTIALS)
    if user.locked_until and user.locked_until > now:
        return LoginResult(None, _lockout_message(user.locked_until, now))
    if not user.is_active:
        record_event("auth.login_refused", object_type="user", object_id=user.id, actor=user)
        return LoginResult(None, "Обліковий запис вимкнено. Зверніться до адміністратора.")
    if not user.check_password(password):
        user.failed_logins = (user.failed_logins or 0) + 1
        record_event("auth.login_failed", object_type="user", object_id=user.id, actor=user)
        if user.failed_logins >= cfg["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + dt.timedelta(minutes=cfg["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
            record_event("auth.locked", object_type="user", object_id=user.id, actor=user)
            db.session.flush()
            return LoginResult(None, _lockout_message(user.locked_until, now))
        db.session.flush()
        return LoginResult(None, BAD_CREDENTIALS)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record_event("auth.login", object_type="user", object_id=user.id, actor=user)
    db.session.flush()
    return LoginResult(user)


def _check_roles(roles) -> list[str]:
    roles = sorted(set(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(
            f"Невідома роль: {', '.join(unknown)}. Можливі ролі: {', '.join(ROLES)}."
        )
    return roles


def create_user(
    login: str, password: str, roles, *, full_name: str = "", actor: User | None = None
) -> User:
    login = normalise_login(login)
    if not login or len(login) > 80:
        raise AccountError("Логін має містити від 1 до 80 символів.")
    if len(password) < 8:
        raise AccountError("Пароль має містити щонайменше 8 символів.")
    roles = _check_roles(roles)
    if get_user_by_login(login) is not None:
        raise AccountError(f"Користувач «{login}» уже існує.")
    user = User(login=login, full_name=full_name.strip())
    user.set_password(password)
    user.set_roles(roles)
    db.session.add(user)
    db.session.flush()
    record_event(
        "user.created",
        object_type="user",
        object_id=user.id,
        details={"login": login, "roles": roles},
        actor=actor,
    )
    return user


def update_user(
    user: User,
    *,
    roles=None,
    full_name: str | None = None,
    is_active: bool | None = None,
    password: str | None = None,
    actor: User | None = None,
) -> User:
    changes: dict = {}
    if roles is not None:
        roles = _check_roles(roles)
        if roles != sorted(user.roles):
            changes["roles"] = {"from": sorted(user.roles), "to": roles}
            user.set_roles(roles)
    if full_name is not None and full_name.strip() != user.full_name:
        changes["full_name"] = {"from": user.full_name, "to": full_name.strip()}
        user.full_name = full_name.strip()
    if is_active is not None and is_active != user.is_active:
        changes["is_active"] = {"from": user.is_active, "to": is_active}
        user.is_active = is_active
    if password:
        if len(password) < 8:
            raise AccountError("Пароль має містити щонайменше 8 символів.")
        user.set_password(password)
        user.failed_logins = 0
        user.locked_until = None
        changes["password"] = "changed"
    if changes:
        db.session.flush()
        record_event(
            "user.updated", object_type="user", object_id=user.id, details=changes, actor=actor
        )
    return user
