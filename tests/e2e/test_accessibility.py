"""Accessibility as a gate: axe-core (the copy shipped by the ``axe-playwright-python`` wheel,
injected by Playwright, no CDN) finds no violation of the WCAG 2.0/2.1 A and AA rules on every
public page and on the main staff pages, with the demo data loaded; every page says ``lang="uk"``
and links the accessibility statement from its footer.

The pages checked are listed in ``PUBLIC`` and ``STAFF``; the statement (/accessibility) says
what these tests check and the date of the last check.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from civic.extensions import db
from civic.pb import online_demo
from civic.pb.models import Edition
from civic.petitions import lifecycle
from civic.petitions.followup_models import PetitionFollowup
from civic.petitions.models import Petition
from tests.support.browser import log_in, served_demo

pytestmark = pytest.mark.e2e

AXE = files("axe_playwright_python") / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
  resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
  help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))"""

# name → path; {petition}, {slug}, {voting}, {edrpou}, {month}, {entry}, {occasion} are filled
# from the demo data.
PUBLIC = {
    "home": "/",
    "petitions": "/petitions",
    "petitions sorted": "/petitions?sort=signatures",
    "petition with the sign form": "/petitions/{petition}",
    "petition signers": "/petitions/{petition}/signers",
    "answered petition with its follow-up": "/petitions/{answered}",
    "new petition": "/petitions/new",
    "pb editions": "/pb/",
    "pb results": "/pb/{slug}",
    "check my ballot": "/pb/{slug}/check",
    "online vote": "/pb/{voting}/vote",
    "online receipt check": "/pb/{voting}/receipt",
    "enterprises": "/enterprises",
    "enterprise": "/enterprises/{edrpou}",
    "enterprises compared": "/enterprises/compare?edrpou={edrpou}",
    "open data": "/open-data",
    "login": "/login",
    "accessibility statement": "/accessibility",
    "not found": "/no-such-page",
}
STAFF = {
    "staff home": "/staff/",
    "moderation queue": "/staff/petitions",
    "moderation of a petition": "/staff/petitions/{petition}",
    "petition kpi": "/staff/petitions/kpi",
    "pb editions (staff)": "/staff/pb/",
    "pb edition": "/staff/pb/{draft}",
    "ballot entry": "/staff/pb/{draft}/entry",
    "discrepancies": "/staff/pb/{draft}/discrepancies",
    "ballots": "/staff/pb/{draft}/ballots",
    "pb settings": "/staff/pb/{draft}/settings",
    "winners' implementation": "/staff/pb/{slug}/implementation",
    "moderation of an answered petition": "/staff/petitions/{answered}",
    "enterprises (staff)": "/staff/enterprises/",
    "enterprise upload": "/staff/enterprises/upload",
    "new enterprise": "/staff/enterprises/new",
    "uploads": "/staff/enterprises/uploads",
    "reports": "/staff/reports/",
    "report editor": "/staff/reports/{month}/",
    "journal": "/staff/journal/",
    "journal entry": "/staff/journal/{entry}",
    "new entry type": "/staff/reports/entry-types/new",
    "occasion": "/staff/reports/occasions/{occasion}",
    "audit log": "/staff/audit",
    "users": "/staff/users",
    "work calendar": "/staff/calendar",
    "outbox": "/staff/outbox",
}


EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
OPEN_SLUG = "gb-2022"


