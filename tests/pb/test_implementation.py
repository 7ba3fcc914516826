"""What became of the winners: the commission records status, % done, money spent and dated
milestones with photos; the public page, open data (CSV/JSON), the audit log and the monthly
report show them; bad input and hostile files change nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.pb import implementation_services as implementation
from civic.pb import imports, services
from civic.pb.implementation import ImplementationError, check_progress
from civic.pb.implementation_models import Implementation, Milestone
from tests.test_photos import gps_exif, photo, png_claiming

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SLUG = "gb-2021"
TODAY = dt.date(2021, 10, 1)


@pytest.fixture
def closed(closed):
    """The pb conftest's closed example edition, which has winners to implement."""
    assert closed.result["selected"]
    return closed


@pytest.fixture
def commission(create_user, login):
    create_user("counter", "commission", password="counting-member-2026")
    login("counter", "counting-member-2026")


def winner_codes(edition) -> list[str]:
    return list(edition.result["selected"])


def post_progress(client, code, **fields):
    data = {f"p-{code}-{k}": v for k, v in {"percent_done": "0", **fields}.items()}
    return client.post(f"/staff/pb/{SLUG}/implementation/{code}", data=data)


def post_milestone(
    client, code, *, on="12.05.2021", text="Укладено договір", photo_bytes=None, name="site.jpg"
):
    data = {f"m-{code}-happened_on": on, f"m-{code}-text": text}
    if photo_bytes is not None:
        data[f"m-{code}-photo"] = (io.BytesIO(photo_bytes), name)
    return client.post(
        f"/staff/pb/{SLUG}/implementation/{code}/milestones",
        data=data,
        content_type="multipart/form-data",
    )


def flashed(client) -> str:
    return client.get(f"/staff/pb/{SLUG}/implementation").get_data(as_text=True)


# ---------------------------------------------------------------- the pure checks


@pytest.mark.parametrize(
    "fields,field",
    [
        ({"status": "built"}, "status"),
        ({"status": "works", "percent_done": 101}, "percent_done"),
        ({"status": "works", "percent_done": -1}, "percent_done"),
        ({"status": "works", "spent": "-5"}, "spent"),
        ({"status": "works", "spent": "12.345"}, "spent"),
        ({"status": "works", "spent": "багато"}, "spent"),
        ({"status": "works", "spent": "NaN"}, "spent"),
        ({"status": "works", "spent": "1e30"}, "spent"),
        ({"status": "works", "spent": "1e12"}, "spent"),
        ({"status": "cancelled", "cancel_reason": "  "}, "cancel_reason"),
        ({"status": "done", "percent_done": 90}, "percent_done"),
        ({"status": "done", "percent_done": 100, "done_on": TODAY + dt.timedelta(1)}, "done_on"),
    ],
)
def test_a_bad_update_names_its_field(fields, field):
    with pytest.raises(ImplementationError) as refused:
        check_progress(**{"percent_done": 0, "spent": "0", **fields}, today=TODAY)
    assert refused.value.field == field and refused.value.message


def test_done_defaults_to_today_and_other_states_carry_no_date_or_reason():
    done = check_progress(status="done", percent_done=100, spent="1 000,50", today=TODAY)
    assert done.done_on == TODAY and str(done.spent) == "1000.50"
    works = check_progress(
        status="works", percent_done=40, spent="", cancel_reason="x", done_on=TODAY, today=TODAY
    )
    assert works.done_on is None and works.cancel_reason == "" and works.spent == 0


# ---------------------------------------------------------------- the staff page


