from civic.auth.models import User
from civic.extensions import db


def test_users_create_from_stdin_and_list(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Olena",
            "--role",
            "editor",
            "--role",
            "admin",
            "--full-name",
            "Олена Гук",
            "--password-stdin",
        ],
        input="secret-password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.login == "olena"))
    assert user.roles == {"editor", "admin"} and user.check_password("secret-password")
    listing = runner.invoke(args=["users", "list"])
    assert "olena\tadmin,editor\tактивний\tОлена Гук" in listing.output


def test_users_create_refuses_bad_input(runner):
    short = runner.invoke(
        args=["users", "create", "x", "--role", "editor", "--password-stdin"], input="short\n"
    )
    assert short.exit_code != 0 and "щонайменше 10 символів" in short.output
    bad_role = runner.invoke(args=["users", "create", "x", "--role", "king", "--password-stdin"])
    assert bad_role.exit_code != 0


def test_set_roles_and_disable(runner, create_user):
    create_user("ira", "editor")
    assert runner.invoke(args=["users", "set-roles", "ira", "--role", "moderator"]).exit_code == 0
    assert runner.invoke(args=["users", "disable", "ira"]).exit_code == 0
    db.session.expire_all()
    user = db.session.scalar(db.select(User).where(User.login == "ira"))
    assert user.roles == {"moderator"} and not user.is_active
    missing = runner.invoke(args=["users", "disable", "nobody"])
    assert missing.exit_code != 0 and "не знайдено" in missing.output
