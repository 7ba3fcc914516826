"""The accessibility statement (/accessibility): what a public body publishes under ПКМУ № 757
of 21.07.2023 — conformance with ДСТУ EN 301 549:2022, the date of the last check, the known
gaps, where to report a barrier (from the settings) and how to complain; every page links it."""

import datetime as dt

import pytest

from civic.formatting import uk_date_long


@pytest.fixture
def statement_app(app_factory):
    return app_factory(
        ACCESSIBILITY_CONTACT_EMAIL="barriers@example.gov.ua",
        ACCESSIBILITY_CONTACT_PHONE="+380 44 000 00 00",
        ACCESSIBILITY_CHECKED_ON="2026-11-30",
    )


def test_statement_names_the_standard_the_check_and_the_contact(statement_app):
    with statement_app.app_context():
        page = statement_app.test_client().get("/accessibility")
        assert page.status_code == 200
        text = " ".join(page.get_data(as_text=True).split())
    for promise in (
        "ДСТУ EN 301 549:2022",
        "WCAG 2.1",
        "від 21 липня 2023 р. № 757",
        "частково відповідає",
        "Відомі обмеження",
        "Як поскаржитися",
        "Уповноваженого Верховної Ради України з прав людини",
        uk_date_long(dt.date(2026, 11, 30)),
        'href="mailto:barriers@example.gov.ua"',
        'href="tel:+380440000000"',
        statement_app.config["COUNCIL_ADDRESS"],
    ):
        assert promise in text, promise


def test_no_phone_line_unless_one_is_set(client):
    text = client.get("/accessibility").get_data(as_text=True)
    assert "tel:" not in text and "mailto:" in text


@pytest.mark.parametrize("path", ["/", "/petitions", "/pb/", "/login", "/no-such-page"])
def test_every_page_links_the_statement_from_its_footer(client, path):
    text = client.get(path).get_data(as_text=True)
    footer = text.split('<footer class="site-footer">')[1]
    assert 'href="/accessibility">Доступність</a>' in footer
    assert '<html lang="uk">' in text
