"""Forms of the participatory-budget pages (shape only; the rules live in the pure core)."""

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from civic.forms import Form, code_field
from civic.pb.ballots import normalise_document
from civic.pb.edition import MAX_TOML_CHARS


class EditionForm(Form):
    """The edition's settings as a TOML file or its text (the settings form is the other way)."""

    config = TextAreaField("Текст налаштувань (TOML)", validators=[Optional(), Length(max=20000)])
    toml_file = FileField("Файл налаштувань (TOML)")

    def text(self) -> str:
        upload = self.toml_file.data
        if upload and getattr(upload, "filename", ""):
            raw = upload.read(MAX_TOML_CHARS * 4 + 1)
            try:
                return raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValueError(
                    f"Файл «{upload.filename}» не в кодуванні UTF-8: збережіть його як UTF-8."
                ) from None
        return self.config.data or ""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        upload = self.toml_file.data
        if valid and not (self.config.data or "").strip() and not getattr(upload, "filename", ""):
            self.config.errors = ["Оберіть файл налаштувань або вставте їх текст."]
            return False
        return valid


class UploadForm(Form):
    file = FileField("Файл (CSV або XLSX)", validators=[FileRequired("Оберіть файл.")])


class ActionForm(Form):
    """A button that changes state (tally, close): CSRF plus an optional date."""

    on = StringField("Дата підрахунку", validators=[Optional(), Length(max=10)])


class ReopenForm(Form):
    reason = StringField("Причина", validators=[DataRequired("Вкажіть причину."), Length(max=500)])


class EntryForm(Form):
    batch = StringField(
        "Пачка (скринька)", validators=[DataRequired("Вкажіть пачку."), Length(max=20)]
    )
    number = StringField(
        "Номер бюлетеня", validators=[DataRequired("Вкажіть номер."), Length(max=20)]
    )
    cast_on = StringField("Дата голосування", validators=[Optional(), Length(max=10)])
    full_name = StringField("ПІБ", validators=[Optional(), Length(max=200)])
    birth_date = StringField("Дата народження", validators=[Optional(), Length(max=10)])
    document = StringField("Документ", validators=[Optional(), Length(max=40)])
    settlement = StringField("Населений пункт", validators=[Optional(), Length(max=120)])
    address = StringField("Адреса", validators=[Optional(), Length(max=300)])
    projects = StringField("Коди проєктів", validators=[Optional(), Length(max=300)])


class ResolveForm(Form):
    note = TextAreaField(
        "Що видно на паперовому бланку",
        validators=[DataRequired("Вкажіть підставу рішення."), Length(max=2000)],
    )


class BallotCheckForm(Form):
    """Check my ballot: the form number and the document's last four characters."""

    form_number = StringField(
        "Номер бланка",
        validators=[
            DataRequired("Вкажіть номер бланка."),
            Length(max=60, message="Номер задовгий."),
        ],
    )
    last_four = StringField(
        "Чотири останні знаки документа",
        validators=[DataRequired("Вкажіть чотири останні знаки документа.")],
    )

    def validate_last_four(self, field) -> None:
        if len(normalise_document(field.data)) != 4:
            raise ValidationError(
                "Вкажіть рівно чотири останні знаки документа (цифри або літери)."
            )


class VoteForm(Form):
    """The online ballot: the chosen projects come as repeated ``project`` values (checkboxes
    of the categories); the settlement only when the provider gave no address."""

    settlement = StringField(
        "Населений пункт, у якому ви проживаєте",
        validators=[Optional(), Length(max=120, message="Назва задовга.")],
    )


class ReceiptForm(Form):
    """Check an online ballot by the receipt code shown after casting."""

    code = code_field(
        "Код квитанції",
        r"^[0-9A-Za-z\s\-–—_.]{1,40}$",
        "Код квитанції — 16 латинських літер і цифр, наприклад 7KQ2-M9XD-4TRB-H0WE.",
    )
