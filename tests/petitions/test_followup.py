"""The follow-up of a petition's answer: a moderator records the promised action and its status,
the public petition page shows it; before an answer, for other roles or with bad input nothing is
kept."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.petitions.followup import FollowupError, check_followup
from civic.petitions.followup_models import PetitionFollowup

D = dt.date


def followups() -> int:
    return db.session.scalar(select(func.count()).select_from(PetitionFollowup))


@pytest.mark.parametrize(
    "action,status,field",
    [
        ("", "promised", "action"),
        ("x" * 1001, "promised", "action"),
        ("Зробити", "maybe", "status"),
    ],
)
def test_bad_follow_up_names_its_field(action, status, field):
    with pytest.raises(FollowupError) as refused:
        check_followup(action=action, status=status)
    assert refused.value.field == field


def test_moderator_records_the_promise_and_the_public_sees_it(client, login, answered):
    login("mod1")
    staff = client.get(f"/staff/petitions/{answered.id}").get_data(as_text=True)
    assert "Виконання відповіді" in staff
    response = client.post(
        f"/staff/petitions/{answered.id}/followup",
        data={"action": "Облаштувати перехід до 1 травня 2021 року.", "status": "in_progress"},
    )
    assert response.status_code == 302
    page = client.get(f"/petitions/{answered.id}").get_data(as_text=True)
    assert "Виконання відповіді" in page and "виконується" in page
    assert "Облаштувати перехід до 1 травня 2021 року." in page
    client.post(
        f"/staff/petitions/{answered.id}/followup",
        data={"action": "Облаштувати перехід до 1 травня 2021 року.", "status": "kept"},
    )
    assert "виконано" in client.get(f"/petitions/{answered.id}").get_data(as_text=True)
    assert followups() == 1
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "petition.followup")
    ).all()
    assert [e.details["status"] for e in events] == ["in_progress", "kept"]


def test_no_follow_up_before_an_answer(client, login, make_petition):
    petition = make_petition("collecting", on=D(2020, 9, 1))
    login("mod1")
    assert "Виконання відповіді" not in client.get(f"/staff/petitions/{petition.id}").get_data(
        as_text=True
    )
    client.post(
        f"/staff/petitions/{petition.id}/followup", data={"action": "Щось", "status": "promised"}
    )
    assert followups() == 0
    page = client.get(f"/staff/petitions/{petition.id}").get_data(as_text=True)
    assert "після оприлюднення відповіді" in page


def test_bad_input_and_other_roles_keep_nothing(client, login, create_user, answered):
    login("mod1")
    client.post(f"/staff/petitions/{answered.id}/followup", data={"action": "", "status": "kept"})
    assert followups() == 0
    client.post("/logout")
    create_user("ed", "editor", password="editor-password-2026")
    login("ed", "editor-password-2026")
    response = client.post(
        f"/staff/petitions/{answered.id}/followup", data={"action": "Так", "status": "kept"}
    )
    assert response.status_code == 403 and followups() == 0
