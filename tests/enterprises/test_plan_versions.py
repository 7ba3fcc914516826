"""Plan versions through the services, the staff upload form, the CLI and the public page:
approve → amend → project, execution reports kept per period, refusals that store nothing."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from civic.enterprises import services
from civic.enterprises.models import Fact, PlanFigure, Upload
from civic.enterprises.statements import EnterpriseEntry
from civic.enterprises.withdrawal import withdraw_upload
from civic.extensions import db
from tests.conftest import login_as
from tests.enterprises.conftest import EDRPOU
from tests.enterprises.plan_files import csv_bytes, plan_xlsx, report_rows, xlsx

T0 = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)  # after both decisions


def plan(revenue, costs, net, **options):
    options.setdefault("edrpou", EDRPOU)
    q = revenue / 4
    return plan_xlsx(
        {
            "1000": ("8 823,4", "9 000,0", revenue, q, q, q, q),
            "1010": ("7 906,2", "8 280,0", costs, None, None, None, None),
            "1170": ("263,6", "270,0", net, None, None, None, None),
        },
        **options,
    )


APPROVED = dict(mark=None, on="19.12.2024", number="512")
AMENDED = dict(mark="Зміни", on="20.06.2025", number="233")
PROJECT = dict(mark="Проект", with_approval=False)


def in_force(code="1000", kind="plan_year"):
    return db.session.scalar(
        select(Fact.value).where(Fact.form == "plan", Fact.code == code, Fact.kind == kind)
    )


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def upload(data, name="план.xlsx", minutes=0, **options):
    outcome = services.import_plan(
        data, name, edrpou=EDRPOU, year=2025, now=T0 + dt.timedelta(minutes=minutes), **options
    )
    db.session.commit()
    return outcome


def test_approve_amend_project_then_withdraw_the_amendment(app, client, enterprise):
    approved = upload(plan(9600, 8800, 270, **APPROVED)).upload
    assert (approved.plan_status, approved.is_current) == ("approved", True)
    assert approved.decision.endswith("від 19.12.2024 № 512")
    amended = upload(plan(9900, 9000, 300, **AMENDED), minutes=1)
    assert amended.replaced.id == approved.id and in_force() == Decimal("9900.00")
    project = upload(plan(12000, 11000, 500, **PROJECT), minutes=2).upload
    assert project.plan_status == "project" and not project.is_current
    assert in_force() == Decimal("9900.00")  # a project never replaces the plan in force
    assert count(PlanFigure) == 3 * (7 + 3 + 3)  # every version keeps all its figures

    page = client.get(f"/enterprises/{EDRPOU}").get_data(as_text=True)
    timeline = page[page.index("Фінансовий план: затвердження і зміни") :]
    timeline = timeline[: timeline.index("Звідки ці дані")].replace("\u00a0", " ")
    assert (
        timeline.index("19.12.2024") < timeline.index("20.06.2025") < timeline.index("01.07.2025")
    )
    assert "01.07.2025</strong> · Проєкт" in timeline
    assert "від 20.06.2025 № 233" in timeline and timeline.count("чинна версія") == 1
    assert "9 900,0 (+300,0)" in timeline and "300,0 (+30,0)" in timeline
    assert "12 000,0 (+2 100,0)" in timeline

    withdraw_upload(amended.upload, reason="помилкова версія")
    db.session.commit()
    assert in_force() == Decimal("9600.00") and db.session.get(Upload, approved.id).is_current


def test_the_same_version_again_is_refused_and_changes_nothing(app, enterprise):
    data = plan(9600, 8800, 270, **APPROVED)
    upload(data)
    try:
        upload(data, minutes=5)
    except services.UploadRefused as refused:
        assert "цей самий файл уже завантажено" in refused.messages[0].text
    else:
        raise AssertionError("a duplicate was accepted")
    db.session.rollback()
    assert count(Upload) == 1 and count(PlanFigure) == 13


def report(period, plan_value, fact_value):
    dev = fact_value - plan_value
    pct = (Decimal(fact_value) / Decimal(plan_value) * 100).quantize(Decimal("0.1"))
    return csv_bytes(
        report_rows(
            {"1000": ("2 563", plan_value, fact_value, dev, str(pct).replace(".", ","))},
            period=period,
            edrpou=EDRPOU,
        )
    )


def test_execution_reports_are_kept_per_period(app, enterprise):
    upload(plan(9600, 8800, 270, **APPROVED))
    q1 = upload(report("за I квартал 2025 року", 2400, 2300), "q1.csv", 1).upload
    assert q1.report_period == "q1" and in_force(kind="fact_q1") == Decimal("2300.00")
    # The report states the plan it was executed against: it is the plan of I квартал shown.
    assert in_force(kind="plan_q1") == Decimal("2400.00")
    upload(report("за I півріччя 2025 року", 4800, 4950), "h1.csv", 2)
    assert in_force(kind="fact_q1") == Decimal("2300.00")  # Q1 kept
    assert in_force(kind="fact_h1") == Decimal("4950.00")
    corrected = upload(report("за I квартал 2025 року", 2400, 2310), "q1-виправлений.csv", 3)
    assert corrected.replaced.id == q1.id
    assert in_force(kind="fact_q1") == Decimal("2310.00")
    assert in_force(kind="fact_h1") == Decimal("4950.00")
    assert in_force() == Decimal("9600.00")  # the plan stays in force under the reports


def test_upload_form_refuses_another_enterprises_file_and_a_status_conflict(
    app, client, create_user, enterprise
):
    services.save_enterprise(EnterpriseEntry("03357168", "КП «Водоканал»", "З"))
    db.session.commit()
    create_user("ed", "editor")
    login_as(client, "ed")

    def post(data, **fields):
        return client.post(
            "/staff/enterprises/upload",
            data={
                "edrpou": EDRPOU,
                "year": "2025",
                "kind": "plan",
                "unit": "тис. грн",
                **fields,
                "file": (io.BytesIO(data), "план.xlsx"),
            },
            content_type="multipart/form-data",
        )

    other = post(plan(9600, 8800, 270, edrpou="03357168"))
    text = other.get_data(as_text=True)
    assert other.status_code == 422 and "Файл не прийнято" in text
    assert (
        "клітинка H13: у файлі код ЄДРПОУ 03357168 (КП «Водоканал»), а файл завантажується для "
        "КП «Тест» (99001016); це файл іншого підприємства"
    ) in text
    conflict = post(plan(9600, 8800, 270), plan_status="project")  # the file says «Уточнений»
    assert conflict.status_code == 422
    assert "у файлі план позначено як «Уточнений», а обрано «Проєкт»" in conflict.get_data(
        as_text=True
    )
    wrong_year = post(plan(9600, 8800, 270, year=2024))
    assert "клітинка H12: у файлі зазначено 2024 рік, а обрано 2025" in wrong_year.get_data(
        as_text=True
    )
    assert count(Upload) == 0 and count(PlanFigure) == 0 and count(Fact) == 0

    accepted = post(plan(9600, 8800, 270))
    text = accepted.get_data(as_text=True)
    assert accepted.status_code == 200 and "Збережено як: Уточнений" in text
    assert "Показники з цього файлу тепер чинні." in text
    (kept,) = db.session.scalars(select(Upload)).all()
    detail = client.get(f"/staff/enterprises/uploads/{kept.id}").get_data(as_text=True)
    assert "Версія плану" in detail and "Уточнений; Рішення виконавчого комітету" in detail


def test_cli_keeps_a_project_and_a_quarterly_report(app, runner, enterprise, tmp_path):
    unmarked = tmp_path / "проект.xlsx"
    unmarked.write_bytes(plan(12000, 11000, 500, mark=False, with_approval=False))
    done = runner.invoke(
        args=[
            "enterprises",
            "import-plan",
            str(unmarked),
            "--edrpou",
            EDRPOU,
            "--year",
            "2025",
            "--status",
            "project",
        ]
    )
    assert done.exit_code == 0, done.output
    assert "Версія фінансового плану на 2025 рік: «Проєкт» (збережена, не чинна)." in done.output
    q1 = tmp_path / "q1.csv"
    q1.write_bytes(report("за I квартал 2025 року", 2400, 2300))
    done = runner.invoke(
        args=["enterprises", "import-plan", str(q1), "--edrpou", EDRPOU, "--year", "2025"]
    )
    assert done.exit_code == 0, done.output
    assert "Звіт про виконання плану за I квартал 2025 року." in done.output
    formula = tmp_path / "формула.xlsx"
    formula.write_bytes(
        xlsx(
            report_rows({"1000": ("1", "2", "3", None, None)}, edrpou=EDRPOU),
            formulas={"F18": "=E18-D18"},
        )
    )
    refused = runner.invoke(
        args=["enterprises", "import-plan", str(formula), "--edrpou", EDRPOU, "--year", "2025"]
    )
    assert refused.exit_code == 1 and "клітинка F18: формула «=E18-D18»" in refused.output
    assert "Файл «формула.xlsx» не прийнято; нічого не змінено." in refused.output
    assert "Traceback" not in refused.output
    assert count(Upload) == 2


def test_demo_keeps_the_2020_plan_versions_of_two_enterprises(app, client):
    from civic.enterprises.demo import PLAN_VERSIONS, load_demo

    load_demo(lambda _: None)
    db.session.commit()
    for edrpou in ("99001016", "99001022"):
        versions = db.session.scalars(
            select(Upload)
            .where(
                Upload.enterprise.has(edrpou=edrpou),
                Upload.form == "plan",
                Upload.report_period == "",
            )
            .order_by(Upload.id)
        ).all()
        assert [v.plan_status for v in versions] == ["approved", "refined", "amended", "project"]
        assert [v.is_current for v in versions] == [False, False, True, False]
        assert len(versions) == len(PLAN_VERSIONS)
        page = client.get(f"/enterprises/{edrpou}").get_data(as_text=True)
        assert "від 24.06.2020 № 162" in page and page.count("чинна версія") == 1
    plain = client.get("/enterprises/99001039").get_data(as_text=True)
    # Only execution reports for that one: no plan versions, no timeline.
    assert "Виконання фінансового плану 2020 року" in plain
    assert "Фінансовий план: затвердження і зміни" not in plain


@pytest.mark.parametrize(
    ("document", "marked", "requested", "kept", "refused"),
    [
        ("plan", "", "", "approved", False),  # no mark, no choice: an approved plan
        ("plan", "project", "", "project", False),  # the file's mark
        ("plan", "refined", "refined", "refined", False),
        ("plan", "", "amended", "amended", False),  # the choice, where the file says nothing
        ("plan", "project", "approved", "approved", True),  # a choice against the mark
        ("execution", "refined", "approved", "", False),  # a report has no plan status
    ],
)
def test_the_status_a_version_is_kept_with(document, marked, requested, kept, refused):
    from types import SimpleNamespace

    from civic.enterprises.plan_timeline import resolve_status

    result = SimpleNamespace(document=document, title=SimpleNamespace(status=marked))
    status, problems = resolve_status(result, requested)
    assert (status, bool(problems)) == (kept, refused)
