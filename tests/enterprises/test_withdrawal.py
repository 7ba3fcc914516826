"""Issue 14, point 8: a wrong upload is withdrawn — kept in the history, audited, its numbers gone."""

from civic.audit.models import AuditEvent
from civic.enterprises import services
from civic.enterprises.models import Fact, Upload
from civic.extensions import db
from tests.conftest import login_as
from tests.enterprises.conftest import example
from tests.enterprises.test_views import upload


def test_a_wrong_upload_is_withdrawn_kept_and_audited(client, create_user, enterprise):
    create_user("ed", "editor", full_name="Мельник Наталія Сергіївна")
    login_as(client, "ed")
    assert upload(client, example("enterprise-form1-cp1251.csv"), "f1.csv").status_code == 200
    (accepted,) = services.list_uploads()
    assert db.session.query(Fact).filter(Fact.upload_id == accepted.id).count() > 0
    url = f"/staff/enterprises/uploads/{accepted.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Відкликати завантаження" in page and "data-confirm=" in page
    empty = client.post(f"{url}/withdraw", data={"reason": ""}, follow_redirects=True)
    assert "Вкажіть, чому завантаження відкликається." in empty.get_data(as_text=True)
    done = client.post(
        f"{url}/withdraw", data={"reason": "баланс іншого підприємства"}, follow_redirects=True
    )
    text = done.get_data(as_text=True)
    assert "відкликано" in text and "баланс іншого підприємства" in text
    db.session.expire_all()
    kept = db.session.get(Upload, accepted.id)
    assert kept.withdrawn_at is not None and not kept.is_current and kept.content
    assert db.session.query(Fact).filter(Fact.upload_id == accepted.id).count() == 0
    history = client.get("/staff/enterprises/uploads").get_data(as_text=True)
    assert "f1.csv" in history and "відкликано" in history
    event = db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "enterprises.upload_withdrawn")
    )
    assert event.details["reason"] == "баланс іншого підприємства" and event.actor_login == "ed"
    twice = client.post(f"{url}/withdraw", data={"reason": "ще раз"}, follow_redirects=True)
    assert f"Завантаження №{accepted.id} уже відкликано." in twice.get_data(as_text=True)
