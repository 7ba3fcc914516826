"""HTTP: public pages, submission, signing through a real SMTP server, staff moderation."""

import datetime as dt
import re

import pytest

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.mail.models import OutboxMessage
from civic.mail.sender import wait_for_delivery
from civic.petitions import invalidation, queries, services, signatures
from civic.petitions.models import Petition, Signature
from tests.conftest import STAFF_PASSWORD
from tests.petitions.conftest import published_now
from tests.petitions.test_formats import NATIONAL_HEADER

D = dt.date
GOOD = {
    "title": "Встановити світлофор біля школи № 7",
    "text": "Просимо встановити світлофор біля школи № 7, бо діти щодня переходять жваву дорогу.",
    "author_name": "Савчук Ірина Петрівна",
    "author_email": "savchuk@example.com",
}


def page_text(response) -> str:
    return response.get_data(as_text=True)


def live(make_petition, **kwargs):
    """A petition collecting today (pages read the real clock)."""
    return make_petition("collecting", on=services.today_kyiv(), **kwargs)


# --- public pages ------------------------------------------------------------------------------


def test_list_filters_and_search(client, make_petition):
    a = live(make_petition, title="Облаштувати велодоріжку вулицею Шевченка")
    make_petition("collecting", on=D(2020, 1, 6), title="Відремонтувати тротуари вулиці Гоголя")
    hidden = make_petition("moderation", title="Петиція на модерації не видна")
    body = page_text(client.get("/petitions"))
    assert a.title in body and "Гоголя" in body and hidden.title not in body
    collecting = page_text(client.get("/petitions?status=collecting"))
    assert a.title in collecting and "Гоголя" not in collecting
    missed = page_text(client.get("/petitions?status=not_supported"))
    assert "Гоголя" in missed and a.title not in missed
    assert "Гоголя" in page_text(client.get("/petitions?q=Гоголя"))
    assert "Гоголя" in page_text(client.get("/petitions?q=ТРОТУАРИ гоголя"))  # Cyrillic case
    assert "Гоголя" not in page_text(client.get("/petitions?q=50%25"))
    assert "Гоголя" in page_text(client.get("/petitions?q=%25%25"))  # nothing to search by
    assert client.get("/petitions?status=bogus&page=99").status_code == 200


def test_detail_shows_what_the_law_requires(client, make_petition):
    petition = live(make_petition, signatures=2)
    response = client.get(f"/petitions/{petition.id}")
    body = page_text(response)
    assert response.status_code == 200
    assert petition.author_name in body and "Підписант Номер 1" in body
    assert "s1@example.com" not in body  # e-mails are never public
    assert "Підписи: 2 з 250" in body and petition.collection_ends_on.strftime("%d.%m.%Y") in body


def test_long_list_of_signers_is_paged(client, make_petition, monkeypatch):
    monkeypatch.setattr(queries, "SIGNERS_ON_PETITION", 2)
    monkeypatch.setattr(queries, "SIGNERS_PER_PAGE", 3)
    petition = live(make_petition, signatures=7)
    detail = client.get(f"/petitions/{petition.id}")
    text = page_text(detail)
    assert "Підписант Номер 1" in text and "Підписант Номер 2" not in text
    assert "Усі підписанти (7)" in text
    assert f'href="/petitions/{petition.id}/signers"' in detail.get_data(as_text=True)
    second = client.get(f"/petitions/{petition.id}/signers?page=2")
    body = page_text(second)
    assert second.status_code == 200 and "Підтверджених підписів: 7" in body
    assert "Підписант Номер 3" in body and "Підписант Номер 5" in body
    assert "Підписант Номер 2" not in body and "Підписант Номер 6" not in body
    assert '<ol class="signers" start="4">' in second.get_data(as_text=True)
    assert "s3@example.com" not in body
    beyond = page_text(client.get(f"/petitions/{petition.id}/signers?page=9"))
    assert "Підписант Номер" not in beyond


