"""Issue 14, point 10: the audit page and a petition's history read as sentences."""

import datetime as dt
import re

from civic.audit.models import AuditEvent
from civic.audit.services import record_event
from civic.extensions import db


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def events_text(response) -> str:
    """The list of events only (the filters' lists name every kind of action)."""
    html = response.get_data(as_text=True)
    start = html.index('<ol class="events"')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[start : html.index("</ol>", start)]))


def propose_refusal(client, login, petition):
    login("mod1")
    client.get(f"/staff/petitions/{petition.id}")  # a view of the author's e-mail
    response = client.post(
        f"/staff/petitions/{petition.id}/refuse",
        data={"reason": "hate", "explanation": "", "version": petition.version_id},
    )
    assert response.status_code == 302


def test_the_audit_log_reads_as_sentences_with_names_and_links(
    client, create_user, login, make_petition, moderators
):
    moderators[0].gender = "f"
    db.session.commit()
    petition = make_petition("moderation")
    propose_refusal(client, login, petition)
    create_user("root", "admin", full_name="Адміністратор системи")
    client.post("/logout")
    login("root")
    html = client.get("/staff/audit").get_data(as_text=True)
    text = events_text(client.get("/staff/audit"))
    assert (
        f"Модератор Шевченко Марія запропонувала відмову в оприлюдненні петиції № {petition.id}."
        in text
    )
    assert f'href="/staff/petitions/{petition.id}"' in html
    assert "на модерації (відмова чекає другого модератора)" in text
    assert "\\u04" not in html and "petition.refusal_proposed" not in text
    assert "user 1" not in text
    # The view of the author's e-mail is not among the actions; it has a tab of its own.
    assert "переглянула e-mail автора" not in text
    views = events_text(client.get("/staff/audit?kind=views"))
    assert f"Модератор Шевченко Марія переглянула e-mail автора петиції № {petition.id}" in views, (
        views
    )
    assert "запропонувала відмову" not in views


def test_the_audit_log_filters_by_person_object_and_date(
    client, create_user, login, make_petition, moderators
):
    first, second = make_petition("moderation"), make_petition("moderation")
    propose_refusal(client, login, first)
    client.post("/logout")
    login("mod2")
    client.post(f"/staff/petitions/{second.id}/publish", data={"version": second.version_id})
    admin = create_user("root", "admin")
    client.post("/logout")
    login("root")
    by_person = events_text(client.get(f"/staff/audit?actor={moderators[1].id}"))
    assert f"оприлюднено петицію № {second.id}" in by_person
    assert "запропоновано відмову" not in by_person
    by_object = events_text(client.get(f"/staff/audit?object_type=petition&object_id={first.id}"))
    assert f"петиції № {first.id}" in by_object and f"№ {second.id}." not in by_object
    today = dt.datetime.now(dt.UTC).date()
    tomorrow = (today + dt.timedelta(days=2)).strftime("%d.%m.%Y")
    later = page_text(client.get(f"/staff/audit?since={tomorrow}"))
    assert "Знайдено записів: 0." in later
    bad = page_text(client.get("/staff/audit?since=31.02.2020"))
    assert "31.02.2020 — такої дати не існує." in bad
    assert admin.id  # the admin's own login is an action too
    assert "увійшов" not in events_text(client.get("/staff/audit?action=auth.login&actor=999"))


def test_a_petitions_history_reads_as_sentences(client, login, make_petition, moderators):
    moderators[0].gender = "f"
    db.session.commit()
    petition = make_petition("moderation")
    propose_refusal(client, login, petition)
    text = page_text(client.get(f"/staff/petitions/{petition.id}"))
    history = text[text.index("Історія") :]
    assert "Модератор Шевченко Марія запропонувала відмову в оприлюдненні петиції" in history
    assert "petition.refusal_proposed" not in history and '{"state"' not in history


def test_an_unknown_action_is_still_a_ukrainian_sentence(client, create_user, login):
    create_user("root", "admin")
    record_event("future.thing", object_type="x", object_id="1", details={"ключ": "значення"})
    db.session.commit()
    login("root")
    text = events_text(client.get("/staff/audit?kind=all"))
    assert "Дія «future.thing» 1." in text
    assert "ключ значення" in text
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) >= 1
