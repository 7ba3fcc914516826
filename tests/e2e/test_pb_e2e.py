"""Participatory budget counting in a real headless Chromium: two commission members type the same
paper ballot, one difference goes to the discrepancy queue, where the typists are shown why they
may not decide it, and a third member resolves it; the count is tallied and closed, and the
protocol PDF is downloaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from civic.auth import services as auth_services
from civic.extensions import db
from civic.pb import imports, services
from civic.pb.models import Ballot
from tests.support.browser import log_in, seed

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
SLUG = "gb-2021"


def _seed():
    auth_services.create_user(
        "op1", "first-operator-2026", ["commission"], full_name="Ірина Коваль"
    )
    auth_services.create_user(
        "op2", "second-operator-2026", ["commission"], full_name="Петро Бондар"
    )
    auth_services.create_user(
        "chair", "third-member-2026", ["commission"], full_name="Олена Лисенко"
    )
    edition = services.save_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")


def _enter_ballot(page, base: str, *, document: str) -> None:
    page.goto(f"{base}/staff/pb/{SLUG}/entry")
    page.get_by_label("Пачка (скринька)").fill("3")
    page.get_by_label("Номер бюлетеня").fill("42")
    page.get_by_label("Дата голосування").fill("10.11.2020")
    page.get_by_label("ПІБ").fill("Іваненко Іван Іванович")
    page.get_by_label("Дата народження").fill("01.02.1990")
    page.get_by_label("Документ").fill(document)
    page.get_by_label("Населений пункт").fill("Ніжин")
    page.get_by_label("Адреса").fill("вул. Гоголя, 1")
    page.get_by_label("Коди проєктів").fill("М-01, В-01")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Зберегти")).click()


def _log_out(page, login: str) -> None:
    page.get_by_role("button", name=f"Вийти ({login})").click()
    page.get_by_role("link", name="Вхід для працівників").wait_for()


def test_double_entry_discrepancy_close_and_protocol(live_app, live_server, page, tmp_path):
    base = live_server.url
    seed(live_app, _seed)

    log_in(page, base, "op1", "first-operator-2026")
    _enter_ballot(page, base, document="НК 123456")
    expect(page.get_by_text("Пачка (скринька)").first).to_be_visible()  # back on the entry form
    _log_out(page, "op1")

    log_in(page, base, "op2", "second-operator-2026")
    _enter_ballot(page, base, document="НК 654321")  # one typo: the document number

    page.get_by_role("link", name="Розбіжності").click()
    page.wait_for_url(f"{base}/staff/pb/{SLUG}/discrepancies")
    expect(page.get_by_role("cell", name="3/42")).to_be_visible()
    page.get_by_role("link", name="Розглянути").click()
    page.wait_for_url(re.compile(rf".*/staff/pb/{SLUG}/discrepancies/\d+$"))
    # op2 typed copy 2: the reason instead of the buttons.
    expect(page.get_by_text(re.compile("Ви вводили копію 2 цього бюлетеня"))).to_be_visible()
    expect(page.get_by_role("button", name="Записати рішення")).to_have_count(0)
    resolve_url = page.url
    _log_out(page, "op2")

    log_in(page, base, "chair", "third-member-2026")
    page.goto(resolve_url)
    page.locator("input[name='choice_document_hash'][value='1']").check()
    page.get_by_label("Що видно на паперовому бланку").fill("На бланку НК 123456.")
    page.get_by_role("button", name="Записати рішення").click()
    page.wait_for_url(f"{base}/staff/pb/{SLUG}/discrepancies")
    expect(page.get_by_text("Бюлетень 3/42: рішення записано.")).to_be_visible()
    expect(page.get_by_text("Розбіжностей немає.")).to_be_visible()

    page.get_by_role("link", name="Огляд").click()
    page.wait_for_url(f"{base}/staff/pb/{SLUG}")
    page.get_by_role("button", name="Підрахувати").click()
    page.wait_for_url(f"{base}/staff/pb/{SLUG}")
    expect(page.get_by_text(re.compile(r"Підраховано: дійсних 1 з 1"))).to_be_visible()

    page.get_by_label(re.compile("Дата підрахунку")).fill("23.11.2020")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Закрити підрахунок").click()
    page.wait_for_url(f"{base}/staff/pb/{SLUG}")
    expect(
        page.get_by_text("Підрахунок закрито; протокол доступний для завантаження.")
    ).to_be_visible()
    assert questions and questions[0].startswith("Закрити підрахунок")

    with page.expect_download() as info:
        page.get_by_role("link", name="pdf", exact=True).click()
    target = tmp_path / "protocol.pdf"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")

    with live_app.app_context():
        ballots = db.session.scalars(select(Ballot)).all()
        assert [(b.ballot_id, b.channel, b.source) for b in ballots] == [("3/42", "paper", "entry")]
        assert services.get_edition(SLUG).is_closed
