"""Only http(s) links, everywhere (issue 12, point 16): one pure rule (civic.urls) used by the
forms and the importers, and a Jinja filter that never lets a stored non-http(s) link become an
``href``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from civic.auth import services as auth
from civic.enterprises import services as enterprises
from civic.enterprises.models import Enterprise
from civic.enterprises.statements import EnterpriseEntry
from civic.extensions import db
from civic.reports import journal as reports_journal
from civic.reports.models import JournalEntry
from civic.urls import http_url, url_problem
from tests.conftest import STAFF_PASSWORD, login_as

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "jav&#x09;ascript:alert(1)",
    "javascript&#58;alert(1)",
    "&#106;&#97;&#118;&#97;script:alert(1)",
    "javascript://example.com/%0aalert(1)",  # wtforms' URL() accepted this one
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "VBScript:MsgBox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
    "https:\\\\evil.example",
    "https://",
    'https://x.ua/"onmouseover="alert(1)',
    "https://x.ua/\u2028javascript:alert(1)",
    "\u200bjavascript:alert(1)",
    "ftp://x.ua/file",
    "x.ua",
]
GOOD = [
    "https://nizhynrada.gov.ua/news/123?a=1&b=2#top",
    "http://x.ua",
    "HTTPS://Example.ORG/path",
    "https://ніжин.укр/новини",
    "https://[2001:db8::1]:8443/",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_links_are_refused(value):
    assert http_url(value) is None
    assert "http:// або https://" in url_problem(value)


@pytest.mark.parametrize("value", GOOD)
def test_http_links_pass(value):
    assert http_url(value) == value and url_problem(value) is None


def registry_csv(links: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Код ЄДРПОУ", "Назва підприємства", "Тип звітності", "Вебсайт"])
    writer.writerow(["00032128", "КП «Добре»", "З", "https://x.ua"])
    for n, link in enumerate(links):
        writer.writerow([f"{10000000 + n:08d}", f"КП «{n}»", "З", link])
    return out.getvalue().encode("utf-8")


def journal_csv(links: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["Дата", "Заголовок", "Посилання"])
    writer.writerow(["01.12.2020", "Добра новина", "https://x.ua/1"])
    for link in links:
        writer.writerow(["02.12.2020", "Новина", link])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def editor(client, create_user, login):
    create_user("ed", "editor")
    login("ed")
    return client


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# ---------------------------------------------------------------- importers


def test_enterprise_list_upload_refuses_every_hostile_link(editor):
    response = editor.post(
        "/staff/enterprises/import-list",
        data={"file": (io.BytesIO(registry_csv(HOSTILE)), "реєстр.csv")},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    for line in range(3, 3 + len(HOSTILE)):
        assert f"Рядок {line}: «Вебсайт»:" in text
    assert text.count("«Вебсайт»:") >= len(HOSTILE)
    assert count(Enterprise) == 0


@pytest.mark.parametrize("link", HOSTILE[:12])
def test_enterprise_list_cli_refuses_a_hostile_link(runner, app, tmp_path, link):
    path = tmp_path / "реєстр.csv"
    path.write_bytes(registry_csv([link]))
    result = runner.invoke(args=["enterprises", "import-list", str(path)])
    assert result.exit_code == 1
    assert "«Вебсайт»:" in result.output and "http:// або https://" in result.output
    assert count(Enterprise) == 0


@pytest.mark.parametrize("link", HOSTILE)
def test_journal_upload_refuses_a_hostile_link(editor, link):
    response = editor.post(
        "/staff/journal/import",
        data={"file": (io.BytesIO(journal_csv([link])), "новини.csv"), "type_code": "news"},
        content_type="multipart/form-data",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Файл «новини.csv», рядок 3, стовпець «Посилання»" in text
    assert "http:// або https://" in text
    assert count(JournalEntry) == 0


@pytest.mark.parametrize("link", HOSTILE[:12])
def test_journal_cli_refuses_a_hostile_link(runner, app, tmp_path, link):
    path = tmp_path / "новини.csv"
    path.write_bytes(journal_csv([link]))
    result = runner.invoke(args=["report", "journal", "import", str(path)])
    assert result.exit_code == 1
    assert "рядок 3, стовпець «Посилання»" in result.output
    assert count(JournalEntry) == 0


def test_good_links_still_import(editor):
    response = editor.post(
        "/staff/journal/import",
        data={"file": (io.BytesIO(journal_csv(GOOD)), "новини.csv"), "type_code": "news"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert count(JournalEntry) == 1 + len(GOOD)


# ---------------------------------------------------------------- forms


@pytest.mark.parametrize("link", ["javascript://example.com/%0aalert(1)", "data:text/html,x"])
def test_enterprise_form_refuses_a_hostile_website(editor, link):
    enterprises.save_enterprise(EnterpriseEntry("00032128", "КП «Нове»", "З"))
    db.session.commit()
    response = editor.post(
        "/staff/enterprises/00032128/edit",
        data={"edrpou": "00032128", "name": "КП «Нове»", "reporting_type": "З", "website": link},
    )
    assert response.status_code == 200
    assert "http:// або https://" in response.get_data(as_text=True)
    assert enterprises.get_enterprise("00032128").website == ""


def test_journal_form_refuses_a_hostile_link(editor):
    response = editor.post(
        "/staff/journal/add",
        data={
            "occurred_on": "2020-12-01",
            "type_code": "news",
            "title": "Новина",
            "count": "1",
            "link": "javascript://example.com/%0aalert(1)",
        },
        follow_redirects=True,
    )
    assert "http:// або https://" in response.get_data(as_text=True)
    assert count(JournalEntry) == 0


# ---------------------------------------------------------------- the template filter


def test_stored_hostile_links_are_never_emitted_as_href(client, app):
    """Data stored before this rule (or by any other path) is shown as text, never linked."""
    enterprises.save_enterprise(
        EnterpriseEntry("00032128", "КП «Нове»", "З", website="JaVaScRiPt:alert(1)")
    )
    reports_journal.add_entry(
        occurred_on=dt.date(2020, 12, 1),
        type_code="news",
        title="Стара новина",
        link="data:text/html,<script>alert(1)</script>",
        audit=False,
    )
    db.session.commit()
    page = client.get("/enterprises/00032128").get_data(as_text=True)
    assert "<dd>JaVaScRiPt:alert(1)</dd>" in page and 'href="JaVaScRiPt' not in page

    auth.create_user("ed", STAFF_PASSWORD, ("editor",))
    db.session.commit()
    login_as(client, "ed", STAFF_PASSWORD)
    journal = client.get("/staff/journal/?month=2020-12").get_data(as_text=True)
    # The stored data: link is never an href (the page's own icon is an inline data: image).
    assert "Стара новина" in journal and 'href="data:text' not in journal
    # Precisely: the one data: href on the page is the icon's image, whatever the stored link.
    assert re.findall(r'href="data:([^,"]*)', journal) == ["image/svg+xml"]
