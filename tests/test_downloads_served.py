"""Every download civic hands out, through gunicorn as deployed (issue 12, point 17): 200 and a
``Content-Disposition`` that is ASCII on the wire (gunicorn answers 500 to anything else) and
carries the real Ukrainian name in ``filename*`` (RFC 5987), as both the e-mail parser and
werkzeug read it."""

from __future__ import annotations

import datetime as dt
import email.message
from pathlib import Path
from urllib.parse import quote

import pytest
from werkzeug.http import parse_options_header

from civic.web import content_disposition
from tests.conftest import STAFF_PASSWORD
from tests.support.served import Browser, Gunicorn

EXAMPLES = Path(__file__).resolve().parent.parent / "docs" / "examples"
EDRPOU = "99001016"
UPLOAD_NAME = "Баланс КП «Тест» 2020 (остаточний).csv"


def seed(app_factory) -> tuple[int, int]:
    """One editor, an enterprise with a statement uploaded under a Cyrillic name, a closed
    participatory-budget edition and a monthly report draft; returns the upload's and the
    draft's ids."""
    from civic.auth import services as auth
    from civic.enterprises import line_catalogue
    from civic.enterprises import services as enterprises
    from civic.enterprises.statements import EnterpriseEntry
    from civic.extensions import db
    from civic.pb import imports as pb_imports
    from civic.pb import services as pb
    from civic.reports import services as reports
    from civic.reports import versions as report_versions
    from tests.enterprises.conftest import BALANCED, form1_csv

    app = app_factory()
    with app.app_context():
        auth.create_user("ed", STAFF_PASSWORD, ("editor", "admin"))
        line_catalogue.seed_catalogue()
        enterprises.save_enterprise(
            EnterpriseEntry(EDRPOU, "Комунальне підприємство «Тестовий водоканал»", "З")
        )
        outcome = enterprises.import_statement(
            form1_csv(BALANCED), UPLOAD_NAME, edrpou=EDRPOU, year=2020, form="1"
        )
        edition = pb.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
        pb_imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
        pb_imports.import_ballots(edition, (EXAMPLES / "pb-ballots.csv").read_bytes(), "b.csv")
        pb.close_edition(edition, on=dt.date(2020, 11, 23))
        reports.ensure_defaults()
        version = report_versions.generate_draft(dt.date(2020, 11, 1))
        db.session.commit()
        return outcome.upload.id, version.id


def parsed_names(header: str) -> tuple[str, str | None]:
    """(disposition type, file name) as werkzeug reads the header (RFC 6266: ``filename*``
    wins over the ASCII ``filename``). The e-mail package, an RFC 2231 reader, decodes each
    parameter to the same name: the fallback is the ASCII name old clients save under, and
    ``filename*`` alone gives the real one."""
    kind, options = parse_options_header(header)
    ascii_part, _, extended = header.partition("; filename*=")
    fallback = email.message.EmailMessage()
    fallback["Content-Disposition"] = ascii_part
    assert fallback.get_content_disposition() == kind
    assert fallback.get_filename().isascii() and not fallback["Content-Disposition"].defects
    if extended:
        real = email.message.EmailMessage()
        real["Content-Disposition"] = f"{kind}; filename*={extended}"
        assert real.get_filename() == options["filename"], header
        assert not real["Content-Disposition"].defects
    else:
        assert fallback.get_filename() == options["filename"], header
    return kind, options["filename"]


@pytest.mark.parametrize(
    "name",
    ["enterprises-compare-З-2020.csv", UPLOAD_NAME, "zvit.pdf", 'a"b;c\\d/e.csv', "Звіт"],
)
def test_the_header_is_ascii_and_keeps_the_name(name):
    header = content_disposition(name)
    header.encode("latin-1")  # what gunicorn can send
    assert header.isascii()
    kind, parsed = parsed_names(header)
    assert kind == "attachment"
    assert parsed == name.replace("\\", "_").replace("/", "_")


def test_every_download_through_gunicorn(database_url, tmp_path, app_factory):
    upload_id, version_id = seed(app_factory)
    public = {
        "/enterprises/compare.csv?type=" + quote("З"): "enterprises-compare-З-2020.csv",
        "/enterprises/compare.csv?type=" + quote("МС"): None,
        "/enterprises/compare.csv?type=" + quote("М"): None,
        "/enterprises.csv": "enterprises.csv",
        f"/enterprises/{EDRPOU}/lines.csv": f"{EDRPOU}-lines.csv",
        f"/enterprises/{EDRPOU}/indicators.csv": f"{EDRPOU}-indicators.csv",
        f"/enterprises/{EDRPOU}/plan.csv": f"{EDRPOU}-plan.csv",
        f"/enterprises/{EDRPOU}/plan-fact.csv": f"{EDRPOU}-plan-fact.csv",
        f"/enterprises/{EDRPOU}/sources.csv": f"{EDRPOU}-sources.csv",
        "/enterprises/open-data/facts.csv": "enterprise-facts.csv",
        "/enterprises/open-data/facts.xlsx": "enterprise-facts.xlsx",
        "/enterprises/open-data/plan-fact.csv": "enterprise-plan-fact.csv",
        "/enterprises/open-data/datapackage.zip": "enterprises-datapackage.zip",
        "/petitions/open-data.csv": "petitions.csv",
        "/petitions/open-data.xlsx": "petitions.xlsx",
        **{f"/pb/gb-2021/results.{ext}": None for ext in ("csv", "xlsx", "json", "pb", "pdf")},
    }
    staff = {
        f"/staff/enterprises/uploads/{upload_id}/file": UPLOAD_NAME,
        f"/staff/reports/versions/{version_id}/report.pdf": "zvit-2020-11-v1-chernetka.pdf",
    }
    with Gunicorn(database_url, tmp_path / "served") as server:
        visitor = Browser(server.url)
        staff_member = Browser(server.url)
        login = staff_member.submit("/login", {"login": "ed", "password": STAFF_PASSWORD})
        assert login.status == 302
        seen = {}
        for path, expected in [*public.items(), *staff.items()]:
            response = (staff_member if path in staff else visitor).get(path)
            assert response.status == 200, (path, response.status, response.text[:300])
            header = response.headers["Content-Disposition"]
            assert header and header.isascii(), (path, header)
            kind, name = parsed_names(header)
            assert kind in ("attachment", "inline") and name, (path, header)
            if expected is not None:
                assert name == expected, (path, header)
            seen[path] = name
        assert "Traceback" not in server.output()
    assert seen["/enterprises/compare.csv?type=" + quote("МС")].startswith("enterprises-compare-")
