import io
import re

import pytest

from civic.enterprises import line_catalogue, services
from civic.enterprises.demo import load_demo
from civic.enterprises.models import Upload
from civic.extensions import db
from tests.conftest import login_as
from tests.enterprises.conftest import BALANCED, EDRPOU, example, form1_csv

STAFF_POST = [
    "/staff/enterprises/import-list",
    "/staff/enterprises/upload",
    "/staff/enterprises/new",
    "/staff/enterprises/catalogue?form=1",
]
STAFF_GET = [
    "/staff/enterprises/",
    "/staff/enterprises/new",
    f"/staff/enterprises/{EDRPOU}/edit",
    "/staff/enterprises/upload",
    "/staff/enterprises/uploads",
    "/staff/enterprises/uploads/1",
    "/staff/enterprises/uploads/1/file",
    "/staff/enterprises/catalogue",
    "/staff/enterprises/catalogue?form=2",
    "/staff/enterprises/catalogue?form=plan",
]
PUBLIC = [
    "/enterprises",
    f"/enterprises/{EDRPOU}",
    "/enterprises/compare?type=З",
    "/enterprises/compare?type=М&year=2019",
    "/api/v1/enterprises",
    f"/api/v1/enterprises/{EDRPOU}",
    "/enterprises/open-data/facts.csv",
    "/enterprises/open-data/facts.xlsx",
    "/enterprises/open-data/enterprises.json",
    "/enterprises/open-data/datapackage.zip",
    "/enterprises/open-data/plan-fact.csv",
]
CSV_VIEWS = [
    "/enterprises.csv",
    f"/enterprises/{EDRPOU}/lines.csv",
    f"/enterprises/{EDRPOU}/indicators.csv",
    f"/enterprises/{EDRPOU}/plan.csv",
    f"/enterprises/{EDRPOU}/sources.csv",
    f"/enterprises/{EDRPOU}/plan-fact.csv",
    "/enterprises/compare.csv?type=З",
]


@pytest.fixture
def demo(app):
    load_demo(lambda _: None)
    db.session.commit()


def test_public_pages_and_open_data(client, demo):
    for url in PUBLIC:
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(f"/enterprises/{EDRPOU}").get_data(as_text=True)
    assert "<svg" in page and "<script" not in page
    assert "Демонстраційні дані" in page
    assert "Коефіцієнт покриття" in page and "Скільки гривень оборотних активів" in page
    assert "План і факт за кварталами 2020 року" in page
    assert re.search(r"[▲▼■]", page)
    assert "99001016_2020_form2.csv" in page  # where the numbers came from
    # uploaded 10:05 UTC; people read Kyiv time (UTC+2 in February)
    assert 'title="Файл «99001016_2020_form2.csv», оновлено 15.02.2021 12:05"' in page
    listing = client.get("/enterprises").get_data(as_text=True)
    assert listing.count("/enterprises/9900") >= 5
    assert "Фінанси комунальних підприємств" in client.get("/").get_data(as_text=True)
    assert "/api/v1/enterprises" in client.get("/open-data").get_data(as_text=True)


def test_every_table_has_a_csv(client, demo):
    for url in CSV_VIEWS:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == "text/csv"
        text = response.get_data().decode("utf-8-sig")
        assert len(text.splitlines()) >= 2, url
    lines = (
        client.get(f"/enterprises/{EDRPOU}/lines.csv").get_data().decode("utf-8-sig").splitlines()
    )
    assert lines[0] == "code,title,2018,2019,2020,2018_trend,2019_trend,2020_trend"
    plan = client.get(f"/enterprises/{EDRPOU}/plan.csv").get_data().decode("utf-8-sig").splitlines()
    assert plan[1].startswith("2020,1000,")


def test_plan_line_selection_and_not_found(client, demo):
    assert "Собівартість" in client.get(f"/enterprises/{EDRPOU}?line=1010").get_data(as_text=True)
    for url in (
        "/enterprises/12345678",
        "/enterprises/abc",
        f"/enterprises/{EDRPOU}/nope.csv",
        "/enterprises/compare?type=X",
        "/enterprises/open-data/x.txt",
    ):
        assert client.get(url).status_code == 404, url
    api = client.get("/api/v1/enterprises/00000000")
    assert api.status_code == 404 and api.is_json


def test_api_shapes(client, demo):
    listing = client.get("/api/v1/enterprises").get_json()
    assert [e["edrpou"] for e in listing["enterprises"]][:1] and all(
        e["years"] == [2018, 2019, 2020] for e in listing["enterprises"]
    )
    detail = client.get(f"/api/v1/enterprises/{EDRPOU}").get_json()
    assert {"edrpou", "name", "years", "indicators", "sources"} <= set(detail)
    assert isinstance(detail["years"]["2020"]["form1"]["1300"], int | float)


def test_empty_pages(client, app):
    assert "Дані ще не завантажено" in client.get("/enterprises").get_data(as_text=True)
    assert client.get("/enterprises/compare?type=МС").status_code == 200


def test_staff_pages_need_the_editor_role(client, app, create_user, enterprise):
    services.import_statement(form1_csv(BALANCED), "a.csv", edrpou=EDRPOU, year=2020, form="1")
    db.session.commit()
    for url in STAFF_GET:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location, url
    for url in STAFF_POST:
        response = client.post(url, data={"action": "seed"})
        assert response.status_code == 302 and "/login" in response.location, url
    create_user("mod", "moderator")
    login_as(client, "mod")
    for url in STAFF_GET:
        assert client.get(url).status_code == 403, url
    for url in STAFF_POST:
        assert client.post(url, data={"action": "seed"}).status_code == 403, url
    client.post("/logout")
    create_user("ed", "editor")
    login_as(client, "ed")
    for url in STAFF_GET:
        assert client.get(url).status_code == 200, url
    assert client.get("/staff/enterprises/uploads/999").status_code == 404


