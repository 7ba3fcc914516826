"""Similar-title matching (pure)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.petitions import screening


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Облаштувати велодоріжку на вулиці Шевченка", "облаштування велодоріжок на вул. Шевченка"),
        ("Відремонтувати дорогу на вулиці Об'їжджій", "Ремонт дороги на вулиці Обʼїжджій"),
        ("Світлофор біля школи", "CBiTлофор біля школи"),  # Latin look-alikes
        ("Парк імені Шевченка", "ПАРК ІМЕНІ ШЕВЧЕНКА"),
        ("Встановити світлофори біля шкіл", "Встановити світлофор біля школи № 7"),
    ],
)
def test_similar_titles_match(a, b):
    assert screening.similarity(a, b) >= 0.5


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Облаштувати велодоріжку на вулиці Шевченка", "Знизити тарифи на газ"),
        ("Світлофор біля школи", "Басейн у мікрорайоні"),
    ],
)
def test_different_titles_do_not_match(a, b):
    assert screening.similarity(a, b) < 0.5


def test_normalise_folds_apostrophes_and_lookalikes():
    assert screening.normalise("Обʼїзна ’ ` Hiжин") == "об'їзна ' ' ніжин"
    assert screening.normalise("Wi-Fi у парку") == "wi-fi у парку"  # a Latin word stays Latin


def test_stemmer_keeps_short_words():
    assert screening.stem("школи") == screening.stem("школа") == "школ"
    assert screening.stem("газ") == "газ"


def test_similar_titles_ranks_and_limits():
    candidates = [
        (1, "Знизити тарифи на газ"),
        (2, "Облаштувати велодоріжку на вулиці Шевченка"),
        (3, "Велодоріжка на вулиці Шевченка"),
    ]
    found = screening.similar_titles("велодоріжка вулицею Шевченка", candidates)
    assert [m.id for m in found] == [3, 2]
    assert screening.similar_titles("на і та", candidates) == []


@given(st.text(max_size=80))
def test_similarity_is_symmetric_and_bounded(text):
    other = "Облаштувати велодоріжку"
    s = screening.similarity(text, other)
    assert 0.0 <= s <= 1.0
    assert s == screening.similarity(other, text)
    if screening.title_stems(text):
        assert screening.similarity(text, text) == 1.0
