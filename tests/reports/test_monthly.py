"""The pure report model: from fixtures, against the real seed report, edge cases."""

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic.formatting import group_digits
from civic.reports import demo_data
from civic.reports.defaults import default_settings
from civic.reports.monthly import (
    JournalItem,
    ModuleStats,
    MonthlyReport,
    ParagraphTemplate,
    ReportSettings,
    build_monthly_report,
)

NOV = dt.date(2020, 11, 1)
SEED = "seed/000_5f4d3ede1a00b19a.txt"
PB_2021 = {
    "editions": [
        {
            "slug": "gb-2021",
            "title": "Громадський бюджет Ніжина на 2021 рік",
            "budget_year": 2021,
            "counted_on": dt.date(2020, 11, 23),
            "received": 2853,
            "valid": 2801,
            "invalid": 52,
            "invalid_by_reason": {"позначено забагато проєктів": 31, "немає підпису": 21},
            "selected": ["Сквер на Овдіївській", "Спортивний майданчик"],
            "votes": 5120,
        }
    ]
}


def _settings(**values):
    return default_settings(
        signer_position=demo_data.SIGNER_POSITION, signer_name=demo_data.SIGNER_NAME, **values
    )


def _demo_entries():
    return [
        JournalItem(on, code, title, count, link, occasion)
        for on, code, title, count, link, occasion in demo_data.NOVEMBER_2020
    ]


def _report(stats=None, entries=None, settings=None) -> MonthlyReport:
    return build_monthly_report(
        NOV,
        _demo_entries() if entries is None else entries,
        stats or ModuleStats(),
        settings or _settings(),
    )


def _normal(text: str) -> str:
    """Compare wording, not the seed's typing: Latin look-alikes, apostrophes, spaces."""
    text = text.translate(str.maketrans({"a": "а", "e": "е", "’": "ʼ", "'": "ʼ"}))
    return " ".join(text.split())


def test_demo_journal_reproduces_every_fact_of_the_seed(shared_dir):
    seed = (shared_dir / SEED).read_text(encoding="utf-8").splitlines()
    report = _report(ModuleStats.from_dicts(petitions=None, pb=PB_2021, enterprises=None))
    text = _normal(report.text())
    seed_text = _normal("\n".join(seed))
    # Every number of the seed (316, 125, 60, 2021, 2020) is in the report, in the same phrase.
    for number in set(re.findall(r"\d+", seed_text)):
        assert number in text, number
    for phrase in (
        "316 новин",
        "125 нормативних актів",
        "60 матеріалів з фотографіями",
        "за листопад 2020 року",
        "протягом листопада 2020 року",
        "ДКП ТРК «Ніжинське телебачення»",
        "моніторинг місцевих та обласних ЗМІ",
        "Єдиної системи місцевих петицій",
        "модернізували офіційний вебсайт",  # the seed: «робота по відновленню та модернізації»
        "комунальні підприємства",
        "Чернігівської обласної державної адміністрації",
        "підрахунок голосів за проєкти громадського бюджету на 2021 рік",
    ):
        assert phrase in text, phrase
    # The five greetings, in the seed's order.
    greetings = _normal(next(line for line in seed if "А саме:" in line).split("А саме:")[1])
    assert f"А саме: {greetings}" in text
    seminar = re.search(r"«(Базова комунікація[^»]+)»", seed_text)[1]
    assert f"онлайн-семінарі на тему: «{seminar}»" in text
    assert report.title == _normal(seed[0]).replace("ʼ", "'")
    assert (report.signer_position, report.signer_name) == ("Т.в.о. начальника відділу", "О.О.Гук")


