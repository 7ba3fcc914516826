"""Which links civic publishes: only ``http://`` and ``https://`` (pure; one rule for all).

A link typed into a form, read from an importer's file or already stored is published as an
``href`` only if :func:`http_url` accepts it. ``javascript:``, ``data:``, ``vbscript:``,
``file:`` and every disguise of them (``JaVaScRiPt:``, ``java\\tscript:``, a leading space or
control character, ``javascript&#58;``, ``https:\\\\host``, ``//host``) are refused: the value
must start with ``http://`` or ``https://`` followed by a host name, and may hold no spaces,
control characters, backslashes or HTML-significant characters (``<``, ``>``, ``"``, ``'``,
a backtick).
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

__all__ = ["MESSAGE", "HttpUrl", "http_url", "local_path", "url_problem"]

MESSAGE = "посилання має починатися з http:// або https:// і вести на сайт (напр. https://nizhynrada.gov.ua)"
_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"'`\u2028\u2029\u200b-\u200f\ufeff]")
_START = re.compile(r"https?://[^/?#@:]", re.IGNORECASE)
_HOST = re.compile(r"(?:[\w-]+\.)*[\w-]+\.?")


def http_url(value: object) -> str | None:
    """The link itself (trimmed) if it is a plain http(s) URL with a host, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 2000 or _FORBIDDEN.search(text) or not _START.match(text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if not _HOST.fullmatch(host):
        try:
            ipaddress.ip_address(host)  # https://[2001:db8::1]/
        except ValueError:
            return None
    return text


def local_path(value: str | None, fallback: str) -> str:
    """``value`` if it is a path on this site (``/petitions/5``), else ``fallback``: where a
    page sends the browser after a sign-in (``?next=``). No scheme, no host, no ``//`` or
    backslash (browsers read ``/\\host`` as another site), no control characters, at most 500
    characters."""
    text = (value or "").strip()
    if (
        not text.startswith("/")
        or text.startswith("//")
        or "\\" in text
        or any(not ch.isprintable() for ch in text)
        or len(text) > 500
    ):
        return fallback
    parts = urlsplit(text)
    return text if not parts.scheme and not parts.netloc else fallback


def url_problem(value: object) -> str | None:
    """None for an empty value or a good link, else the Ukrainian reason."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if http_url(value) is None:
        shown = str(value).strip()
        shown = shown if len(shown) <= 80 else shown[:77] + "…"
        return f"«{shown}» — {MESSAGE}"
    return None


class HttpUrl:
    """The WTForms validator for a link field (empty passes; pair with ``Optional()``)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form, field) -> None:
        from wtforms.validators import ValidationError

        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()):
            return
        if http_url(data) is None:
            raise ValidationError(self.message or f"Некоректне посилання: {MESSAGE}.")
