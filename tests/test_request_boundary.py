"""The request boundary (civic.web.transaction): GETs write nothing, a refusal keeps nothing.

``test_get_requests_write_nothing`` walks every GET route of ``app.url_map`` with the demo
data loaded, as the anonymous public and as each role, and records every INSERT, UPDATE and
DELETE that reaches the database. The per-domain tests post a refused action (a
``DomainError``) and compare the row count of every table before and after.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from civic.auth.roles import ROLES
from civic.extensions import db
from tests.conftest import login_as
from tests.mail.smtp import smtp_server  # noqa: F401 (fixture)
from tests.petitions.test_views import GOOD as GOOD_PETITION

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# The one write a GET may make: the audit of a staff member reading personal data.
AUDIT_INSERT = re.compile(r"^\s*INSERT INTO audit_events\b", re.IGNORECASE)


@contextmanager
def writes():
    """The INSERT/UPDATE/DELETE statements sent to the database inside the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        if WRITE.match(statement):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def row_counts() -> dict[str, int]:
    db.session.expire_all()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def _first(model, column="id"):
    return db.session.scalar(select(getattr(model, column)).order_by(getattr(model, column)))


def _sample_values() -> dict[str, str]:
    from civic.auth.models import User
    from civic.enterprises.models import Enterprise, Upload
    from civic.mail.models import OutboxMessage
    from civic.pb.models import Discrepancy, Edition
    from civic.petitions.models import Petition
    from civic.reports.models import EntryType, JournalEntry, Occasion, ReportVersion

    closed = db.session.scalar(select(Edition.slug).where(Edition.status == "closed"))
    values = {
        "slug": closed or _first(Edition, "slug"),
        "fmt": "csv",
        "petition_id": _first(Petition),
        "edrpou": _first(Enterprise, "edrpou"),
        "upload_id": _first(Upload),
        "user_id": _first(User),
        "message_id": _first(OutboxMessage),
        "discrepancy_id": _first(Discrepancy),
        "entry_id": _first(JournalEntry),
        "version_id": _first(ReportVersion),
        "occasion_id": _first(Occasion),
        "type_id": _first(EntryType),
        "month": "2026-11",
        "table": "indicators",
        "name": "enterprises.csv",
    }
    return {name: str(value) for name, value in values.items() if value is not None}


def _get_paths(app) -> list[str]:
    values = _sample_values()
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        arguments = {name: values.get(name, "1") for name in rule.arguments}
        paths.append(rule.build(arguments, append_unknown=False)[1])
    return sorted(paths)


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    db.session.remove()


def test_get_requests_write_nothing(app, demo, create_user):
    for role in ROLES:
        create_user(f"reader-{role}", role)
    db.session.commit()
    paths = _get_paths(app)
    assert len(paths) > 40  # the walk reaches the application, not an empty map
    clients = {"anonymous": app.test_client()}
    for role in ROLES:
        clients[role] = app.test_client()
        login_as(clients[role], f"reader-{role}")
    wrong, answered = [], set()
    for who, client in clients.items():
        for path in paths:
            with writes() as seen:
                response = client.get(path)
            answered.add(response.status_code)
            others = [s.split("(")[0].strip() for s in seen if not AUDIT_INSERT.match(s)]
            if others:
                wrong.append((who, path, others))
    assert wrong == []
    assert 200 in answered


# ---------------------------------------------------------------- a refusal keeps nothing


def _refused(client, path, data, message, *, status=None, **kwargs):
    before = row_counts()
    response = client.post(path, data=data, follow_redirects=True, **kwargs)
    if status is not None:
        assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert row_counts() == before
    return response


def test_pb_refusal_keeps_nothing(app, client, create_user):
    create_user("op1", "commission")
    db.session.commit()
    login_as(client, "op1")
    _refused(
        client,
        "/staff/pb/",
        {"config": "slug = [не toml"},
        "TOML",
    )


def test_petition_refusal_keeps_nothing(app, client):
    from civic.database import utcnow
    from civic.petitions import services

    _petition, token = services.submit_petition(
        "Облаштувати пішохідний перехід біля школи № 3",
        "Просимо міську раду облаштувати безпечний перехід біля школи, бо діти щодня "
        "переходять жваву дорогу без світлофора.",
        "Автор Петиції Іванович",
        "author@example.com",
        ip="127.0.0.1",
        now=utcnow(),
    )
    db.session.commit()
    assert client.post(f"/petitions/author/{token}/confirm").status_code == 302
    # Confirmed already: the second confirmation is refused and changes nothing.
    _refused(client, f"/petitions/author/{token}/confirm", {}, "flash flash-error")


