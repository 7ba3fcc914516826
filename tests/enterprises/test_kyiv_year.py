"""Issue 12, point 12: enterprises' uploads speak Kyiv time (the latest year, the moment shown)."""

import datetime as dt

import pytest

from civic.enterprises import services
from civic.enterprises.models import Upload
from civic.extensions import db
from tests.enterprises.conftest import BALANCED, EDRPOU, form1_csv

NEW_YEAR_NIGHT = dt.datetime(2026, 12, 31, 22, 30, tzinfo=dt.UTC)  # 01.01.2027 00:30 in Kyiv


def test_after_kyiv_midnight_on_new_years_eve_next_year_plans_are_accepted(app, enterprise):
    outcome = services.import_statement(
        form1_csv(BALANCED), "a.csv", edrpou=EDRPOU, year=2028, form="1", now=NEW_YEAR_NIGHT
    )
    db.session.commit()
    assert outcome is not None and db.session.scalar(db.select(Upload.year)) == 2028
    with pytest.raises(services.UploadRefused) as info:
        services.import_statement(
            form1_csv(BALANCED), "b.csv", edrpou=EDRPOU, year=2029, form="1", now=NEW_YEAR_NIGHT
        )
    assert "рік 2029 поза допустимими межами (1991–2028)" in str(info.value)


def test_a_repeated_file_names_the_first_upload_in_kyiv_time(app, enterprise):
    services.import_statement(
        form1_csv(BALANCED), "a.csv", edrpou=EDRPOU, year=2026, form="1", now=NEW_YEAR_NIGHT
    )
    db.session.commit()
    with pytest.raises(services.UploadRefused) as info:
        services.import_statement(
            form1_csv(BALANCED), "again.csv", edrpou=EDRPOU, year=2026, form="1"
        )
    assert "уже завантажено 01.01.2027 00:30 за київським часом (a.csv)" in str(info.value)
