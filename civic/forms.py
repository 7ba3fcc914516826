"""The one base form of civic: every submitted value is plain text or it is refused, and every
default message is Ukrainian.

A NUL byte is stored by SQLite and refused by PostgreSQL with an error (a 500); other control
characters end up in e-mail headers, CSV exports and PDFs; bidi overrides (U+202E) make a name
or an address read differently from what it is. ``Form`` refuses them in every field of every
form, with a Ukrainian message that names the field and the character; ``bad_character`` is the
same rule for values that do not come through a form (query-string parameters, path parts).
"""

from __future__ import annotations

import functools
import re

from flask import flash
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup, escape
from wtforms import DateField, StringField, TextAreaField, widgets
from wtforms.i18n import get_translations
from wtforms.validators import DataRequired, Length, Optional, Regexp
from wtforms.widgets.core import clean_key

from civic import kyiv
from civic.urls import HttpUrl

# Validators given no ``message=`` fall back to WTForms' built-in messages, English unless a
# translation is chosen: every form takes WTForms' own Ukrainian catalogue, whatever the
# browser's language («Значення поля має містити не більше ніж 300 символів.»).
LOCALES = ("uk_UA", "uk")


@functools.cache
def ukrainian_messages():
    """WTForms' Ukrainian catalogue, looked up on disk once per process, not per form."""
    return get_translations(LOCALES)


# Controls refused everywhere: C0 (tab and line breaks are decided per field), DEL, C1, the
# Unicode line and paragraph separators, lone surrogates, and the bidi embeddings, overrides
# and isolates (U+202A–U+202E, U+2066–U+2069).
_ALWAYS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069"
_MULTILINE = re.compile(f"[{_ALWAYS}]")
_SINGLE_LINE = re.compile(f"[{_ALWAYS}\t\n\r]")


