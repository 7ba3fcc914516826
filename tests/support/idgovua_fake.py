"""A small WSGI app on loopback that plays ID.GOV.UA for the integration tests.

It follows the documented flow (civic/identity/idgovua.py): the authorisation page hands out a
single-use ``code`` bound to ``person`` and sends the browser back with ``state``;
``get-access-token`` checks the client's credentials and spends the code; ``get-user-info``
answers the requested ``fields`` plus ``auth_type``; ``get-user-logout`` ends the token. Knobs:
``down`` (503 everywhere), ``stall`` (answers after ``stall`` seconds), ``expire_codes()``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "civic-test-client"
CLIENT_SECRET = "civic-test-secret"
PERSON = {
    "lastname": "Петренко",
    "givenname": "Олена",
    "middlename": "Миколаївна",
    "drfocode": "3176105929",  # a valid check digit; 31761 days: 16.12.1986
    "email": "Olena.Petrenko@example.com",
    "address": "м. Ніжин, вул. Небесної Сотні, 5",
    "phone": "+380501234567",
}


class FakeIdGovUa:
    def __init__(self) -> None:
        self.person: dict = {}
        self.auth_type = "dig_sign"
        self.down = False
        self.stall = 0.0
        self.user_info_body: bytes | None = None  # answers get-user-info with these bytes
        self.codes: dict[str, dict] = {}
        self.tokens: dict[str, dict] = {}
        self.calls: list[tuple[str, dict]] = []
        self.logged_out: list[str] = []
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)

    def expire_codes(self) -> None:
        with self._lock:
            for code in self.codes.values():
                code["expired"] = True

    def _json(self, data: dict, status: int = 200) -> Response:
        return Response(json.dumps(data, ensure_ascii=False), status, mimetype="application/json")

    def __call__(self, environ, start_response):
        request = Request(environ)
        if self.stall:
            time.sleep(self.stall)
        if self.down:
            return Response("Service Unavailable", 503)(environ, start_response)
        params = {**request.args.to_dict(), **request.form.to_dict()}
        path = request.path.strip("/")
        self.calls.append((path, params))
        handler = {
            "": self._authorize,
            "get-access-token": self._token,
            "get-user-info": self._user_info,
            "get-user-logout": self._logout,
        }.get(path)
        response = handler(params) if handler else Response("not found", 404)
        return response(environ, start_response)

    def _authorize(self, params: dict) -> Response:
        if params.get("response_type") != "code" or params.get("client_id") != CLIENT_ID:
            return Response("bad request", 400)
        code = secrets.token_hex(16)
        with self._lock:
            self.codes[code] = {"person": dict(self.person), "expired": False, "used": False}
        target = params["redirect_uri"]
        query = urlencode({"code": code, "state": params.get("state", "")})
        separator = "&" if urlsplit(target).query else "?"
        return Response("", 302, headers={"Location": f"{target}{separator}{query}"})

    def _token(self, params: dict) -> Response:
        if params.get("client_id") != CLIENT_ID or params.get("client_secret") != CLIENT_SECRET:
            return self._json({"error": "invalid_client"}, 401)
        with self._lock:
            grant = self.codes.get(params.get("code", ""))
            if grant is None or grant["used"] or grant["expired"]:
                return self._json({"error": "invalid_grant"}, 400)
            grant["used"] = True
            token = secrets.token_hex(16)
            user_id = str(len(self.tokens) + 100)
            self.tokens[token] = {"person": grant["person"], "user_id": user_id}
        return self._json(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": 300,
                "refresh_token": secrets.token_hex(8),
                "user_id": user_id,
            }
        )

    def _user_info(self, params: dict) -> Response:
        session = self.tokens.get(params.get("access_token", ""))
        if session is None or session["user_id"] != params.get("user_id"):
            return self._json({"error": "invalid_token"}, 401)
        if self.user_info_body is not None:
            return Response(self.user_info_body, 200, mimetype="application/json")
        wanted = [f.strip() for f in params.get("fields", "").split(",") if f.strip()]
        person = session["person"]
        answer = {"auth_type": self.auth_type}
        answer.update({f: person.get(f, "") for f in wanted})
        # Fields the certificate carries but civic never asks for: they must not be kept.
        answer["issuercn"] = "АЦСК тестовий"
        return self._json(answer)

    def _logout(self, params: dict) -> Response:
        session = self.tokens.pop(params.get("access_token", ""), None)
        if session is None:
            return self._json({"error": "invalid_token"}, 401)
        self.logged_out.append(session["user_id"])
        return self._json({"result": "ok"})


def query_of(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


@pytest.fixture
def fake_idgovua():
    """The fake on loopback, answering for ``PERSON`` (imported by tests/conftest.py)."""
    fake = FakeIdGovUa()
    fake.person = dict(PERSON)
    yield fake
    fake.stop()
