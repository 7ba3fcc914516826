"""Demo staff accounts: one per role, plus a second operator and moderator for double checks."""

from civic.auth import services

# Demo passwords are public by design (README); never load the demo on a production database.
# They obey the password rules (civic.auth.passwords): no login inside, 12+ characters for admins.
DEMO_ACCOUNTS = (
    ("admin", "demo-root-2026", ("admin",), "Адміністратор системи"),
    ("head", "demo-chief-2026", ("editor", "admin"), "Гук Олена Олександрівна"),
    ("commission", "demo-count-2026", ("commission",), "Коваленко Ірина Петрівна"),
    ("commission2", "demo-count2-2026", ("commission",), "Бондар Андрій Іванович"),
    ("commission3", "demo-resolve-2026", ("commission",), "Лисенко Тетяна Григорівна"),
    ("moderator", "demo-petition-2026", ("moderator",), "Шевченко Марія Василівна"),
    ("moderator2", "demo-petition2-2026", ("moderator",), "Ткаченко Олег Миколайович"),
    ("editor", "demo-report-2026", ("editor",), "Мельник Наталія Сергіївна"),
)

# The verbs' gender in the audit log's sentences («Модератор Шевченко М. В. оприлюднила …»).
DEMO_GENDERS = {
    "head": "f",
    "commission": "f",
    "commission2": "m",
    "commission3": "f",
    "moderator": "f",
    "moderator2": "m",
    "editor": "f",
}


def demo_password(login: str) -> str:
    return next(password for name, password, *_ in DEMO_ACCOUNTS if name == login)


def load_demo(echo) -> None:
    for login, password, roles, name in DEMO_ACCOUNTS:
        if services.get_user_by_login(login) is None:
            services.create_user(
                login, password, roles, full_name=name, gender=DEMO_GENDERS.get(login, "")
            )
    echo("Демо-облікові записи (логін / пароль / ролі):")
    for login, password, roles, _ in DEMO_ACCOUNTS:
        echo(f"  {login:<12} {password:<20} {', '.join(roles)}")
