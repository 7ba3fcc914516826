"""HTTP: every route's permissions, the journal, drafts, editing, finalising, admin pages."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from civic.extensions import db
from civic.reports.models import (
    EntryType,
    JournalEntry,
    Occasion,
    ReportTemplate,
    ReportVersion,
)
from tests.support.chosen import chosen

EDITOR_GET = [
    "/staff/journal/",
    "/staff/journal/?month=2020-11&type=news",
    "/staff/journal/import",
    "/staff/reports/",
    "/staff/reports/2020-11/",
    "/staff/reports/2020-11/preview",
    "/staff/reports/occasions",
]
ADMIN_GET = [
    "/staff/reports/entry-types",
    "/staff/reports/entry-types/new",
    "/staff/reports/entry-types/1",
    "/staff/reports/template",
    "/staff/reports/occasions/1",
]


@pytest.mark.parametrize("url", EDITOR_GET + ADMIN_GET)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


def test_roles_per_route(client, create_user, login, november):
    create_user("mod", "moderator")
    create_user("ed", "editor")
    login("mod")
    for url in EDITOR_GET + ADMIN_GET:
        assert client.get(url).status_code == 403, url
    assert client.post("/staff/reports/generate", data={"month": "2020-11"}).status_code == 403
    client.post("/logout")
    login("ed")
    for url in EDITOR_GET:
        assert client.get(url).status_code == 200, url
    for url in ADMIN_GET:
        assert client.get(url).status_code == 403, url
    assert (
        client.post("/staff/reports/occasions", data={"name": "X", "rule": "01-01"}).status_code
        == 403
    )


def test_admin_pages_render(client, head, november):
    for url in ADMIN_GET:
        assert client.get(url).status_code == 200, url


def test_quick_add_and_filter_and_delete(client, head, november):
    response = client.post(
        "/staff/journal/add",
        data={
            "occurred_on": "2020-12-03",
            "type_code": "news",
            "title": "Новина про ґанок",
            "count": "2",
            "link": "https://nizhynrada.gov.ua/n/1",
        },
    )
    assert response.status_code == 302 and "month=2020-12" in response.location
    page = client.get("/staff/journal/?month=2020-12").get_data(as_text=True)
    assert "Новина про ґанок" in page
    entry = db.session.scalar(
        db.select(JournalEntry).where(JournalEntry.title == "Новина про ґанок")
    )
    assert entry.count == 2
    assert client.post(f"/staff/journal/{entry.id}/delete").status_code == 302
    assert db.session.get(JournalEntry, entry.id) is None


def test_greeting_takes_the_occasions_name(client, head, november):
    occasion = db.session.scalar(
        db.select(Occasion).where(Occasion.name == "День Гідності та Свободи")
    )
    client.post(
        "/staff/journal/add",
        data={
            "occurred_on": "2021-11-20",
            "type_code": "greeting",
            "count": "1",
            "occasion_id": str(occasion.id),
        },
    )
    entry = db.session.scalar(
        db.select(JournalEntry).where(JournalEntry.occurred_on == dt.date(2021, 11, 20))
    )
    assert entry.title == "День Гідності та Свободи" and entry.occasion_id == occasion.id


def test_invalid_quick_add_changes_nothing(client, head, november):
    before = db.session.scalar(db.select(db.func.count(JournalEntry.id)))
    response = client.post(
        "/staff/journal/add",
        data={"occurred_on": "2020-13-40", "type_code": "news", "count": "0"},
        follow_redirects=True,
    )
    assert "Дата" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(JournalEntry.id))) == before


def test_import_csv_then_refuse_the_same_file(client, head, november):
    data = "Дата;Заголовок;Посилання\n01.12.2020;Перша новина;https://x.ua/1\n2020-12-02;Друга;\n".encode(
        "cp1251"
    )
    ok = client.post(
        "/staff/journal/import",
        data={"file": (io.BytesIO(data), "news.csv"), "type_code": "news"},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    assert (
        db.session.scalar(
            db.select(db.func.count(JournalEntry.id)).where(
                JournalEntry.occurred_on >= dt.date(2020, 12, 1)
            )
        )
        == 2
    )
    again = client.post(
        "/staff/journal/import",
        data={"file": (io.BytesIO(data), "news.csv"), "type_code": "news"},
        content_type="multipart/form-data",
    )
    assert again.status_code == 400 and "уже імпортовано" in again.get_data(as_text=True)


def test_import_error_names_line_and_column(client, head, november):
    data = "Дата,Заголовок\n01.12.2020,Добре\n31.02.2020,Погано\n".encode()
    response = client.post(
        "/staff/journal/import",
        data={"file": (io.BytesIO(data), "bad.csv"), "type_code": "news"},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "bad.csv" in text and "рядок 3" in text and "Дата" in text and "не існує" in text
    assert (
        db.session.scalar(
            db.select(db.func.count(JournalEntry.id)).where(JournalEntry.title == "Добре")
        )
        == 0
    )


def _generate(client, month="2020-11") -> ReportVersion:
    response = client.post("/staff/reports/generate", data={"month": month})
    assert response.status_code == 302
    return db.session.scalars(db.select(ReportVersion).order_by(ReportVersion.id.desc())).first()


def test_draft_edit_preview_finalise_and_history(client, head, november):
    version = _generate(client)
    page = client.get(f"/staff/reports/versions/{version.id}").get_data(as_text=True)
    assert "316 новин" in page
    texts = re.findall(
        r'<textarea id="paragraph-\d+" name="paragraph" rows="4"[^>]*>([^<]*)</textarea>', page
    )
    assert len(texts) == len(version.content["paragraphs"])
    texts[0] = "Перший абзац, відредагований у браузері."
    response = client.post(
        f"/staff/reports/versions/{version.id}",
        data={
            "title": version.content["title"],
            "signer_position": "Т.в.о. начальника відділу",
            "signer_name": "О.О.Гук",
            "version": str(version.version_id),
            "paragraph": texts,
        },
    )
    assert response.status_code == 302
    preview = client.get(f"/staff/reports/versions/{version.id}/preview").get_data(as_text=True)
    assert "Перший абзац, відредагований у браузері." in preview
    draft_pdf = client.get(f"/staff/reports/versions/{version.id}/report.pdf")
    assert draft_pdf.mimetype == "application/pdf"
    db.session.expire_all()
    version = db.session.get(ReportVersion, version.id)
    assert (
        client.post(
            f"/staff/reports/versions/{version.id}/finalise",
            data={"version": str(version.version_id)},
        ).status_code
        == 302
    )
    db.session.expire_all()
    final = db.session.get(ReportVersion, version.id)
    assert final.is_final and final.finalised_by_name == "Гук Олена Олександрівна"
    stored = client.get(f"/staff/reports/versions/{final.id}/report.pdf").data
    assert stored == final.pdf
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(stored)).pages)
    assert "Перший абзац, відредагований у браузері." in text
    # A final version is stored unchanged: editing is refused, the PDF stays the same.
    client.post(f"/staff/reports/versions/{final.id}", data={"title": "Інше", "paragraph": texts})
    db.session.expire_all()
    assert db.session.get(ReportVersion, final.id).pdf == stored
    # Regenerating adds version 2; history lists both.
    second = _generate(client)
    assert second.number == 2 and second.status == "draft"
    history = client.get("/staff/reports/2020-11/").get_data(as_text=True)
    assert final.pdf_sha256 in history and "чернетка" in history


def test_stale_draft_edit_is_refused(client, head, november):
    version = _generate(client)
    paragraphs = [p["text"] for p in version.content["paragraphs"]]
    data = {
        "title": "Звіт",
        "signer_position": "А",
        "signer_name": "Б",
        "version": str(version.version_id),
        "paragraph": paragraphs,
    }
    assert client.post(f"/staff/reports/versions/{version.id}", data=data).status_code == 302
    stale = client.post(f"/staff/reports/versions/{version.id}", data=data)
    assert stale.status_code == 409 and "тим часом змінив" in stale.get_data(as_text=True)


def test_csrf_is_required(app_factory, create_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from civic.auth import services as auth

        auth.create_user("ed", "ed-secret-pw-2026", ("editor",))
        db.session.commit()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    assert (
        client.post(
            "/login", data={"login": "ed", "password": "ed-secret-pw-2026", "csrf_token": token}
        ).status_code
        == 302
    )
    assert client.post("/staff/reports/generate", data={"month": "2020-11"}).status_code == 400
    page = client.get("/staff/reports/").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    response = client.post(
        "/staff/reports/generate", data={"month": "2020-11", "csrf_token": token}
    )
    assert response.status_code == 302


def test_admin_adds_occasion_entry_type_and_edits_template(client, head, november):
    bad = client.post(
        "/staff/reports/occasions",
        data={"name": "День X", "rule": "11/sat/9", "category": "professional", "is_active": "y"},
    )
    assert bad.status_code == 400 and "не вдалося прочитати правило" in bad.get_data(as_text=True)
    ok = client.post(
        "/staff/reports/occasions",
        data={
            "name": "День міста Ніжина",
            "rule": "09/sat/2",
            "category": "state",
            "is_active": "y",
        },
    )
    assert ok.status_code == 302
    assert "День міста Ніжина" in client.get("/staff/reports/occasions?year=2024").get_data(
        as_text=True
    )

    response = client.post(
        "/staff/reports/entry-types/new",
        data={
            "code": "press_tour",
            "label": "Прес-тур",
            "form_one": "прес-тур",
            "form_few": "прес-тури",
            "form_many": "прес-турів",
            "position": "200",
            "is_active": "y",
        },
    )
    assert response.status_code == 302
    assert (
        db.session.scalar(db.select(EntryType).where(EntryType.code == "press_tour")).form_many
        == "прес-турів"
    )

    template = db.session.scalar(db.select(ReportTemplate))
    keys = [p.key for p in template.paragraphs] + ["press"]
    texts = [p.text for p in template.paragraphs] + [
        "Проведено {count:press_tour} для журналістів."
    ]
    requires = [p.requires or "" for p in template.paragraphs] + [""]
    texts[1] = ""  # drop the «parties» paragraph
    response = client.post(
        "/staff/reports/template",
        data={
            "title": template.title,
            "signer_position": "Начальник відділу",
            "signer_name": "Олена ГУК",
            "key": keys,
            "text": texts,
            "requires": requires,
        },
    )
    assert response.status_code == 302
    client.post(
        "/staff/journal/add",
        data={"occurred_on": "2020-11-05", "type_code": "press_tour", "title": "Тур", "count": "3"},
    )
    preview = client.get("/staff/reports/2020-11/preview").get_data(as_text=True)
    assert "Проведено 3 прес-тури для журналістів." in preview
    assert "Відділ аналізував діяльність" not in preview
    assert "Олена ГУК" in preview


def test_staff_home_shows_coming_occasions(client, head, november, monkeypatch):
    from civic.reports import views

    monkeypatch.setattr(views, "_today", lambda: dt.date(2020, 11, 1))
    page = client.get("/staff/").get_data(as_text=True)
    assert "День памʼяті жертв голодоморів" in page and "28.11.2020" in page
    assert "Шаблон щомісячного звіту" in page  # admin links


POSTS = [
    "/staff/journal/add",
    "/staff/journal/1/delete",
    "/staff/journal/import",
    "/staff/reports/generate",
    "/staff/reports/versions/1",
    "/staff/reports/versions/1/finalise",
    "/staff/reports/occasions/1",
    "/staff/reports/entry-types/new",
    "/staff/reports/template",
]


@pytest.mark.parametrize("url", POSTS)
def test_posts_need_login_and_role(client, create_user, login, url):
    response = client.post(url, data={})
    assert response.status_code == 302 and "/login" in response.location
    create_user("mod", "moderator")
    login("mod")
    assert client.post(url, data={}).status_code == 403


def test_missing_things_are_404(client, head, november):
    for url in (
        "/staff/reports/versions/999",
        "/staff/reports/versions/999/report.pdf",
        "/staff/reports/occasions/999",
        "/staff/reports/entry-types/999",
        "/staff/reports/2020-13/",
    ):
        assert client.get(url).status_code == 404, url


def test_edit_an_entry(client, head, november):
    entry = db.session.scalar(db.select(JournalEntry).where(JournalEntry.count == 125))
    assert client.get(f"/staff/journal/{entry.id}").status_code == 200
    response = client.post(
        f"/staff/journal/{entry.id}",
        data={
            "occurred_on": "2020-11-30",
            "type_code": "act",
            "title": entry.title,
            "count": "126",
        },
    )
    assert response.status_code == 302
    assert "126 нормативних актів" in client.get("/staff/reports/2020-11/preview").get_data(
        as_text=True
    )
    bad = client.post(
        f"/staff/journal/{entry.id}", data={"occurred_on": "", "type_code": "act", "count": "1"}
    )
    assert bad.status_code == 400
    db.session.expire_all()
    assert db.session.get(JournalEntry, entry.id).count == 126


def test_a_new_paragraph_can_be_added_to_a_draft(client, head, november):
    version = _generate(client)
    paragraphs = [p["text"] for p in version.content["paragraphs"]]
    response = client.post(
        f"/staff/reports/versions/{version.id}",
        data={
            "title": version.content["title"],
            "signer_position": "Т.в.о. начальника відділу",
            "signer_name": "О.О.Гук",
            "version": str(version.version_id),
            "paragraph": paragraphs,
            "paragraph_new": "Підготовлено відповіді на 12 запитів на публічну інформацію.",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    content = db.session.get(ReportVersion, version.id).content
    assert content["paragraphs"][-1] == {
        "key": "added-1",
        "text": "Підготовлено відповіді на 12 запитів на публічну інформацію.",
    }


def test_edit_page_shows_the_entrys_type_chosen(client, head, november):
    client.post(
        "/staff/journal/add",
        data={"occurred_on": "2020-12-04", "type_code": "news", "title": "Про сквер", "count": "1"},
    )
    entry = db.session.scalar(db.select(JournalEntry).where(JournalEntry.title == "Про сквер"))
    page = client.get(f"/staff/journal/{entry.id}").get_data(as_text=True)
    assert chosen(page)["type_code"] == {"news"}
