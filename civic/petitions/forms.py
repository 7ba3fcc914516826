"""Forms check shape (required, lengths, formats, no markup); rules live in lifecycle.py."""

import re
import unicodedata

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from civic.forms import Form
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


class PetitionForm(Form):
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


class SignForm(Form):
    full_name = StringField(
        "Прізвище, ім'я, по батькові",
        validators=[
            _required("Вкажіть прізвище, ім'я та по батькові."),
            Length(min=5, max=200, message="Ім'я — від 5 до 200 символів."),
            no_markup,
            person_name,
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
    notify_on_answer = BooleanField("Повідомити мене, коли петиція отримає відповідь")


class VersionedForm(Form):
    version = HiddenField()


class CorrectForm(VersionedForm):
    title = PetitionForm.title
    text = PetitionForm.text


class RefuseForm(VersionedForm):
    # Radio buttons, not a list: each reason is read whole (title, law, what the public sees).
    # The service checks the code against the catalogue.
    reason = RadioField(
        "Підстава відмови",
        validators=[InputRequired("Оберіть підставу відмови.")],
        validate_choice=False,
    )
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
    # Nothing is chosen in advance: the moderator picks the outcome (the service checks it).
    outcome = RadioField(
        "Результат розгляду",
        choices=[SelectChoice(k, v) for k, v in ANSWER_OUTCOMES.items()],
        validators=[InputRequired("Оберіть результат розгляду.")],
        validate_choice=False,
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
