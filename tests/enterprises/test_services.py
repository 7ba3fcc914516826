import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from civic.audit.models import AuditEvent
from civic.enterprises import line_catalogue, services
from civic.enterprises.models import CatalogueLine, Enterprise, Fact, Upload
from civic.enterprises.stats import monthly_statistics
from civic.extensions import db
from tests.enterprises.conftest import BALANCED, EDRPOU, example, form1_csv

T1 = dt.datetime(2020, 11, 10, 9, 0, tzinfo=dt.UTC)
T2 = dt.datetime(2020, 11, 30, 23, 30, tzinfo=dt.UTC)  # 1 December in Kyiv


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def current_facts(form="1", kind="end"):
    rows = db.session.scalars(select(Fact).where(Fact.form == form, Fact.kind == kind))
    return {f.code: f.value for f in rows}


def test_import_list_creates_then_updates(app):
    created, updated, messages = services.import_enterprise_list(
        example("enterprises-list.csv"), "l.csv"
    )
    db.session.commit()
    assert (created, updated, messages) == (3, 0, [])
    assert services.get_enterprise("09900113").reporting_type == "З"  # leading zero kept
    created, updated, _ = services.import_enterprise_list(example("enterprises-list.csv"), "l.csv")
    assert (created, updated) == (0, 3)


def test_import_list_with_an_error_changes_nothing(app):
    data = "Код ЄДРПОУ;Назва підприємства;Тип звітності\r\n00032129;КП «А»;З\r\n1;КП «Б»;Щось\r\n".encode()
    with pytest.raises(services.UploadRefused) as info:
        services.import_enterprise_list(data, "l.csv")
    db.session.rollback()
    assert "Рядок 3: тип звітності «Щось» невідомий" in str(info.value)
    assert count(Enterprise) == 0


def test_statement_upload_replacement_keeps_history(app, enterprise):
    first = services.import_statement(
        form1_csv(BALANCED), "a.csv", edrpou=EDRPOU, year=2020, form="1", now=T1
    )
    db.session.commit()
    changed = dict(BALANCED, **{"1195": "300", "1300": "1100", "1900": "1100", "1695": "500"})
    second = services.import_statement(
        form1_csv(changed), "b.csv", edrpou=EDRPOU, year=2020, form="1", now=T2
    )
    db.session.commit()
    assert second.replaced.id == first.upload.id
    assert current_facts()["1300"] == Decimal("1100")
    assert {f.upload_id for f in db.session.scalars(select(Fact))} == {second.upload.id}
    history = services.list_uploads()
    assert [(u.filename, u.is_current) for u in history] == [("b.csv", True), ("a.csv", False)]
    assert history[1].content == form1_csv(BALANCED) and history[1].size == len(form1_csv(BALANCED))
    assert len(history[1].file_hash) == 64
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert events.count("enterprises.upload_accepted") == 2


def test_same_file_for_the_same_target_is_refused(app, enterprise):
    services.import_statement(
        form1_csv(BALANCED), "a.csv", edrpou=EDRPOU, year=2020, form="1", now=T1
    )
    db.session.commit()
    with pytest.raises(services.UploadRefused) as info:
        services.import_statement(
            form1_csv(BALANCED), "copy.csv", edrpou=EDRPOU, year=2020, form="1", now=T2
        )
    assert "цей самий файл уже завантажено 10.11.2020 11:00 за київським часом (a.csv)" in str(
        info.value
    )
    # The same bytes for another year are a different target and are accepted.
    services.import_statement(
        form1_csv(BALANCED), "a.csv", edrpou=EDRPOU, year=2019, form="1", now=T2
    )
    db.session.commit()
    assert count(Upload) == 2


def test_errors_refuse_the_upload_and_keep_the_old_values(app, enterprise):
    services.import_statement(
        form1_csv(BALANCED), "a.csv", edrpou=EDRPOU, year=2020, form="1", now=T1
    )
    db.session.commit()
    broken = dict(BALANCED, **{"1900": "5"})
    with pytest.raises(services.UploadRefused) as info:
        services.import_statement(
            form1_csv(broken), "b.csv", edrpou=EDRPOU, year=2020, form="1", now=T2
        )
    db.session.rollback()
    assert "баланс не сходиться" in info.value.messages[0].text
    assert current_facts()["1900"] == Decimal("1000") and count(Upload) == 1


@pytest.mark.parametrize(
    ("edrpou", "year", "message"),
    [
        ("12345678", 2020, "не знайдено в реєстрі"),
        ("abc", 2020, "не код ЄДРПОУ"),
        (EDRPOU, 1980, "рік 1980 поза допустимими межами"),
    ],
)
def test_refusals_for_target(app, enterprise, edrpou, year, message):
    with pytest.raises(services.UploadRefused) as info:
        services.import_statement(
            form1_csv(BALANCED), "a.csv", edrpou=edrpou, year=year, form="1", now=T1
        )
    assert message in str(info.value)


