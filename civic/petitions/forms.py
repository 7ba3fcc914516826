"""Forms check shape (required, lengths, formats, no markup); rules live in lifecycle.py."""

import re
import unicodedata

from wtforms import (
    BooleanField,
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

from civic import kyiv
from civic.forms import DayField, Form, web_address_field
from civic.petitions.invalidation import InvalidationCriteria
from civic.petitions.services import ANSWER_OUTCOMES, PetitionError

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
    notify_on_answer = BooleanField("Повідомити мене, коли петиція отримає відповідь")


class VersionedForm(Form):
    version = HiddenField()

    def arguments(self) -> dict:
        """What the form gives the moderation service it is for, by argument name."""
        return {}


class CorrectForm(VersionedForm):
    title = PetitionForm.title
    text = PetitionForm.text

    def arguments(self) -> dict:
        return {"title": self.title.data, "text": self.text.data}


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

    def arguments(self) -> dict:
        return {
            "reason_code": self.reason.data,
            "explanation": self.explanation.data or "",
            "duplicate_of_id": self.duplicate_of.data,
        }


class ReasonForm(VersionedForm):
    reason = TextAreaField(
        "Причина",
        validators=_plain_text("Вкажіть причину.", "Не більше 2000 символів.", high=2000),
    )

    def arguments(self) -> dict:
        return {"reason": self.reason.data}


class ConsiderationForm(VersionedForm):
    notice_on = DayField(
        "Дата оприлюднення повідомлення про початок розгляду",
        validators=[_required("Вкажіть дату (ДД.ММ.РРРР).")],
    )

    def arguments(self) -> dict:
        return {"notice_on": self.notice_on.data}


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
        validators=_plain_text(
            "Введіть текст відповіді.", "Не більше 20 000 символів.", high=20000
        ),
    )
    url = web_address_field(
        "Посилання на документ", "Посилання має починатися з http:// або https://.", max_length=500
    )
    answered_on = DayField("Дата відповіді", validators=[_required("Вкажіть дату відповіді.")])

    def arguments(self) -> dict:
        answer = {name: self[name].data for name in ("outcome", "text", "answered_on")}
        return {**answer, "url": self.url.data or ""}


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

    def criteria(self) -> InvalidationCriteria:
        """Which signatures the moderator means; a moment that cannot be read is refused."""
        return InvalidationCriteria(
            email_domain=(self.email_domain.data or "").strip().lower().lstrip("@"),
            ip_network=(self.ip_network.data or "").strip(),
            signed_from=_kyiv_moment(self.signed_from.data, "Підписано з", "signed_from"),
            signed_to=_kyiv_moment(self.signed_to.data, "Підписано до", "signed_to", fold=1),
        )


def _kyiv_moment(value: str | None, title: str, field: str, *, fold: int = 0):
    """A moment typed in Kyiv time, as the pages show them, → aware UTC (``civic.kyiv``).

    In the autumn hour that happens twice, ``fold`` picks the occurrence: the window's start
    takes the first, its end the second, so the window covers the whole typed hour.
    """
    if not value or not value.strip():
        return None
    try:
        return kyiv.parse_local(value, fold=fold)
    except kyiv.KyivTimeError as error:
        raise PetitionError(f"Поле «{title}»: {error}", field) from None
