from civic.audit.models import AuditEvent
from civic.auth.models import User
from civic.extensions import db
from tests.support.chosen import chosen


def _user(login):
    return db.session.scalar(db.select(User).where(User.login == login))


def test_admin_creates_user_with_roles(client, create_user, login):
    create_user("boss", "admin")
    login("boss")
    response = client.post(
        "/staff/users/new",
        data={
            "login": "op1",
            "full_name": "Оператор Один",
            "password": "long-password",
            "roles": ["commission", "editor"],
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    user = _user("op1")
    assert user.roles == {"commission", "editor"}
    assert user.check_password("long-password")
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert any(e.details["login"] == "op1" for e in events)


def test_duplicate_login_and_short_password_are_explained(client, create_user, login):
    create_user("boss", "admin")
    login("boss")
    dup = client.post("/staff/users/new", data={"login": "boss", "password": "long-password"})
    assert "уже існує" in dup.get_data(as_text=True)
    short = client.post("/staff/users/new", data={"login": "new", "password": "short"})
    assert "щонайменше 10 символів" in short.get_data(as_text=True)
    assert _user("new") is None


def test_admin_rerolls_and_disables_user(client, create_user, login):
    create_user("boss", "admin")
    target = create_user("mod", "moderator")
    login("boss")
    response = client.post(
        f"/staff/users/{target.id}",
        data={"login": "mod", "full_name": "Модератор", "roles": ["editor"]},
    )
    assert response.status_code == 302
    db.session.expire_all()
    user = _user("mod")
    assert user.roles == {"editor"} and user.is_active is False


def test_admin_cannot_demote_self(client, create_user, login):
    boss = create_user("boss", "admin")
    login("boss")
    response = client.post(
        f"/staff/users/{boss.id}", data={"login": "boss", "roles": ["editor"], "is_active": "y"}
    )
    assert response.status_code == 200
    assert "Не можна забрати" in response.get_data(as_text=True)


def test_unknown_user_is_404(client, create_user, login):
    create_user("boss", "admin")
    login("boss")
    assert client.get("/staff/users/9999").status_code == 404


def test_edit_page_shows_the_users_roles_checked(client, create_user, login):
    create_user("boss", "admin")
    target = create_user("two", "moderator", "editor")
    login("boss")
    page = client.get(f"/staff/users/{target.id}").get_data(as_text=True)
    assert chosen(page)["roles"] == {"moderator", "editor"}
