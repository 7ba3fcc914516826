"""Which ways of signing a council has switched on (``IDENTITY_PROVIDERS``), checked at start.

- ``"idgovua"`` — ID.GOV.UA (needs ``IDGOVUA_CLIENT_ID`` and ``IDGOVUA_CLIENT_SECRET``);
- ``"dev"`` — the development provider: a tester picks a citizen from a list. It is for
  ``make run`` and the tests only, so civic refuses to start with it unless
  ``PUBLIC_BASE_URL`` is a loopback address (a deployment on a real host name never has it);
- ``"email"`` — the signature confirmed through a mailed link (the default; a council may
  switch it off once identity is on).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import urlsplit

KNOWN = ("idgovua", "dev", "email")
DEFAULT = ("email",)

# How the sign page names each identity provider's button.
BUTTONS = {
    "idgovua": "Підписати через ID.GOV.UA",
    "dev": "Підписати через тестовий провайдер",
}
# How the PB online vote names them (civic.pb.voting_views).
VOTE_BUTTONS = {
    "idgovua": "Увійти через ID.GOV.UA",
    "dev": "Увійти через тестовий провайдер",
}


def enabled(config: Mapping) -> tuple[str, ...]:
    value = config.get("IDENTITY_PROVIDERS")
    if value is None:
        return DEFAULT
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    return tuple(dict.fromkeys(str(v).strip().lower() for v in value))


def identity_providers(config: Mapping) -> tuple[str, ...]:
    """The enabled providers that identify a person (all but e-mail), in settings order."""
    return tuple(p for p in enabled(config) if p != "email")


def email_enabled(config: Mapping) -> bool:
    return "email" in enabled(config)


def _is_loopback(url: str) -> bool:
    host = urlsplit(url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check(config: Mapping) -> None:
    """Refuse to start with a provider civic does not know or cannot use (English: the log)."""
    names = enabled(config)
    unknown = [n for n in names if n not in KNOWN]
    if unknown:
        raise RuntimeError(f"IDENTITY_PROVIDERS names unknown providers {unknown}; known: {KNOWN}")
    if not names:
        raise RuntimeError("IDENTITY_PROVIDERS is empty: nobody could sign a petition")
    if "idgovua" in names and not (
        config.get("IDGOVUA_CLIENT_ID") and config.get("IDGOVUA_CLIENT_SECRET")
    ):
        raise RuntimeError(
            "IDENTITY_PROVIDERS names idgovua but IDGOVUA_CLIENT_ID / IDGOVUA_CLIENT_SECRET "
            "are not set (docs/identity.md)"
        )
    if "dev" in names and not _is_loopback(str(config.get("PUBLIC_BASE_URL") or "")):
        raise RuntimeError(
            "the development identity provider ('dev' in IDENTITY_PROVIDERS) lets anyone "
            "pick an identity: it runs only when PUBLIC_BASE_URL is a loopback address"
        )
