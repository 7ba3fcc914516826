"""The editable calendar: services, the admin page and ``civic workdays``."""

import datetime as dt

import pytest
from markupsafe import escape

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.workcalendar import services
from civic.workcalendar.models import DeclaredDay, MartialLawPeriod
from tests.conftest import STAFF_PASSWORD

D = dt.date


def test_migration_seeds_martial_law_and_holidays_are_working(app):
    periods = services.list_martial_law_periods()
    assert [(p.starts_on, p.holidays_working_from, p.ends_on) for p in periods] == [
        (D(2022, 2, 24), D(2022, 3, 24), None)
    ]
    from civic import workdays

    calendar = services.get_calendar()
    assert workdays.is_working_day(calendar, D(2024, 5, 1))
    assert not workdays.is_working_day(calendar, D(2020, 1, 6))


def test_declaring_a_day_changes_deadlines_and_version(app):
    before = services.get_calendar()
    services.declare_day(D(2024, 5, 2), "day_off", "Рішення виконкому № 1")
    db.session.commit()
    after = services.get_calendar()
    assert after.version != before.version
    from civic import workdays

    assert workdays.add_working_days(after, D(2024, 5, 1), 1) == D(2024, 5, 3)
    with pytest.raises(services.CalendarError, match="уже оголошено"):
        services.declare_day(D(2024, 5, 2), "working_day")


def test_cli_add(runner):
    result = runner.invoke(args=["workdays", "add", "2020-12-30", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2021-01-04"
    saturday = runner.invoke(args=["workdays", "add", "2020-01-10", "1"])
    assert saturday.output.strip() == "2020-01-11"
    typed = runner.invoke(args=["workdays", "add", "30.12.2020", "2"])  # as the pages print it
    assert typed.output.strip() == "2021-01-04"


def test_cli_rejects_bad_input(runner):
    bad = runner.invoke(args=["workdays", "add", "31.02.2020", "2"])
    assert bad.exit_code != 0 and "31.02.2020 — такої дати не існує" in bad.output
    garbled = runner.invoke(args=["workdays", "add", "вчора", "2"])
    assert garbled.exit_code != 0 and "ДД.ММ.РРРР або РРРР-ММ-ДД" in garbled.output
    negative = runner.invoke(args=["workdays", "add", "2020-01-10", "-1"])
    assert negative.exit_code != 0


def test_cli_check(runner):
    result = runner.invoke(args=["workdays", "check", "2024-05-01"])
    assert "робочий" in result.output and "версія" in result.output


@pytest.mark.parametrize(
    ("role", "status"), [(None, 302), ("moderator", 403), ("editor", 403), ("admin", 200)]
)
def test_calendar_page_permissions(client, create_user, login, role, status):
    if role:
        create_user("user1", role)
        login("user1")
    response = client.get("/staff/calendar")
    assert response.status_code == status
    if status == 302:
        assert "/login" in response.headers["Location"]


def test_admin_adds_and_removes_day_and_period(client, create_user, login):
    create_user("boss", "admin")
    login("boss")
    page = client.get("/staff/calendar?start=2020-12-30&n=2")
    assert "04.01.2021" in page.get_data(as_text=True)
    response = client.post(
        "/staff/calendar/days", data={"day_on": "2025-05-02", "kind": "day_off", "note": "тест"}
    )
    assert response.status_code == 302
    row = db.session.scalar(db.select(DeclaredDay))
    assert row.day_on == D(2025, 5, 2)
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "workcalendar.day_declared")
    )
    bad = client.post("/staff/calendar/days", data={"day_on": "2025-02-31", "kind": "day_off"})
    assert bad.status_code == 400 and "2025-02-31 — такої дати не існує" in bad.get_data(
        as_text=True
    )
    assert client.post(f"/staff/calendar/days/{row.id}/delete").status_code == 302
    assert db.session.scalar(db.select(DeclaredDay)) is None

    added = client.post(
        "/staff/calendar/periods",
        data={"starts_on": "2014-04-14", "ends_on": "2014-04-01", "note": "АТО"},
    )
    assert added.status_code == 400
    assert "раніше за його початок" in added.get_data(as_text=True)
    period = services.list_martial_law_periods()[0]
    ended = client.post(f"/staff/calendar/periods/{period.id}/end", data={"ends_on": "2030-01-01"})
    assert ended.status_code == 302
    db.session.expire_all()
    assert db.session.get(MartialLawPeriod, period.id).ends_on == D(2030, 1, 1)
    assert client.post(f"/staff/calendar/periods/{period.id}/delete").status_code == 302
    assert services.list_martial_law_periods() == []


def test_calendar_form_needs_csrf(app_factory, create_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        create_user("boss", "admin")
        client = app.test_client()
        page = client.get("/login")
        assert page.status_code == 200
        import re

        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
        client.post(
            "/login", data={"login": "boss", "password": STAFF_PASSWORD, "csrf_token": token[1]}
        )
        response = client.post(
            "/staff/calendar/days", data={"day_on": "2025-05-02", "kind": "day_off"}
        )
        assert response.status_code == 400
        assert "CSRF" in response.get_data(as_text=True)
        assert db.session.scalar(db.select(DeclaredDay)) is None


@pytest.mark.parametrize(
    ("typed", "day", "message"),
    [
        ("02.05.2025", D(2025, 5, 2), None),  # typed as the pages print dates
        ("2.5.2025", D(2025, 5, 2), None),
        ("2025-05-02", D(2025, 5, 2), None),  # what a browser's date input sends
        ("31.02.2025", None, "Поле «Дата»: 31.02.2025 — такої дати не існує."),
        ("вчора", None, "Поле «Дата»: «вчора» — не дата (очікувалося ДД.ММ.РРРР або РРРР-ММ-ДД)."),
    ],
)
def test_dates_are_read_as_typed_or_refused_in_ukrainian(
    client, create_user, login, typed, day, message
):
    create_user("boss", "admin")
    login("boss")
    response = client.post("/staff/calendar/days", data={"day_on": typed, "kind": "day_off"})
    row = db.session.scalar(db.select(DeclaredDay))
    if message is None:
        assert response.status_code == 302 and row.day_on == day
    else:
        assert response.status_code == 400 and row is None
        assert escape(message) in response.get_data(as_text=True)
