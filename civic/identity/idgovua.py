"""The ID.GOV.UA shell: OAuth 2.0 authorisation code against the state identification service.

The flow (the service's integration guide for "Інтегрована система електронної ідентифікації";
docs/identity.md says what is certain and what is not):

1. the browser goes to ``{host}/?response_type=code&client_id=…&auth_type=dig_sign,bank_id,
   mobile_id&state=…&redirect_uri=…``; the citizen signs in with a КЕП, BankID НБУ or Mobile ID;
2. the service sends the browser back to ``redirect_uri?code=…&state=…``;
3. ``{host}/get-access-token`` (``grant_type=authorization_code``, ``client_id``,
   ``client_secret``, ``code``; the code is single-use) → ``access_token``, ``user_id``;
4. ``{host}/get-user-info`` (``access_token``, ``user_id``, ``fields``) → the person's fields;
5. ``{host}/get-user-logout`` (``access_token``, ``user_id``): civic needs the token no longer.

The answer goes straight into the pure :func:`civic.identity.citizen.citizen_from_idgovua`; the
raw answer, the code and the tokens are never stored or logged. Every failure of the service
becomes an :class:`IdentityError` with a Ukrainian message.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping

from flask import current_app

from civic.identity.citizen import Citizen, IdentityError, citizen_from_idgovua

log = logging.getLogger(__name__)

# Only what the rules need: the name, the РНОКПП (or passport number) and the address; the
# e-mail to match an earlier e-mail signature. (Not the certificate's issuer, serial, phone.)
DEFAULT_FIELDS = "givenname,middlename,lastname,drfocode,unzr,email,address,locality,state"

DOWN = (
    "Сервіс ID.GOV.UA зараз не відповідає, тож вхід не завершено і нічого не збережено. "
    "Спробуйте трохи пізніше."
)
REFUSED = (
    "ID.GOV.UA не підтвердив вхід: посилання для входу застаріло або вже використане. "
    "Почніть вхід ще раз."
)
UNREADABLE = "ID.GOV.UA надіслав відповідь, яку не вдалося прочитати; нічого не збережено."


def _config(name: str, default=None):
    return current_app.config.get(name, default)


def host() -> str:
    return str(_config("IDGOVUA_HOST") or "https://id.gov.ua").rstrip("/")


def is_configured() -> bool:
    return bool(_config("IDGOVUA_CLIENT_ID") and _config("IDGOVUA_CLIENT_SECRET"))


def authorization_url(*, state: str, redirect_uri: str) -> str:
    """Where the browser goes to sign in (step 1)."""
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": _config("IDGOVUA_CLIENT_ID"),
            "auth_type": _config("IDGOVUA_AUTH_TYPES") or "dig_sign,bank_id,mobile_id",
            "state": state,
            "redirect_uri": redirect_uri,
        }
    )
    return f"{host()}/?{query}"


def _call(endpoint: str, params: Mapping[str, str]) -> dict:
    """POST the form to ``{host}/{endpoint}`` with a timeout → its JSON object.

    A network failure, a timeout or a 5xx is ``DOWN``; a 4xx or an ``error`` field is
    ``REFUSED``; anything but a JSON object is ``UNREADABLE``.
    """
    body = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(
        f"{host()}/{endpoint}",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        method="POST",
    )
    timeout = float(_config("IDGOVUA_TIMEOUT_SECONDS") or 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read(1_000_000)
    except urllib.error.HTTPError as error:
        log.warning("id.gov.ua %s answered HTTP %s", endpoint, error.code)
        raise IdentityError(DOWN if error.code >= 500 else REFUSED) from None
    except OSError as error:  # URLError, timeouts, refused connections
        log.warning("id.gov.ua %s unreachable: %s", endpoint, type(error).__name__)
        raise IdentityError(DOWN) from None
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        log.warning("id.gov.ua %s answered something other than a JSON object", endpoint)
        raise IdentityError(UNREADABLE)
    if data.get("error"):
        log.warning("id.gov.ua %s refused: %s", endpoint, str(data.get("error"))[:80])
        raise IdentityError(REFUSED)
    return data


def fetch_citizen(code: str) -> Citizen:
    """Steps 3–5: the code → a token → the person → :class:`Citizen`; the token is revoked."""
    if not code or len(code) > 512:
        raise IdentityError(REFUSED)
    credentials = {
        "client_id": _config("IDGOVUA_CLIENT_ID") or "",
        "client_secret": _config("IDGOVUA_CLIENT_SECRET") or "",
    }
    token = _call(
        "get-access-token", {"grant_type": "authorization_code", "code": code, **credentials}
    )
    access_token, user_id = token.get("access_token"), token.get("user_id")
    if not access_token or user_id in (None, ""):
        raise IdentityError(UNREADABLE)
    session = {"access_token": str(access_token), "user_id": str(user_id)}
    answer = _call(
        "get-user-info", {**session, "fields": _config("IDGOVUA_FIELDS") or DEFAULT_FIELDS}
    )
    if "encryptedUserInfo" in answer:
        # Encrypted answers need the IIT crypto library and the council's certificate (docs).
        log.error("id.gov.ua sent encryptedUserInfo: ask for the plain answer (no `cert`)")
        raise IdentityError(UNREADABLE)
    citizen = citizen_from_idgovua(answer, key=current_app.config["PERSONAL_DATA_KEY"])
    del answer  # the raw answer goes no further than the pure core
    try:
        _call("get-user-logout", session)
    except IdentityError:
        log.info("id.gov.ua get-user-logout failed; the token expires on its own")
    return citizen
