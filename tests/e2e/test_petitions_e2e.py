"""Petitions' main paths in a real headless Chromium: a citizen submits (with suggestions while
typing, a JS feature no other test reaches) and a moderator publishes.

Self-contained (its own live server) so it runs on this branch; Debian's Chromium is used, never
a downloaded one. Outside CI it skips when there is no Chromium.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from civic.mail.models import OutboxMessage
from civic.petitions import services
from civic.petitions.models import Petition
from tests.petitions.conftest import published_now

pytestmark = pytest.mark.e2e


@pytest.fixture
def chromium(browser):
    return browser


@pytest.fixture
def live(live_app, live_server):
    return live_app, live_server.url


def test_citizen_submits_and_moderator_publishes(live, chromium):
    app, url = live
    with app.app_context():
        from civic.auth.services import create_user

        moderator = create_user(
            "mod", "petitions-desk-2026", ["moderator"], full_name="Марія Шевченко"
        )
        published_now(
            moderator,
            "Встановити світлофор біля школи № 5",
            "Текст " * 20,
            "Автор",
            "a@example.com",
        )
        db.session.commit()

    context = chromium.new_context(locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/petitions/new")
    page.get_by_label("Назва петиції").press_sequentially("Світлофори біля шкіл")
    suggestion = page.locator("#similar-petitions a")
    suggestion.first.wait_for()
    expect(suggestion.first).to_contain_text("школи № 5")
    page.get_by_label("Назва петиції").fill("Встановити світлофор біля школи № 7")
    page.get_by_label("Текст петиції").fill(
        "Діти щодня переходять жваву дорогу біля школи № 7 без світлофора; просимо його встановити."
    )
    page.get_by_label("Прізвище, ім'я, по батькові автора").fill("Савчук Ірина Петрівна")
    page.get_by_label("Електронна пошта").fill("savchuk@example.com")
    page.get_by_role("button", name="Переглянути").click()
    expect(page.get_by_role("heading", name="Схожі петиції вже є")).to_be_visible()
    page.get_by_role("button", name="Надіслати").click()
    expect(page.get_by_role("heading", name="Майже готово: підтвердьте петицію")).to_be_visible()

    with app.app_context():
        mail = db.session.scalar(
            db.select(OutboxMessage).where(OutboxMessage.recipient == "savchuk@example.com")
        )
        link = re.search(r"(http://\S+/petitions/author/\S+)", mail.body)[1]
    page.goto(link)
    page.get_by_role("button", name="Підтвердити й надіслати на модерацію").click()
    expect(page.get_by_text("Петицію підтверджено")).to_be_visible()

    page.goto(f"{url}/login")
    page.get_by_label("Логін").fill("mod")
    page.get_by_label("Пароль").fill("petitions-desk-2026")
    page.get_by_role("button", name="Увійти").click()
    page.goto(f"{url}/staff/petitions")
    page.get_by_role("link", name="Встановити світлофор біля школи № 7").click()
    page.once("dialog", lambda dialog: dialog.accept())  # «Оприлюднити петицію № …?»
    page.get_by_role("button", name="Оприлюднити").click()
    expect(page.get_by_text("Петицію оприлюднено; збір підписів розпочато.")).to_be_visible()
    page.goto(f"{url}/petitions")
    expect(page.get_by_role("link", name="Встановити світлофор біля школи № 7")).to_be_visible()
    context.close()


def test_leaving_the_moderation_page_releases_the_edit_lock(live, chromium):
    app, url = live
    with app.app_context():
        from civic.auth.services import create_user

        create_user("mod", "petitions-desk-2026", ["moderator"], full_name="Шевченко Марія")
        petition, _ = services.submit_petition(
            "Встановити лавки вздовж набережної Остра",
            "Текст " * 20,
            "Автор",
            "a@example.com",
            ip=None,
            now=services.utcnow(),
        )
        services.confirm_petition(petition, now=services.utcnow())
        db.session.commit()
        petition_id = petition.id

    def holder():
        with app.app_context():
            db.session.expire_all()
            return db.session.get(Petition, petition_id).locked_by_id

    context = chromium.new_context(locale="uk-UA")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{url}/login")
    page.get_by_label("Логін").fill("mod")
    page.get_by_label("Пароль").fill("petitions-desk-2026")
    page.get_by_role("button", name="Увійти").click()
    page.wait_for_url(f"{url}/staff/**")
    page.goto(f"{url}/staff/petitions/{petition_id}")
    for _ in range(40):  # the open page takes the lock with a POST of its own: wait for it
        if holder() is not None:
            break
        page.wait_for_timeout(250)
    assert holder() is not None
    page.goto(f"{url}/petitions")  # leaving the page: the browser sends the release
    for _ in range(40):  # the beacon is sent in the background: wait for it to land
        if holder() is None:
            break
        page.wait_for_timeout(250)
    assert holder() is None
    page.goto(f"{url}/staff/petitions/{petition_id}")
    page.get_by_role("button", name="← Закрити й повернутися до черги").click()
    page.wait_for_url(f"{url}/staff/petitions")
    assert holder() is None
    context.close()
