"""Password hashing and the password rules (pure: no flask, no database, no files).

Both a real account and an unknown login go through exactly one hash check (``verify`` or
``verify_dummy``), so the answer costs the same and tells nothing about which logins exist.
"""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata
from collections.abc import Iterable

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
ADMIN_MIN_LENGTH = 12
MAX_LENGTH = 128
# A login shorter than this is not looked for inside a password (any password has an "a").
LOGIN_MIN_LENGTH_TO_CHECK = 3

_LATIN = "qwertyuiop[]asdfghjkl;'zxcvbnm,.`"
_UKRAINIAN = "йцукенгшщзхїфівапролджєячсмитьбю'"
_RUSSIAN = "йцукенгшщзхъфывапролджэячсмитьбюё"
_TO_LATIN = {**str.maketrans(_UKRAINIAN, _LATIN), **str.maketrans(_RUSSIAN, _LATIN)}
_TO_UKRAINIAN = str.maketrans(_LATIN, _UKRAINIAN)
_TO_RUSSIAN = str.maketrans(_LATIN, _RUSSIAN)
_TRAILING_DIGITS_AND_SIGNS = re.compile(r"[\d\W_]+$")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def verify(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def verify_dummy(password: str) -> bool:
    """The same hash check a real account costs, against a hash no password matches."""
    verify(_dummy_hash(), password)
    return False


def parse_common_passwords(lines: Iterable[str]) -> frozenset[str]:
    return frozenset(
        _fold(line.strip()) for line in lines if line.strip() and not line.startswith("#")
    )


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _variants(password: str) -> set[str]:
    """The password as typed and as it reads in the other keyboard layout, with and without
    trailing digits and signs ("Qwerty2026!" → "qwerty"; "йцукен123" → "qwerty")."""
    folded = _fold(password)
    out = set()
    for layout in (folded, folded.translate(_TO_LATIN)):
        for text in (layout, layout.translate(_TO_UKRAINIAN), layout.translate(_TO_RUSSIAN)):
            out.add(text)
            base = _TRAILING_DIGITS_AND_SIGNS.sub("", text)
            if len(base) >= 4:
                out.add(base)
    return out


def problems(password: str, *, login: str, admin: bool, common: frozenset[str]) -> list[str]:
    """What is wrong with ``password`` for this account, in Ukrainian (empty: acceptable)."""
    found = []
    minimum = ADMIN_MIN_LENGTH if admin else MIN_LENGTH
    if len(password) < minimum:
        who = "адміністратора" if admin else "працівника"
        found.append(
            f"Пароль {who} має містити щонайменше {minimum} символів (зараз {len(password)})."
        )
    if len(password) > MAX_LENGTH:
        found.append(f"Пароль має містити не більше {MAX_LENGTH} символів.")
    folded_login = _fold(login.strip())
    if len(folded_login) >= LOGIN_MIN_LENGTH_TO_CHECK and folded_login in _fold(password):
        found.append("Пароль не може містити логін.")
    if common.intersection(_variants(password)):
        found.append(
            "Цей пароль є в списку найпоширеніших паролів (або відрізняється від такого лише "
            "цифрами чи знаками в кінці або розкладкою клавіатури); оберіть інший."
        )
    return found
