"""End to end in a real headless browser: an editor uploads an approved plan and its
amendment, and a refused file of another enterprise; a citizen on a phone reads the timeline."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_enterprises_e2e import enterprise_server  # noqa: F401 - the fixture
from tests.enterprises.conftest import EDRPOU
from tests.enterprises.test_plan_versions import AMENDED, APPROVED, plan
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e


def _upload(page, path, status=""):
    page.goto(page.url.split("/staff/")[0] + "/staff/enterprises/upload")
    page.fill("input[name=year]", "2025")
    page.select_option("select[name=kind]", "plan")
    page.select_option("select[name=plan_status]", status)
    page.set_input_files("input[name=file]", str(path))
    page.click("text=Перевірити й завантажити")


def test_editor_uploads_versions_and_citizen_reads_the_timeline(
    enterprise_server,  # noqa: F811 - the imported fixture
    browser,
    page,
    tmp_path,
):
    approved, amended, other = (tmp_path / n for n in ("план.xlsx", "зміни.xlsx", "чужий.xlsx"))
    approved.write_bytes(plan(9600, 8800, 270, **APPROVED))
    amended.write_bytes(plan(9900, 9000, 300, **AMENDED))
    other.write_bytes(plan(9600, 8800, 270, edrpou="03357168"))
    log_in(page, enterprise_server, "ed", "ed-secret-pw-2026")
    _upload(page, approved)
    expect(page.locator("body")).to_contain_text("Збережено як: Затверджений")
    _upload(page, amended)
    expect(page.locator("body")).to_contain_text("Показники з цього файлу тепер чинні.")
    _upload(page, other)
    expect(page.locator(".errors")).to_contain_text("це файл іншого підприємства")

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    citizen = phone.new_page()
    citizen.goto(f"{enterprise_server}/enterprises/{EDRPOU}")
    timeline = citizen.locator("section[aria-labelledby=plan-versions]")
    expect(timeline).to_contain_text("від 20.06.2025 № 233")
    expect(timeline.locator("li.card")).to_have_count(2)
    expect(timeline.locator("li.card").nth(1)).to_contain_text(re.compile(r"чинна версія"))
    width = citizen.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # the timeline never makes the phone page scroll sideways
    phone.close()
