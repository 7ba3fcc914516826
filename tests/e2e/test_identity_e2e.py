"""Signing a petition as an identified citizen in a real headless Chromium: through the
development provider (as `make run` offers it) and through ID.GOV.UA played on loopback."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from civic.identity import development
from tests.identity.conftest import PERSON, idgovua_settings
from tests.petitions.conftest import published_now

pytestmark = pytest.mark.e2e


def _collecting_petition(app) -> int:
    with app.app_context():
        from civic.auth.services import create_user

        moderator = create_user("mod", "petitions-desk-2026", ["moderator"], full_name="Марія")
        petition = published_now(
            moderator,
            "Облаштувати велодоріжку вулицею Гоголя",
            "Просимо облаштувати безпечну велодоріжку. " * 5,
            "Автор Петиції",
            "author@example.com",
        )
        db.session.commit()
        return petition.id


def test_a_citizen_signs_through_the_development_provider(live_app, live_server, page):
    live_app.config["IDENTITY_PROVIDERS"] = ["dev", "email"]
    petition_id = _collecting_petition(live_app)
    person = development.PEOPLE[1]
    page.goto(f"{live_server.url}/petitions/{petition_id}")
    page.get_by_role("link", name="Підписати через тестовий провайдер").click()
    expect(page.get_by_role("heading", name="Тестовий провайдер ідентифікації")).to_be_visible()
    page.get_by_role("button", name=f"Увійти як {person.givenname} {person.lastname}").click()
    expect(page).to_have_url(re.compile(rf"/petitions/{petition_id}$"))
    expect(page.get_by_text("Ви увійшли як")).to_contain_text(person.full_name)
    page.get_by_role("button", name=f"Підписати як {person.full_name}").click()
    expect(page.get_by_role("heading", name="Дякуємо, підпис зараховано")).to_be_visible()
    page.get_by_role("link", name="← До петиції").click()
    expect(page.locator("ol.signers")).to_contain_text(person.full_name)
    expect(page.get_by_role("heading", name=re.compile("Підписи: 1 з"))).to_be_visible()
    # The page knows the person signed: no second button, and «Вийти» ends the sign-in.
    expect(page.get_by_text("і вже підписали цю петицію")).to_be_visible()
    expect(page.get_by_role("button", name=f"Підписати як {person.full_name}")).to_have_count(0)
    page.get_by_role("button", name="Вийти").click()
    expect(page.get_by_role("link", name="Підписати через тестовий провайдер")).to_be_visible()


def test_a_citizen_signs_through_idgovua(live_app, live_server, page, fake_idgovua):
    live_app.config.update(idgovua_settings(fake_idgovua))
    petition_id = _collecting_petition(live_app)
    page.goto(f"{live_server.url}/petitions/{petition_id}")
    page.get_by_role("link", name="Підписати через ID.GOV.UA").click()
    expect(page).to_have_url(re.compile(rf"/petitions/{petition_id}$"))
    name = f"{PERSON['lastname']} {PERSON['givenname']} {PERSON['middlename']}"
    expect(page.get_by_text("Ви увійшли як")).to_contain_text("КЕП")
    page.get_by_role("button", name=f"Підписати як {name}").click()
    expect(page.get_by_role("heading", name="Дякуємо, підпис зараховано")).to_be_visible()
    assert fake_idgovua.logged_out
