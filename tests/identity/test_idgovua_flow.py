"""The ID.GOV.UA flow end to end on loopback: civic's redirect → the provider's page → the
callback → get-access-token → get-user-info → get-user-logout, and every way it can fail."""

from __future__ import annotations

import zlib

import pytest
from itsdangerous import base64_decode

from civic import personal_data
from civic.identity import development, idgovua, session
from tests.identity.conftest import PERSON, idgovua_settings, provider_redirect, start_sign_in
from tests.support.idgovua_fake import CLIENT_ID, query_of


def _cookie_payload(client) -> str:
    """The session cookie decoded: what the citizen's browser holds."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return ""
    value = cookie.value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64_decode(payload)
    if compressed:
        raw = zlib.decompress(raw)
    return raw.decode()


def _signed_in(client) -> dict | None:
    with client.session_transaction() as stored:
        return (stored.get(session.CITIZEN_KEY) or {}).get("citizen")


def test_the_whole_flow_signs_the_citizen_in_with_only_the_fields_the_rules_need(
    idgovua_app, fake_idgovua
):
    client = idgovua_app.test_client()
    start = client.get("/identity/idgovua/start?next=/petitions/7")
    assert start.status_code == 302
    authorize = start.headers["Location"]
    assert authorize.startswith(fake_idgovua.url + "/?")
    asked = query_of(authorize)
    assert asked["response_type"] == "code"
    assert asked["client_id"] == CLIENT_ID
    assert asked["auth_type"] == "dig_sign,bank_id,mobile_id"
    assert asked["redirect_uri"] == "http://localhost/identity/idgovua/callback"
    assert len(asked["state"]) >= 32

    back = provider_redirect(authorize)
    callback = client.get(back.removeprefix("http://localhost"))
    assert callback.status_code == 302
    assert callback.headers["Location"] == "/petitions/7"

    citizen = _signed_in(client)
    key = idgovua_app.config["PERSONAL_DATA_KEY"]
    assert citizen == {
        "full_name": "Петренко Олена Миколаївна",
        "person_hash": personal_data.keyed_hash(key, "rnokpp:3176105929", purpose="person"),
        "method": "dig_sign",
        "provider": "idgovua",
        "birth_on": "1986-12-16",
        "address": PERSON["address"],
        "email": "olena.petrenko@example.com",
        "document_hash": personal_data.keyed_hash(key, "3176105929"),
    }
    endpoints = [path for path, _ in fake_idgovua.calls]
    assert endpoints == ["", "get-access-token", "get-user-info", "get-user-logout"]
    token_call = fake_idgovua.calls[1][1]
    assert token_call["grant_type"] == "authorization_code"
    fields = fake_idgovua.calls[2][1]["fields"].split(",")
    assert "phone" not in fields and "drfocode" in fields
    assert fake_idgovua.logged_out  # civic keeps no token
    # The browser holds the kept fields only: neither the number nor what was not asked for.
    cookie = _cookie_payload(client)
    for secret in (PERSON["drfocode"], PERSON["phone"], "АЦСК"):
        assert secret not in cookie


@pytest.mark.parametrize("tamper", ["other-state", ""])
def test_a_state_that_is_not_this_browsers_is_refused_before_the_provider_is_asked(
    idgovua_app, fake_idgovua, tamper
):
    client = idgovua_app.test_client()
    back = start_sign_in(client)
    path, _, _ = back.partition("?")
    code = query_of(back)["code"]
    answer = client.get(f"{path}?code={code}&state={tamper}")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "не належить до входу, розпочатого в цьому браузері" in page
    assert _signed_in(client) is None
    assert "get-access-token" not in [p for p, _ in fake_idgovua.calls]


def test_a_callback_in_another_browser_is_refused(idgovua_app, fake_idgovua):
    back = start_sign_in(idgovua_app.test_client())
    stranger = idgovua_app.test_client()
    answer = stranger.get(back)
    assert answer.status_code == 400
    assert "Час на вхід минув або вхід уже завершено" in answer.get_data(as_text=True)
    assert _signed_in(stranger) is None


def test_an_expired_code_is_refused_in_ukrainian_and_nothing_is_kept(idgovua_app, fake_idgovua):
    client = idgovua_app.test_client()
    back = start_sign_in(client)
    fake_idgovua.expire_codes()
    answer = client.get(back)
    assert answer.status_code == 400
    assert idgovua.REFUSED in answer.get_data(as_text=True)
    assert _signed_in(client) is None


@pytest.mark.parametrize("failure", ["down", "stalled", "gone"])
def test_the_provider_down_is_a_ukrainian_message_and_nothing_is_kept(
    app_factory, fake_idgovua, failure
):
    app = app_factory(**idgovua_settings(fake_idgovua, IDGOVUA_TIMEOUT_SECONDS=0.5))
    with app.app_context():
        client = app.test_client()
        back = start_sign_in(client)
        if failure == "down":
            fake_idgovua.down = True
        elif failure == "stalled":
            fake_idgovua.stall = 2.0
        else:
            fake_idgovua.stop()
        answer = client.get(back)
        fake_idgovua.stall = 0
        assert answer.status_code == 400
        page = answer.get_data(as_text=True)
        assert idgovua.DOWN in page
        assert "Traceback" not in page
        assert _signed_in(client) is None


def test_a_replayed_callback_is_refused(idgovua_app, fake_idgovua):
    client = idgovua_app.test_client()
    back = start_sign_in(client)
    cookie_before = client.get_cookie("session").value
    assert client.get(back).status_code == 302
    assert _signed_in(client) is not None
    client.post("/identity/sign-out", data={"next": "/petitions"})
    # Replayed in the same browser: the state was spent at the first use.
    again = client.get(back)
    assert again.status_code == 400
    assert "вхід уже завершено" in again.get_data(as_text=True)
    assert _signed_in(client) is None
    # Replayed with the cookie as it was before the first use: the code is spent at the provider.
    replay = idgovua_app.test_client()
    replay.set_cookie("session", cookie_before, domain="localhost")
    answer = replay.get(back)
    assert answer.status_code == 400
    assert idgovua.REFUSED in answer.get_data(as_text=True)
    assert _signed_in(replay) is None


def test_a_sign_in_left_too_long_at_the_provider_is_refused(idgovua_app, fake_idgovua, monkeypatch):
    client = idgovua_app.test_client()
    back = start_sign_in(client)
    later = session.time.time() + 11 * 60
    monkeypatch.setattr(session.time, "time", lambda: later)
    answer = client.get(back)
    assert answer.status_code == 400
    assert _signed_in(client) is None


def test_a_cancelled_sign_in_says_so(idgovua_app, fake_idgovua):
    client = idgovua_app.test_client()
    back = start_sign_in(client)
    state = query_of(back)["state"]
    answer = client.get(f"/identity/idgovua/callback?error=access_denied&state={state}")
    assert answer.status_code == 400
    assert "скасовано" in answer.get_data(as_text=True)
    assert _signed_in(client) is None


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_the_page_to_return_to_is_only_a_local_path(idgovua_app, fake_idgovua, target):
    client = idgovua_app.test_client()
    back = start_sign_in(client, next_page=target)
    answer = client.get(back)
    assert answer.headers["Location"] == "/petitions"


def test_the_sign_in_ends_after_its_lifetime(idgovua_app, fake_idgovua, monkeypatch):
    client = idgovua_app.test_client()
    client.get(start_sign_in(client))
    with idgovua_app.test_request_context():
        from flask import session as flask_session

        with client.session_transaction() as stored:
            flask_session.update(stored)
        assert session.current_citizen() is not None
        later = session.time.time() + 31 * 60
        monkeypatch.setattr(session.time, "time", lambda: later)
        assert session.current_citizen() is None


def test_a_provider_not_enabled_has_no_pages(client):
    assert client.get("/identity/idgovua/start").status_code == 404
    assert client.get("/identity/idgovua/callback?code=x&state=y").status_code == 404
    assert client.get("/identity/dev").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        b"<html>502 Bad Gateway</html>",
        b'["not", "an", "object"]',
        b'{"encryptedUserInfo": "MIIB..."}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_an_unreadable_answer_is_a_ukrainian_message_and_nothing_is_kept(
    idgovua_app, fake_idgovua, body
):
    fake_idgovua.user_info_body = body
    client = idgovua_app.test_client()
    answer = client.get(start_sign_in(client))
    assert answer.status_code == 400
    assert idgovua.UNREADABLE in answer.get_data(as_text=True)
    assert _signed_in(client) is None


def test_an_answer_naming_nobody_signs_nobody_in(idgovua_app, fake_idgovua):
    fake_idgovua.person = {**PERSON, "drfocode": ""}
    client = idgovua_app.test_client()
    answer = client.get(start_sign_in(client))
    assert answer.status_code == 400
    assert "ні РНОКПП, ні УНЗР" in answer.get_data(as_text=True)
    assert _signed_in(client) is None


def test_signing_in_writes_nothing_to_the_database(idgovua_app, fake_idgovua):
    from tests.test_request_boundary import writes

    client = idgovua_app.test_client()
    with writes() as seen:
        back = start_sign_in(client)
        assert client.get(back).status_code == 302
        client.get("/identity/idgovua/callback?code=x&state=y")
        client.post("/identity/sign-out", data={"next": "/petitions"})
    assert seen == []


@pytest.mark.parametrize("person", [str(len(development.PEOPLE)), "-1", "x", ""])
def test_the_development_provider_refuses_a_person_not_on_its_list(app_factory, person):
    app = app_factory(IDENTITY_PROVIDERS=["dev", "email"])
    with app.app_context():
        client = app.test_client()
        answer = client.post("/identity/dev", data={"person": person, "next": "/petitions"})
        assert answer.status_code == 400
        assert _signed_in(client) is None


def test_the_development_provider_needs_the_forms_csrf_token(app_factory):
    app = app_factory(IDENTITY_PROVIDERS=["dev", "email"], WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        answer = client.post("/identity/dev", data={"person": "0", "next": "/petitions"})
        assert answer.status_code == 400
        assert _signed_in(client) is None
