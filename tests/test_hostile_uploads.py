"""Hostile XLSX files (issue 12, points 13–14) through every door a user has: the web upload
forms (logged in as an editor) and the CLI importers. Each is refused with its Ukrainian
reason, nothing is stored, and openpyxl never sees the file (its loader is spied on)."""

from __future__ import annotations

import functools
import io

import pytest

from civic.archives import ArchiveError, XlsxLimits, inspect_xlsx
from civic.enterprises import services as enterprises
from civic.enterprises.models import Enterprise, Upload
from civic.enterprises.statements import EnterpriseEntry
from civic.extensions import db
from civic.reports.models import JournalEntry
from tests.conftest import STAFF_PASSWORD
from tests.support import hostile

JOURNAL = [["Дата", "Заголовок", "Посилання"], ["01.12.2020", "Новина", "https://x.ua/1"]]
REGISTRY = [["Код ЄДРПОУ", "Назва підприємства", "Тип звітності"], ["00032128", "КП «Нове»", "З"]]
PROJECTS = [
    ["Код", "Назва", "Категорія", "Вартість", "Дата подання", "Статус"],
    ["М-01", "Сенсорна кімната", "small", "398 000,00", "03.08.2020", "допущено"],
]
STATEMENT = [["Код рядка", "На кінець звітного періоду"], ["1095", "800"], ["1195", "200"]]
EDRPOU = "99001016"

# kind → (builder, a fragment of the Ukrainian reason, without apostrophes: HTML escapes them)
HOSTILE = {
    "zip-bomb-1GB": (hostile.bomb, "zip-бомбу"),
    "ratio-bomb-20MB": (hostile.ratio_bomb, "стиснута в"),
    "lying-header": (hostile.lying_header, "заголовки не відповідають даним"),
    "xlsm-vbaProject": (hostile.xlsm, "макроси VBA (vbaProject.bin)"),
    "macroEnabled-content-type": (hostile.only_macro_content_type, "macroEnabled"),
    "externalLinks": (hostile.external_link, "(externalLinks)"),
    "external-oleObject-relationship": (hostile.external_relationship_only, "oleobject"),
    "dde-formula": (hostile.dde_formula, "формули DDE"),
    "nested-zip": (hostile.nested_zip, "вкладений архів"),
    "encrypted-member": (hostile.encrypted_member, "зашифровано"),
    "path-traversal": (hostile.traversal, "«../../../../var/lib/civic-owned.txt»"),
    "5000-members": (hostile.many_members, "забагато внутрішніх файлів"),
}
KINDS = list(HOSTILE)


@functools.cache
def build(kind: str, rows: str) -> bytes:
    base = hostile.workbook(
        {"journal": JOURNAL, "registry": REGISTRY, "form1": STATEMENT, "projects": PROJECTS}[rows]
    )
    return HOSTILE[kind][0](base)


@pytest.fixture
def openpyxl_calls(monkeypatch):
    """Every call of openpyxl.load_workbook (the reader imports it at call time)."""
    import openpyxl

    calls = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    return calls


@pytest.fixture
def editor(client, create_user, login):
    create_user("ed", "editor")
    login("ed")
    return client


