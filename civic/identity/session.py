"""The sign-in in the Flask session (a signed cookie): short-lived and single-use where it must be.

``begin`` keeps the OAuth ``state`` with its provider, the local page to return to and the time
it was made; ``take_state`` removes it whatever it answers (so a replayed callback finds nothing)
and compares it in constant time. ``sign_in`` keeps the :class:`Citizen` (never the provider's
answer) for ``IDENTITY_SIGN_IN_MINUTES``; the PB online vote will read the same
``current_citizen()``.
"""

from __future__ import annotations

import hmac
import secrets
import time

from flask import current_app, session

from civic import urls
from civic.identity.citizen import Citizen, IdentityError, citizen_from_dict

STATE_KEY = "identity.state"
CITIZEN_KEY = "identity.citizen"
FALLBACK_PAGE = "/petitions"

EXPIRED = "Час на вхід минув або вхід уже завершено. Почніть вхід ще раз."
MISMATCH = (
    "Відповідь сервісу ідентифікації не належить до входу, розпочатого в цьому браузері; "
    "нічого не збережено. Почніть вхід ще раз."
)


def _minutes(name: str, default: int) -> int:
    return int(current_app.config.get(name) or default)


def local_path(value: str | None) -> str:
    """``value`` if it is a path on this site (``/petitions/5``), else the petitions' list."""
    return urls.local_path(value, FALLBACK_PAGE)


def begin(provider: str, next_page: str | None) -> str:
    """A fresh ``state`` for ``provider``; returns it (it goes into the authorisation URL)."""
    state = secrets.token_urlsafe(32)
    session[STATE_KEY] = {
        "state": state,
        "provider": provider,
        "next": local_path(next_page),
        "at": int(time.time()),
    }
    return state


def take_state(provider: str, state: str | None) -> str:
    """The page to return to, if ``state`` is the one this browser's sign-in began with.

    The stored state is removed first: the second use of a callback is refused.
    """
    stored = session.pop(STATE_KEY, None)
    if not isinstance(stored, dict) or stored.get("provider") != provider:
        raise IdentityError(EXPIRED)
    if int(time.time()) - int(stored.get("at", 0)) > 60 * _minutes("IDENTITY_STATE_MINUTES", 10):
        raise IdentityError(EXPIRED)
    if not hmac.compare_digest(str(stored.get("state", "")).encode(), str(state or "").encode()):
        raise IdentityError(MISMATCH)
    return local_path(stored.get("next"))


def sign_in(citizen: Citizen) -> None:
    session[CITIZEN_KEY] = {"citizen": citizen.as_dict(), "at": int(time.time())}


def sign_out() -> None:
    session.pop(CITIZEN_KEY, None)
    session.pop(STATE_KEY, None)


def current_citizen() -> Citizen | None:
    """The citizen signed in in this browser, while the sign-in lasts."""
    stored = session.get(CITIZEN_KEY)
    if not isinstance(stored, dict):
        return None
    age = int(time.time()) - int(stored.get("at", 0))
    if age > 60 * _minutes("IDENTITY_SIGN_IN_MINUTES", 30):
        return None
    try:
        return citizen_from_dict(stored["citizen"])
    except (KeyError, TypeError, ValueError):
        return None
