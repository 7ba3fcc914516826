"""Parsers of untrusted text are bounded and every form speaks Ukrainian (issue 12, point 15)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civic.extensions import db
from civic.pb.edition import MAX_TOML_DEPTH, EditionError, parse_edition, toml_depth
from civic.pb.models import Edition

EXAMPLE = (
    Path(__file__).resolve().parent.parent / "docs" / "examples" / "pb-edition.toml"
).read_text(encoding="utf-8")
NESTED_ARRAYS = 'slug = "x"\nlevels = ' + "[" * 9000 + "]" * 9000 + "\n"
NESTED_TABLES = 'slug = "x"\nlevels = ' + "{a = " * 9000 + "1" + "}" * 9000 + "\n"
DEPTH_MESSAGE = f"рядок 2 — вкладеність масивів і таблиць глибша за {MAX_TOML_DEPTH} рівнів"


@pytest.mark.parametrize("text", [NESTED_ARRAYS, NESTED_TABLES], ids=["arrays", "tables"])
def test_nine_thousand_levels_are_a_ukrainian_error(text):
    with pytest.raises(EditionError, match=DEPTH_MESSAGE):
        parse_edition(text)


def test_the_depth_ignores_brackets_in_strings_and_comments():
    text = (
        'a = "[[[[[[[[[[[[[[[[[[[[" # [[[[[[[[[[[[[[[[[[[[[[\n'
        "b = '{{{{{{{{{{{{{{{{{{{{'\n"
        'c = """\n[[[[[[[[[[[[[[[[[[[[\n"""\n'
        "d = '''[[[[[[[[[[[[[[[[[[[[[['''\n"
        'e = "\\"[[[[[[[[[[[[[[[[[[[["\n'
        "f = [[1, [2]], {x = [3]}]\n"
    )
    assert toml_depth(text) == (3, 8)  # the multi-line string spans lines 3-5
    assert toml_depth(EXAMPLE)[0] <= 2
    parse_edition(EXAMPLE)


def test_an_oversized_settings_text_is_refused():
    with pytest.raises(EditionError, match="файл налаштувань завеликий"):
        parse_edition(EXAMPLE + "# " + "x" * 200_000 + "\n")


def test_nested_toml_on_the_web_is_a_message_not_a_500(client, create_user, login):
    create_user("c1", "commission")
    login("c1")
    response = client.post("/staff/pb/", data={"config": NESTED_ARRAYS})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert DEPTH_MESSAGE in text and "Traceback" not in text
    assert db.session.scalar(db.select(db.func.count(Edition.id))) == 0


def test_nested_toml_in_the_cli_is_a_message_not_a_traceback(runner, app, tmp_path):
    path = tmp_path / "edition.toml"
    path.write_text(NESTED_TABLES, encoding="utf-8")
    result = runner.invoke(args=["pb", "edition", "create", "--config", str(path)])
    assert result.exit_code == 1
    assert DEPTH_MESSAGE in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, RecursionError)
    assert db.session.scalar(db.select(db.func.count(Edition.id))) == 0


# ---------------------------------------------------------------- WTForms' default messages

ENGLISH = re.compile(
    r"Field cannot be longer|Field must be|This field is required|Not a valid|Invalid"
)


def test_default_length_messages_are_ukrainian(client, create_user, login):
    create_user("c1", "commission")
    login("c1")
    response = client.post("/staff/pb/", data={"config": "x" * 20_001})
    text = response.get_data(as_text=True)
    assert "Значення поля має містити не більше ніж 20000 символів." in text
    assert not ENGLISH.search(text)


def test_every_forms_default_messages_are_ukrainian(app):
    """Each civic form, given overlong text in every field, answers only in Ukrainian."""
    import importlib

    from werkzeug.datastructures import MultiDict

    from civic.forms import Form

    modules = ["auth", "pb", "petitions", "enterprises", "reports", "workcalendar"]
    checked = 0
    with app.test_request_context(method="POST"):
        for name in modules:
            module = importlib.import_module(f"civic.{name}.forms")
            for cls in vars(module).values():
                if not (isinstance(cls, type) and issubclass(cls, Form) and cls is not Form):
                    continue
                if cls.__module__ != module.__name__:
                    continue
                probe = cls(MultiDict())
                data = MultiDict({field.name: "x" * 30_000 for field in probe})
                form = cls(data)
                for field in form:
                    if hasattr(field, "choices") and field.choices is None:
                        field.choices = []
                form.validate()
                messages = [m for errors in form.errors.values() for m in errors]
                english = [m for m in messages if isinstance(m, str) and ENGLISH.search(m)]
                assert not english, (cls.__name__, english)
                checked += 1
    assert checked >= 10