def test_commission_records_progress_and_milestones_shown_to_the_public(client, closed, commission):
    code = winner_codes(closed)[0]
    page = client.get(f"/staff/pb/{SLUG}/implementation")
    assert page.status_code == 200 and code in page.get_data(as_text=True)
    response = post_progress(client, code, status="works", percent_done="40", spent="125000.00")
    assert response.status_code == 302
    assert (
        post_milestone(client, code, photo_bytes=photo("JPEG", exif=gps_exif())).status_code == 302
    )

    public = client.get(f"/pb/{SLUG}").get_data(as_text=True).replace("\xa0", " ")
    assert "Що стало з переможцями" in public and "тривають роботи" in public
    assert (
        "40 %" in public
        and "125 000,00" in public
        and "12.05.2021</time> — Укладено договір" in public
    )
    (milestone,) = db.session.scalars(select(Milestone)).all()
    src = f"/pb/{SLUG}/milestones/{milestone.id}.jpg"
    assert f'src="{src}"' in public and 'alt="Фото: Укладено договір"' in public
    served = client.get(src)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    kept = Image.open(io.BytesIO(served.data))
    assert not kept.getexif() and b"PhoneMaker" not in served.data
    for other in ("png", "peg", "g", "JPG"):
        assert client.get(f"/pb/{SLUG}/milestones/{milestone.id}.{other}").status_code == 404

    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == ["pb.implementation_updated", "pb.milestone_added"]


def test_open_data_lists_every_winner_with_its_implementation(client, closed, commission):
    code = winner_codes(closed)[0]
    post_progress(
        client, code, status="done", percent_done="100", spent="=1+1", done_on="20.09.2021"
    )
    refused = flashed(client)
    assert "Витрачено" in refused  # a formula is not a sum of money
    post_progress(
        client, code, status="done", percent_done="100", spent="1000", done_on="20.09.2021"
    )
    post_milestone(client, code, on="20.09.2021", text='=HYPERLINK("http://x")')
    data = json.loads(client.get(f"/pb/{SLUG}/implementation.json").data)
    assert [row["code"] for row in data["items"]] == winner_codes(closed)
    first = data["items"][0]
    assert first["status"] == "done" and first["done_on"] == "2021-09-20"
    assert first["spent"] == "1000.00" and first["milestones"][0]["on"] == "2021-09-20"
    assert all(row["status"] == "" for row in data["items"][1:])
    csv = client.get(f"/pb/{SLUG}/implementation.csv")
    text = csv.data.decode("utf-8-sig")
    assert csv.mimetype == "text/csv" and text.splitlines()[0].startswith("edition,code,title")
    assert "2021-09-20: =HYPERLINK" in text  # inside the cell, not at its start: harmless


@pytest.mark.parametrize(
    "content,name",
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "site.jpg"),
        (b"<html><script>alert(1)</script></html>", "photo.png"),
        (png_claiming(60_000, 60_000), "bomb.png"),
        (photo("GIF"), "anim.webp"),
    ],
    ids=["svg-as-jpg", "html-as-png", "png-bomb", "gif-as-webp"],
)
def test_a_hostile_photo_changes_nothing(client, closed, commission, content, name):
    code = winner_codes(closed)[0]
    post_progress(client, code, status="works", percent_done="10")
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    response = post_milestone(client, code, photo_bytes=content, name=name)
    assert response.status_code == 302
    page = flashed(client)
    assert "JPEG, PNG чи WebP" in page or "забагато пікселів" in page
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_refusals_are_ukrainian_and_keep_nothing(client, closed, commission):
    code = winner_codes(closed)[0]
    post_milestone(client, code)
    assert "Спершу вкажіть стан реалізації" in flashed(client)
    post_progress(client, code, status="cancelled", percent_done="0")
    assert "Вкажіть причину скасування" in flashed(client)
    post_progress(client, "НЕМАЄ", status="works", percent_done="5")
    assert "не є переможцем" in flashed(client)
    post_progress(client, code, status="works", percent_done="500")
    assert db.session.scalar(select(func.count()).select_from(Implementation)) == 0
    post_progress(client, code, status="works", percent_done="5")
    post_milestone(client, code, on="01.01.2099")
    assert "не може бути в майбутньому" in flashed(client)
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0


def test_a_stale_form_does_not_overwrite_a_colleague(client, closed, commission):
    code = winner_codes(closed)[0]
    post_progress(client, code, status="works", percent_done="10", version="0")
    post_progress(client, code, status="works", percent_done="20", version="0")
    assert "щойно змінив інший працівник" in flashed(client)  # a form from before the record
    (row,) = db.session.scalars(select(Implementation)).all()
    assert row.percent_done == 10
    seen = str(row.version)
    post_progress(client, code, status="works", percent_done="30", version=seen)
    post_progress(client, code, status="works", percent_done="90", version=seen)
    assert "щойно змінив інший працівник" in flashed(client)
    db.session.expire_all()
    assert db.session.get(Implementation, row.id).percent_done == 30