def test_plan_import_and_json_contract(app, enterprise):
    services.import_statement(
        example("enterprise-form1-cp1251.csv"), "f1.csv", edrpou=EDRPOU, year=2020, form="1", now=T1
    )
    services.import_statement(
        example("enterprise-form2-utf8bom.csv"),
        "f2.csv",
        edrpou=EDRPOU,
        year=2020,
        form="2",
        now=T1,
    )
    services.import_plan(
        example("enterprise-plan-2020.xlsx"), "plan.xlsx", edrpou=EDRPOU, year=2020, now=T1
    )
    db.session.commit()
    payload = services.enterprise_json(enterprise)
    assert set(payload) == {"edrpou", "name", "years", "indicators"}
    assert payload["edrpou"] == EDRPOU
    year = payload["years"]["2020"]
    assert set(year) == {"form1", "form2", "plan"}
    assert year["form1"]["1195"] == 5251 and year["form1"]["1010"] == 41305.6
    assert year["form2"]["2000"] == 21450.7
    assert year["plan"]["1000"]["plan_year"] == 9000
    indicators = payload["indicators"]["2020"]
    assert indicators["current_ratio"] == 0.7  # 5251 / 7549.4
    assert indicators["roe"] == 1.92  # 744.8 / mean(39019.6, 38400.9) from the start column
    assert all(isinstance(v, int | float) for v in indicators.values())


def test_monthly_statistics_counts_uploads_in_kyiv_time(app, enterprise):
    other, _ = services.save_enterprise(services.EnterpriseEntry("99001022", "КП «Друге»", "М"))
    services.import_statement(
        form1_csv(BALANCED), "a.csv", edrpou=EDRPOU, year=2020, form="1", now=T1
    )
    services.import_statement(
        form1_csv(BALANCED),
        "a.csv",
        edrpou=EDRPOU,
        year=2019,
        form="1",
        now=T1 + dt.timedelta(days=1),
    )
    services.import_statement(
        form1_csv(BALANCED), "a.csv", edrpou="99001022", year=2020, form="1", now=T2
    )
    db.session.commit()
    november = monthly_statistics(dt.date(2020, 11, 1), dt.date(2020, 11, 30))
    no_plans = {"plans": 0, "execution_reports": 0, "deviation_share": Decimal("0.1")}
    assert november == {
        "uploads": 2,
        "enterprises_updated": 1,
        "enterprise_names": ["Комунальне підприємство «Тестовий водоканал»"],
        **no_plans,
        "deviations": [],
    }
    december = monthly_statistics(dt.date(2020, 12, 1), dt.date(2020, 12, 31))
    assert december == {
        "uploads": 1,
        "enterprises_updated": 1,
        "enterprise_names": [other.name],
        **no_plans,
        "deviations": [],
    }


def test_catalogue_store_edit_and_use(app, enterprise):
    assert line_catalogue.seed_catalogue() > 50
    assert line_catalogue.seed_catalogue() == 0  # idempotent
    for form in services.cat.FORMS:  # every field of every shipped line is stored
        assert set(services.get_catalogue(form)) == set(line_catalogue.seed_lines(form))
    line = services.get_catalogue("1")
    line_catalogue.save_catalogue_line(
        "1", "НП(С)БО 1 (2013)", services.cat.Line("1999", "Тестовий рядок")
    )
    db.session.commit()
    assert len(services.get_catalogue("1")) == len(line) + 1
    result = services.import_statement(
        form1_csv(dict(BALANCED, **{"1999": "1"})),
        "a.csv",
        edrpou=EDRPOU,
        year=2020,
        form="1",
        now=T1,
    )
    assert not any("1999" in m.text for m in result.messages)
    line_catalogue.load_catalogue_file(
        example("enterprise-catalogue.csv"), "cat.csv", "plan", "Наказ 2024"
    )
    db.session.commit()
    assert "Наказ 2024" in line_catalogue.list_editions("plan")
    assert count(CatalogueLine) > 50


def test_demo_is_idempotent_and_dated_november_2020(app):
    from civic.enterprises.demo import PLAN_VERSIONS, load_demo

    messages = []
    load_demo(messages.append)
    db.session.commit()
    uploads = count(Upload)
    load_demo(messages.append)
    db.session.commit()
    # Each: 3 years × 2 statements + 2 plan reports; two also the plan versions and a 2019
    # execution report (demo_execution).
    assert count(Upload) == uploads == 5 * (3 * 2 + 2) + 2 * len(PLAN_VERSIONS) + 2
    assert count(Enterprise) == 5
    stats = monthly_statistics(dt.date(2020, 11, 1), dt.date(2020, 11, 30))
    assert stats["uploads"] == 15 + 2 and stats["enterprises_updated"] == 5
    for enterprise in services.list_enterprises():
        data = services.load_enterprise_data(enterprise)
        assert sorted(data.form1) == sorted(data.form2) == [2018, 2019, 2020]
        assert all(v["1300"] == v["1900"] for v in data.form1.values())
        assert "fact_q4" in next(iter(data.plan[2020].values()))
        assert enterprise.is_demo


