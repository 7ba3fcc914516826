"""The monthly report's sentence on financial plans received and the enterprises whose execution
strays from the plan beyond the share (pure)."""

from decimal import Decimal as D

import pytest

from civic.reports.monthly import ModuleStats
from civic.reports.sentences import EnterpriseStats, plans_sentence
from tests.reports.test_monthly import _report

NAME = "Комунальне підприємство «Керуюча компанія «Північна»»"


def _stats(**values) -> EnterpriseStats:
    return EnterpriseStats.from_dict({"uploads": 1, "enterprises_updated": 1, **values})


@pytest.mark.parametrize(
    ("plans", "reports", "phrase"),
    [
        (1, 0, "Отримано 1 фінансовий план."),
        (2, 0, "Отримано 2 фінансові плани."),
        (5, 0, "Отримано 5 фінансових планів."),
        (21, 0, "Отримано 21 фінансовий план."),
        (0, 1, "Отримано 1 звіт про виконання фінансового плану."),
        (0, 3, "Отримано 3 звіти про виконання фінансових планів."),
        (0, 11, "Отримано 11 звітів про виконання фінансових планів."),
        (1, 2, "Отримано 1 фінансовий план та 2 звіти про виконання фінансових планів."),
    ],
)
def test_the_counts_agree_with_their_number(plans, reports, phrase):
    assert plans_sentence(_stats(plans=plans, execution_reports=reports)).startswith(phrase)


def test_no_plan_received_says_nothing():
    assert plans_sentence(_stats()) == ""
    assert plans_sentence(_stats(plans=2)) == "Отримано 2 фінансові плани."  # nothing to judge


@pytest.mark.parametrize(
    ("share", "text"), [("0.1", "10\u00a0%"), (D("0.125"), "12,5\u00a0%"), (0.05, "5\u00a0%")]
)
def test_none_deviate_names_the_share(share, text):
    sentence = plans_sentence(_stats(execution_reports=1, deviation_share=share))
    assert sentence.endswith(
        f"Показники жодного підприємства не відхилилися від плану більш ніж на {text}."
    )


@pytest.mark.parametrize(
    ("quarter", "period"),
    [
        (1, "I квартал 2020 року"),
        (2, "I півріччя 2020 року"),
        (3, "9 місяців 2020 року"),
        (4, "2020 рік"),
    ],
)
def test_the_deviating_enterprises_are_named_with_their_percent_and_period(quarter, period):
    deviation = {
        "name": NAME,
        "year": 2020,
        "quarter": quarter,
        "indicators": [("Чистий дохід від реалізації", D("82.3")), ("Собівартість", "115")],
    }
    sentence = plans_sentence(_stats(execution_reports=2, deviations=[deviation]))
    assert (
        "Більш ніж на 10\u00a0% від плану відхилилися показники 1 підприємства: "
        f"{NAME} (чистий дохід від реалізації — 82,3\u00a0%, собівартість — 115\u00a0% плану за "
        f"{period})."
    ) in sentence


def test_several_deviating_enterprises_agree_in_the_plural():
    one = {"name": "КП «А»", "year": 2020, "quarter": 3, "indicators": [("Дохід", "80")]}
    two = {**one, "name": "КП «Б»"}
    sentence = plans_sentence(_stats(execution_reports=2, deviations=[one, two]))
    assert "відхилилися показники 2 підприємств: КП «А» (" in sentence
    assert "); КП «Б» (дохід — 80\u00a0% плану за 9 місяців 2020 року)." in sentence


def test_the_report_carries_the_sentence_after_the_uploads():
    stats = ModuleStats.from_dicts(
        petitions=None,
        pb=None,
        enterprises={
            "uploads": 3,
            "enterprises_updated": 1,
            "enterprise_names": [NAME],
            "execution_reports": 3,
            "deviation_share": "0.1",
            "deviations": [],
        },
    )
    text = _report(stats).text()
    assert (
        "завантажено 3 файли звітності комунальних підприємств; оновлено дані 1 підприємства: "
        f"{NAME}. Отримано 3 звіти про виконання фінансових планів. Показники жодного"
    ) in text