def bad_character(text: str, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first refused character of ``text`` and its 1-based position, or None."""
    match = (_MULTILINE if multiline else _SINGLE_LINE).search(text)
    return None if match is None else (match.start() + 1, match.group())


def describe(char: str) -> str:
    """The character as a user can look it up: its kind and its code point."""
    code = ord(char)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "символ керування напрямком тексту"
    elif code in (0x2028, 0x2029):
        kind = "роздільник рядків Unicode"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "половинку сурогатної пари UTF-16"
    elif code in (0x09, 0x0A, 0x0D):
        kind = "табуляцію або розрив рядка"
    else:
        kind = "керівний символ"
    return f"{kind} U+{code:04X}"


def field_message(label: str, position: int, char: str) -> str:
    return (
        f"Поле «{label}» містить недопустимий {describe(char)} (позиція {position}). "
        "Очікується звичайний текст: приберіть цей символ і надішліть форму ще раз."
    )


def parameter_message(name: str, position: int, char: str) -> str:
    return (
        f"Параметр «{name}» в адресі містить недопустимий {describe(char)} (позиція {position}). "
        "Виправте адресу або скористайтеся формою на сторінці."
    )


def html_params(**kwargs) -> Markup:
    """``wtforms.widgets.html_params``, the same text, without the ``Markup.format`` (a
    ``string.Formatter`` pass) per attribute that made most of a form's rendering time: every
    key and value is still escaped by ``markupsafe.escape``, ``True`` is a bare attribute and
    ``False`` none (``tests/test_form_fields.py`` compares it with WTForms' own)."""
    params = []
    for key, value in sorted(kwargs.items()):
        if value is False:
            continue
        key = escape(clean_key(key))
        params.append(str(key) if value is True else f'{key}="{escape(value)}"')
    return Markup(" ".join(params))


#: The widget calls ``render_input`` stands for: WTForms' own, unchanged by a subclass.
_PLAIN_INPUTS = frozenset({widgets.Input.__call__, widgets.CheckboxInput.__call__})


def render_input(widget: widgets.Input, field, **kwargs) -> Markup:
    """What ``widget(field, **kwargs)`` renders for WTForms' text, e-mail, hidden, password
    and checkbox inputs (``Input.__call__`` of WTForms 3), with ``html_params`` above."""
    if isinstance(widget, widgets.CheckboxInput) and getattr(field, "checked", field.data):
        kwargs.setdefault("checked", True)
    kwargs.setdefault("id", field.id)
    kwargs.setdefault("type", widget.input_type)
    if "value" not in kwargs:
        kwargs["value"] = field._value()
    datalist = getattr(field, "_datalist", None)
    if datalist is not None and "list" not in kwargs:
        kwargs["list"] = datalist if isinstance(datalist, str) else datalist.id
    flags = getattr(field, "flags", {})
    for name in dir(flags):
        if name in widget.validation_attrs and name not in kwargs:
            value = getattr(flags, name)
            kwargs[name] = value() if callable(value) else value
    return Markup(f"<input {html_params(name=field.name, **kwargs)}>")


class Form(FlaskForm):
    """Base of every form in civic (instead of ``FlaskForm``): refuses control characters.

    Every field is checked, and so is every other value posted with the form: a few views read
    repeated inputs (report paragraphs, discrepancy choices) from ``request.form`` once the form
    validated, so a refused character there fails the form too.
    """

    class Meta:
        locales = LOCALES

        def get_translations(self, form):
            return ukrainian_messages()

        def render_field(self, field, render_kw):
            """WTForms' plain inputs (the CSRF token, names, addresses, checkboxes) through
            ``render_input``; every other widget as WTForms renders it."""
            widget = field.widget
            if (
                type(widget).__call__ not in _PLAIN_INPUTS
                or widget.html_params is not widgets.html_params
            ):
                return super().render_field(field, render_kw)
            other_kw = getattr(field, "render_kw", None)
            if other_kw is not None:
                render_kw = dict(other_kw, **render_kw)
            return render_input(widget, field, **render_kw)

    _formdata = None

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        self._formdata = formdata = self.meta.wrap_formdata(self, formdata)
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        names = {field.name for field in self._fields.values()}
        for key, value in self._formdata.items(multi=True) if self._formdata else ():
            if key in names or not isinstance(value, str):
                continue
            found = bad_character(key) or bad_character(value, multiline=True)
            if found:
                message = field_message(key, *found)
                self.form_errors.append(message)
                flash(message, "error")
                valid = False
                break
        for field in self._fields.values():
            if isinstance(field, FileField):
                continue
            multiline = isinstance(field, TextAreaField)
            for value in getattr(field, "raw_data", None) or ():
                found = isinstance(value, str) and bad_character(value, multiline=multiline)
                if found:
                    # Other messages about the same value (an English "Not a valid choice")
                    # would only confuse: this one says what to fix.
                    field.errors = [field_message(field.label.text, *found)]
                    valid = False
                    break
        self._errors = None  # recomputed from the fields on next access
        return valid


class DayField(DateField):
    """The one date field of civic: reads ``ДД.ММ.РРРР`` (typed) and ISO ``РРРР-ММ-ДД`` (what a
    browser's date input sends) through :func:`civic.kyiv.parse_date`; a value it cannot read
    gets that function's Ukrainian message («31.02.2026 — такої дати не існує»)."""

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        try:
            self.data = kyiv.parse_date(" ".join(valuelist))
        except kyiv.KyivTimeError as exc:
            self.data = None
            raise ValueError(f"Поле «{self.label.text}»: {exc}.") from None

    def post_validate(self, form, validation_stopped):
        # A typed date that cannot be read is not a missing one: ``DataRequired`` would replace
        # the message that says what is wrong with «Вкажіть дату».
        if self.process_errors:
            self.errors[:] = list(self.process_errors)


def code_field(label: str, pattern: str, message: str) -> StringField:
    """A required code of a fixed form (an ЄДРПОУ, an entry type's code): ``message`` says
    the form when ``pattern`` does not match."""
    return StringField(
        label, validators=[DataRequired("Вкажіть код."), Regexp(pattern, message=message)]
    )


def web_address_field(label: str, message: str, *, max_length: int) -> StringField:
    """An optional web address: only http(s) links (``civic.urls``), ``message`` otherwise."""
    return StringField(label, validators=[Optional(), HttpUrl(message), Length(max=max_length)])
