"""The moderators' queue: overdue marks, deadlines that follow the calendar, the edit lock that
clears, an answer form with nothing chosen for the moderator, refusal reasons read whole."""

import datetime as dt
import html
import json
import re

from civic.extensions import db
from civic.formatting import agree
from civic.petitions import lifecycle, locks, refusal_reasons, services
from civic.petitions.models import Petition
from tests.conftest import STAFF_PASSWORD
from tests.petitions.conftest import under_consideration

D = dt.date
DAYS = {"one": "день", "few": "дні", "many": "днів"}


def text(response) -> str:
    return response.get_data(as_text=True)


def row_of(page: str, petition: Petition) -> str:
    """The queue's table row that links to ``petition``."""
    link = f'href="/staff/petitions/{petition.id}"'
    return next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if link in r)


def test_overdue_items_are_marked_with_how_late(client, login, make_petition, moderators):
    today = services.today_kyiv()
    old = make_petition("moderation", on=D(2020, 11, 5))  # due six years ago
    fresh = make_petition("moderation", on=today)
    answering = under_consideration(make_petition, moderators[0])
    login("mod1")
    queue = text(client.get("/staff/petitions"))
    for late in (old, answering):
        due = late.moderation_due_on if late is old else late.answer_due_on
        days = lifecycle.days_overdue(due, today)
        assert days > 365 * 5
        assert f"прострочено на {agree(days, tuple(DAYS.values()))}" in row_of(queue, late)
    assert "прострочено" not in row_of(queue, fresh)


def test_a_declared_day_off_moves_the_deadlines_in_the_queue(
    client, login, create_user, make_petition, moderators
):
    # Confirmed on Wednesday 4 December 2030: 2 working days → Friday the 6th.
    petition = make_petition("moderation", on=D(2030, 12, 4))
    assert petition.moderation_due_on == D(2030, 12, 6)
    create_user("boss", "admin")
    login("boss")
    response = client.post(
        "/staff/calendar/days",
        data={"day_on": "2030-12-05", "kind": "day_off", "note": "Розпорядження № 1"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Petition, petition.id)
    assert moved.moderation_due_on == D(2030, 12, 9)  # what the calculator itself says
    assert moved.moderation_due_on == lifecycle.moderation_due_on(
        services.get_calendar(), D(2030, 12, 4)
    )
    assert moved.calendar_version == services.get_calendar().version
    login("mod1")
    assert "09.12.2030" in row_of(text(client.get("/staff/petitions")), moved)
    # Removing the day moves it back.
    login("boss")
    from civic.workcalendar.models import DeclaredDay

    day = db.session.scalar(db.select(DeclaredDay))
    client.post(f"/staff/calendar/days/{day.id}/delete")
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).moderation_due_on == D(2030, 12, 6)


def test_the_edit_lock_clears_when_its_holder_leaves(app, make_petition, moderators):
    petition = make_petition("moderation")
    first, second = app.test_client(), app.test_client()

    def request(client, method, url, **kwargs):
        with app.app_context():
            response = getattr(client, method)(url, **kwargs)
            return response.status_code, text(response)

    request(first, "post", "/login", data={"login": "mod1", "password": STAFF_PASSWORD})
    request(second, "post", "/login", data={"login": "mod2", "password": STAFF_PASSWORD})
    request(first, "get", f"/staff/petitions/{petition.id}")
    _, page = request(second, "get", f"/staff/petitions/{petition.id}")
    assert "зараз редагує" not in page  # showing the page takes no lock (a GET writes nothing)
    # the page, once open, takes the lock with a POST; a colleague's POST is told who holds it
    status, answer = request(first, "post", f"/staff/petitions/{petition.id}/lock")
    assert (status, json.loads(answer)) == (200, {"holder": None})
    status, answer = request(second, "post", f"/staff/petitions/{petition.id}/lock")
    assert (status, json.loads(answer)) == (200, {"holder": "Шевченко М."})
    _, page = request(second, "get", f"/staff/petitions/{petition.id}")
    assert "Петицію зараз редагує Шевченко М." in page  # no «працював(ла)», no full name
    _, queue = request(second, "get", "/staff/petitions")
    assert "Шевченко М." in row_of(queue, petition)
    # mod2 leaving does not release mod1's lock; mod1 leaving («Закрити») does.
    request(second, "post", f"/staff/petitions/{petition.id}/leave")
    _, page = request(second, "get", f"/staff/petitions/{petition.id}")
    assert "зараз редагує" in page
    status, _ = request(first, "post", f"/staff/petitions/{petition.id}/leave")
    assert status == 302
    _, page = request(first, "get", "/staff/petitions")
    assert "Шевченко М." not in row_of(page, petition)
    version = db.session.get(Petition, petition.id).version_id
    assert version == petition.version_id  # the lock never bumps the version


def test_a_stale_lock_is_not_shown_in_the_queue(client, login, make_petition, moderators):
    petition = make_petition("moderation")
    petition.locked_by_id = moderators[0].id
    petition.locked_at = services.utcnow() - dt.timedelta(minutes=locks.LOCK_MINUTES + 1)
    db.session.commit()
    login("mod2")
    assert "Шевченко" not in row_of(text(client.get("/staff/petitions")), petition)
    page = text(client.get(f"/staff/petitions/{petition.id}"))
    assert "зараз редагує" not in page


def test_answer_form_has_no_outcome_chosen_in_advance(client, login, make_petition, moderators):
    petition = under_consideration(make_petition, moderators[0])
    login("mod1")
    page = text(client.get(f"/staff/petitions/{petition.id}"))
    radios = re.findall(r'<input[^>]*name="outcome"[^>]*>', page)
    assert len(radios) == len(services.ANSWER_OUTCOMES)
    assert not [r for r in radios if "checked" in r]
    missing = client.post(
        f"/staff/petitions/{petition.id}/answer",
        data={"version": petition.version_id, "text": "Відповідь.", "answered_on": "2020-11-10"},
        follow_redirects=True,
    )
    assert "Оберіть результат розгляду." in text(missing)
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).answered_on is None  # nothing changed


def test_refusal_reasons_are_shown_whole(client, login, make_petition, moderators):
    petition = make_petition("moderation")
    login("mod1")
    page = text(client.get(f"/staff/petitions/{petition.id}"))
    radios = re.findall(
        r'<input[^>]*name="reason"[^>]*type="radio"|type="radio"[^>]*name="reason"', page
    )
    reasons = refusal_reasons.list_refusal_reasons()
    assert len(radios) == len(reasons)
    for reason in reasons:
        for part in (reason.title, reason.legal_basis, reason.public_explanation):
            assert part in html.unescape(page)
    none = client.post(
        f"/staff/petitions/{petition.id}/refuse",
        data={"version": petition.version_id, "explanation": "x"},
        follow_redirects=True,
    )
    assert "Оберіть підставу відмови." in text(none)
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).state == "moderation"


def test_restored_petition_keeps_its_fresh_clock_when_the_calendar_changes(
    make_petition, moderators, create_user
):
    admin = create_user("boss", "admin")
    petition = make_petition("moderation", on=D(2030, 11, 4))
    services.refuse_petition(
        petition, actor=moderators[0], version=None, reason_code="no_essence", today=D(2030, 11, 5)
    )
    db.session.commit()
    services.restore_petition(petition, actor=admin, version=None, today=services.today_kyiv())
    db.session.commit()
    restored_due = petition.moderation_due_on
    from civic.workcalendar import services as calendar

    calendar.declare_day(D(2030, 11, 6), "day_off")
    db.session.commit()
    assert petition.moderation_due_on == restored_due  # counted from the restoration, not 4.11