def test_an_edition_still_counting_has_no_implementation(app, client, commission):
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    db.session.commit()
    with pytest.raises(ImplementationError, match="після закриття підрахунку"):
        implementation.record_progress(
            edition, "М-01", status="works", percent_done=1, spent="0", today=TODAY
        )
    assert client.get(f"/pb/{SLUG}/implementation.json").status_code == 404


@pytest.mark.parametrize("role", [None, "moderator", "editor"])
def test_only_the_commission_records_implementation(client, closed, create_user, login, role):
    if role:
        create_user(f"u-{role}", role, password="some-long-password-2026")
        login(f"u-{role}", "some-long-password-2026")
    code = winner_codes(closed)[0]
    page = client.get(f"/staff/pb/{SLUG}/implementation")
    response = post_progress(client, code, status="works", percent_done="10")
    assert page.status_code == response.status_code == (403 if role else 302)
    if not role:
        assert "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count()).select_from(Implementation)) == 0


def test_the_monthly_report_of_a_month_with_milestones_says_so(client, closed, commission):
    from civic.pb.stats import monthly_statistics
    from civic.reports.sentences import PbImplementation, pb_implementation_sentence

    first, second = winner_codes(closed)[:2]
    post_progress(client, first, status="done", percent_done="100", done_on="24.09.2021")
    post_progress(client, second, status="works", percent_done="50")
    post_milestone(client, first, on="24.09.2021", text="Встановлено обладнання")
    post_milestone(client, second, on="03.09.2021", text="Змонтовано каркас")
    post_milestone(client, second, on="03.10.2021", text="Пофарбовано")
    stats = monthly_statistics(dt.date(2021, 9, 1), dt.date(2021, 9, 30))["implementation"]
    text = pb_implementation_sentence(PbImplementation.from_dict(stats))
    titles = {p.code: p.title for p in services.list_projects(closed)}
    assert text.startswith(f"Реалізовано 1 проєкт громадського бюджету: «{titles[first]}».")
    assert "Триває реалізація 1 проєкту." in text
    assert "зафіксовано 2 етапи реалізації" in text and "— змонтовано каркас (03.09.2021)" in text
    quiet = monthly_statistics(dt.date(2021, 8, 1), dt.date(2021, 8, 31))["implementation"]
    assert pb_implementation_sentence(PbImplementation.from_dict(quiet)) == ""


def test_a_photo_over_the_limit_is_refused_with_its_real_size(client, closed, commission):
    """The view reads at most the limit and one byte; the refusal still tells the file's size."""
    code = winner_codes(closed)[0]
    post_progress(client, code, status="works", percent_done="10")
    big = photo("JPEG") + b"\x00" * (12 * 1024 * 1024)
    # Encoded in memory: werkzeug's builder leaves a temporary file open over 500 KB.
    upload = FileStorage(io.BytesIO(big), "big.jpg", content_type="image/jpeg")
    fields = {
        f"m-{code}-happened_on": "12.05.2021",
        f"m-{code}-text": "Етап",
        f"m-{code}-photo": upload,
    }
    boundary, body = encode_multipart(fields)
    client.post(
        f"/staff/pb/{SLUG}/implementation/{code}/milestones",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
    )
    assert "Фото завелике: 12,0 МБ, можна до 8 МБ." in flashed(client)
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0


def test_the_update_time_is_the_council_clock(app, closed, monkeypatch):
    moment = dt.datetime(2021, 10, 1, 9, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("civic.database.utcnow", lambda: moment)
    code = winner_codes(closed)[0]
    row = implementation.record_progress(
        closed, code, status="works", percent_done=10, spent="0", today=TODAY
    )
    assert row.updated_at.replace(tzinfo=dt.UTC) == moment


def test_a_sum_too_large_for_the_column_is_refused_not_a_server_error(client, closed, commission):
    code = winner_codes(closed)[0]
    for spent in ("1e30", "99999999999999999999"):
        response = post_progress(client, code, status="works", percent_done="5", spent=spent)
        assert response.status_code == 302
        assert "Витрачено: сума завелика" in flashed(client)
    assert db.session.scalar(select(func.count()).select_from(Implementation)) == 0
