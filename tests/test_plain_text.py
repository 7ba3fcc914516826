"""Control characters, bidi overrides and NUL bytes are refused everywhere a user types text.

Every form class of civic is enumerated (a new form is covered without touching this file);
every text field of each is filled with a NUL, an ESC and a RIGHT-TO-LEFT OVERRIDE in turn.
Then the public and staff forms that store what they are given are posted over HTTP on SQLite
and PostgreSQL: the Ukrainian message names the field and nothing is stored. Paths and
query-string parameters are tried against the app as deployed (gunicorn).
"""

from __future__ import annotations

import html
import importlib
import json
import pkgutil

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SelectFieldBase, StringField, TextAreaField

import civic
from civic import create_app
from civic.auth.models import User
from civic.extensions import db
from civic.forms import Form, bad_character
from civic.mail.models import OutboxMessage
from civic.petitions import services
from civic.petitions.models import Petition, Signature
from tests.conftest import base_config
from tests.support.served import Browser, Gunicorn

NASTY = {
    "NUL": "\x00",
    "ESC": "\x1b",
    "RLO": "\u202e",  # "Іван\u202eвокнеш" reads as a different name
}


def _civic_forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(civic.__path__, "civic."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("civic.") and sub is not Form:
                found.append(sub)
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


FORMS = _civic_forms()


def _text_fields(form_class) -> list[str]:
    """The text fields a form class declares (StringField and its kin: textarea, password,
    hidden), read from the class without instantiating it."""
    return [
        name
        for name in dir(form_class)
        if not name.startswith("_")
        and hasattr(getattr(form_class, name), "_formfield")
        and issubclass(getattr(form_class, name).field_class, StringField)
    ]


CASES = [
    pytest.param(form_class, field, char, id=f"{form_class.__name__}.{field}-{label}")
    for form_class in FORMS
    for field in _text_fields(form_class)
    for label, char in NASTY.items()
]


@pytest.fixture(scope="module")
def bare_app(tmp_path_factory):
    """An app for building forms; no request here reaches a database."""
    instance = tmp_path_factory.mktemp("instance")
    return create_app(
        base_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'unused.sqlite'}"),
        instance_path=instance,
    )


def test_every_form_of_civic_is_a_plain_text_form():
    assert len(FORMS) >= 25  # every domain's forms were found
    assert [f.__name__ for f in FORMS if not issubclass(f, Form)] == []


@pytest.mark.parametrize(("form_class", "field", "char"), CASES)
def test_every_text_field_refuses_control_characters(bare_app, form_class, field, char):
    with bare_app.test_request_context(method="POST"):
        form = form_class(formdata=MultiDict({field: f"Ніжин{char}ська"}), meta={"csrf": False})
        for other in form:
            if isinstance(other, SelectFieldBase) and other.choices is None:
                other.choices = []  # set by the view at run time
        assert form.validate() is False
        label = form[field].label.text
        assert form[field].errors == [
            f"Поле «{label}» містить недопустимий "
            f"{'символ керування напрямком тексту' if char == NASTY['RLO'] else 'керівний символ'}"
            f" U+{ord(char):04X} (позиція 6). Очікується звичайний текст: приберіть цей символ "
            "і надішліть форму ще раз."
        ]


def test_textareas_keep_tabs_and_line_breaks_single_lines_do_not(bare_app):
    from civic.petitions.forms import PetitionForm

    text = "Перший абзац,\tз табуляцією.\r\nДругий абзац " + "а" * 60
    with bare_app.test_request_context(method="POST"):
        form = PetitionForm(
            formdata=MultiDict(
                {
                    "title": "Назва\nз розривом рядка",
                    "text": text,
                    "author_name": "Савчук Ірина",
                    "author_email": "savchuk@example.com",
                }
            ),
            meta={"csrf": False},
        )
        assert isinstance(form.text, TextAreaField)
        assert form.validate() is False
        assert form.text.errors == []
        assert form.title.errors == [
            "Поле «Назва петиції» містить недопустимий табуляцію або розрив рядка U+000A "
            "(позиція 6). Очікується звичайний текст: приберіть цей символ і надішліть форму "
            "ще раз."
        ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Звичайний текст, «лапки», апостроф ʼ і ґ", None),
        ("a\u2028b", (2, "\u2028")),
        ("a\u2067b", (2, "\u2067")),
        ("ab\x85", (3, "\x85")),  # C1 NEXT LINE, which str.strip() would silently drop
        ("a\ud800", (2, "\ud800")),
        ("\x7f", (1, "\x7f")),
    ],
)
def test_bad_character_finds_the_first_refused_one(text, expected):
    assert bad_character(text) == expected


# --- through HTTP, on SQLite and PostgreSQL ---------------------------------------------------

PETITION = {
    "title": "Встановити світлофор біля школи № 7",
    "text": "Просимо встановити світлофор біля школи № 7, бо діти щодня переходять жваву дорогу.",
    "author_name": "Савчук Ірина Петрівна",
    "author_email": "savchuk@example.com",
    "step": "submit",
}


