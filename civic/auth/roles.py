"""The staff roles (pure). A person may hold several; ``admin`` may do everything."""

from __future__ import annotations

ADMIN = "admin"
COMMISSION = "commission"
MODERATOR = "moderator"
EDITOR = "editor"

ROLES: dict[str, str] = {
    ADMIN: "Адміністратор",
    COMMISSION: "Член лічильної комісії",
    MODERATOR: "Модератор петицій",
    EDITOR: "Редактор відділу",
}


def allows(held: set[str] | frozenset[str], required: tuple[str, ...]) -> bool:
    """Whether a person holding ``held`` may act where any of ``required`` is needed."""
    return ADMIN in held or bool(held.intersection(required))