@pytest.mark.postgresql_only
def test_concurrent_uploads_for_one_target_never_both_win(app_factory, database_url):
    """Two editors upload different files for the same year and form at once (PostgreSQL)."""
    import threading

    app = app_factory()
    with app.app_context():
        services.save_enterprise(services.EnterpriseEntry(EDRPOU, "КП «Тест»", "З"))
        db.session.commit()
    barrier = threading.Barrier(2)
    outcomes = []

    def editor(rows):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                services.import_statement(
                    form1_csv(rows), "x.csv", edrpou=EDRPOU, year=2020, form="1", now=T1
                )
                db.session.commit()
                outcomes.append("accepted")
            except services.UploadRefused:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    other = dict(BALANCED, **{"1165": "1"})
    threads = [threading.Thread(target=editor, args=(rows,)) for rows in (BALANCED, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        current = db.session.scalars(select(Upload).where(Upload.is_current.is_(True))).all()
        facts = db.session.scalars(select(Fact)).all()
        assert len(current) == 1 and {f.upload_id for f in facts} == {current[0].id}
    assert sorted(outcomes) in (["accepted", "refused"], ["accepted", "accepted"])


@pytest.mark.parametrize("value", ["99999999999999999999", "1 000 000 000 000 000"])
def test_enormous_values_are_refused_with_their_line(app, enterprise, value):
    # Found by fuzzing: such a value raised decimal.InvalidOperation out of the reader.
    rows = dict(BALANCED, **{"1195": value})
    with pytest.raises(services.UploadRefused) as info:
        services.import_statement(
            form1_csv(rows), "a.csv", edrpou=EDRPOU, year=2020, form="1", now=T1
        )
    db.session.rollback()
    assert any(m.line == 3 and "завелике число" in m.text for m in info.value.messages)
    assert count(Upload) == 0 and count(Fact) == 0


def test_overlong_line_code_is_refused_with_its_line(app, enterprise):
    # Found by fuzzing: an 11-digit code reached VARCHAR(10) (DataError on PostgreSQL).
    rows = dict(BALANCED, **{"10000000000": "5"})
    with pytest.raises(services.UploadRefused) as info:
        services.import_statement(
            form1_csv(rows), "a.csv", edrpou=EDRPOU, year=2020, form="1", now=T1
        )
    db.session.rollback()
    assert any(m.line == 8 and "задовгий код рядка" in m.text for m in info.value.messages)
    assert count(Upload) == 0 and count(Fact) == 0


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        # Found by fuzzing: overlong values reached VARCHAR columns (DataError on PostgreSQL).
        ("10000000000;Назва;;тис. грн", "Код рядка", "«10000000000» — задовгий код рядка"),
        ("1000;Назва;;" + "о" * 31, "Одиниці виміру", "задовгий текст (31 знаків; до 30)"),
        ("1000;" + "Н" * 401 + ";;тис. грн", "Назва коду", "задовгий текст (401 знаків; до 400)"),
    ],
)
def test_catalogue_values_the_database_cannot_hold_are_refused(app, row, column, fragment):
    from civic.tabular import TabularError

    data = f"Код рядка;Назва коду;Опис коду;Одиниці виміру\n{row}\n".encode()
    with pytest.raises(TabularError) as info:
        line_catalogue.load_catalogue_file(data, "c.csv", "plan", "Нова редакція")
    db.session.rollback()
    assert str(info.value).startswith(f"Файл «c.csv», рядок 2, стовпець «{column}»: {fragment}")
    assert count(CatalogueLine) == 0


def test_registry_values_the_database_cannot_hold_are_refused(app):
    # Found while fuzzing: a 401-character name reached VARCHAR(400) (DataError on PostgreSQL).
    data = (
        "Код ЄДРПОУ;Назва підприємства;Тип звітності;Галузь\r\n"
        f"09900113;{'Н' * 401};З;Водопостачання\r\n"
    ).encode()
    with pytest.raises(services.UploadRefused) as info:
        services.import_enterprise_list(data, "l.csv")
    db.session.rollback()
    assert "Рядок 2: «Назва підприємства»: задовгий текст (401 знаків; до 400)" in str(info.value)
    assert count(Enterprise) == 0
