"""HTTP: public results and API, staff pages per role, CSRF, uploads, the entry page."""

import io
import re
from pathlib import Path

import pytest

from civic.extensions import db
from civic.pb import double_entry, services
from tests.conftest import STAFF_PASSWORD

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SLUG = "gb-2021"


STAFF_GET = [
    "/staff/pb/",
    f"/staff/pb/{SLUG}",
    f"/staff/pb/{SLUG}/settings",
    f"/staff/pb/{SLUG}/projects",
    f"/staff/pb/{SLUG}/entry",
    f"/staff/pb/{SLUG}/discrepancies",
    f"/staff/pb/{SLUG}/ballots/import",
    f"/staff/pb/{SLUG}/ballots",
    f"/staff/pb/{SLUG}/export/csv",
]
STAFF_POST = [f"/staff/pb/{SLUG}/tally", f"/staff/pb/{SLUG}/close", f"/staff/pb/{SLUG}/reopen"]


@pytest.mark.parametrize("url", STAFF_GET + STAFF_POST)
def test_staff_pages_need_the_commission_role(client, edition, create_user, login, url):
    method = client.post if url in STAFF_POST else client.get
    anonymous = method(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    create_user("ed", "editor")
    login("ed")
    assert method(url).status_code == 403


@pytest.mark.parametrize("url", STAFF_GET)
def test_staff_pages_open_for_commission_and_admin(client, closed, create_user, login, url):
    create_user("member", "commission")
    create_user("boss", "admin")
    login("member")
    assert client.get(url).status_code == 200
    client.post("/logout")
    login("boss")
    assert client.get(url).status_code == 200


def test_public_results_page_api_and_downloads(client, closed):
    page = client.get(f"/pb/{SLUG}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "WORKOUT – смуга перешкод" in html and closed.digest in html
    assert "style=" not in html and "<script>" not in html
    assert "Метод рівних часток" in html
    api = client.get(f"/api/v1/pb/{SLUG}/results")
    assert api.status_code == 200 and api.get_json()["digest"] == closed.digest
    assert client.get("/pb/").status_code == 200
    for fmt in ("csv", "xlsx", "json", "pb", "pdf"):
        response = client.get(f"/pb/{SLUG}/results.{fmt}")
        assert response.status_code == 200 and response.data
    assert client.get(f"/pb/{SLUG}/results.exe").status_code == 404
    assert "Громадський бюджет" in client.get("/").get_data(as_text=True)
    assert "/api/v1/pb/" in client.get("/open-data").get_data(as_text=True)


def test_the_results_page_shows_the_digest_short_with_a_copy_button(client, closed):
    html = client.get(f"/pb/{SLUG}").get_data(as_text=True)
    visible = re.sub(r"<[^>]+>", "", html)
    assert closed.digest not in visible  # never the raw 64 characters in the text
    assert f"<code>{closed.digest[:12]}…</code>" in html
    assert f'data-copy="{closed.digest}"' in html and "js/copy.js" in html


def test_unclosed_editions_say_why_and_unknown_ones_are_404(client, edition):
    from civic.pb.publication import NOTICE

    page = client.get(f"/pb/{SLUG}")
    assert page.status_code == 200 and NOTICE in page.get_data(as_text=True)
    assert client.get(f"/api/v1/pb/{SLUG}/results").get_json()["published"] is False
    assert client.get(f"/pb/{SLUG}/results.csv").status_code == 404
    assert client.get("/pb/none").status_code == 404
    assert client.get("/api/v1/pb/none/results").get_json()["status"] == 404


def test_entry_page_two_operators_and_the_discrepancy_queue(
    app, client, edition, create_user, login
):
    create_user("op1", "commission")
    create_user("op2", "commission")
    create_user("chair", "commission")
    fields = {
        "batch": "3",
        "number": "5",
        "cast_on": "10.11.2020",
        "full_name": "Бондар Олег",
        "birth_date": "05.05.1975",
        "document": "ВК 778899",
        "settlement": "Ніжин",
        "address": "вул. Шевченка, 2",
        "projects": "М-01, В-01",
    }
    login("op1")
    first = client.post(f"/staff/pb/{SLUG}/entry", data=fields)
    assert first.status_code == 302 and "batch=3" in first.headers["Location"]
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "перше введення збережено" in page and 'value="3"' in page and "js/pb.js" in page
    again = client.post(f"/staff/pb/{SLUG}/entry", data=fields, follow_redirects=True)
    assert "інший член комісії" in again.get_data(as_text=True)
    client.post("/logout")
    login("op2")
    bad_date = client.post(f"/staff/pb/{SLUG}/entry", data={**fields, "birth_date": "31.02.1975"})
    assert "31.02.1975 — такої дати не існує" in bad_date.get_data(as_text=True)
    differ = client.post(
        f"/staff/pb/{SLUG}/entry", data={**fields, "projects": "М-04, В-01"}, follow_redirects=True
    )
    body = differ.get_data(as_text=True)
    assert "розходяться" in body, body[body.find('class="flash') :][:400]
    queue = client.get(f"/staff/pb/{SLUG}/discrepancies").get_data(as_text=True)
    assert "3/5" in queue
    (discrepancy,) = services.list_discrepancies(edition)
    url = f"/staff/pb/{SLUG}/discrepancies/{discrepancy.id}"
    assert "ВК 778899" not in client.get(url).get_data(as_text=True)  # documents are masked
    from sqlalchemy import select

    from civic.audit.models import AuditEvent

    viewed = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "pb.personal_data_viewed")
    )
    assert viewed.actor_login == "op2"
    client.post("/logout")
    login("chair")  # typed neither copy
    done = client.post(
        url, data={"choice_projects": "2", "note": "На бланку М-04"}, follow_redirects=True
    )
    assert "рішення записано" in done.get_data(as_text=True)
    assert services.list_discrepancies(edition, resolved=True)[0].resolved_by.login == "chair"


