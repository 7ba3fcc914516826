"""civic's fast rendering of plain inputs (civic.forms.render_input, html_params) gives exactly
what WTForms renders, and hostile values stay escaped."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, PasswordField, StringField, widgets
from wtforms.validators import DataRequired, Length

from civic.forms import Form, html_params
from civic.petitions.forms import SignForm

HOSTILE = [
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    "&amp; &lt; <b>",
    "a\"b'c<d>e&f",
    "Шевченко «Тарас» ґ",
    "",
]


class _Sample(Form):
    name = StringField("Ім'я", validators=[DataRequired(), Length(max=20)])
    secret = PasswordField("Пароль")
    note = HiddenField()
    agree = BooleanField("Згоден")


@pytest.mark.parametrize(
    "kwargs",
    [{"name": v, "id": v, "class_": v, "data_x": v, "aria_label": v, "value": v} for v in HOSTILE]
    + [{"checked": True, "disabled": False, "required": True, "maxlength": 5}],
)
def test_html_params_is_wtforms_html_params(kwargs):
    assert html_params(**kwargs) == widgets.html_params(**kwargs)


@pytest.mark.parametrize("value", HOSTILE)
def test_inputs_render_as_wtforms_renders_them_with_hostile_values(app, value):
    with app.test_request_context(method="POST"):
        form = _Sample(
            formdata=MultiDict({"name": value, "secret": value, "note": value, "agree": "y"}),
            meta={"csrf": False},
        )
        for field in form:
            fast = str(field(placeholder=value, **{"data-v": value}))
            assert fast == str(field.widget(field, placeholder=value, **{"data-v": value}))
            assert "<script" not in fast and "'" not in fast.replace("&#39;", "")
        assert '"><script>' not in str(form.name()) and "<script" not in str(form.note())


def test_the_signing_form_and_its_token_render_as_before(app):
    with app.test_request_context():
        form = SignForm(
            formdata=MultiDict({"full_name": '"><img src=x>', "email": "a@b.c"}),
            meta={"csrf": True},
        )
        for field in form:
            assert str(field()) == str(field.widget(field))
        token = str(form.csrf_token())
        assert token.startswith('<input id="csrf_token" name="csrf_token" type="hidden" value="')
        assert "&#34;&gt;&lt;img" in str(form.full_name())