def open_edition() -> None:
    """An edition still counting (the demo's is closed), so ballot entry shows its form."""
    from civic.pb import imports, services

    toml = (EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8")
    edition = services.save_edition(toml.replace('slug = "gb-2021"', f'slug = "{OPEN_SLUG}"'))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    with served_demo(sqlite_template, tmp_path_factory.mktemp("axe"), open_edition) as (app, url):
        with app.app_context():
            from civic.enterprises.models import Enterprise
            from civic.reports.models import JournalEntry, Occasion

            editions = db.session.scalars(db.select(Edition).order_by(Edition.id)).all()
            petitions = db.session.scalars(db.select(Petition).order_by(Petition.id)).all()
            values = {
                "slug": next(e.slug for e in editions if e.is_closed),
                "draft": OPEN_SLUG,
                "voting": online_demo.OPEN_SLUG,
                "petition": next(
                    p.id for p in petitions if p.state_enum == lifecycle.State.COLLECTING
                ),
                "answered": db.session.scalars(
                    db.select(PetitionFollowup.petition_id).order_by(PetitionFollowup.petition_id)
                ).first(),
                "edrpou": db.session.scalars(db.select(Enterprise.edrpou)).first(),
                "month": "2020-11",
                "entry": db.session.scalars(db.select(JournalEntry.id)).first(),
                "occasion": db.session.scalars(db.select(Occasion.id)).first(),
            }
        yield app, url, values


@pytest.fixture(scope="module")
def live_demo_app(demo):
    return demo[0]


@pytest.fixture(scope="module")
def staff_context(browser, demo):
    """One logged-in admin for the staff pages (CSP bypassed only so the axe script loads)."""
    _, url, _ = demo
    context = browser.new_context(
        locale="uk-UA", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    log_in(page, url, "admin", "demo-root-2026")
    page.close()
    yield context
    context.close()


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(found: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(v['targets'][:5])}" for v in found
    )


def check(context, url: str, path: str) -> None:
    page = context.new_page()
    try:
        response = page.goto(url + path)
        expected = 404 if path == "/no-such-page" else 200
        assert response.status == expected, (path, response.status)
        assert page.url == url + path, f"{path} led to {page.url}"  # not a redirect to log in
        assert page.get_attribute("html", "lang") == "uk"
        assert page.locator("footer a[href='/accessibility']").count() == 1
        found = violations(page)
        assert not found, f"{path}:\n{describe(found)}"
    finally:
        page.close()


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_page_has_no_wcag_violations(browser, demo, name):
    _, url, values = demo
    context = browser.new_context(
        locale="uk-UA", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    try:
        check(context, url, PUBLIC[name].format(**values))
    finally:
        context.close()


@pytest.mark.parametrize("name", sorted(STAFF))
def test_staff_page_has_no_wcag_violations(staff_context, demo, name):
    _, url, values = demo
    check(staff_context, url, STAFF[name].format(**values))


def test_axe_reports_a_violation_it_is_given(browser, demo):
    """The gate can fail: an image without a text alternative is reported with its selector."""
    _, url, _ = demo
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(url + "/accessibility")
        page.evaluate(
            "() => { const i = document.createElement('img'); i.id = 'bare';"
            " i.src = '/static/favicon.svg'; document.querySelector('main').append(i); }"
        )
        found = violations(page)
        assert [v["id"] for v in found] == ["image-alt"]
        assert "#bare" in describe(found) and "critical" in describe(found)
    finally:
        context.close()


# --- keyboard only -------------------------------------------------------------------------

FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return {name: e.name || e.id || '', tag: e.tagName, text: (e.innerText || '').trim(),
          outline: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"""


def tab_to(page, wanted, limit: int = 80) -> dict:
    """Press Tab until ``wanted(focused)`` holds; every stop on the way shows a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] != "BODY":
            visible = focused["outline"] != "none" and focused["width"] >= 2
            assert visible or focused["shadow"] != "none", f"no visible focus on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the element wanted on {page.url}")


def named(name: str):
    return lambda focused: focused["name"] == name


def test_citizen_signs_a_petition_with_the_keyboard_only(page, demo, live_demo_app):
    _, url, values = demo
    page.goto(f"{url}/petitions/{values['petition']}")
    tab_to(page, named("full_name"))
    page.keyboard.type("Клавіатурна Оксана Петрівна")
    tab_to(page, named("email"), limit=3)
    page.keyboard.type("keyboard.only@ukr.net")
    tab_to(page, named("notify_on_answer"), limit=3)
    page.keyboard.press("Space")
    assert page.is_checked("input[name='notify_on_answer']")
    tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Підписати", limit=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Підтвердьте підпис"

    with live_demo_app.app_context():
        from civic.mail.models import OutboxMessage

        mail = db.session.scalars(
            db.select(OutboxMessage)
            .where(OutboxMessage.recipient == "keyboard.only@ukr.net")
            .order_by(OutboxMessage.id.desc())
        ).first()
        link = mail.body.split(url)[1].split()[0]
    page.goto(url + link)  # the link from the mail
    tab_to(page, lambda f: f["text"] == "Підтвердити підпис")
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert page.locator("h1").inner_text() == "Дякуємо, підпис зараховано"
    with live_demo_app.app_context():
        from civic.petitions.models import Signature

        (signature,) = db.session.scalars(
            db.select(Signature).where(Signature.full_name == "Клавіатурна Оксана Петрівна")
        ).all()
        assert signature.petition_id == values["petition"]
        assert signature.confirmed_at is not None


def test_operator_logs_in_and_enters_a_ballot_with_the_keyboard_only(page, demo):
    _, url, _ = demo
    page.goto(f"{url}/login")
    tab_to(page, named("login"))
    page.keyboard.type("commission")
    tab_to(page, named("password"), limit=3)
    page.keyboard.type("demo-count-2026")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.startswith(f"{url}/staff")
    page.goto(f"{url}/staff/pb/{OPEN_SLUG}/entry")
    # The first field has the focus already; Tab moves through the form in reading order.
    assert page.evaluate(FOCUSED)["name"] == "batch"
    typed = [
        ("batch", "7"),
        ("number", "101"),
        ("cast_on", "10.11.2020"),
        ("full_name", "Клавішенко Петро Іванович"),
        ("birth_date", "01.02.1990"),
        ("document", "НК 765432"),
        ("settlement", "Ніжин"),
        ("address", "вул. Гоголя, 3"),
        ("projects", "М-01, В-01"),
    ]
    for k, (name, text) in enumerate(typed):
        if k:
            tab_to(page, named(name), limit=2)
        page.keyboard.type(text)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    status = page.locator("p.batch-count").inner_text()
    assert "Пачка «7»: ви ввели 1 бланк" in status
    assert page.evaluate(FOCUSED)["name"] == "number"  # ready for the next form of the batch


# --- 200 % zoom ----------------------------------------------------------------------------

ZOOMED = (
    "/",
    "/petitions",
    "/petitions/{petition}",
    "/petitions/new",
    "/pb/",
    "/pb/{slug}",
    "/enterprises",
    "/enterprises/{edrpou}",
    "/open-data",
    "/login",
    "/accessibility",
)


def test_main_public_pages_work_at_200_percent_zoom(browser, demo):
    """A 1280 px window at 200 %: 640 CSS pixels at device scale 2; nothing scrolls sideways."""
    _, url, values = demo
    context = browser.new_context(
        locale="uk-UA", viewport={"width": 640, "height": 450}, device_scale_factor=2
    )
    page = context.new_page()
    try:
        for path in ZOOMED:
            response = page.goto(url + path.format(**values))
            assert response.status == 200, path
            assert page.evaluate("window.devicePixelRatio") == 2
            scroll, inner = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert scroll <= inner, f"{path} at 200 % is {scroll} px wide in a {inner} px window"
    finally:
        context.close()