def _typed_twice_differently(edition, create_user):
    """Batch 4, form 9: op1 typed copy 1 with М-01, op2 copy 2 with М-04."""
    import datetime as dt

    op1, op2 = create_user("op1", "commission"), create_user("op2", "commission")
    data = {
        "batch": "4",
        "number": "9",
        "cast_on": dt.date(2020, 11, 10),
        "full_name": "Бондар Олег",
        "birth_date": dt.date(1975, 5, 5),
        "document": "ВК 778899",
        "settlement": "Ніжин",
        "address": "вул. Шевченка, 2",
        "projects": "М-01, В-01",
    }
    double_entry.record_entry(edition, op1, double_entry.EntryData(**data))
    double_entry.record_entry(
        edition, op2, double_entry.EntryData(**{**data, "projects": "М-04, В-01"})
    )
    db.session.commit()
    (discrepancy,) = services.list_discrepancies(edition)
    return f"/staff/pb/{SLUG}/discrepancies/{discrepancy.id}"


@pytest.mark.parametrize(("operator", "copy"), [("op1", 1), ("op2", 2)])
def test_an_operator_gets_no_resolve_buttons_and_a_forged_post_is_refused(
    client, edition, create_user, login, operator, copy
):
    """Issue 12, point 11: neither typist may decide their own discrepancy, even by hand."""
    from sqlalchemy import func, select

    from civic.audit.models import AuditEvent
    from civic.pb.models import Ballot

    url = _typed_twice_differently(edition, create_user)
    login(operator)
    page = client.get(url)
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Ви вводили копію {copy} цього бюлетеня" in body
    assert "інший член комісії, який не вводив жодної з копій" in body
    assert 'type="radio"' not in body and "Записати рішення" not in body
    forged = client.post(url, data={"choice_projects": str(copy), "note": "Моя копія правильна"})
    assert forged.status_code == 403
    assert f"Ви вводили копію {copy} цього бюлетеня" in forged.get_data(as_text=True)
    (pending,) = services.list_discrepancies(edition)
    assert not pending.is_resolved and pending.resolved_by_id is None
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 6  # the imported ones
    resolved = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "pb.discrepancy_resolved")
    )
    assert resolved == 0


def test_a_third_member_sees_the_buttons_and_resolves(client, edition, create_user, login):
    url = _typed_twice_differently(edition, create_user)
    create_user("chair", "commission")
    login("chair")
    body = client.get(url).get_data(as_text=True)
    assert 'type="radio"' in body and "Записати рішення" in body and "Ви вводили" not in body
    done = client.post(
        url, data={"choice_projects": "2", "note": "На бланку М-04"}, follow_redirects=True
    )
    assert "рішення записано" in done.get_data(as_text=True)
    (resolved,) = services.list_discrepancies(edition, resolved=True)
    assert resolved.resolved_by.login == "chair"


def test_upload_ballots_and_projects_and_tally_and_close(client, app, create_user, login):
    create_user("member", "commission")
    login("member")
    toml = (EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8")
    created = client.post("/staff/pb/", data={"config": toml})
    assert created.status_code == 302
    bad = client.post("/staff/pb/", data={"config": "slug = 1"})
    assert "«slug»" in bad.get_data(as_text=True) or "параметр" in bad.get_data(as_text=True)
    projects = client.post(
        f"/staff/pb/{SLUG}/projects",
        data={"file": (io.BytesIO((EXAMPLES / "pb-projects.csv").read_bytes()), "p.csv")},
        content_type="multipart/form-data",
    )
    assert projects.status_code == 302
    broken = client.post(
        f"/staff/pb/{SLUG}/ballots/import",
        data={"file": (io.BytesIO("Номер бюлетеня;Канал\n1;x\n".encode()), "x.csv")},
        content_type="multipart/form-data",
    )
    assert "язкових стовпців" in broken.get_data(as_text=True)
    upload = client.post(
        f"/staff/pb/{SLUG}/ballots/import",
        data={"file": (io.BytesIO((EXAMPLES / "pb-ballots.csv").read_bytes()), "b.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Бюлетенів імпортовано: 6" in upload.get_data(as_text=True)
    settings = client.post(
        f"/staff/pb/{SLUG}/settings",
        data={"config": toml.replace("min_age = 16", "min_age = 18")},
        follow_redirects=True,
    )
    assert "уже має бюлетені" in settings.get_data(as_text=True)
    tally = client.post(f"/staff/pb/{SLUG}/tally", data={"on": "23.11.2020"}, follow_redirects=True)
    assert "Підраховано" in tally.get_data(as_text=True)
    assert client.get(f"/staff/pb/{SLUG}/ballots").get_data(as_text=True).count("<tr>") >= 4
    close = client.post(f"/staff/pb/{SLUG}/close", data={"on": "23.11.2020"}, follow_redirects=True)
    assert "Підрахунок закрито" in close.get_data(as_text=True)
    assert client.get(f"/pb/{SLUG}").status_code == 200
    pdf = client.get(f"/staff/pb/{SLUG}/export/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_csrf_is_required(app_factory, create_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        create_user("member", "commission")
        client.post("/login", data={"login": "member", "password": STAFF_PASSWORD})
    response = client.post("/staff/pb/", data={"config": "x"})
    assert response.status_code == 400
