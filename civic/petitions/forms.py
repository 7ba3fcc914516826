"""Forms check shape (required, lengths, formats, no markup); rules live in lifecycle.py."""

import re

from wtforms import (
    DateField,
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

from civic.forms import Form as FlaskForm
from civic.petitions.services import ANSWER_OUTCOMES
from civic.urls import HttpUrl

_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_markup(_form, field) -> None:
    value = field.data or ""
    if _MARKUP.search(value):
        raise ValidationError(
            "HTML-розмітка і скрипти не допускаються: приберіть теги на кшталт <script> чи <a>."
        )
    if _CONTROL.search(value):
        raise ValidationError("Текст містить недопустимі керівні символи.")


def _required(message):
    return DataRequired(message)


class PetitionForm(FlaskForm):
    title = StringField(
        "Назва петиції",
        validators=[
            _required("Вкажіть назву петиції."),
            Length(min=10, max=200, message="Назва — від 10 до 200 символів."),
            no_markup,
        ],
    )
    text = TextAreaField(
        "Текст петиції",
        validators=[
            _required("Викладіть суть звернення."),
            Length(min=50, max=10000, message="Текст — від 50 до 10 000 символів."),
            no_markup,
        ],
    )
    author_name = StringField(
        "Прізвище, ім'я, по батькові автора",
        validators=[
            _required("Вкажіть прізвище, ім'я та по батькові."),
            Length(min=5, max=200, message="Ім'я — від 5 до 200 символів."),
            no_markup,
        ],
    )
    author_email = StringField(
        "Електронна пошта",
        validators=[
            _required("Вкажіть електронну пошту."),
            Length(max=254, message="Задовга адреса."),
            Regexp(
                r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]{2,}$",
                message="Перевірте адресу електронної пошти (напр., name@example.com).",
            ),
        ],
    )


class SignForm(FlaskForm):
    full_name = StringField(
        "Прізвище, ім'я, по батькові",
        validators=[
            _required("Вкажіть прізвище, ім'я та по батькові."),
            Length(min=5, max=200, message="Ім'я — від 5 до 200 символів."),
            no_markup,
        ],
    )
    email = StringField(
        "Електронна пошта",
        validators=[
            _required("Вкажіть електронну пошту."),
            Length(max=254, message="Задовга адреса."),
            Regexp(
                r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]{2,}$",
                message="Перевірте адресу електронної пошти (напр., name@example.com).",
            ),
        ],
    )


class VersionedForm(FlaskForm):
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
        validators=[
            _required("Вкажіть причину."),
            Length(max=2000, message="Не більше 2000 символів."),
            no_markup,
        ],
    )


class ConsiderationForm(VersionedForm):
    notice_on = DateField(
        "Дата оприлюднення повідомлення про початок розгляду",
        validators=[_required("Вкажіть дату (РРРР-ММ-ДД).")],
    )


class AnswerForm(VersionedForm):
    outcome = SelectField(
        "Результат", choices=[SelectChoice(k, v) for k, v in ANSWER_OUTCOMES.items()]
    )
    text = TextAreaField(
        "Текст відповіді",
        validators=[
            _required("Введіть текст відповіді."),
            Length(max=20000, message="Не більше 20 000 символів."),
            no_markup,
        ],
    )
    url = StringField(
        "Посилання на документ",
        validators=[
            Optional(),
            HttpUrl("Посилання має починатися з http:// або https://."),
            Length(max=500),
        ],
    )
    answered_on = DateField("Дата відповіді", validators=[_required("Вкажіть дату відповіді.")])


class InvalidateForm(FlaskForm):
    email_domain = StringField("Домен пошти", validators=[Optional(), Length(max=254)])
    ip_network = StringField("IP-адреса або мережа", validators=[Optional(), Length(max=50)])
    signed_from = StringField("Підписано з (РРРР-ММ-ДД ГГ:ХХ, UTC)", validators=[Optional()])
    signed_to = StringField("Підписано до (РРРР-ММ-ДД ГГ:ХХ, UTC)", validators=[Optional()])
    reason = TextAreaField(
        "Причина анулювання", validators=[Optional(), Length(max=2000), no_markup]
    )
