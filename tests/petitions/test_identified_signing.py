"""Petitions signed by identified citizens: once per person, at once, never twice with e-mail."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from civic.extensions import db
from civic.identity import development
from civic.petitions import identified, retention, services
from civic.petitions.models import Petition, Signature
from civic.petitions.signatures import sign_petition
from tests.identity.conftest import PERSON, idgovua_settings, start_sign_in

OKSANA = development.PEOPLE[0]  # her provider knows her mailbox
ANDRIY = development.PEOPLE[1]  # his does not


@pytest.fixture
def app(app_factory, fake_idgovua):
    app = app_factory(
        **idgovua_settings(fake_idgovua, IDENTITY_PROVIDERS=["idgovua", "dev", "email"])
    )
    with app.app_context():
        yield app


def _dev_sign_in(client, person: int, next_page: str) -> None:
    answer = client.post("/identity/dev", data={"person": person, "next": next_page})
    assert answer.status_code == 302 and answer.headers["Location"] == next_page


def _sign(client, petition_id: int, **data):
    return client.post(f"/petitions/{petition_id}/sign/identified", data=data)


def _count(petition_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Petition, petition_id).signature_count


def _rows(petition_id: int) -> list[Signature]:
    db.session.expire_all()
    return list(db.session.scalars(select(Signature).where(Signature.petition_id == petition_id)))


def test_a_signed_in_citizen_signs_once_and_is_listed_by_name(client, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    page = f"/petitions/{petition.id}"
    before = client.get(page).get_data(as_text=True)
    assert "Підписати через ID.GOV.UA" in before
    assert "Підписати через тестовий провайдер" in before
    assert "через електронну пошту" in before

    _dev_sign_in(client, 1, page)
    signed_in = client.get(page).get_data(as_text=True)
    assert f"Ви увійшли як <strong>{ANDRIY.full_name}</strong>" in signed_in
    answer = _sign(client, petition.id)
    assert answer.status_code == 201
    assert "підпис зараховано" in answer.get_data(as_text=True)
    assert _count(petition.id) == 1
    (row,) = _rows(petition.id)
    assert row.confirmed_at is not None and row.identity_method == "dev"
    assert row.email is None and row.email_domain == ""
    after = client.get(page).get_data(as_text=True)
    assert ANDRIY.full_name in after
    assert "і вже підписали цю петицію" in after and "Підписати як" not in after

    again = _sign(client, petition.id, notify_on_answer="y")
    assert again.status_code == 302
    assert identified.ALREADY in client.get(page).get_data(as_text=True)
    assert _count(petition.id) == 1 and len(_rows(petition.id)) == 1


def test_the_same_person_in_another_browser_is_still_one_signature(app, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    for _ in range(2):
        browser = app.test_client()
        _dev_sign_in(browser, 1, "/petitions")
        _sign(browser, petition.id)
    assert _count(petition.id) == 1


def test_a_confirmed_email_signature_of_the_providers_mailbox_is_not_counted_twice(
    client, make_petition
):
    petition = make_petition("collecting", on=services.today_kyiv())
    earlier = sign_petition(
        petition, OKSANA.full_name, OKSANA.email.upper(), ip=None, now=services.utcnow()
    )
    from civic.petitions.signatures import confirm_signature

    confirm_signature(earlier, now=services.utcnow())
    db.session.commit()
    _dev_sign_in(client, 0, f"/petitions/{petition.id}")
    assert _sign(client, petition.id).status_code == 302
    assert identified.BY_EMAIL in client.get(f"/petitions/{petition.id}").get_data(as_text=True)
    assert _count(petition.id) == 1 and len(_rows(petition.id)) == 1


def test_an_unconfirmed_email_signature_is_taken_over_and_counted_once(client, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    pending = sign_petition(petition, "Шевченко О.", OKSANA.email, ip=None, now=services.utcnow())
    db.session.commit()
    from civic.mail.models import OutboxMessage

    link = (
        db.session.scalars(select(OutboxMessage))
        .all()[-1]
        .body.split("/petitions/signatures/")[1]
        .split()[0]
    )
    _dev_sign_in(client, 0, f"/petitions/{petition.id}")
    assert _sign(client, petition.id).status_code == 201
    assert _count(petition.id) == 1
    (row,) = _rows(petition.id)
    assert row.id == pending.id and row.identity_method == "dev"
    assert row.full_name == OKSANA.full_name  # the provider's name, not the one typed
    # The mailed link is spent: following it now counts nothing more.
    assert client.post(f"/petitions/signatures/{link}").status_code == 404
    assert _count(petition.id) == 1


def test_an_email_signing_after_the_identified_one_is_refused(client, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    _dev_sign_in(client, 0, f"/petitions/{petition.id}")
    assert _sign(client, petition.id).status_code == 201
    answer = client.post(
        f"/petitions/{petition.id}/sign",
        data={"full_name": "Шевченко Оксана", "email": OKSANA.email},
    )
    assert answer.status_code == 400
    assert "З цієї адреси петицію вже підписано" in answer.get_data(as_text=True)
    assert _count(petition.id) == 1 and len(_rows(petition.id)) == 1


def test_two_people_sharing_a_mailbox_both_count(app, make_petition, monkeypatch):
    petition = make_petition("collecting", on=services.today_kyiv())
    shared = development.Person(
        "Шевченко", "Петро", "Іванович", OKSANA.born, OKSANA.address, email=OKSANA.email
    )
    monkeypatch.setattr(development, "PEOPLE", (*development.PEOPLE, shared))
    for person in (0, len(development.PEOPLE) - 1):
        browser = app.test_client()
        _dev_sign_in(browser, person, "/petitions")
        assert _sign(browser, petition.id).status_code == 201
    assert _count(petition.id) == 2


def test_without_a_sign_in_nothing_is_written(client, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    assert _sign(client, petition.id).status_code == 302
    assert "Увійдіть ще раз" in client.get(f"/petitions/{petition.id}").get_data(as_text=True)
    assert _rows(petition.id) == []


def test_a_tampered_session_cookie_signs_nobody(client, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    _dev_sign_in(client, 1, "/petitions")
    value = client.get_cookie("session").value
    client.set_cookie("session", value[:-3] + ("AAA" if value[-3:] != "AAA" else "BBB"))
    assert _sign(client, petition.id).status_code == 302
    assert _rows(petition.id) == []


def test_a_closed_collection_refuses_identified_signatures(client, make_petition):
    petition = make_petition("moderation")
    _dev_sign_in(client, 1, "/petitions")
    assert _sign(client, petition.id).status_code == 302
    assert _rows(petition.id) == []


def test_the_idgovua_flow_signs_and_keeps_no_raw_answer(client, make_petition, fake_idgovua):  # noqa: F811
    petition = make_petition("collecting", on=services.today_kyiv())
    back = start_sign_in(client, next_page=f"/petitions/{petition.id}")
    assert client.get(back).headers["Location"] == f"/petitions/{petition.id}"
    assert _sign(client, petition.id, notify_on_answer="y").status_code == 201
    (row,) = _rows(petition.id)
    assert row.full_name == "Петренко Олена Миколаївна" and row.identity_method == "dig_sign"
    assert row.email == "olena.petrenko@example.com" and row.notify_on_answer
    # Nothing in any table holds the number, the phone, the address or the certificate's data.
    everything = []
    for table in inspect(db.engine).get_table_names():
        for record in db.session.execute(text(f'SELECT * FROM "{table}"')):
            everything.extend(str(v) for v in record)
    dump = "\n".join(everything)
    for secret in (PERSON["drfocode"], PERSON["phone"], PERSON["address"], "АЦСК", "1986-12-16"):
        assert secret not in dump


def test_the_purge_removes_the_mailbox_and_keeps_one_signature_per_person(client, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    _dev_sign_in(client, 0, "/petitions")
    assert _sign(client, petition.id).status_code == 201
    db.session.expire_all()
    target = db.session.get(Petition, petition.id)
    target.state = "archived"
    target.archived_on = services.today_kyiv().replace(year=services.today_kyiv().year - 1)
    db.session.commit()
    assert retention.purge_personal_data(today=services.today_kyiv()) == (1, 1)
    db.session.commit()
    (row,) = _rows(petition.id)
    assert row.email is None and row.ip is None
    assert row.person_hash and row.full_name == OKSANA.full_name


def test_a_council_that_switches_email_off_offers_identity_only(app_factory, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    app = app_factory(IDENTITY_PROVIDERS=["dev"])
    with app.app_context():
        client = app.test_client()
        page = client.get(f"/petitions/{petition.id}").get_data(as_text=True)
        assert "Підписати через тестовий провайдер" in page
        assert 'name="email"' not in page
        answer = client.post(
            f"/petitions/{petition.id}/sign",
            data={"full_name": "Іван Петренко", "email": "i@ex.ua"},
        )
        assert answer.status_code == 404
        assert _rows(petition.id) == []


def test_without_identity_the_page_is_as_before(app_factory, make_petition):
    petition = make_petition("collecting", on=services.today_kyiv())
    app = app_factory()
    with app.app_context():
        client = app.test_client()
        page = client.get(f"/petitions/{petition.id}").get_data(as_text=True)
        assert "ID.GOV.UA" not in page and 'name="email"' in page
        assert client.post(f"/petitions/{petition.id}/sign/identified").status_code == 404
