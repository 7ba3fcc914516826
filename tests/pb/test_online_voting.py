"""Online voting through HTTP: an identified citizen chooses, reviews and casts once; the
ballot counts with paper ones, one person once across channels; the receipt tells only whether
it was received and counted."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from civic import database, kyiv
from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.identity import development
from civic.pb import double_entry, exports, services
from civic.pb.double_entry import EntryData
from civic.pb.models import Ballot, Edition
from civic.pb.protocol import DUPLICATE_RULES
from tests.conftest import login_as
from tests.pb.online_support import DEV_SETTINGS, dev_sign_in, open_online_edition
from tests.pb.test_edition_form import new_edition_fields

VOTE = "/pb/gb-online/vote"
CAST = "/pb/gb-online/vote/cast"
RECEIPT = "/pb/gb-online/receipt"
OKSANA, ANDRIY, IRYNA, TARAS, MARIA, OLEH = range(6)


@pytest.fixture
def app(app_factory):
    app = app_factory(**DEV_SETTINGS, PB_CHECK_LIMIT_PER_ADDRESS="5 per 10 minutes")
    with app.app_context():
        yield app


@pytest.fixture
def edition(app):
    return open_online_edition()


def _ballots() -> list[Ballot]:
    db.session.expire_all()
    return list(db.session.scalars(select(Ballot).order_by(Ballot.id)))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _cast(client, *codes, **extra):
    return client.post(CAST, data={"project": list(codes), **extra})


def test_a_citizen_signs_in_chooses_reviews_and_casts_once(client, edition):
    index = _text(client.get("/pb/"))
    assert "Триває онлайн-голосування: Громадський бюджет міста Ніжина на 2027 рік" in index
    assert f'href="{VOTE}"' in index
    signed_out = _text(client.get(VOTE))
    assert "Увійдіть, щоб проголосувати" in signed_out
    assert f"/identity/dev?next={VOTE}" in signed_out
    dev_sign_in(client, OKSANA, VOTE)
    paper = _text(client.get(VOTE))
    assert "Малі проєкти: оберіть не більше 1 проєкту" in paper
    assert "Сенсорна кімната" in paper and "Фонтан на площі Ринковій" not in paper  # not admitted
    review = client.post(VOTE, data={"project": ["М-01", "В-01"]})
    assert review.status_code == 200 and "Перевірте свій вибір" in _text(review)
    assert _ballots() == []  # the review writes nothing
    changed = client.post(VOTE, data={"project": ["М-01"], "change": "1"})
    assert 'value="М-01" id="project-1-small" checked' in _text(changed)

    done = _cast(client, "М-01", "В-01")
    assert done.status_code == 201
    page = _text(done)
    assert "Ваш голос прийнято" in page and "Сенсорна кімната" not in page
    [ballot] = _ballots()
    assert (ballot.channel, ballot.source, ballot.projects) == ("online", "vote", "М-01,В-01")
    assert ballot.cast_on == kyiv.today(database.utcnow())
    assert ballot.full_name == development.PEOPLE[OKSANA].full_name
    assert ballot.settlement == "м. Ніжин" and ballot.address_declared is False
    assert ballot.frozen_reason == "" and ballot.check_hash is None
    # The paper forms' hash of the same РНОКПП written as the document: the two meet.
    rnokpp = development.answer_of(OKSANA)["drfocode"]
    assert ballot.voter_hash == services.personal_hash(rnokpp)
    assert ballot.person_hash and ballot.person_hash != ballot.voter_hash
    code = page.split('class="receipt-code"><strong>')[1].split("<")[0]
    assert code not in str(vars(ballot)) and ballot.receipt_hash

    again = _text(client.get(VOTE))
    assert "ви вже проголосували" in again
    twice = _cast(client, "М-04")
    assert twice.status_code == 409 and "Ви вже проголосували" in _text(twice)
    assert len(_ballots()) == 1


@pytest.mark.parametrize(
    ("person", "codes", "expected"),
    [
        (ANDRIY, ("М-01", "М-04", "В-01"), "у категорії «Малі проєкти» — не більше 1 проєкту"),
        (ANDRIY, (), "Оберіть щонайменше один проєкт."),
        (ANDRIY, ("М-11",), "немає серед допущених"),  # not admitted
        (TARAS, ("М-01",), "не належить до громади (Ніжин)"),  # lives in Chernihiv
        (MARIA, ("М-01",), "не передав вашої дати народження"),  # a passport, no birth date
    ],
)
def test_every_refusal_is_specific_and_stores_nothing(client, edition, person, codes, expected):
    dev_sign_in(client, person, VOTE)
    for answer in (client.post(VOTE, data={"project": list(codes)}), _cast(client, *codes)):
        assert answer.status_code == 400
        assert expected in _text(answer)
    assert _ballots() == []


def test_a_citizen_under_the_edition_age_is_refused(app, client):
    open_online_edition(min_age=18)  # Iryna was born on 20.06.2009
    dev_sign_in(client, IRYNA, VOTE)
    answer = _cast(client, "М-01")
    assert answer.status_code == 400
    assert "виповнилося 18 років; за даними сервісу ідентифікації вам цього віку" in _text(answer)
    assert _ballots() == []


def test_voting_closed_or_not_online_is_said_and_refused(app, client):
    today = kyiv.today(database.utcnow())
    open_online_edition(
        online_starts_on=today - dt.timedelta(days=3), online_ends_on=today - dt.timedelta(days=1)
    )
    dev_sign_in(client, OKSANA, VOTE)
    assert "Онлайн-голосування завершено" in _text(client.get(VOTE))
    answer = _cast(client, "М-01")
    assert answer.status_code == 400 and "Онлайн-голосування завершено" in _text(answer)
    assert _ballots() == []
    assert "Триває онлайн-голосування" not in _text(client.get("/pb/"))
    edition = services.get_edition("gb-online")
    edition.online_voting = False
    db.session.commit()
    assert client.get(VOTE).status_code == 404
    assert client.get(RECEIPT).status_code == 404


def test_signed_out_casts_nothing(client, edition):
    answer = _cast(client, "М-01")
    assert answer.status_code == 400 and "Увійдіть ще раз" in _text(answer)
    assert _ballots() == []


def test_without_an_address_the_citizen_declares_a_settlement_the_commission_checks(
    app, client, edition, create_user
):
    dev_sign_in(client, OLEH, VOTE)
    assert "Населений пункт, у якому ви проживаєте" in _text(client.get(VOTE))
    missing = _cast(client, "М-01")
    assert missing.status_code == 400 and "Вкажіть населений пункт" in _text(missing)
    elsewhere = _cast(client, "М-01", settlement="м. Чернігів")
    assert elsewhere.status_code == 400
    assert "Зазначений вами населений пункт не належить до громади" in _text(elsewhere)
    review = client.post(VOTE, data={"project": ["М-01"], "settlement": "м. Ніжин"})
    assert "лічильна комісія перевірить його" in _text(review)
    assert _cast(client, "М-01", settlement="м. Ніжин").status_code == 201
    [ballot] = _ballots()
    assert ballot.address_declared is True and ballot.settlement == "м. Ніжин"
    create_user("chair", "commission")
    staff = app.test_client()
    login_as(staff, "chair")
    listed = _text(staff.get("/staff/pb/gb-online/ballots"))
    assert "Потребують перевірки: 1" in listed and ballot.ballot_id in listed


def _paper(edition, operators, *, document: str, cast_on: dt.date, projects: str) -> None:
    data = EntryData(
        batch="1",
        number=document[-3:],
        cast_on=cast_on,
        full_name=development.PEOPLE[OKSANA].full_name,
        birth_date=development.PEOPLE[OKSANA].born,
        document=document,
        settlement="Ніжин",
        address="вул. Гоголя, 4",
        projects=projects,
    )
    for operator in operators:
        double_entry.record_entry(edition, operator, data)
    db.session.commit()


@pytest.mark.parametrize(("rule", "counted"), [("first_cast", "paper"), ("online_first", "online")])
def test_a_paper_form_and_an_online_ballot_of_one_person_resolve_by_the_duplicates_rule(
    app, client, create_user, rule, counted
):
    edition = open_online_edition(duplicates=rule)
    operators = [create_user("op1", "commission"), create_user("op2", "commission")]
    today = kyiv.today(database.utcnow())
    rnokpp = development.answer_of(OKSANA)["drfocode"]
    # The commission typed her РНОКПП as the document of her paper form, a day earlier.
    _paper(
        edition, operators, document=rnokpp, cast_on=today - dt.timedelta(days=1), projects="М-04"
    )
    dev_sign_in(client, OKSANA, VOTE)
    done = _cast(client, "М-01", "В-01")
    assert done.status_code == 201
    code = _text(done).split('class="receipt-code"><strong>')[1].split("<")[0]
    edition = db.session.get(Edition, edition.id)
    result = services.tally(edition)
    db.session.commit()
    assert result.received == 2 and result.valid == 1
    assert result.invalid_by_reason["duplicate_voter"] == 1
    by_channel = result.as_json()["ballots"]["by_channel"]
    assert by_channel[counted]["valid"] == 1
    votes = {p["code"]: p["votes"] for p in result.as_json()["projects"]}
    assert votes["М-04"] == (1 if counted == "paper" else 0)
    assert votes["М-01"] == (1 if counted == "online" else 0)
    # Before the close the receipt says received; after it, the verdict in words.
    assert "Бюлетень прийнятий" in _text(client.post(RECEIPT, data={"code": code}))
    services.close_edition(edition, on=today)
    db.session.commit()
    answer = _text(client.post(RECEIPT, data={"code": code.lower().replace("-", " ")}))
    if counted == "online":
        assert "Бюлетень врахований." in answer
    else:
        assert "Бюлетень не врахований: повторне голосування тієї самої особи." in answer
    assert "Сенсорна кімната" not in answer and "М-01" not in answer
    # The protocol counts both channels and says how the person's two ballots were resolved.
    protocol = " ".join(
        " ".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(exports.export_edition(edition, "pdf"))).pages
        ).split()
    )
    assert "онлайн 1" in protocol and "паперові бланки 1" in protocol
    rule = DUPLICATE_RULES[rule]
    assert (
        f"Повторні бюлетені тих самих осіб (1 бюлетень, паперові й онлайн разом) не враховано: {rule}."
        in protocol
    )


def test_the_receipt_check_is_neutral_limited_and_audited(client, edition):
    dev_sign_in(client, ANDRIY, VOTE)
    done = _cast(client, "М-04")
    code = _text(done).split('class="receipt-code"><strong>')[1].split("<")[0]
    assert "Бюлетень прийнятий" in _text(client.post(RECEIPT, data={"code": code}))
    wrong = client.post(RECEIPT, data={"code": "0000-0000-0000-0000"})
    assert wrong.status_code == 200 and "з таким кодом квитанції не знайдено" in _text(wrong)
    nonsense = client.post(RECEIPT, data={"code": "'; DROP TABLE pb_ballots; --"})
    assert nonsense.status_code == 400 and "16 латинських літер і цифр" in _text(nonsense)
    assert client.post(RECEIPT, data={"code": ""}).status_code == 400
    for _ in range(3):
        client.post(RECEIPT, data={"code": "0000-0000-0000-0001"})
    limited = client.post(RECEIPT, data={"code": code})  # the right code, over the limit
    assert limited.status_code == 429
    assert "надто багато спроб" in _text(limited) and "прийнятий" not in _text(limited)
    logged = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == "pb.receipt_checked")
    )
    assert logged == 6  # the forms refused for their shape are no attempts
    assert len(_ballots()) == 1


def test_the_commission_opens_online_voting_in_the_settings_form(client, create_user, login):
    create_user("member", "commission")
    login("member")
    assert "Онлайн-голосування в civic" in _text(client.get("/staff/pb/"))
    outside = client.post(
        "/staff/pb/", data=new_edition_fields(online_voting="y", online_ends_on="30.11.2021")
    )
    assert "має бути в межах строку голосування" in _text(outside)
    assert "«Кінець онлайн-голосування»" in _text(outside)  # the form's words, not the key
    assert services.get_edition("gb-2022") is None
    saved = client.post(
        "/staff/pb/", data=new_edition_fields(online_voting="y", online_starts_on="15.11.2021")
    )
    assert saved.status_code == 302
    edition = services.get_edition("gb-2022")
    assert edition.online_voting is True
    assert (edition.online_starts_on, edition.online_ends_on) == (
        dt.date(2021, 11, 15),
        dt.date(2021, 11, 21),  # the voting period's end when left empty
    )
    form = _text(client.get("/staff/pb/gb-2022/settings"))
    assert 'value="15.11.2021"' in form and 'value="21.11.2021"' in form
    # An edition without online voting keeps it off and its TOML without the keys.
    client.post("/staff/pb/", data=new_edition_fields(slug="gb-2022-paper"))
    paper = services.get_edition("gb-2022-paper")
    assert paper.online_voting is False and "online" not in services.edition_toml(paper)


def test_tampered_choices_are_judged_not_trusted(client, edition):
    dev_sign_in(client, ANDRIY, VOTE)
    flood = _cast(client, *(["М-01"] * 5000))
    assert flood.status_code == 201  # one project ticked many times is one choice
    [ballot] = _ballots()
    assert ballot.projects == "М-01"
    other = client.application.test_client()
    dev_sign_in(other, OKSANA, VOTE)
    bogus = _cast(other, "М-01", "<script>", "В-01")
    assert bogus.status_code == 400 and "немає серед допущених" in _text(bogus)
    assert "<script>" not in _text(bogus)
    assert len(_ballots()) == 1


def test_a_sign_in_that_has_expired_casts_nothing(app, client, edition, monkeypatch):
    dev_sign_in(client, ANDRIY, VOTE)
    later = time.time() + 60 * 31  # IDENTITY_SIGN_IN_MINUTES is 30
    monkeypatch.setattr(time, "time", lambda: later)
    answer = _cast(client, "М-01")
    assert answer.status_code == 400 and "Увійдіть ще раз" in _text(answer)
    assert _ballots() == []


def test_online_ballots_lose_names_and_addresses_with_the_retention_period(client, edition):
    dev_sign_in(client, OKSANA, VOTE)
    assert _cast(client, "М-01").status_code == 201
    edition = db.session.get(Edition, edition.id)
    today = kyiv.today(database.utcnow())
    services.close_edition(edition, on=today)
    db.session.commit()
    services.purge_personal_data(today + dt.timedelta(days=3650))
    db.session.commit()
    [ballot] = _ballots()
    assert (ballot.full_name, ballot.birth_date, ballot.address) == (None, None, None)
    assert ballot.person_hash and ballot.receipt_hash  # keyed hashes only