def test_module_sentences_with_numbers():
    stats = ModuleStats.from_dicts(
        petitions={
            "received": 4,
            "published": 3,
            "refused": 1,
            "refused_by_reason": {"obscene": 1},
            "answered": 2,
            "reached_threshold": 1,
            "signatures": 312,
            "decided_within_2_days_share": 1,
            "answered_within_10_days_share": 0.5,
        },
        pb=PB_2021,
        enterprises={
            "uploads": 12,
            "enterprises_updated": 2,
            "enterprise_names": ["КП «Ніжинська ЖЕК»", "КНП «Ніжинська ЦМЛ»"],
        },
    )
    text = _report(stats).text()
    assert (
        "Посадові особи відділу провели підрахунок голосів за проєкти громадського бюджету на "
        "2021 рік: опрацьовано 2\u00a0853 бланки для голосування, з них дійсних — 2\u00a0801, "
        "недійсних — 52 (позначено забагато проєктів — 31; немає підпису — 21); за проєкти віддано "
        "5\u00a0120 голосів; "
        "переможцями визначено 2 проєкти: «Сквер на Овдіївській», «Спортивний майданчик»."
    ) in text
    assert (
        "У системі місцевих електронних петицій за місяць отримано 4 електронні петиції, "
        "оприлюднено для збору підписів — 3"
    ) in text
    assert "відмовлено в оприлюдненні — 1," in text  # an unlabelled reason code stays out
    assert "зібрано 312 підписів" in text
    assert "протягом двох робочих днів у 100\u00a0% випадків" in text
    assert "протягом десяти робочих днів у 50\u00a0% випадків" in text
    assert "завантажено 12 файлів звітності" in text
    assert "оновлено дані 2 підприємств: КП «Ніжинська ЖЕК», КНП «Ніжинська ЦМЛ»" in text


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        ({}, "недійсних — 3;"),  # codes without titles stay out of an official text
        (
            {"too_many_choices": "обрано забагато проєктів"},
            "недійсних — 3 (обрано забагато проєктів — 3);",
        ),
    ],
)
def test_pb_reason_codes_are_shown_only_with_titles(labels, expected):
    pb = {
        "editions": [
            {
                "slug": "x",
                "title": "ГБ",
                "budget_year": 2022,
                "received": 5,
                "valid": 2,
                "invalid": 3,
                "invalid_by_reason": {"too_many_choices": 3, "underage": 0},
                "votes": 4,
            }
        ]
    }
    settings = _settings()
    settings = type(settings)(**{**settings.__dict__, "pb_reason_labels": labels})
    text = _report(
        ModuleStats.from_dicts(petitions=None, pb=pb, enterprises=None), settings=settings
    ).text()
    assert expected in text


@pytest.mark.parametrize(
    ("received", "phrase"),
    [
        (1, "отримано 1 електронну петицію, "),
        (3, "отримано 3 електронні петиції, "),
        (7, "отримано 7 електронних петицій, "),
        (0, "за місяць оприлюднено для збору підписів — 2."),
    ],
)
def test_petitions_sentence_agrees(received, phrase):
    stats = ModuleStats.from_dicts(
        petitions={"received": received, "published": 2}, pb=None, enterprises=None
    )
    assert phrase in _report(stats).text()


def test_nested_quotes_in_project_titles():
    pb = {
        "editions": [
            {"slug": "x", "title": "ГБ", "budget_year": 2021, "selected": ["Простір «Читай-місто»"]}
        ]
    }
    text = _report(ModuleStats.from_dicts(petitions=None, pb=pb, enterprises=None)).text()
    assert "визначено 1 проєкт: «Простір „Читай-місто“»." in text


def test_pb_edition_without_budget_year_is_named_by_title():
    pb = {"editions": [{"slug": "x", "title": "ГБ шкільний", "received": 1, "valid": 1}]}
    text = _report(ModuleStats.from_dicts(petitions=None, pb=pb, enterprises=None)).text()
    assert (
        "за проєкти громадського бюджету «ГБ шкільний»: опрацьовано 1 бланк для голосування" in text
    )


def test_sections_with_nothing_to_say_are_left_out():
    report = _report(ModuleStats(), entries=[])
    keys = [p.key for p in report.paragraphs]
    assert keys == [
        "intro",
        "parties",
        "coverage",
        "monitoring",
        "petitions_duty",
        "enterprises_duty",
    ]
    assert "новин" not in report.text() and "А саме" not in report.text()


def test_counts_agree_and_only_the_month_counts():
    entries = [
        JournalItem(dt.date(2020, 11, 3), "news", "Одна", 1),
        JournalItem(dt.date(2020, 11, 30), "news", "Друга", 20),
        JournalItem(dt.date(2020, 12, 1), "news", "Грудень", 5),
        JournalItem(dt.date(2020, 10, 31), "act", "Жовтень", 2),
        JournalItem(dt.date(2020, 11, 5), "act", "Акт", 1),
    ]
    report = _report(entries=entries)
    assert "Підготовлено та розміщено 21 новину" in report.text()
    assert "1 нормативний акт," in report.text()
    assert dict(report.counts) == {"news": 21, "act": 1}


