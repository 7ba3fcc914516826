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


def test_a_wrong_replacement_is_undone_by_uploading_the_right_file_again(
    client, create_user, enterprise
):
    create_user("ed", "editor")
    login_as(client, "ed")
    right = example("enterprise-form1-cp1251.csv")
    assert upload(client, right, "right.csv").status_code == 200
    again = upload(client, right, "right.csv").get_data(as_text=True)
    assert "повторне завантаження відхилено" in again  # the file in force is a repeat
    (first,) = services.list_uploads()
    wrong = right.replace(b"\r\n", b"\n")  # another file (other bytes) with the same numbers
    assert upload(client, wrong, "wrong.csv").status_code == 200
    replacement = next(u for u in services.list_uploads() if u.filename == "wrong.csv")
    client.post(
        f"/staff/enterprises/uploads/{replacement.id}/withdraw", data={"reason": "не той файл"}
    )
    page = upload(client, right, "right.csv").get_data(as_text=True)
    assert "повторне завантаження відхилено" not in page
    db.session.expire_all()
    current = [u for u in services.list_uploads() if u.is_current]
    assert [u.id for u in current] == [first.id]  # the same file, back in force
    assert db.session.query(Fact).filter(Fact.upload_id == current[0].id).count() > 0


def test_a_file_back_in_force_carries_the_unit_it_was_uploaded_with_this_time(
    client, create_user, enterprise
):
    create_user("ed", "editor")
    login_as(client, "ed")
    right = example("enterprise-form1-cp1251.csv")
    assert upload(client, right, "right.csv", unit="грн").status_code == 200
    assert upload(client, right.replace(b"\r\n", b"\n"), "wrong.csv").status_code == 200
    replacement = next(u for u in services.list_uploads() if u.filename == "wrong.csv")
    client.post(
        f"/staff/enterprises/uploads/{replacement.id}/withdraw", data={"reason": "не той файл"}
    )
    assert upload(client, right, "right.csv", unit="тис. грн").status_code == 200
    db.session.expire_all()
    (current,) = [u for u in services.list_uploads() if u.is_current]
    units = {f.unit for f in db.session.query(Fact).filter(Fact.upload_id == current.id)}
    assert units == {current.unit} == {"тис. грн"}  # the upload says what its numbers are in
