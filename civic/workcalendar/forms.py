from wtforms import DateField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from civic.forms import Form as FlaskForm
from civic.workcalendar.models import DAY_KINDS


class DeclaredDayForm(FlaskForm):
    day_on = DateField("Дата", validators=[DataRequired("Вкажіть дату (РРРР-ММ-ДД).")])
    kind = SelectField("Вид", choices=[SelectChoice(k, v) for k, v in DAY_KINDS.items()])
    note = StringField(
        "Підстава", validators=[Optional(), Length(max=300, message="Не більше 300 символів.")]
    )


class MartialLawForm(FlaskForm):
    starts_on = DateField("Початок", validators=[DataRequired("Вкажіть дату початку.")])
    ends_on = DateField("Кінець (порожньо — триває)", validators=[Optional()])
    holidays_working_from = DateField(
        "Свята — робочі дні з (порожньо — з початку)", validators=[Optional()]
    )
    note = StringField(
        "Підстава", validators=[Optional(), Length(max=300, message="Не більше 300 символів.")]
    )


class EndPeriodForm(FlaskForm):
    ends_on = DateField("Кінець", validators=[DataRequired("Вкажіть дату кінця.")])