def test_signers_list_leaves_out_invalidated(client, make_petition):
    petition = live(make_petition, signatures=2)
    now = services.utcnow()
    bot = signatures.sign_petition(petition, "Бот Ботович", "x@spam.example", ip=None, now=now)
    signatures.confirm_signature(bot, now=now)
    db.session.commit()
    assert "Підтверджених підписів: 3" in page_text(client.get(f"/petitions/{petition.id}/signers"))
    criteria = invalidation.InvalidationCriteria(email_domain="spam.example")
    client.application.config["PETITION_INVALIDATION_SOLO_SHARE"] = 1.0  # see test_integrity
    invalidation.invalidate_signatures(petition, criteria, actor=None, reason="Бот", now=now)
    db.session.commit()
    body = page_text(client.get(f"/petitions/{petition.id}/signers"))
    assert "Підтверджених підписів: 2" in body
    assert "Підписант Номер 1" in body and "Бот Ботович" not in body


def test_signers_of_unpublished_petition_are_404(client, make_petition):
    petition = make_petition("moderation")
    assert client.get(f"/petitions/{petition.id}/signers").status_code == 404
    assert client.get("/petitions/99999/signers").status_code == 404


def test_unpublished_is_404_and_taken_down_is_410(client, make_petition, moderators):
    assert client.get(f"/petitions/{make_petition('moderation').id}").status_code == 404
    assert client.get("/petitions/99999").status_code == 404
    petition = live(make_petition)
    services.take_down_petition(
        petition,
        actor=moderators[0],
        version=None,
        reason="Автор не подавав цієї петиції.",
        today=services.today_kyiv(),
    )
    db.session.commit()
    response = client.get(f"/petitions/{petition.id}")
    assert response.status_code == 410 and "Автор не подавав цієї петиції." in page_text(response)


def test_refused_page_hides_text_for_hidden_reasons(client, make_petition, moderators):
    petition = make_petition("moderation")
    services.refuse_petition(
        petition, actor=moderators[0], version=None, reason_code="obscene", today=D(2020, 11, 6)
    )
    db.session.commit()
    body = page_text(client.get(f"/petitions/{petition.id}"))
    assert "Нецензурна лексика" in body and "Текст петиції приховано" in body
    assert "жваву дорогу" not in body


# --- submission ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Вкажіть назву петиції."),
        ({"title": "x" * 201}, "Назва — від 10 до 200 символів."),
        ({"text": "Коротко"}, "Текст — від 50 до 10 000 символів."),
        (
            {"text": "<script>alert(1)</script>" + "а" * 60},
            "HTML-розмітка і скрипти не допускаються",
        ),
        ({"title": "Петиція <b>жирним</b> шрифтом"}, "HTML-розмітка"),
        ({"author_email": "not-an-email"}, "Перевірте адресу електронної пошти"),
        ({"author_name": ""}, "Вкажіть прізвище"),
        ({"text": "Текст\x00" + "а" * 60}, "Поле «Текст петиції» містить недопустимий керівний"),
    ],
)
def test_bad_submission_is_explained_and_changes_nothing(client, changes, message):
    response = client.post("/petitions/new", data={**GOOD, **changes, "step": "submit"})
    assert response.status_code == 400
    assert message in page_text(response)
    assert db.session.scalar(db.select(Petition)) is None


def test_submission_with_preview_and_similar(client, make_petition):
    live(make_petition, title="Встановити світлофор біля школи № 5")
    assert client.get("/petitions/new").status_code == 200
    preview = client.post("/petitions/new", data={**GOOD, "step": "preview"})
    assert preview.status_code == 200
    assert "Схожі петиції вже є" in page_text(preview)
    assert db.session.scalar(db.select(db.func.count(Petition.id))) == 1
    back = client.post("/petitions/new", data={**GOOD, "step": "edit"})
    assert back.status_code == 200 and 'value="Встановити світлофор біля школи № 7"' in page_text(
        back
    )
    similar = client.get("/petitions/similar?title=світлофори біля шкіл").get_json()
    assert similar and similar[0]["title"].startswith("Встановити світлофор")
    done = client.post("/petitions/new", data={**GOOD, "step": "submit"})
    assert done.status_code == 201
    petition = db.session.scalar(db.select(Petition).where(Petition.title == GOOD["title"]))
    assert petition.state == "unconfirmed"
    mail = db.session.scalar(
        db.select(OutboxMessage).where(OutboxMessage.recipient == GOOD["author_email"])
    )
    token = re.search(r"/petitions/author/(\S+)", mail.body)[1]
    page = client.get(f"/petitions/author/{token}")
    assert "Підтвердити й надіслати на модерацію" in page_text(page)
    client.post(f"/petitions/author/{token}/confirm")
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).state == "moderation"
    client.post(f"/petitions/author/{token}/withdraw")
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).state == "withdrawn"
    assert client.get(f"/petitions/author/{token}").status_code == 404
    assert client.get("/petitions/author/bogus").status_code == 404


