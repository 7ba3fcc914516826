"""Issue 12, points 7–9: staff accounts under attack — parallel guessing, replayed cookies,
telling real logins from unknown ones."""

import re

import pytest
from sqlalchemy import select

from civic.audit.models import AuditEvent
from civic.auth import passwords, services
from civic.auth.models import LoginThrottle, User
from civic.extensions import db
from tests.conftest import STAFF_PASSWORD
from tests.support.served import Browser, Gunicorn, at_once

LOCKED = "тимчасово заблоковано"
BAD = "Неправильний логін або пароль."


def _failed_checks(login: str) -> int:
    """Each password that was really checked and found wrong leaves one audit event."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_failed"))
    user = db.session.scalar(select(User).where(User.login == login))
    return sum(1 for e in events if e.object_id == str(user.id))


# --- point 7: 30 parallel wrong passwords ------------------------------------------------------


def test_parallel_wrong_passwords_lock_the_account_and_check_only_the_limit(
    app_factory, database_url, tmp_path
):
    app = app_factory()
    with app.app_context():
        services.create_user("ira", STAFF_PASSWORD, ["editor"])
        db.session.commit()
    # The per-address limit must not be what stops the guesses: the account lock must.
    settings = {"CIVIC_LOGIN_RATE_LIMIT": "1000 per minute"}
    with Gunicorn(database_url, tmp_path / "instance", settings=settings) as server:
        visitors = [Browser(server.url) for _ in range(30)]
        tokens = [v.get("/login").csrf() for v in visitors]

        def guess(i):
            data = {"csrf_token": tokens[i], "login": "ira", "password": f"wrong-guess-{i}"}
            return visitors[i].post("/login", data)

        answers = at_once(30, guess)
        right = Browser(server.url).submit("/login", {"login": "ira", "password": STAFF_PASSWORD})
        log = server.output()
    assert all(not isinstance(a, BaseException) for a in answers), answers
    assert [a.status for a in answers] == [401] * 30, log[-2000:]
    texts = [a.text for a in answers]
    # Exactly LOGIN_MAX_FAILURES - 1 guesses were told "wrong"; the fifth locked the account and
    # the other 25 were refused as locked without their password being looked at.
    assert sum(BAD in t for t in texts) == 4
    assert sum(LOCKED in t for t in texts) == 26
    assert right.status == 401 and LOCKED in right.text
    assert re.search(r"спробуйте через \d+ хв", right.text)
    with app.app_context():
        assert _failed_checks("ira") == 5
        row = db.session.get(LoginThrottle, "ira")
        assert row.locked_until is not None and row.failures == 31


def test_lock_before_password_and_right_password_lifts_the_count(app, client, create_user):
    create_user("ira", "editor")
    for _ in range(4):
        client.post("/login", data={"login": "ira", "password": "wrong-guess"})
    # The fifth attempt is still checked: the right password gets in and the count is gone.
    right = client.post("/login", data={"login": "ira", "password": STAFF_PASSWORD})
    assert right.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert db.session.get(LoginThrottle, "ira") is None


# --- point 8: a copied session cookie ----------------------------------------------------------


def _copied_cookie(app, client):
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def test_cookie_copied_before_logout_no_longer_opens_staff_pages(app, client, create_user, login):
    create_user("ira", "editor")
    login("ira")
    thief = _copied_cookie(app, client)
    assert thief.get("/staff/").status_code == 200
    other = app.test_client()
    assert (
        other.post("/login", data={"login": "ira", "password": STAFF_PASSWORD}).status_code == 302
    )
    client.post("/logout")
    assert client.get("/staff/").status_code == 302
    refused = thief.get("/staff/")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    # Logging out one browser leaves the person's other browser logged in.
    assert other.get("/staff/").status_code == 200


@pytest.mark.parametrize("change", ["password", "disable"])
def test_admin_password_change_or_disable_logs_the_user_out_everywhere(
    app, client, create_user, login, change
):
    target = create_user("ira", "editor")
    victim = app.test_client()
    assert (
        victim.post("/login", data={"login": "ira", "password": STAFF_PASSWORD}).status_code == 302
    )
    thief = _copied_cookie(app, victim)
    assert thief.get("/staff/").status_code == 200
    create_user("boss", "admin")
    login("boss")
    data = {"login": "ira", "roles": ["editor"], "is_active": "y"}
    if change == "password":
        data["password"] = "Нове-гасло-ради-2026"
    else:
        del data["is_active"]
    assert client.post(f"/staff/users/{target.id}", data=data).status_code == 302
    assert thief.get("/staff/").status_code == 302
    assert victim.get("/staff/").status_code == 302
    assert client.get("/staff/users").status_code == 200  # the admin is still in


def test_cli_disable_ends_sessions_and_reenabling_does_not_revive_them(
    app, client, create_user, login, runner
):
    create_user("ira", "editor")
    login("ira")
    thief = _copied_cookie(app, client)
    assert runner.invoke(args=["users", "disable", "ira"]).exit_code == 0
    assert thief.get("/staff/").status_code == 302
    user = services.get_user_by_login("ira")
    services.update_user(user, is_active=True)
    db.session.commit()
    assert thief.get("/staff/").status_code == 302


def test_admin_changing_own_password_stays_logged_in_here_only(app, client, create_user, login):
    boss = create_user("boss", "admin")
    login("boss")
    thief = _copied_cookie(app, client)
    data = {"login": "boss", "roles": ["admin"], "is_active": "y", "password": "Нове-гасло-2026"}
    assert client.post(f"/staff/users/{boss.id}", data=data).status_code == 302
    assert client.get("/staff/users").status_code == 200
    assert thief.get("/staff/users").status_code == 302


def test_served_logout_cookie_is_not_replayable(app_factory, database_url, tmp_path):
    app = app_factory()
    with app.app_context():
        services.create_user("ira", STAFF_PASSWORD, ["editor"])
        db.session.commit()
    with Gunicorn(database_url, tmp_path / "instance") as server:
        ira = Browser(server.url)
        assert ira.submit("/login", {"login": "ira", "password": STAFF_PASSWORD}).status == 302
        copied = [c.value for c in ira.jar if c.name == "session"][0]

        def replay():
            return Browser(server.url).get("/staff/", headers={"Cookie": f"session={copied}"})

        assert replay().status == 200
        # The logout button in the page header, as a person presses it.
        token = re.search(r'name="csrf_token" value="([^"]+)"', ira.get("/staff/").text)[1]
        assert ira.post("/logout", {"csrf_token": token}).status == 302
        assert replay().status == 302


# --- point 9: unknown logins answer alike ------------------------------------------------------


def test_unknown_and_real_logins_each_cost_one_hash_check(app, client, create_user, monkeypatch):
    create_user("ira", "editor")
    calls = []
    real = passwords.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    unknown = client.post("/login", data={"login": "nobody", "password": "wrong-guess"})
    assert len(calls) == 1
    known = client.post("/login", data={"login": "ira", "password": "wrong-guess"})
    assert len(calls) == 2
    assert calls[0] != calls[1]  # the dummy hash, then the account's own
    # The same page, but for the login typed back into the form.
    assert unknown.status_code == known.status_code == 401
    assert unknown.text.replace("nobody", "ira") == known.text


def test_unknown_logins_lock_exactly_like_real_ones(app, client, create_user):
    create_user("ira", "editor")

    def answers(login):
        out = []
        for _ in range(7):
            r = client.post("/login", data={"login": login, "password": "wrong-guess"})
            out.append((r.status_code, BAD in r.text, LOCKED in r.text))
        return out

    real, unknown = answers("ira"), answers("nobody")
    assert real == unknown
    assert [locked for *_, locked in real] == [False] * 4 + [True] * 3


def test_disabled_account_is_named_only_to_the_right_password(app, client, create_user):
    user = create_user("old", "editor")
    services.update_user(user, is_active=False)
    db.session.commit()
    wrong = client.post("/login", data={"login": "old", "password": "wrong-guess"})
    assert BAD in wrong.text and "вимкнено" not in wrong.text


# --- point 9: password rules wherever a password is set ---------------------------------------

REFUSED = [
    ("olena", ["editor"], "qwerty123456", "найпоширеніших"),
    ("olena", ["editor"], "йцукен123456", "найпоширеніших"),
    ("olena", ["editor"], "Password2026!", "найпоширеніших"),
    ("olena", ["editor"], "gfhjkm-2024", "найпоширеніших"),  # "пароль" in the Latin layout
    ("olena", ["editor"], "Olena-Nizhyn-77", "не може містити логін"),
    ("olena", ["editor"], "Ніжин-77", "щонайменше 10 символів"),
    ("olena", ["admin"], "Ніжин-ра-77", "щонайменше 12 символів"),
]


@pytest.mark.parametrize(("login_name", "roles", "password", "message"), REFUSED)
def test_users_page_refuses_weak_passwords_in_ukrainian(
    client, create_user, login, login_name, roles, password, message
):
    create_user("boss", "admin")
    login("boss")
    page = client.post(
        "/staff/users/new", data={"login": login_name, "password": password, "roles": roles}
    )
    assert page.status_code == 200 and message in page.text
    assert services.get_user_by_login(login_name) is None


def test_users_page_refuses_a_weak_new_password_for_an_existing_user(client, create_user, login):
    target = create_user("olena", "editor")
    create_user("boss", "admin")
    login("boss")
    data = {"login": "olena", "roles": ["admin"], "is_active": "y", "password": "Ніжин-ра-77"}
    page = client.post(f"/staff/users/{target.id}", data=data)
    assert page.status_code == 200 and "щонайменше 12 символів" in page.text
    db.session.expire_all()
    user = services.get_user_by_login("olena")
    assert user.check_password(STAFF_PASSWORD) and user.roles == {"editor"}


@pytest.mark.parametrize(("login_name", "roles", "password", "message"), REFUSED)
def test_cli_refuses_weak_passwords_in_ukrainian(runner, login_name, roles, password, message):
    args = ["users", "create", login_name, "--password-stdin"]
    for role in roles:
        args += ["--role", role]
    result = runner.invoke(args=args, input=password + "\n")
    assert result.exit_code != 0 and message in result.output
    assert services.get_user_by_login(login_name) is None


def test_a_good_editor_password_of_ten_characters_is_accepted(runner):
    result = runner.invoke(
        args=["users", "create", "olena", "--role", "editor", "--password-stdin"],
        input="Ріка-Остер\n",
    )
    assert result.exit_code == 0, result.output


def test_demo_accounts_obey_the_rules_and_log_in(app):
    from civic.auth.demo import DEMO_ACCOUNTS, load_demo

    printed = []
    load_demo(printed.append)
    db.session.commit()
    for login_name, password, roles, _ in DEMO_ACCOUNTS:
        services.check_password_rules(password, login=login_name, roles=roles)
        client = app.test_client()
        response = client.post("/login", data={"login": login_name, "password": password})
        assert response.status_code == 302, login_name
        assert any(login_name in line and password in line for line in printed)


def test_shipped_list_holds_thousands_including_keyboard_favourites():
    common = services.common_passwords()
    assert len(common) > 3000
    assert {"qwerty123", "йцукен", "пароль", "1q2w3e4r5t"} <= common


def test_a_session_older_than_its_lifetime_no_longer_opens_staff_pages(
    app, client, create_user, login
):
    import datetime as dt

    from civic.auth.models import StaffSession

    create_user("ira", "editor")
    login("ira")
    assert client.get("/staff/").status_code == 200
    row = db.session.scalar(select(StaffSession))
    row.created_at -= app.permanent_session_lifetime + dt.timedelta(seconds=1)
    db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_failures_spread_wider_than_the_lockout_window_do_not_add_up(app, create_user):
    import datetime as dt

    create_user("ira", "editor")
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    window = dt.timedelta(minutes=app.config["LOGIN_LOCKOUT_MINUTES"], seconds=1)
    for _ in range(4):
        services.authenticate("ira", "wrong-guess", now=start)
    db.session.commit()
    later = services.authenticate("ira", "wrong-guess", now=start + window)
    assert later.error == services.BAD_CREDENTIALS
    assert db.session.get(LoginThrottle, "ira").failures == 1