@pytest.mark.parametrize(
    ("n", "phrase"),
    [(1, "в онлайн-семінарі на тему: «С1»."), (2, "в онлайн-семінарах на теми: «С1», «С2».")],
)
def test_list_forms_follow_the_number_of_items(n, phrase):
    entries = [JournalItem(NOV, "online_seminar", f"С{i}") for i in range(1, n + 1)]
    assert phrase in _report(entries=entries).text()


def test_unreferenced_type_gets_a_default_paragraph_and_a_warning():
    entries = [JournalItem(NOV, "press_tour", "Прес-тур для журналістів")]
    report = _report(entries=entries)
    assert report.paragraphs[-1].text == "press_tour: Прес-тур для журналістів."
    assert report.warnings


def test_custom_template_placeholders_and_requires():
    settings = ReportSettings(
        title="Звіт {department} за {month} року",
        paragraphs=(
            ParagraphTemplate("a", "Усього {count:news}."),
            ParagraphTemplate("b", "Є відео.", requires="video"),
            ParagraphTemplate("c", "Невідоме {nope}."),
        ),
        signer_position="Начальник",
        signer_name="І. Петренко",
        values={"department": "відділу"},
    )
    report = build_monthly_report(NOV, [JournalItem(NOV, "news", "Н", 2)], ModuleStats(), settings)
    assert report.title == "Звіт відділу за листопад 2020 року"
    assert [p.text for p in report.paragraphs] == ["Усього 2.", "Невідоме {nope}."]
    assert any("{nope}" in w for w in report.warnings)


def test_json_round_trip_and_edits():
    report = _report()
    again = MonthlyReport.from_dict(report.to_dict())
    assert again == report
    texts = [p.text for p in report.paragraphs]
    texts[0] = "  Новий   перший абзац. "
    texts[1] = ""
    edited = report.with_edits(texts, signer_name="О. ГУК")
    assert edited.paragraphs[0].text == "Новий перший абзац."
    assert len(edited.paragraphs) == len(report.paragraphs) - 1
    assert edited.signer_name == "О. ГУК"


@given(st.lists(st.integers(min_value=0, max_value=5000), max_size=8))
def test_news_total_is_the_sum_of_counts(counts):
    entries = [JournalItem(NOV, "news", f"N{i}", c) for i, c in enumerate(counts)]
    report = _report(entries=entries)
    assert dict(report.counts).get("news", 0) == sum(counts)
    assert ("Підготовлено та розміщено" in report.text()) == (sum(counts) > 0)


_CODES = [t.code for t in default_settings().entry_types]


@given(
    st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=30),
            st.sampled_from(_CODES),
            st.text(alphabet="абвгґдеєжзиіїйклмнопрстуфхцчшщьюяʼ «»-.", min_size=1, max_size=30),
            st.integers(min_value=1, max_value=400),
        ),
        max_size=30,
    )
)
def test_default_template_never_leaves_placeholders_and_counts_agree(rows):
    entries = [JournalItem(dt.date(2020, 11, d), code, title, n) for d, code, title, n in rows]
    report = _report(entries=entries)
    body = "\n".join(p.text for p in report.paragraphs)
    assert "{" not in body and "}" not in body
    totals = dict(report.counts)
    for code in ("news", "act", "meeting"):
        if totals.get(code) and any(e.title.strip() for e in entries if e.type_code == code):
            assert f"{group_digits(totals[code])} " in body
    assert not report.warnings


def test_two_editions_of_one_year_are_each_named_and_never_read_alike():
    first = PB_2021["editions"][0]
    school = {**first, "slug": "sb-2021", "title": "Шкільний громадський бюджет на 2021 рік"}
    twin = {**first, "slug": "gb-2021-2"}
    stats = ModuleStats.from_dicts(
        petitions=None, pb={"editions": [first, school, twin]}, enterprises=None
    )
    text = _report(stats).text()
    sentences = [s for s in re.split(r"(?<=\.) ", text) if "підрахунок голосів" in s]
    assert len(sentences) == 3 and len(set(sentences)) == 3
    assert "на 2021 рік — «Шкільний громадський бюджет на 2021 рік»:" in text
    assert "на 2021 рік — «Громадський бюджет Ніжина на 2021 рік» (gb-2021-2):" in text
    alone = ModuleStats.from_dicts(petitions=None, pb={"editions": [school]}, enterprises=None)
    assert "громадського бюджету на 2021 рік: опрацьовано" in _report(alone).text()