# --- signing through a real SMTP server -------------------------------------------------------


def test_sign_with_confirmation_through_real_smtp(app_factory, smtp_server, create_user):
    controller, inbox = smtp_server
    app = app_factory(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    with app.app_context():
        moderator = create_user("mod1", "moderator")
        petition = published_now(
            moderator, GOOD["title"], GOOD["text"], GOOD["author_name"], GOOD["author_email"]
        )
        db.session.commit()
        client = app.test_client()
        response = client.post(
            f"/petitions/{petition.id}/sign",
            data={"full_name": "Коваль Ірина Петрівна", "email": "Iryna.Koval@Example.com"},
        )
        assert response.status_code == 201
        assert wait_for_delivery(app)  # sent after the request's commit, by the mail thread
        mail = [m for m in inbox.messages if m["To"] == "iryna.koval@example.com"][-1]
        assert "Підтвердьте підпис" in mail["Subject"]
        link = re.search(r"http://localhost(/petitions/signatures/\S+)", mail.get_content())[1]
        confirm_page = client.get(link)  # what a mail scanner would do: nothing is counted
        assert confirm_page.status_code == 200 and "Підтвердити підпис" in page_text(confirm_page)
        db.session.expire_all()
        assert db.session.get(Petition, petition.id).signature_count == 0
        done = client.post(link)
        assert done.status_code == 200 and "підпис зараховано" in page_text(done)
        db.session.expire_all()
        assert db.session.get(Petition, petition.id).signature_count == 1
        assert client.post(link).status_code == 404  # the link is spent
        assert "Коваль Ірина Петрівна" in page_text(client.get(f"/petitions/{petition.id}"))
        again = client.post(
            f"/petitions/{petition.id}/sign",
            data={"full_name": "Коваль Ірина", "email": "iryna.koval@example.com"},
        )
        assert again.status_code == 400 and "вже підписано" in page_text(again)
        assert db.session.scalar(db.select(db.func.count(Signature.id))) == 1


def test_sign_bad_input_and_closed_petition(client, make_petition):
    petition = live(make_petition)
    bad = client.post(f"/petitions/{petition.id}/sign", data={"full_name": "", "email": "x"})
    assert bad.status_code == 400
    assert "Вкажіть прізвище" in page_text(bad) and "Перевірте адресу" in page_text(bad)
    old = make_petition("collecting", on=D(2020, 1, 6))
    closed = client.post(
        f"/petitions/{old.id}/sign", data={"full_name": "Коваль Ірина", "email": "i@example.com"}
    )
    assert closed.status_code == 400 and "не триває" in page_text(closed)
    hidden = make_petition("moderation")
    assert (
        client.post(
            f"/petitions/{hidden.id}/sign",
            data={"full_name": "Коваль Ірина", "email": "i@example.com"},
        ).status_code
        == 404
    )


def test_sign_is_rate_limited(app_factory, create_user):
    app = app_factory(PETITION_SIGN_RATE_LIMIT="2 per hour")
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post("/petitions/1/sign", data={"full_name": "", "email": ""}).status_code
            for _ in range(3)
        ]
        assert codes[-1] == 429


def test_submit_is_rate_limited(app_factory):
    app = app_factory(PETITION_SUBMIT_RATE_LIMIT="2 per hour")
    with app.app_context():
        client = app.test_client()
        codes = [client.post("/petitions/new", data={}).status_code for _ in range(3)]
        assert codes == [400, 400, 429]
        assert client.get("/petitions/new").status_code == 200  # reading is not limited


