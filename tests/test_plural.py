"""Ukrainian number agreement (Babel's CLDR rule): the table from the seed and the rule's edges."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.formatting import Forms, agree, group_digits, plural_category

NEWS = ("новину", "новини", "новин")
ACTS = ("нормативний акт", "нормативні акти", "нормативних актів")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "0 новин"),
        (1, "1 новину"),
        (2, "2 новини"),
        (4, "4 новини"),
        (5, "5 новин"),
        (11, "11 новин"),
        (12, "12 новин"),
        (14, "14 новин"),
        (21, "21 новину"),
        (22, "22 новини"),
        (111, "111 новин"),
        (112, "112 новин"),
        (101, "101 новину"),
        (316, "316 новин"),
        (1004, "1\u00a0004 новини"),  # grouped as on the web pages
        (12341, "12\u00a0341 новину"),
    ],
)
def test_news_agreement(n, expected):
    assert agree(n, NEWS) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 нормативний акт"),
        (3, "3 нормативні акти"),
        (125, "125 нормативних актів"),
        (60, "60 нормативних актів"),
    ],
)
def test_acts_agreement(n, expected):
    assert agree(n, ACTS) == expected


@pytest.mark.parametrize(
    ("n", "category"),
    [(1, "one"), (21, "one"), (11, "many"), (3, "few"), (13, "many"), (23, "few"), (0, "many")],
)
def test_categories(n, category):
    assert plural_category(n) == category


@given(st.integers(min_value=0, max_value=10**9))
def test_category_depends_only_on_last_two_digits(n):
    assert plural_category(n) == plural_category(n % 100 + 100)


@given(st.integers(min_value=0, max_value=10**12))
def test_grouped_digits_read_back(n):
    assert int(group_digits(n).replace("\u00a0", "")) == n


def test_forms_pick():
    forms = Forms("голос", "голоси", "голосів")
    assert [forms.pick(n) for n in (1, 2, 5)] == ["голос", "голоси", "голосів"]
