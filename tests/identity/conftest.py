"""ID.GOV.UA played on loopback, and an app that signs in through it."""

from __future__ import annotations

import urllib.request

import pytest

from tests.support.idgovua_fake import CLIENT_ID, CLIENT_SECRET, PERSON, FakeIdGovUa, query_of


def idgovua_settings(fake: FakeIdGovUa, **extra) -> dict:
    return {
        "IDENTITY_PROVIDERS": ["idgovua", "email"],
        "IDGOVUA_HOST": fake.url,
        "IDGOVUA_CLIENT_ID": CLIENT_ID,
        "IDGOVUA_CLIENT_SECRET": CLIENT_SECRET,
        "IDGOVUA_TIMEOUT_SECONDS": 2,
        **extra,
    }


@pytest.fixture
def idgovua_app(app_factory, fake_idgovua):
    app = app_factory(**idgovua_settings(fake_idgovua))
    with app.app_context():
        yield app


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def provider_redirect(authorize_url: str) -> str:
    """What the citizen's browser does at ID.GOV.UA: signs in and is sent back (Location)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(authorize_url, timeout=10)
    except urllib.error.HTTPError as answer:
        assert answer.code == 302
        return answer.headers["Location"]
    raise AssertionError("the provider did not redirect back")


def start_sign_in(client, next_page: str = "/petitions") -> str:
    """Start at civic, sign in at the fake → the callback path (with its query) to open."""
    start = client.get(f"/identity/idgovua/start?next={next_page}")
    assert start.status_code == 302
    back = provider_redirect(start.headers["Location"])
    parts = urllib.parse.urlsplit(back)
    assert f"{parts.scheme}://{parts.netloc}" == "http://localhost"
    return f"{parts.path}?{parts.query}"


__all__ = ["PERSON", "idgovua_settings", "provider_redirect", "query_of", "start_sign_in"]