def upload(client, data, filename, **fields):
    payload = {
        "edrpou": EDRPOU,
        "year": "2020",
        "kind": "1",
        "unit": "тис. грн",
        **fields,
        "file": (io.BytesIO(data), filename),
    }
    return client.post(
        "/staff/enterprises/upload", data=payload, content_type="multipart/form-data"
    )


def test_upload_page_shows_the_validation_report(client, app, create_user, enterprise):
    create_user("ed", "editor")
    login_as(client, "ed")
    bad = upload(client, form1_csv(dict(BALANCED, **{"1900": "1", "1999": "2"})), "bad.csv")
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "Файл не прийнято" in text and "Рядок 7: баланс не сходиться" in text
    assert "код рядка 1999 невідомий" in text
    assert db.session.query(Upload).count() == 0
    ok = upload(client, example("enterprise-form1-cp1251.csv"), "f1.csv")
    assert ok.status_code == 200 and "Файл прийнято" in ok.get_data(as_text=True)
    again = upload(client, example("enterprise-form1-cp1251.csv"), "f1.csv")
    assert again.status_code == 422 and "цей самий файл уже завантажено" in again.get_data(
        as_text=True
    )
    plan = upload(client, example("enterprise-plan-2020.xlsx"), "plan.xlsx", kind="plan")
    assert plan.status_code == 200
    uploads = services.list_uploads()
    assert uploads[0].uploaded_by_login == "ed" and uploads[0].form == "plan"
    history = client.get("/staff/enterprises/uploads").get_data(as_text=True)
    assert "f1.csv" in history and "plan.xlsx" in history
    original = client.get(f"/staff/enterprises/uploads/{uploads[1].id}/file")
    assert original.data == example("enterprise-form1-cp1251.csv")


def test_enterprise_registry_pages(client, app, create_user):
    create_user("ed", "editor")
    login_as(client, "ed")
    listing = client.post(
        "/staff/enterprises/import-list",
        data={"file": (io.BytesIO(example("enterprises-list.csv")), "list.csv")},
        content_type="multipart/form-data",
    )
    assert listing.status_code == 302
    assert services.get_enterprise("09900113") is not None
    created = client.post(
        "/staff/enterprises/new",
        data={
            "edrpou": "00032128",
            "name": "КП «Нове»",
            "reporting_type": "МС",
            "short_name": "",
            "legal_form": "",
            "sector": "",
            "website": "",
        },
    )
    assert created.status_code == 302
    assert services.get_enterprise("00032128").reporting_type == "МС"
    duplicate = client.post(
        "/staff/enterprises/new", data={"edrpou": "00032128", "name": "X", "reporting_type": "З"}
    )
    assert "уже є в реєстрі" in duplicate.get_data(as_text=True)
    edited = client.post(
        "/staff/enterprises/00032128/edit",
        data={
            "edrpou": "00032128",
            "name": "КП «Нове» (змінено)",
            "reporting_type": "М",
            "website": "https://example.org",
        },
    )
    assert (
        edited.status_code == 302
        and services.get_enterprise("00032128").name == "КП «Нове» (змінено)"
    )
    bad = client.post(
        "/staff/enterprises/import-list",
        data={
            "file": (
                io.BytesIO("Код ЄДРПОУ;Назва підприємства;Тип звітності\n1;А;Q\n".encode()),
                "l.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "тип звітності «Q» невідомий" in bad.get_data(as_text=True)


def test_catalogue_pages(client, app, create_user):
    create_user("ed", "editor")
    login_as(client, "ed")
    seeded = client.post("/staff/enterprises/catalogue?form=1", data={"action": "seed"})
    assert seeded.status_code == 302 and len(line_catalogue.list_catalogue_lines("1")) > 20
    saved = client.post(
        "/staff/enterprises/catalogue?form=1",
        data={
            "action": "line",
            "line-code": "1300",
            "line-title": "Баланс (змінено)",
            "line-description": "Опис",
            "line-unit": "тис. грн",
            "line-key": "1300",
            "line-sign": "nonnegative",
        },
    )
    assert saved.status_code == 302
    assert {r.code: r.title for r in line_catalogue.list_catalogue_lines("1")}[
        "1300"
    ] == "Баланс (змінено)"
    assert "Баланс (змінено)" in client.get(
        "/staff/enterprises/catalogue?form=1&code=1300"
    ).get_data(as_text=True)
    loaded = client.post(
        "/staff/enterprises/catalogue?form=plan",
        data={
            "action": "file",
            "file-edition": "Наказ 2024",
            "file-file": (io.BytesIO(example("enterprise-catalogue.csv")), "cat.csv"),
        },
        content_type="multipart/form-data",
    )
    assert (
        loaded.status_code == 302
        and len(line_catalogue.list_catalogue_lines("plan", "Наказ 2024")) == 4
    )
    broken = client.post(
        "/staff/enterprises/catalogue?form=plan",
        data={
            "action": "file",
            "file-edition": "X",
            "file-file": (io.BytesIO(b"\xd0\x9a\xd0\xbe\xd0\xb4;x\n"), "cat.csv"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Каталог не завантажено" in broken.get_data(as_text=True)


def test_csrf_is_required(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from civic.auth import services as auth

        auth.create_user("ed", "ed-secret-pw-2026", ("editor",))
        db.session.commit()
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        assert (
            client.post(
                "/login", data={"login": "ed", "password": "ed-secret-pw-2026", "csrf_token": token}
            ).status_code
            == 302
        )
        response = client.post(
            "/staff/enterprises/upload", data={"edrpou": EDRPOU, "year": "2020", "kind": "1"}
        )
        assert response.status_code == 400
