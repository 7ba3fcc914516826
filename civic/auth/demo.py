"""Demo staff accounts: one per role, plus a second operator and moderator for double checks."""

from civic.auth import services

# Demo passwords are public by design (README); never load the demo on a production database.
DEMO_ACCOUNTS = (
    ("admin", "demo-admin", ("admin",), "Адміністратор системи"),
    ("head", "demo-head", ("editor", "admin"), "Гук Олена Олександрівна"),
    ("commission", "demo-commission", ("commission",), "Коваленко Ірина Петрівна"),
    ("commission2", "demo-commission2", ("commission",), "Бондар Андрій Іванович"),
    ("commission3", "demo-commission3", ("commission",), "Лисенко Тетяна Григорівна"),
    ("moderator", "demo-moderator", ("moderator",), "Шевченко Марія Василівна"),
    ("moderator2", "demo-moderator2", ("moderator",), "Ткаченко Олег Миколайович"),
    ("editor", "demo-editor", ("editor",), "Мельник Наталія Сергіївна"),
)


def load_demo(echo) -> None:
    for login, password, roles, name in DEMO_ACCOUNTS:
        if services.get_user_by_login(login) is None:
            services.create_user(login, password, roles, full_name=name)
    echo("Демо-облікові записи (логін / пароль / ролі):")
    for login, password, roles, _ in DEMO_ACCOUNTS:
        echo(f"  {login:<12} {password:<18} {', '.join(roles)}")
