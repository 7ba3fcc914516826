"""Issue 14 (staff points) in a real headless Chromium: an edition set up through the form,
ballot entry that puts the cursor on the field to fix, the audit log as sentences, and no
horizontal scroll on these pages at 1280 and 390 px."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from civic.auth import services as auth_services
from civic.pb import services
from tests.support.browser import log_in, seed

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
WIDTHS = (1280, 390)


def _seed():
    auth_services.create_user(
        "op1", "first-operator-2026", ["commission"], full_name="Коваленко Ірина Петрівна"
    )
    user = auth_services.create_user(
        "root", "demo-admin-pass-2026", ["admin"], full_name="Адміністратор системи"
    )
    user.gender = "m"


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _at_each_width(page, url: str, shots: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        assert _no_horizontal_scroll(page), f"{url} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_edition_form_entry_focus_and_audit_sentences(live_app, live_server, page, tmp_path):
    base = live_server.url
    shots = Path(os.environ.get("CIVIC_E2E_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    seed(live_app, _seed)

    log_in(page, base, "op1", "first-operator-2026")
    page.goto(f"{base}/staff/pb/")
    page.get_by_label("Код видання").fill("gb-2022")
    page.get_by_label("Назва", exact=True).fill("Громадський бюджет міста Ніжина на 2022 рік")
    page.get_by_label("Початок голосування").fill("08.11.2021")
    page.get_by_label("Кінець голосування").fill("21.11.2021")
    page.get_by_label("Населені пункти громади").fill("Ніжин")
    page.locator("#categories-0-code").fill("small")
    page.locator("#categories-0-title").fill("Малі проєкти")
    page.locator("#categories-0-budget").fill("1 159 863,30")
    page.get_by_role("button", name="Додати категорію").click()
    page.locator("#categories-1-code").wait_for()
    page.locator("#categories-1-code").fill("large")
    page.locator("#categories-1-title").fill("Великі проєкти")
    page.locator("#categories-1-budget").fill("2 319 726,60")
    page.locator("#commission-0-role").select_option("chair")
    page.locator("#commission-0-full_name").fill("Шевченко Марія Василівна")
    page.locator("#commission-0-position").fill("заступник міського голови")
    page.get_by_role("button", name="Зберегти", exact=True).click()
    page.wait_for_url(f"{base}/staff/pb/gb-2022")
    expect(page.get_by_text("Видання «gb-2022» створено.")).to_be_visible()
    with live_app.app_context():
        edition = services.get_edition("gb-2022")
        assert [c.code for c in edition.categories] == ["small", "large"]
        assert edition.commission[0]["full_name"] == "Шевченко Марія Василівна"

    _at_each_width(page, f"{base}/staff/pb/", shots, "pb-editions")
    _at_each_width(page, f"{base}/staff/pb/gb-2022/settings", shots, "pb-settings")

    # A wrong birth date: the cursor lands on it, not on the batch at the top.
    page.goto(f"{base}/staff/pb/gb-2022/entry")
    page.get_by_label("Пачка (скринька)").fill("3")
    page.get_by_label("Номер бюлетеня").fill("42")
    page.get_by_label("Дата народження").fill("31.02.1990")
    page.get_by_label("Коди проєктів").fill("М-01")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Зберегти")).click()
    expect(page.get_by_text("31.02.1990 — такої дати не існує").first).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "birth_date"
    _at_each_width(page, f"{base}/staff/pb/gb-2022/entry?batch=3", shots, "pb-entry")
    page.get_by_role("button", name="Вийти (op1)").click()

    log_in(page, base, "root", "demo-admin-pass-2026")
    page.goto(f"{base}/staff/audit")
    events = page.locator("ol.events")
    expect(
        events.get_by_text("Коваленко І. П. (член лічильної комісії): створено видання «gb-2022».")
    ).to_be_visible()
    assert (
        events.get_by_text(re.compile(r"Адміністратор Адміністратор системи увійшов")).count() == 1
    )
    assert "pb.edition_created" not in events.inner_text()
    _at_each_width(page, f"{base}/staff/audit", shots, "audit")