def post_file(client, path: str, data: bytes, filename: str, **fields):
    """A multipart POST encoded in memory (werkzeug's builder leaves a temporary file open
    for bodies over 500 KB, which ``filterwarnings = error`` turns into a failure)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    upload = FileStorage(io.BytesIO(data), filename, content_type="application/octet-stream")
    boundary, body = encode_multipart({**fields, "file": upload})
    return client.post(path, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# ---------------------------------------------------------------- the pure inspection


@pytest.mark.parametrize("kind", KINDS)
def test_inspect_refuses_each_hostile_book(kind):
    with pytest.raises(ArchiveError) as refused:
        inspect_xlsx(build(kind, "journal"))
    assert HOSTILE[kind][1] in str(refused.value)


def test_inspect_accepts_a_real_book_and_counts_rows_not_the_dimension():
    rows = [["Дата", "Заголовок"]] + [["01.12.2020", f"Новина {n}"] for n in range(150)]
    book = hostile.workbook(rows)
    inspect_xlsx(book)
    with pytest.raises(ArchiveError, match="понад 100 рядків"):
        inspect_xlsx(book, XlsxLimits(max_rows=100))


def test_declared_size_is_refused_before_inflating_when_the_ratio_is_allowed():
    bomb = build("zip-bomb-1GB", "journal")
    with pytest.raises(ArchiveError, match="заявлений розмір — 1023 МБ; найбільше — 256 МБ"):
        inspect_xlsx(bomb, XlsxLimits(max_ratio=10**6))


def test_an_honest_highly_compressed_book_passes_when_the_ratio_is_allowed():
    book = hostile.bomb(hostile.workbook(JOURNAL), 8 * 1024 * 1024)
    with pytest.raises(ArchiveError, match="заявлений розмір — 7 МБ; найбільше — 4 МБ"):
        inspect_xlsx(book, XlsxLimits(max_uncompressed=4 * 1024 * 1024, max_ratio=10**6))
    inspect_xlsx(book, XlsxLimits(max_ratio=10**6))  # inflated whole, CRC checked: accepted


def test_the_bomb_file_is_small_and_real():
    bomb = build("zip-bomb-1GB", "journal")
    assert len(bomb) < 2 * 1024 * 1024
    import zipfile

    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/sharedStrings.xml")
    assert info.file_size >= 1023 * 1024 * 1024


# ---------------------------------------------------------------- the web upload forms


@pytest.mark.parametrize("kind", KINDS)
def test_journal_upload_refuses_hostile_xlsx(editor, openpyxl_calls, kind):
    response = post_file(
        editor, "/staff/journal/import", build(kind, "journal"), "новини.xlsx", type_code="news"
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Файл «новини.xlsx»" in text and HOSTILE[kind][1] in text
    assert "Traceback" not in text
    assert count(JournalEntry) == 0
    assert openpyxl_calls == []


@pytest.mark.parametrize("kind", KINDS)
def test_enterprise_list_upload_refuses_hostile_xlsx(editor, openpyxl_calls, kind):
    response = post_file(
        editor, "/staff/enterprises/import-list", build(kind, "registry"), "реєстр.xlsx"
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Список підприємств не прийнято" in text and HOSTILE[kind][1] in text
    assert count(Enterprise) == 0
    assert openpyxl_calls == []


@pytest.mark.parametrize("kind", ["xlsm-vbaProject", "externalLinks", "zip-bomb-1GB"])
def test_statement_upload_stores_and_serves_no_hostile_original(editor, openpyxl_calls, kind):
    enterprises.save_enterprise(
        EnterpriseEntry(EDRPOU, "Комунальне підприємство «Тестовий водоканал»", "З", "КП «Тест»")
    )
    db.session.commit()
    response = post_file(
        editor,
        "/staff/enterprises/upload",
        build(kind, "form1"),
        "баланс.xlsm",
        edrpou=EDRPOU,
        year="2020",
        kind="1",
        unit="тис. грн",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422, text[:500]
    assert HOSTILE[kind][1] in text
    assert count(Upload) == 0
    assert openpyxl_calls == []


@pytest.mark.parametrize(
    "kind", ["zip-bomb-1GB", "xlsm-vbaProject", "externalLinks", "dde-formula"]
)
def test_pb_projects_upload_refuses_hostile_xlsx(client, create_user, login, openpyxl_calls, kind):
    from pathlib import Path

    from civic.pb import services as pb
    from civic.pb.models import Project

    example = Path(__file__).resolve().parent.parent / "docs" / "examples" / "pb-edition.toml"
    pb.save_edition(example.read_text(encoding="utf-8"))
    create_user("c1", "commission")
    db.session.commit()
    login("c1")
    response = post_file(
        client, "/staff/pb/gb-2021/projects", build(kind, "projects"), "проєкти.xlsx"
    )
    text = response.get_data(as_text=True)
    assert "проєкти.xlsx" in text and HOSTILE[kind][1] in text
    assert count(Project) == 0
    assert openpyxl_calls == []


def test_row_limit_comes_from_the_settings(app_factory, openpyxl_calls):
    app = app_factory(UPLOAD_XLSX_MAX_ROWS=100)
    rows = [["Дата", "Заголовок"]] + [["01.12.2020", f"Новина {n}"] for n in range(150)]
    with app.app_context():
        from civic.auth import services as auth

        auth.create_user("ed", STAFF_PASSWORD, ("editor",))
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"login": "ed", "password": STAFF_PASSWORD})
    response = client.post(
        "/staff/journal/import",
        data={"file": (io.BytesIO(hostile.workbook(rows)), "news.xlsx"), "type_code": "news"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "понад 100 рядків" in response.get_data(as_text=True)
    assert openpyxl_calls == []
    with app.app_context():
        assert count(JournalEntry) == 0


# ---------------------------------------------------------------- the CLI importers


@pytest.mark.parametrize("kind", KINDS)
def test_journal_cli_refuses_hostile_xlsx(runner, app, tmp_path, openpyxl_calls, kind):
    path = tmp_path / "новини.xlsx"
    path.write_bytes(build(kind, "journal"))
    result = runner.invoke(args=["report", "journal", "import", str(path)])
    assert result.exit_code == 1
    assert "Файл «новини.xlsx»" in result.output and HOSTILE[kind][1] in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert count(JournalEntry) == 0
    assert openpyxl_calls == []


@pytest.mark.parametrize("kind", ["zip-bomb-1GB", "xlsm-vbaProject", "externalLinks"])
def test_enterprise_list_cli_refuses_hostile_xlsx(runner, app, tmp_path, openpyxl_calls, kind):
    path = tmp_path / "реєстр.xlsx"
    path.write_bytes(build(kind, "registry"))
    result = runner.invoke(args=["enterprises", "import-list", str(path)])
    assert result.exit_code == 1
    assert HOSTILE[kind][1] in result.output and "нічого не змінено" in result.output
    assert count(Enterprise) == 0
    assert openpyxl_calls == []


def test_a_plain_book_still_imports(editor, openpyxl_calls):
    response = editor.post(
        "/staff/journal/import",
        data={"file": (io.BytesIO(hostile.workbook(JOURNAL)), "news.xlsx"), "type_code": "news"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert count(JournalEntry) == 1 and len(openpyxl_calls) == 1


def sheet_xml(rows: int, *, dde_at: int | None = None) -> bytes:
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    body = bytearray(head)
    for n in range(1, rows + 1):
        body += b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n)
    if dde_at is not None:
        # a formula that straddles the inflater's chunk edge at dde_at
        cell = b'<row r="0"><c r="B1"><f>cmd|\' /C calc\'!A0</f><v>0</v></c></row>'
        pad = dde_at - len(body) - 8
        body += b"<!--" + b"p" * max(pad, 0) + b"-->" + cell
    body += b'</sheetData><rowBreaks count="1"><brk id="2"/></rowBreaks></worksheet>'
    return bytes(body)


def with_sheet(xml: bytes) -> bytes:
    members = [m for m in hostile.members_of(hostile.workbook(JOURNAL))]
    members = [
        hostile.Member.deflated(m.name, xml) if m.name == "xl/worksheets/sheet1.xml" else m
        for m in members
    ]
    return hostile.zip_archive(members)


def test_rows_are_counted_exactly_across_chunk_edges():
    from civic.archives import CHUNK

    book = with_sheet(sheet_xml(40_000))
    assert len(sheet_xml(40_000)) > 4 * CHUNK
    inspect_xlsx(book, XlsxLimits(max_rows=40_000))
    with pytest.raises(ArchiveError, match="понад 39 999 рядків"):
        inspect_xlsx(book, XlsxLimits(max_rows=39_999))


def test_a_dde_formula_cut_by_a_chunk_edge_is_still_found():
    from civic.archives import CHUNK

    for offset in (CHUNK - 30, CHUNK - 12, CHUNK - 3, 2 * CHUNK - 20):
        with pytest.raises(ArchiveError, match="формули DDE"):
            inspect_xlsx(with_sheet(sheet_xml(10, dde_at=offset)))


def test_parallel_bombs_against_gunicorn_are_all_refused(database_url, tmp_path, app_factory):
    """Four editors upload the 1 GB bomb at once to the app as deployed: each gets the
    Ukrainian refusal, the workers stay up, and nothing is stored."""
    from tests.support.served import Browser, Gunicorn, at_once

    app = app_factory()
    with app.app_context():
        from civic.auth import services as auth

        for n in range(4):
            auth.create_user(f"ed{n}", STAFF_PASSWORD, ("editor",))
        db.session.commit()
    bomb = build("zip-bomb-1GB", "journal")
    with Gunicorn(database_url, tmp_path / "served") as server:
        editors = []
        for n in range(4):
            browser = Browser(server.url)
            login = browser.submit("/login", {"login": f"ed{n}", "password": STAFF_PASSWORD})
            assert login.status == 302
            editors.append((browser, browser.get("/staff/journal/import").csrf()))
        answers = at_once(
            4,
            lambda i: editors[i][0].upload(
                "/staff/journal/import",
                "новини.xlsx",
                bomb,
                {"type_code": "news"},
                token=editors[i][1],
            ),
        )
        for answer in answers:
            assert not isinstance(answer, BaseException), answer
            assert answer.status == 400 and "zip-бомбу" in answer.text
        assert Browser(server.url).get("/healthz").status == 200
        assert "Traceback" not in server.output()
    with app.app_context():
        assert count(JournalEntry) == 0
