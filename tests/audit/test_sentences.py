"""Audit events as Ukrainian sentences (pure): gender, names, objects, decoded details."""

import re

import pytest

from civic.audit.sentences import (
    PERSONAL_DATA_VIEWS,
    VERBS,
    Actor,
    action_title,
    describe_event,
    short_name,
)
from civic.petitions.lifecycle import REFUSAL_BY_CODE

SHEVCHENKO = Actor("moderator", "Шевченко Марія Василівна", frozenset({"moderator"}), "f")
TKACHENKO = Actor("moderator2", "Ткаченко Олег Миколайович", frozenset({"moderator"}), "m")
NO_GENDER = Actor("mod3", "Шевченко Марія Василівна", frozenset({"moderator"}), "")


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        (SHEVCHENKO, "Модератор Шевченко М. В. запропонувала відмову в оприлюдненні петиції № 12."),
        (TKACHENKO, "Модератор Ткаченко О. М. запропонував відмову в оприлюдненні петиції № 12."),
        (
            NO_GENDER,
            "Шевченко М. В. (модератор): запропоновано відмову в оприлюдненні петиції № 12.",
        ),
        (None, "Запропоновано відмову в оприлюдненні петиції № 12."),
    ],
)
def test_the_verb_follows_the_actors_gender_else_it_is_impersonal(actor, expected):
    sentence = describe_event(
        "petition.refusal_proposed",
        object_type="petition",
        object_id="12",
        details={"state": "refusal_pending", "reason": "hate"},
        actor=actor,
    )
    assert sentence.text == expected


@pytest.mark.parametrize(
    ("action", "object_words"),
    [("petition.published", "петицію № 7"), ("petition.closed", "петиції № 7")],
)
def test_the_object_takes_the_case_its_verb_governs(action, object_words):
    text = describe_event(
        action, object_type="petition", object_id="7", details={}, actor=SHEVCHENKO
    ).text
    assert text.endswith(f" {object_words}.")


def test_details_are_decoded_into_labelled_ukrainian_values():
    sentence = describe_event(
        "petition.refusal_proposed",
        object_type="petition",
        object_id="12",
        details={"state": "refusal_pending", "reason": "hate", "digest": "ab" * 32},
        actor=SHEVCHENKO,
    )
    details = dict(sentence.details)
    assert details["стан"] == "на модерації (відмова чекає другого модератора)"
    assert details["причина"] == REFUSAL_BY_CODE["hate"].title
    assert details["контрольна сума"] == "abababababab…"


def test_a_nested_detail_is_json_with_its_letters_kept():
    sentence = describe_event(
        "user.updated",
        object_type="user",
        object_id="3",
        details={"full_name": {"from": "", "to": "Олена"}},
        actor=None,
        actor_login="admin",
    )
    assert sentence.text == "admin: змінено обліковий запис користувача № 3."
    assert dict(sentence.details)["ПІБ"] == '{"from": "", "to": "Олена"}'


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Шевченко Марія Василівна", "Шевченко М. В."),
        ("Адміністратор системи", "Адміністратор системи"),
        ("  Гук   Олена Олександрівна ", "Гук О. О."),
        ("", ""),
    ],
)
def test_short_names(full, short):
    assert short_name(full) == short


@pytest.mark.parametrize("action", sorted(VERBS))
def test_every_known_action_reads_as_ukrainian(action):
    for actor in (SHEVCHENKO, TKACHENKO, NO_GENDER, None):
        text = describe_event(
            action, object_type="petition", object_id="1", details={}, actor=actor
        ).text
        assert not re.search(r"[a-z]+\.[a-z_]+", text), text  # no «petition.published»
    assert action_title(action) and "." not in action_title(action)


def test_views_of_personal_data_are_marked():
    for action in PERSONAL_DATA_VIEWS:
        assert describe_event(
            action, object_type=None, object_id=None, details={}, actor=None
        ).is_personal_data_view


def test_an_amount_is_grouped_with_a_comma():
    sentence = describe_event(
        "pb.edition_created",
        object_type="pb_edition",
        object_id="gb-2022",
        details={"budget": "3479589.90"},
        actor=None,
    )
    assert dict(sentence.details)["бюджет, грн"] == "3\u00a0479\u00a0589,90"
