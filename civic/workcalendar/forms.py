from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from civic.forms import DayField, Form
from civic.workcalendar.models import DAY_KINDS


class DeclaredDayForm(Form):
    day_on = DayField("Дата", validators=[DataRequired("Вкажіть дату (ДД.ММ.РРРР).")])
    kind = SelectField("Вид", choices=[SelectChoice(k, v) for k, v in DAY_KINDS.items()])
    note = StringField(
        "Підстава", validators=[Optional(), Length(max=300, message="Не більше 300 символів.")]
    )


class MartialLawForm(Form):
    starts_on = DayField("Початок", validators=[DataRequired("Вкажіть дату початку.")])
    ends_on = DayField("Кінець (порожньо — триває)", validators=[Optional()])
    holidays_working_from = DayField(
        "Свята — робочі дні з (порожньо — з початку)", validators=[Optional()]
    )
    note = StringField(
        "Підстава", validators=[Optional(), Length(max=300, message="Не більше 300 символів.")]
    )


class EndPeriodForm(Form):
    ends_on = DayField("Кінець", validators=[DataRequired("Вкажіть дату кінця.")])
