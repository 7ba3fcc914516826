"""Nizhyn's default texts as data: the packaged TOML is complete and consistent."""

import re

import pytest

from civic.extensions import db
from civic.reports import services
from civic.reports.defaults import default_settings, load_defaults, parse_defaults
from civic.reports.models import EntryType, Occasion
from civic.reports.monthly import MODULES
from civic.reports.occasions import CATEGORIES, check_rule

DEFAULTS = load_defaults()
CODES = {t.code for t in DEFAULTS.entry_types}


def test_keys_and_codes_are_unique():
    assert len(CODES) == len(DEFAULTS.entry_types)
    keys = [p.key for p in DEFAULTS.paragraphs]
    assert len(set(keys)) == len(keys)
    names = [(o.name, o.from_year) for o in DEFAULTS.occasions]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("paragraph", DEFAULTS.paragraphs, ids=lambda p: p.key)
def test_every_paragraph_names_only_known_types_and_values(paragraph):
    assert paragraph.requires is None or paragraph.requires in CODES | set(MODULES)
    for name, code, _ in re.findall(
        r"\{([a-z_]+)(?::([a-z0-9_]+))?(?::([^{}]*))?\}", paragraph.text
    ):
        if code:
            assert code in CODES, paragraph.text
        else:
            assert name in {*MODULES, *DEFAULTS.values, "month", "month_genitive"}, name


@pytest.mark.parametrize("occasion", DEFAULTS.occasions, ids=lambda o: o.name)
def test_every_official_occasion_has_a_valid_rule_and_category(occasion):
    assert check_rule(occasion.rule) == occasion.rule
    assert occasion.category in CATEGORIES


def test_entry_types_count_with_three_forms_or_none():
    for spec in DEFAULTS.entry_types:
        assert spec.forms is None or all((spec.forms.one, spec.forms.few, spec.forms.many))


def test_default_settings_carry_the_councils_values_and_overrides():
    settings = default_settings(values={"city_locative": "Прилуках"})
    assert settings.values["council_genitive"] == DEFAULTS.values["council_genitive"]
    assert settings.values["city_locative"] == "Прилуках"
    assert settings.paragraphs == DEFAULTS.paragraphs


def test_a_wrong_file_is_refused_by_the_parser():
    with pytest.raises(KeyError):
        parse_defaults('title = "Звіт"\n[values]\n')


def test_a_fresh_database_starts_from_the_file(app):
    services.ensure_defaults()
    db.session.commit()
    stored = [(t.code, t.label) for t in services.list_entry_types()]
    assert stored == [(t.code, t.label) for t in DEFAULTS.entry_types]
    template = services.get_template()
    assert template.title == DEFAULTS.title
    assert [(p.key, p.text, p.requires) for p in template.paragraphs] == [
        (p.key, p.text, p.requires) for p in DEFAULTS.paragraphs
    ]
    assert db.session.scalar(db.select(db.func.count(Occasion.id))) == len(DEFAULTS.occasions)
    assert db.session.scalar(db.select(db.func.count(EntryType.id))) == len(CODES)
