import re

import pytest

from civic.auth.models import LoginThrottle
from civic.extensions import db
from tests.conftest import STAFF_PASSWORD


def test_login_page_is_ukrainian_and_labelled(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="uk">' in html
    assert '<label for="login">Логін</label>' in html
    assert '<label for="password">Пароль</label>' in html


def test_login_then_staff_home_then_logout(client, create_user, login):
    create_user("ira", "commission", full_name="Ірина Коваленко")
    response = login("ira")
    assert response.headers["Location"] == "/staff/"
    home = client.get("/staff/").get_data(as_text=True)
    assert "Ірина Коваленко" in home
    assert "Член лічильної комісії" in home
    assert "Користувачі та ролі" not in home  # only admins see administration
    out = client.post("/logout")
    assert out.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_wrong_password_is_refused_in_ukrainian(client, create_user):
    create_user("ira", "commission")
    response = client.post("/login", data={"login": "ira", "password": "wrong-password"})
    assert response.status_code == 401
    assert "Неправильний логін або пароль." in response.get_data(as_text=True)


def test_login_is_case_insensitive_and_trimmed(client, create_user):
    create_user("Ira", "editor", password="correct-horse")
    response = client.post("/login", data={"login": "  IRA ", "password": "correct-horse"})
    assert response.status_code == 302


def test_lockout_after_five_failures(app, client, create_user):
    create_user("ira", "editor", password="correct-horse")
    for _ in range(4):
        assert client.post("/login", data={"login": "ira", "password": "nope"}).status_code == 401
    fifth = client.post("/login", data={"login": "ira", "password": "nope"})
    assert "тимчасово заблоковано" in fifth.get_data(as_text=True)
    # Even the right password is refused during the lockout window.
    right = client.post("/login", data={"login": "ira", "password": "correct-horse"})
    assert right.status_code == 401
    assert re.search(r"спробуйте через \d+ хв", right.get_data(as_text=True))
    assert db.session.get(LoginThrottle, "ira").locked_until is not None


def test_lockout_expires(app, client, create_user):
    import datetime as dt

    create_user("ira", "editor", password="correct-horse")
    now = dt.datetime.now(dt.UTC)
    db.session.add(
        LoginThrottle(
            login="ira", failures=5, locked_until=now - dt.timedelta(seconds=1), last_attempt_at=now
        )
    )
    db.session.commit()
    assert (
        client.post("/login", data={"login": "ira", "password": "correct-horse"}).status_code == 302
    )


def test_disabled_user_cannot_log_in(client, create_user):
    user = create_user("old", "editor", password="correct-horse")
    user.is_active = False
    db.session.commit()
    response = client.post("/login", data={"login": "old", "password": "correct-horse"})
    assert response.status_code == 401
    assert "вимкнено" in response.get_data(as_text=True)


def test_anonymous_staff_request_redirects_with_next(client):
    response = client.get("/staff/users?x=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "%2Fstaff%2Fusers" in response.headers["Location"]


def test_next_is_followed_but_never_offsite(client, create_user):
    create_user("boss", "admin")
    ok = client.post("/login?next=/staff/users", data={"login": "boss", "password": STAFF_PASSWORD})
    assert ok.headers["Location"] == "/staff/users"
    client.post("/logout")
    evil = client.post(
        "/login?next=https://evil.example/x", data={"login": "boss", "password": STAFF_PASSWORD}
    )
    assert evil.headers["Location"] == "/staff/"


@pytest.mark.parametrize("target", ["/\\evil.example/x", "//evil.example/x"])
def test_next_with_a_disguised_host_goes_to_the_staff_home(client, create_user, target):
    """The same rule as the citizens' sign-in (``civic.urls.local_path``)."""
    create_user("boss", "admin")
    answer = client.post(
        "/login", query_string={"next": target}, data={"login": "boss", "password": STAFF_PASSWORD}
    )
    assert answer.headers["Location"] == "/staff/"


@pytest.mark.parametrize("target", ["/\t/evil.example/x", "/staff\x00"])
def test_next_with_a_control_character_is_refused_before_login(client, create_user, target):
    """Browsers drop a tab from ``/\t/host`` and go to ``//host``: the query is refused (400,
    civic.web's guard) and no redirect is given at all."""
    create_user("boss", "admin")
    answer = client.post(
        "/login", query_string={"next": target}, data={"login": "boss", "password": STAFF_PASSWORD}
    )
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_wrong_role_gets_ukrainian_403(client, create_user, login):
    create_user("ed", "editor")
    login("ed")
    response = client.get("/staff/users")
    assert response.status_code == 403
    assert "Доступ заборонено" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["commission", "moderator", "editor"])
def test_only_admin_reaches_admin_pages(client, create_user, login, role):
    create_user("someone", role)
    login("someone")
    assert client.get("/staff/users").status_code == 403
    assert client.get("/staff/audit").status_code == 403
    assert client.get("/staff/").status_code == 200


def test_login_rate_limited_per_address(app_factory):
    app = app_factory(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        client.post("/login", data={"login": "x", "password": "y"})
    response = client.post("/login", data={"login": "x", "password": "y"})
    assert response.status_code == 429
    assert "Забагато" in response.get_data(as_text=True)
