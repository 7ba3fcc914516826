"""The enterprises module's monthly figures on plans: what arrived in the month, and whose
execution strays beyond the configured share — judged on the file as received."""

import datetime as dt
from decimal import Decimal as D

from civic.enterprises import line_catalogue, services, withdrawal
from civic.enterprises.demo import plan_xlsx
from civic.enterprises.demo_execution import execution_lines
from civic.enterprises.stats import monthly_statistics
from civic.extensions import db
from tests.enterprises.conftest import EDRPOU

NOV = (dt.date(2020, 11, 1), dt.date(2020, 11, 30))
OTHER = "99001022"


def _at(day, month=11):
    return dt.datetime(2020, month, day, 10, 0, tzinfo=dt.UTC)


def _upload(edrpou, lines, *, year, when, name="plan.xlsx"):
    return services.import_plan(
        plan_xlsx(lines, enterprise="КП", year=year), name, edrpou=edrpou, year=year, now=when
    ).upload


def _only_plan(lines):
    """The same lines as an approved plan: no «Факт» figure at all."""
    return {
        code: (title, {k: v for k, v in kinds.items() if k.startswith(("plan_", "prev_fact"))})
        for code, (title, kinds) in lines.items()
    }


def _setup(enterprise):
    line_catalogue.seed_catalogue()
    services.save_enterprise(services.EnterpriseEntry(OTHER, "КП «Північна»", "М"))
    return execution_lines(EDRPOU), execution_lines(OTHER)  # close to plan; ~18 % short


def test_plans_and_reports_of_the_month_and_the_deviating_enterprise(app, enterprise):
    close, short = _setup(enterprise)
    _upload(EDRPOU, _only_plan(close), year=2020, when=_at(2))
    _upload(EDRPOU, close, year=2019, when=_at(3))
    _upload(OTHER, short, year=2019, when=_at(4))
    _upload(OTHER, _only_plan(short), year=2020, when=_at(5, 10))  # October: not counted
    db.session.commit()
    stats = monthly_statistics(*NOV)
    assert (stats["plans"], stats["execution_reports"]) == (1, 2)
    assert stats["deviation_share"] == D("0.1")
    [deviation] = stats["deviations"]
    assert (deviation["name"], deviation["year"], deviation["quarter"]) == (
        "КП «Північна»",
        2019,
        4,
    )
    [(title, percent)] = deviation["indicators"]
    revenue = short["1000"][1]
    assert title == "Чистий дохід від реалізації"
    assert percent == (revenue["fact_year"] / revenue["plan_year"] * 100).quantize(D("0.1"))


def test_a_report_replaced_later_is_judged_as_it_was_received(app, enterprise):
    """December's corrected file replaces November's facts; November's report still judges the
    November file (the kept upload), and a withdrawn upload counts for nothing."""
    close, short = _setup(enterprise)
    _upload(OTHER, short, year=2019, when=_at(4))
    _upload(OTHER, execution_lines(EDRPOU), year=2019, when=_at(2, 12), name="fixed.xlsx")
    wrong = _upload(EDRPOU, short, year=2019, when=_at(6))
    db.session.commit()
    withdrawal.withdraw_upload(wrong, reason="не той файл", actor=None)
    db.session.commit()
    stats = monthly_statistics(*NOV)
    assert stats["execution_reports"] == 1
    assert [d["name"] for d in stats["deviations"]] == ["КП «Північна»"]
    december = monthly_statistics(dt.date(2020, 12, 1), dt.date(2020, 12, 31))
    assert (december["execution_reports"], december["deviations"]) == (1, [])


def test_the_share_is_a_setting(app_factory, enterprise):
    app = app_factory(ENTERPRISE_PLAN_DEVIATION_SHARE=0.25)
    with app.app_context():
        close, short = _setup(enterprise)
        _upload(OTHER, short, year=2019, when=_at(4))
        db.session.commit()
        stats = monthly_statistics(*NOV)
        assert (stats["deviation_share"], stats["deviations"]) == (D("0.25"), [])


def test_the_kept_figures_answer_without_reading_the_files(app, enterprise, monkeypatch):
    """Every version keeps its figures (migration 0020): the month's statistics come from them
    in one query, never from parsing each kept XLSX again."""
    from civic.enterprises import stats as stats_module

    close, short = _setup(enterprise)
    _upload(EDRPOU, _only_plan(close), year=2020, when=_at(2))
    _upload(OTHER, short, year=2019, when=_at(4))
    db.session.commit()

    def no_parse(*args, **kwargs):
        raise AssertionError("a kept file was parsed again")

    monkeypatch.setattr(stats_module, "parse_plan", no_parse)
    stats = monthly_statistics(*NOV)
    assert (stats["plans"], stats["execution_reports"]) == (1, 1)
    assert [d["name"] for d in stats["deviations"]] == ["КП «Північна»"]


def test_an_upload_kept_before_its_figures_is_judged_from_its_file(app, enterprise):
    """An upload older than migration 0020 that was no longer in force has no kept figures:
    its file is read, as before."""
    from civic.enterprises.models import PlanFigure

    close, short = _setup(enterprise)
    old = _upload(OTHER, short, year=2019, when=_at(4))
    db.session.commit()
    db.session.execute(db.delete(PlanFigure).where(PlanFigure.upload_id == old.id))
    db.session.commit()
    stats = monthly_statistics(*NOV)
    assert stats["execution_reports"] == 1
    assert [d["name"] for d in stats["deviations"]] == ["КП «Північна»"]
