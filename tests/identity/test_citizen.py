"""The pure core: a provider's answer → a Citizen with only the fields the rules need."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civic import personal_data
from civic.identity import development, providers
from civic.identity.citizen import (
    IdentityError,
    birth_date_of_rnokpp,
    birth_date_of_unzr,
    citizen_from_dict,
    citizen_from_idgovua,
    person_key,
)

KEY = "core-test-key"
BASE = {"lastname": "Петренко", "givenname": "Олена", "middlename": "Миколаївна"}


@given(
    born=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    serial=st.integers(0, 9999),
)
def test_the_birth_date_a_rnokpp_encodes_comes_back(born, serial):
    number = development.made_up_rnokpp(born, serial)
    assert person_key({"drfocode": number}) == (f"rnokpp:{number}", born)
    assert birth_date_of_rnokpp(number) == born


@pytest.mark.parametrize(
    ("answer", "key", "born"),
    [
        ({"drfocode": " 3176105929 "}, "rnokpp:3176105929", dt.date(1986, 12, 16)),
        # A wrong check digit is not a РНОКПП, and the УНЗР is used instead.
        (
            {"drfocode": "3176105925", "unzr": "19861216-01234"},
            "unzr:1986121601234",
            dt.date(1986, 12, 16),
        ),
        ({"drfocode": "мк123456"}, "passport:МК123456", None),
        ({"drfocode": "123456789"}, "passport:123456789", None),
        ({"drfocode": "", "unzr": "20000230-01234"}, "unzr:2000023001234", None),
    ],
)
def test_which_number_identifies_the_person(answer, key, born):
    assert person_key(answer) == (key, born)


@pytest.mark.parametrize("answer", [{}, {"drfocode": "3176105925"}, {"drfocode": "abc"}])
def test_an_answer_naming_nobody_is_refused_in_ukrainian(answer):
    with pytest.raises(IdentityError, match="РНОКПП"):
        citizen_from_idgovua({**BASE, **answer}, key=KEY)


def test_no_name_is_refused_and_the_certificates_name_stands_in():
    with pytest.raises(IdentityError, match="імені"):
        citizen_from_idgovua({"drfocode": "3176105929"}, key=KEY)
    citizen = citizen_from_idgovua(
        {"drfocode": "3176105929", "subjectcn": "Петренко Олена Миколаївна"}, key=KEY
    )
    assert citizen.full_name == "Петренко Олена Миколаївна"


def test_only_the_needed_fields_leave_the_core_and_the_number_is_hashed():
    answer = {
        **BASE,
        "drfocode": "3176105929",
        "auth_type": "bank_id",
        "phone": "+380501234567",
        "serial": "5E984D526F82F38F",
        "issuercn": "АЦСК",
        "email": " Olena@Example.COM ",
        "state": "Чернігівська",
        "locality": "Ніжин",
    }
    citizen = citizen_from_idgovua(answer, key=KEY)
    assert citizen.as_dict() == {
        "full_name": "Петренко Олена Миколаївна",
        "person_hash": personal_data.keyed_hash(KEY, "rnokpp:3176105929", purpose="person"),
        "method": "bank_id",
        "provider": "idgovua",
        "birth_on": "1986-12-16",
        "address": "Чернігівська, Ніжин",
        "email": "olena@example.com",
        # What a PB paper form with the same РНОКПП as its document is hashed to.
        "document_hash": personal_data.keyed_hash(KEY, "3176105929"),
    }
    assert citizen.method_label == "BankID НБУ"
    assert citizen_from_dict(citizen.as_dict()) == citizen
    assert "3176105929" not in repr(citizen)


def test_control_characters_and_long_text_are_cut():
    citizen = citizen_from_idgovua(
        {"lastname": "Петренко\u202e\x00", "givenname": "О" * 500, "drfocode": "3176105929"},
        key=KEY,
    )
    assert "\x00" not in citizen.full_name and "\u202e" not in citizen.full_name
    assert len(citizen.full_name) <= 200
    assert citizen.email is None and citizen.address is None
    assert citizen.method_label == "ID.GOV.UA"  # no auth_type: the service's name


def test_the_same_number_hashes_apart_from_other_purposes():
    person = citizen_from_idgovua({**BASE, "drfocode": "3176105929"}, key=KEY).person_hash
    assert person != personal_data.keyed_hash(KEY, "3176105929")
    assert (
        person != citizen_from_idgovua({**BASE, "drfocode": "3176105929"}, key="other").person_hash
    )


def test_a_unzr_with_an_impossible_date_gives_no_birth_date():
    assert birth_date_of_unzr("20000230-01234") is None
    assert birth_date_of_unzr("1986121601234") == dt.date(1986, 12, 16)


def test_every_development_person_is_a_citizen():
    citizens = [
        citizen_from_idgovua(development.answer_of(i), key=KEY, provider="dev")
        for i in range(len(development.PEOPLE))
    ]
    assert len({c.person_hash for c in citizens}) == len(citizens)
    assert [c.birth_on for c in citizens if c.birth_on] == [
        p.born for p in development.PEOPLE if not p.passport
    ]
    with pytest.raises(IndexError):
        development.answer_of(len(development.PEOPLE))


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        ({"IDENTITY_PROVIDERS": ["bankid"]}, "unknown"),
        ({"IDENTITY_PROVIDERS": []}, "empty"),
        ({"IDENTITY_PROVIDERS": ["idgovua"]}, "IDGOVUA_CLIENT_ID"),
        (
            {
                "IDENTITY_PROVIDERS": ["dev"],
                "PUBLIC_BASE_URL": "https://petition.nizhynrada.gov.ua",
            },
            "loopback",
        ),
    ],
)
def test_settings_civic_refuses_to_start_with(config, problem):
    with pytest.raises(RuntimeError, match=problem):
        providers.check(config)


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"IDENTITY_PROVIDERS": "dev, email", "PUBLIC_BASE_URL": "http://127.0.0.1:5000"},
        {"IDENTITY_PROVIDERS": ["dev"], "PUBLIC_BASE_URL": "http://localhost"},
        {"IDENTITY_PROVIDERS": ["idgovua"], "IDGOVUA_CLIENT_ID": "a", "IDGOVUA_CLIENT_SECRET": "b"},
    ],
)
def test_settings_civic_starts_with(config):
    providers.check(config)


def test_the_development_provider_stops_the_app_on_a_public_address(app_factory):
    with pytest.raises(RuntimeError, match="loopback"):
        app_factory(IDENTITY_PROVIDERS=["dev"], PUBLIC_BASE_URL="https://nizhynrada.gov.ua")


_VALUES = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(min_size=250, max_size=260, alphabet="Ая"),
    st.integers(),
    st.lists(st.text(max_size=5), max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(
            ["lastname", "givenname", "middlename", "subjectcn", "drfocode", "unzr", "email"]
            + ["address", "state", "locality", "auth_type", "phone"]
        ),
        _VALUES,
    )
)
def test_any_answer_gives_a_citizen_or_a_ukrainian_refusal(answer):
    try:
        citizen = citizen_from_idgovua(answer, key=KEY)
    except IdentityError as error:
        assert error.message and not error.message.isascii()
        return
    assert 0 < len(citizen.full_name) <= 200 and len(citizen.person_hash) == 64
    assert len(citizen.method) <= 20
    assert citizen.address is None or len(citizen.address) <= 200
    assert all(ch.isprintable() for ch in citizen.full_name)