def test_report_refusal_keeps_nothing(app, client, create_user):
    create_user("ed1", "editor")
    db.session.commit()
    login_as(client, "ed1")
    from civic.reports.models import EntryType

    code = db.session.scalar(select(EntryType.code).where(EntryType.is_active.is_(True)))
    _refused(
        client,
        "/staff/journal/add",
        {"occurred_on": "2026-11-02", "type_code": code, "title": "", "count": "1"},
        "Вкажіть назву запису.",
    )


def test_calendar_refusal_keeps_nothing(app, client, create_user):
    create_user("root1", "admin")
    db.session.commit()
    login_as(client, "root1")
    day = {"day_on": "2026-05-09", "kind": "day_off", "note": "перший"}
    assert client.post("/staff/calendar/days", data=day).status_code == 302
    _refused(client, "/staff/calendar/days", {**day, "note": "другий"}, "уже оголошено", status=400)


def test_account_refusal_keeps_nothing(app, client, create_user):
    create_user("root1", "admin")
    db.session.commit()
    login_as(client, "root1")
    response = _refused(
        client,
        "/staff/users/new",
        {"login": "new-user", "full_name": "Нова Людина", "roles": ["editor"], "is_active": "y"},
        "Для нового користувача потрібен пароль.",
    )
    assert response.status_code == 200


def test_enterprise_refusal_keeps_nothing(app, client, create_user):
    import io

    create_user("ed1", "editor")
    db.session.commit()
    login_as(client, "ed1")
    _refused(
        client,
        "/staff/enterprises/import-list",
        {"file": (io.BytesIO("не таблиця\n".encode()), "list.csv")},
        "не прийнято",
        status=422,
        content_type="multipart/form-data",
    )


# ---------------------------------------------------------------- mail and flashes after a failed commit

PETITION = {**GOOD_PETITION, "step": "submit"}


@contextmanager
def failing_commits():
    """Every commit inside the block fails (as a lost database connection would)."""
    from sqlalchemy.orm import Session

    def fail(_session):
        raise RuntimeError("the commit failed")

    event.listen(Session, "before_commit", fail)
    try:
        yield
    finally:
        event.remove(Session, "before_commit", fail)


def test_mail_of_a_request_whose_commit_fails_is_not_sent(app_factory, smtp_server):  # noqa: F811
    from civic.mail.models import OutboxMessage
    from civic.mail.sender import wait_for_delivery

    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    client = app.test_client()
    with app.app_context():
        with failing_commits(), pytest.raises(RuntimeError, match="the commit failed"):
            client.post("/petitions/new", data=PETITION)
        assert wait_for_delivery(app)
        assert inbox.messages == []
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
        # The same request with a working commit sends the author's confirmation link.
        assert client.post("/petitions/new", data=PETITION).status_code == 201
        assert wait_for_delivery(app)
    assert [m["To"] for m in inbox.messages] == [PETITION["author_email"]]


def test_a_failed_commit_takes_back_the_success_message(app_factory, create_user):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        create_user("root1", "admin")
        db.session.commit()
        client = app.test_client()
        login_as(client, "root1")
        day = {"day_on": "2026-05-09", "kind": "day_off", "note": "вихідний"}
        with failing_commits():
            response = client.post("/staff/calendar/days", data=day)
        assert response.status_code == 500
        assert "Внутрішня помилка сервера" in response.get_data(as_text=True)
        page = client.get("/staff/calendar").get_data(as_text=True)
        assert "День додано до календаря." not in page
        assert "09.05.2026" not in page and "2026-05-09" not in page


def test_an_api_refusal_is_json_422(app):
    from civic.pb.services import PbError
    from civic.web import transaction

    @transaction
    def refused():
        raise PbError("Видання «x» не знайдено.", ["рядок 2: порожньо"])

    app.add_url_rule("/api/v1/test-refusal", "test_refusal", refused, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    response = app.test_client().post("/api/v1/test-refusal")
    assert response.status_code == 422
    assert response.get_json()["message"] == "Видання «x» не знайдено."
    assert response.get_json()["problems"] == ["рядок 2: порожньо"]
