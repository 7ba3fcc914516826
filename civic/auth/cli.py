import sys

import click
from flask.cli import AppGroup

from civic.auth import services
from civic.auth.roles import ROLES
from civic.cli_boundary import committed
from civic.errors import DomainError
from civic.extensions import db

cli = AppGroup("users", help="Облікові записи працівників.")


@cli.command("create")
@click.argument("login")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(list(ROLES)))
@click.option("--full-name", default="", help="Повне ім'я працівника.")
@click.option("--password-stdin", is_flag=True, help="Прочитати пароль зі стандартного входу.")
def create_command(login, roles, full_name, password_stdin):
    """Create a staff account with one or more roles."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Пароль", hide_input=True, confirmation_prompt=True)
    with committed(DomainError):
        user = services.create_user(login, password, roles, full_name=full_name)
    click.echo(f"Створено користувача {user.login} ({', '.join(sorted(user.roles))}).")


@cli.command("list")
def list_command():
    """List staff accounts with their roles."""
    for user in services.list_users():
        state = "активний" if user.is_active else "вимкнений"
        click.echo(f"{user.login}\t{','.join(sorted(user.roles))}\t{state}\t{user.full_name}")


def _existing_user(login: str):
    user = services.get_user_by_login(login)
    if user is None:
        raise click.ClickException(f"Користувача «{login}» не знайдено.")
    return user


@cli.command("set-roles")
@click.argument("login")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(list(ROLES)))
def set_roles_command(login, roles):
    """Replace a staff member's roles."""
    user = _existing_user(login)
    services.update_user(user, roles=roles)
    db.session.commit()
    click.echo(f"{user.login}: {', '.join(sorted(user.roles))}")


@cli.command("disable")
@click.argument("login")
def disable_command(login):
    """Disable a staff account (it can no longer log in)."""
    user = _existing_user(login)
    services.update_user(user, is_active=False)
    db.session.commit()
    click.echo(f"Користувача {user.login} вимкнено.")