def test_sign_form_needs_csrf(app_factory, make_petition):
    app = app_factory(WTF_CSRF_ENABLED=True)
    with app.app_context():
        petition = live(make_petition)
        client = app.test_client()
        response = client.post(
            f"/petitions/{petition.id}/sign",
            data={"full_name": "Коваль Ірина", "email": "i@example.com"},
        )
        assert response.status_code == 400 and "CSRF" in page_text(response)
        page = page_text(client.get(f"/petitions/{petition.id}"))
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
        ok = client.post(
            f"/petitions/{petition.id}/sign",
            data={"full_name": "Коваль Ірина", "email": "i@example.com", "csrf_token": token},
        )
        assert ok.status_code == 201


# --- open data ---------------------------------------------------------------------------------


def test_api_and_downloads(client, make_petition):
    petition = live(make_petition, title='=HYPERLINK("http://evil") петиція про парк')
    make_petition("moderation")
    data = client.get("/api/v1/petitions").get_json()
    assert data["count"] == 1 and data["fields"] == NATIONAL_HEADER
    assert data["items"][0]["uid"].endswith(f"P{petition.id}")
    assert isinstance(data["items"][0]["count"], int)
    csv = client.get("/petitions/open-data.csv")
    assert csv.data.startswith(b"\xef\xbb\xbf")
    assert "'=HYPERLINK" in csv.data.decode("utf-8-sig")
    xlsx = client.get("/petitions/open-data.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert client.get("/petitions/open-data.pdf").status_code == 404


# --- staff ---------------------------------------------------------------------------------------

STAFF_GETS = [
    "/staff/petitions",
    "/staff/petitions/{id}",
    "/staff/petitions/{id}/invalidate",
    "/staff/petitions/kpi",
]
STAFF_POSTS = [
    "publish",
    "refuse",
    "confirm-refusal",
    "reject-refusal",
    "take-down",
    "correct",
    "consideration",
    "answer",
    "archive",
]


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("editor", 403), ("commission", 403), ("moderator", 200), ("admin", 200)],
)
def test_staff_pages_per_role(client, create_user, login, make_petition, role, status):
    petition = make_petition("moderation")
    if role:
        create_user("user1", role)
        login("user1")
    for url in STAFF_GETS:
        response = client.get(url.format(id=petition.id))
        assert response.status_code == status, url
        if status == 302:
            assert "/login" in response.headers["Location"]
    if status != 200:
        for action in [*STAFF_POSTS, "restore"]:
            response = client.post(f"/staff/petitions/{petition.id}/{action}")
            assert response.status_code == status, action
        assert db.session.get(Petition, petition.id).state == "moderation"


def test_restore_is_for_admins_only(client, create_user, login, make_petition, moderators):
    petition = make_petition("moderation")
    services.refuse_petition(
        petition,
        actor=moderators[0],
        version=None,
        reason_code="not_competence",
        today=D(2020, 11, 6),
    )
    db.session.commit()
    login("mod1")
    assert client.post(f"/staff/petitions/{petition.id}/restore").status_code == 403


def test_queue_buckets_and_moderation_flow(client, login, make_petition, moderators):
    today = services.today_kyiv()
    overdue = make_petition("moderation", on=D(2020, 11, 5))
    fresh = make_petition("moderation", on=today)
    login("mod1")
    body = page_text(client.get("/staff/petitions"))
    assert body.index(overdue.title) < body.index(fresh.title)
    assert "Прострочені (1)" in body
    page = client.get(f"/staff/petitions/{fresh.id}")
    assert "Оприлюднити" in page_text(page)
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "petition.opened"))
    response = client.post(
        f"/staff/petitions/{fresh.id}/refuse",
        data={"reason": "other", "explanation": "", "version": fresh.version_id},
    )
    assert response.status_code == 302
    assert "пояснення модератора обов" in page_text(client.get(response.headers["Location"]))
    client.post(f"/staff/petitions/{fresh.id}/publish", data={"version": fresh.version_id})
    db.session.expire_all()
    assert db.session.get(Petition, fresh.id).state == "collecting"


