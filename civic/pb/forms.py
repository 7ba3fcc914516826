"""Forms of the participatory-budget pages (shape only; the rules live in the pure core)."""

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from civic.forms import Form as FlaskForm


class EditionForm(FlaskForm):
    config = TextAreaField(
        "Налаштування (TOML)",
        validators=[DataRequired("Вставте налаштування видання."), Length(max=20000)],
    )


class UploadForm(FlaskForm):
    file = FileField("Файл (CSV або XLSX)", validators=[FileRequired("Оберіть файл.")])


class ActionForm(FlaskForm):
    """A button that changes state (tally, close): CSRF plus an optional date."""

    on = StringField("Дата підрахунку", validators=[Optional(), Length(max=10)])


class ReopenForm(FlaskForm):
    reason = StringField("Причина", validators=[DataRequired("Вкажіть причину."), Length(max=500)])


class EntryForm(FlaskForm):
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


class ResolveForm(FlaskForm):
    note = TextAreaField(
        "Що видно на паперовому бланку",
        validators=[DataRequired("Вкажіть підставу рішення."), Length(max=2000)],
    )
