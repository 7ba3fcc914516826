"""Forms check shape (required, lengths, formats, no markup); rules live in lifecycle.py."""

import re
import unicodedata

from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from civic.forms import DayField, Form
from civic.petitions.services import ANSWER_OUTCOMES
from civic.urls import HttpUrl

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:", re.IGNORECASE)


def no_markup(_form, field) -> None:
    value = field.data or ""
    if _MARKUP.search(value):
        raise ValidationError(
            "HTML-розмітка і скрипти не допускаються: приберіть теги на кшталт <script> чи <a>."
        )


_NAME_PUNCTUATION = frozenset(" '’ʼ‘-‐‑.")


def person_name(_form, field) -> None:
    """A signer's name is letters (any script, with combining marks), spaces, apostrophes,
    hyphens and dots: no digits, links, line breaks or invisible formatting characters."""
    for char in field.data or "":
        if unicodedata.category(char)[0] in "LM" or char in _NAME_PUNCTUATION:
            continue
        shown = (
            f"«{char}»"
            if char.isprintable() and not char.isspace()
            else f"невидимий символ U+{ord(char):04X}"
        )
        raise ValidationError(
            f"Ім'я може містити лише літери, пробіли, апостроф, дефіс і крапку; приберіть {shown}."
        )


def _required(message):
    return DataRequired(message)


def _plain_text(missing: str, length: str, *, high: int, low: int = -1) -> list:
    """Validators of a required plain text (no markup) of ``low``–``high`` characters."""
    return [_required(missing), Length(min=low, max=high, message=length), no_markup]


def _name_validators() -> list:
    return _plain_text(
        "Вкажіть прізвище, ім'я та по батькові.", "Ім'я — від 5 до 200 символів.", low=5, high=200
    )


def _email_validators() -> list:
    return [
        _required("Вкажіть електронну пошту."),
        Length(max=254, message="Задовга адреса."),
        Regexp(
            r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]{2,}$",
            message="Перевірте адресу електронної пошти (напр., name@example.com).",
        ),
    ]


class PetitionForm(Form):
    title = StringField(
        "Назва петиції",
        validators=_plain_text(
            "Вкажіть назву петиції.", "Назва — від 10 до 200 символів.", low=10, high=200
        ),
    )
    text = TextAreaField(
        "Текст петиції",
        validators=_plain_text(
            "Викладіть суть звернення.", "Текст — від 50 до 10 000 символів.", low=50, high=10000
        ),
    )
    author_name = StringField("Прізвище, ім'я, по батькові автора", validators=_name_validators())
    author_email = StringField("Електронна пошта", validators=_email_validators())


class SignForm(Form):
    full_name = StringField(
        "Прізвище, ім'я, по батькові", validators=[*_name_validators(), person_name]
    )
    email = StringField(
        "Електронна пошта",
        validators=_email_validators(),
    )


class VersionedForm(Form):
    version = HiddenField()


class CorrectForm(VersionedForm):
    title = PetitionForm.title
    text = PetitionForm.text


class RefuseForm(VersionedForm):
    reason = SelectField("Підстава відмови", validators=[_required("Оберіть підставу.")])
    explanation = TextAreaField(
        "Пояснення модератора",
        validators=[Optional(), Length(max=5000, message="Не більше 5000 символів."), no_markup],
    )
    duplicate_of = IntegerField(
        "Номер петиції-оригіналу (для дубліката)",
        validators=[Optional()],
    )


class ReasonForm(VersionedForm):
    reason = TextAreaField(
        "Причина",
        validators=_plain_text("Вкажіть причину.", "Не більше 2000 символів.", high=2000),
    )


class ConsiderationForm(VersionedForm):
    notice_on = DayField(
        "Дата оприлюднення повідомлення про початок розгляду",
        validators=[_required("Вкажіть дату (ДД.ММ.РРРР).")],
    )


class AnswerForm(VersionedForm):
    outcome = SelectField(
        "Результат", choices=[SelectChoice(k, v) for k, v in ANSWER_OUTCOMES.items()]
    )
    text = TextAreaField(
        "Текст відповіді",
        validators=_plain_text(
            "Введіть текст відповіді.", "Не більше 20 000 символів.", high=20000
        ),
    )
    url = StringField(
        "Посилання на документ",
        validators=[
            Optional(),
            HttpUrl("Посилання має починатися з http:// або https://."),
            Length(max=500),
        ],
    )
    answered_on = DayField("Дата відповіді", validators=[_required("Вкажіть дату відповіді.")])


class InvalidateForm(Form):
    email_domain = StringField("Домен пошти", validators=[Optional(), Length(max=254)])
    ip_network = StringField("IP-адреса або мережа", validators=[Optional(), Length(max=50)])
    signed_from = StringField(
        "Підписано з (ДД.ММ.РРРР ГГ:ХХ, київський час)", validators=[Optional()]
    )
    signed_to = StringField(
        "Підписано до (ДД.ММ.РРРР ГГ:ХХ, київський час)", validators=[Optional()]
    )
    reason = TextAreaField(
        "Причина анулювання", validators=[Optional(), Length(max=2000), no_markup]
    )
