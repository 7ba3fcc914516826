from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from civic.enterprises.catalogue import DEFAULT_UNIT, FORMS, SIGN_LABELS, Line
from civic.enterprises.plan_title import STATUSES
from civic.enterprises.statements import REPORTING_TYPES
from civic.forms import Form, code_field, web_address_field

KINDS = [
    SelectChoice("1", "Форма 1 «Баланс»"),
    SelectChoice("2", "Форма 2 «Звіт про фінансові результати»"),
    SelectChoice("plan", "Звіт про виконання фінансового плану"),
]


class UploadForm(Form):
    edrpou = SelectField("Підприємство", validators=[DataRequired("Оберіть підприємство.")])
    year = IntegerField(
        "Звітний рік",
        validators=[DataRequired("Вкажіть рік."), NumberRange(1991, 2100, "Рік від 1991 до 2100.")],
    )
    kind = SelectField("Що завантажуєте", choices=KINDS)
    unit = StringField(
        "Одиниця виміру", default="тис. грн", validators=[DataRequired(), Length(max=30)]
    )
    plan_status = SelectField(
        "Статус фінансового плану",
        choices=[SelectChoice("", "Як позначено у файлі")]
        + [SelectChoice(k, v) for k, v in STATUSES.items()],
        default="",
    )
    file = FileField("Файл (CSV або XLSX)", validators=[FileRequired("Оберіть файл.")])


class WithdrawForm(Form):
    reason = StringField(
        "Чому відкликається",
        validators=[DataRequired("Вкажіть, чому завантаження відкликається."), Length(max=500)],
    )


class FileForm(Form):
    file = FileField("Файл (CSV або XLSX)", validators=[FileRequired("Оберіть файл.")])


class CatalogueFileForm(FileForm):
    edition = StringField(
        "Редакція форми", validators=[DataRequired("Вкажіть редакцію."), Length(max=60)]
    )


class EnterpriseForm(Form):
    edrpou = code_field("Код ЄДРПОУ", r"^\d{8}$", "Код ЄДРПОУ — 8 цифр.")
    name = StringField("Повна назва", validators=[DataRequired("Вкажіть назву."), Length(max=400)])
    short_name = StringField("Коротка назва", validators=[Optional(), Length(max=200)])
    legal_form = StringField(
        "Організаційно-правова форма", validators=[Optional(), Length(max=200)]
    )
    sector = StringField("Галузь", validators=[Optional(), Length(max=200)])
    reporting_type = SelectField(
        "Тип звітності", choices=[SelectChoice(k, f"{k} — {v}") for k, v in REPORTING_TYPES.items()]
    )
    website = web_address_field(
        "Вебсайт", "Вкажіть адресу сайту з http:// або https://.", max_length=300
    )


class CatalogueLineForm(Form):
    code = StringField(
        "Код рядка",
        validators=[DataRequired("Вкажіть код."), Regexp(r"^\d{1,10}$", message="Код — цифри.")],
    )
    title = StringField("Назва коду", validators=[DataRequired("Вкажіть назву."), Length(max=400)])
    description = TextAreaField("Опис простою мовою", validators=[Optional(), Length(max=2000)])
    unit = StringField(
        "Одиниці виміру", default=DEFAULT_UNIT, validators=[DataRequired(), Length(max=30)]
    )
    key = StringField(
        "Ключовий (група)",
        validators=[Optional(), Length(max=30)],
        description="Напр. 1300 або 2350/2355: хоча б один рядок групи має бути у файлі.",
    )
    sign = SelectField("Знак", choices=[SelectChoice(k, v) for k, v in SIGN_LABELS.items()])

    def line(self) -> Line:
        """The catalogue line as entered."""
        return Line(
            self.code.data,
            self.title.data.strip(),
            self.description.data or "",
            self.unit.data.strip(),
            (self.key.data or "").strip(),
            self.sign.data,
        )


FORM_CHOICES = [SelectChoice(k, v) for k, v in FORMS.items()]