def test_two_moderators_lock_and_stale_save(app, create_user, make_petition, moderators):
    petition = make_petition("moderation")
    version = petition.version_id
    first, second = app.test_client(), app.test_client()

    def request(client, method, url, **kwargs):
        with app.app_context():  # each request its own context, as in production
            response = getattr(client, method)(url, **kwargs)
            return response.status_code, page_text(response)

    request(first, "post", "/login", data={"login": "mod1", "password": STAFF_PASSWORD})
    request(second, "post", "/login", data={"login": "mod2", "password": STAFF_PASSWORD})
    request(first, "get", f"/staff/petitions/{petition.id}")
    request(first, "post", f"/staff/petitions/{petition.id}/lock")  # what the open page sends
    _, page = request(second, "get", f"/staff/petitions/{petition.id}")
    assert "Петицію зараз редагує Шевченко М." in page
    status, _ = request(
        first,
        "post",
        f"/staff/petitions/{petition.id}/correct",
        data={"version": version, "title": "Виправлена назва петиції", "text": petition.text},
    )
    assert status == 302
    _, stale = request(
        second,
        "post",
        f"/staff/petitions/{petition.id}/publish",
        data={"version": version},
        follow_redirects=True,
    )
    assert "Петицію тим часом змінив інший модератор" in stale
    db.session.expire_all()
    saved = db.session.get(Petition, petition.id)
    assert saved.state == "moderation" and saved.title == "Виправлена назва петиції"


def test_answer_and_consideration_over_http(client, login, make_petition, moderators):
    petition = make_petition("collecting", on=D(2020, 9, 1), signatures=1)
    petition.threshold = 1
    db.session.commit()
    login("mod2")
    client.post(
        f"/staff/petitions/{petition.id}/consideration",
        data={"version": petition.version_id, "notice_on": "2020-11-02"},
    )
    db.session.expire_all()
    petition = db.session.get(Petition, petition.id)
    assert petition.state == "consideration" and petition.answer_due_on == D(2020, 11, 16)
    bad = client.post(
        f"/staff/petitions/{petition.id}/answer",
        data={
            "version": petition.version_id,
            "outcome": "supported",
            "text": "",
            "answered_on": "2020-11-10",
            "url": "ftp://x",
        },
        follow_redirects=True,
    )
    assert "Введіть текст відповіді." in page_text(bad)
    client.post(
        f"/staff/petitions/{petition.id}/answer",
        data={
            "version": petition.version_id,
            "outcome": "partly",
            "text": "Частково.",
            "answered_on": "2020-11-10",
            "url": "https://nizhynrada.gov.ua/",
        },
    )
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).answer_outcome == "partly"
    assert "Частково." in page_text(client.get(f"/petitions/{petition.id}"))


def test_invalidation_over_http(client, login, make_petition):
    petition = live(make_petition, signatures=2)
    client.application.config["PETITION_INVALIDATION_SOLO_SHARE"] = 1.0  # see test_integrity
    login("mod1")
    preview = client.post(
        f"/staff/petitions/{petition.id}/invalidate",
        data={"email_domain": "example.com", "step": "preview"},
    )
    assert "Буде анульовано підписів: <strong>2</strong>" in page_text(preview)
    bad = client.post(
        f"/staff/petitions/{petition.id}/invalidate",
        data={"signed_from": "вчора", "step": "preview"},
    )
    assert bad.status_code == 400 and "РРРР-ММ-ДД" in page_text(bad)
    done = client.post(
        f"/staff/petitions/{petition.id}/invalidate",
        data={"email_domain": "example.com", "reason": "Бот", "step": "apply"},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Petition, petition.id).signature_count == 0
    assert db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.action == "petition.signatures_invalidated")
    )


def test_kpi_page(client, login, make_petition, moderators):
    make_petition("collecting", on=D(2020, 11, 5), signatures=1)
    login("mod1")
    body = page_text(client.get("/staff/petitions/kpi?month=2020-11"))
    assert "01.11.2020" in body and "Оприлюднено" in body
    assert "РРРР-ММ" in page_text(client.get("/staff/petitions/kpi?month=листопад"))


def test_shared_partials(client, create_user, login):
    assert "Електронні петиції" in page_text(client.get("/"))
    assert "/api/v1/petitions" in page_text(client.get("/open-data"))
    create_user("boss", "admin")
    login("boss")
    home = page_text(client.get("/staff/"))
    assert "/staff/calendar" in home and "/staff/outbox" in home and "Черга модерації" in home