def collecting_petition(moderator) -> Petition:
    now = services.utcnow()
    petition, _ = services.submit_petition(
        PETITION["title"], PETITION["text"], "Автор Петиції", "author@example.com", ip=None, now=now
    )
    services.confirm_petition(petition, now=now)
    services.publish_petition(petition, actor=moderator, version=None, today=services.today_kyiv())
    db.session.commit()
    return petition


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


@pytest.mark.parametrize("char", NASTY.values(), ids=NASTY.keys())
@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("author_email", "Електронна пошта"),
        ("author_name", "Прізвище, ім'я, по батькові автора"),
        ("title", "Назва петиції"),
    ],
)
def test_petition_submission_refuses_and_stores_nothing(client, field, label, char):
    value = PETITION[field].replace("@", f"{char}@") if "@" in PETITION[field] else None
    value = value or PETITION[field][:5] + char + PETITION[field][5:]
    response = client.post("/petitions/new", data={**PETITION, field: value})
    assert response.status_code == 400
    assert f"Поле «{label}» містить недопустимий" in page(response)
    assert _count(Petition) == 0 and _count(OutboxMessage) == 0


@pytest.mark.parametrize("char", NASTY.values(), ids=NASTY.keys())
@pytest.mark.parametrize("field", ["email", "full_name"])
def test_signing_refuses_and_stores_nothing(client, create_user, field, char):
    petition = collecting_petition(create_user("mod1", "moderator"))
    mails = _count(OutboxMessage)
    data = {"full_name": "Коваль Ірина Петрівна", "email": "koval@example.com"}
    data[field] = data[field][:3] + char + data[field][3:]
    response = client.post(f"/petitions/{petition.id}/sign", data=data)
    assert response.status_code == 400
    assert "містить недопустимий" in page(response)
    assert _count(Signature) == 0 and _count(OutboxMessage) == mails


def test_staff_forms_refuse_and_store_nothing(app, client, create_user, login):
    create_user("admin", "admin")
    login("admin")
    users = _count(User)
    response = client.post(
        "/staff/users/new",
        data={
            "login": "operator2",
            "full_name": "Іван\u202eвокнеш",
            "password": "a-long-enough-password-1",
            "roles": ["editor"],
        },
    )
    assert response.status_code in (200, 400)
    assert "Поле «Повне ім'я» містить недопустимий символ керування напрямком тексту U+202E" in (
        page(response)
    )
    assert _count(User) == users
    visitor = app.test_client()
    login_page = visitor.post("/login", data={"login": "adm\x00in", "password": "x"})
    assert login_page.status_code in (200, 400)
    assert "Поле «Логін» містить недопустимий керівний символ U+0000" in (page(login_page))


def test_values_posted_beside_a_form_are_checked_too(client, create_user, login):
    """The report template editor reads its paragraphs from request.form after the form."""
    from civic.reports.services import get_template

    create_user("admin", "admin")
    login("admin")
    before = [(p.key, p.text) for p in get_template().paragraphs]
    response = client.post(
        "/staff/reports/template",
        data={
            "title": "Звіт про роботу відділу",
            "key": ["intro"],
            "text": ["Вступ\x00 зі зламаним байтом"],
            "requires": [""],
        },
        follow_redirects=True,
    )
    body = page(response)
    assert "Поле «text» містить недопустимий керівний символ U+0000 (позиція 6)" in body
    db.session.expire_all()
    assert [(p.key, p.text) for p in get_template().paragraphs] == before


# --- paths and query strings, as deployed -----------------------------------------------------


def test_paths_and_parameters_with_control_characters_are_refused(database_url, tmp_path):
    with Gunicorn(database_url, tmp_path / "instance") as server:
        visitor = Browser(server.url)
        for path in (
            "/petitions/author/%00abc",
            "/petitions/signatures/abc%00",
            "/petitions/author/abc%E2%80%AEdef",
            "/pb/%00",
            "/staff/pb/x%00",
            "/enterprises/%00",
        ):
            response = visitor.get(path)
            assert response.status == 404, (path, response.status)
            assert "Сторінку не знайдено" in response.text
        for path, name in (
            ("/petitions?q=%00", "q"),
            ("/petitions?q=%E2%80%AEabc", "q"),
            ("/petitions?status=collecting%00", "status"),
            ("/staff/petitions?q=a%1Bb", "q"),
        ):
            response = visitor.get(path)
            assert response.status == 400, (path, response.status)
            assert f"Параметр «{name}» в адресі містить недопустимий" in response.text
        api = visitor.get("/api/v1/petitions?status=%00")
        assert api.status == 400
        assert json.loads(api.text)["message"].startswith("Параметр «status» в адресі містить")
        signing = visitor.get("/petitions?q=%D0%9D%D1%96%D0%B6%D0%B8%D0%BD")  # plain Cyrillic
        assert signing.status == 200
