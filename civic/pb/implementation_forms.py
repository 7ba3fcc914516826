"""Forms of the winners' implementation pages (shape only; the checks live in pb/implementation)."""

from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from civic.forms import DayField, Form
from civic.pb.implementation import MAX_MILESTONE, MAX_REASON, STATUS_TITLES
from civic.photos import MAX_BYTES


class ProgressForm(Form):
    status = SelectField(
        "Стан реалізації", choices=[SelectChoice(k, v) for k, v in STATUS_TITLES.items()]
    )
    percent_done = IntegerField(
        "Виконано, %",
        validators=[InputRequired("Вкажіть відсоток виконання."), NumberRange(0, 100)],
    )
    spent = StringField("Витрачено, грн", validators=[Optional(), Length(max=20)])
    done_on = DayField("Дата завершення (для реалізованого)", validators=[Optional()])
    cancel_reason = TextAreaField(
        "Причина скасування (для скасованого)", validators=[Optional(), Length(max=MAX_REASON)]
    )
    version = HiddenField()

    def arguments(self) -> dict:
        """The record as ``record_progress`` takes it."""
        return {
            "status": self.status.data,
            "percent_done": self.percent_done.data,
            "spent": self.spent.data,
            "cancel_reason": self.cancel_reason.data or "",
            "done_on": self.done_on.data,
            # A web form always says which version it showed; none (a hand-made request) is
            # taken as "no record yet", so it can never overwrite a colleague's record unseen.
            "expected_version": int(self.version.data)
            if (self.version.data or "").isdigit()
            else 0,
        }


class MilestoneForm(Form):
    happened_on = DayField("Дата етапу", validators=[InputRequired("Вкажіть дату етапу.")])
    text = StringField(
        "Що зроблено", validators=[InputRequired("Опишіть етап."), Length(max=MAX_MILESTONE)]
    )
    photo = FileField(f"Фото (JPEG, PNG або WebP, до {MAX_BYTES // 1024 // 1024} МБ)")

    def arguments(self) -> dict:
        """The milestone as ``add_milestone`` takes it, but for the photo (the view reads it)."""
        return {"happened_on": self.happened_on.data, "text": self.text.data}
