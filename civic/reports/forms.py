from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from civic.forms import DayField, Form, code_field
from civic.reports.editor import paragraph_order
from civic.reports.occasions import CATEGORIES
from civic.urls import HttpUrl

MONTH = Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", message="Місяць у форматі РРРР-ММ, напр. 2020-11.")


def _coerce_optional_int(value):
    return int(value) if value not in (None, "", "0", 0) else None


class EntryForm(Form):
    occurred_on = DayField("Дата", validators=[DataRequired("Вкажіть дату.")])
    type_code = SelectField("Тип запису", validators=[DataRequired("Оберіть тип.")])
    title = StringField("Назва", validators=[Optional(), Length(max=1000)])
    count = IntegerField(
        "Кількість",
        default=1,
        validators=[DataRequired("Вкажіть кількість."), NumberRange(min=1, max=100000)],
    )
    link = URLField(
        "Посилання",
        validators=[Optional(), HttpUrl("Посилання має починатися з http:// або https://.")],
    )
    occasion_id = SelectField(
        "Нагода (для привітань)", coerce=_coerce_optional_int, validators=[Optional()]
    )

    def set_choices(self, types, occasions) -> None:
        self.type_code.choices = [SelectChoice(t.code, t.label) for t in types]
        self.occasion_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(o.id), o.name) for o in occasions
        ]

    def entry(self) -> dict:
        """The entry as the journal's services take it."""
        return {
            "occurred_on": self.occurred_on.data,
            "type_code": self.type_code.data,
            "title": self.title.data or "",
            "count": self.count.data,
            "link": self.link.data,
            "occasion_id": self.occasion_id.data,
        }


class ImportForm(Form):
    file = FileField("Файл CSV або XLSX", validators=[FileRequired("Оберіть файл.")])
    type_code = SelectField("Тип для рядків без стовпця «Тип»")

    def set_choices(self, types) -> None:
        self.type_code.choices = [SelectChoice(t.code, t.label) for t in types]


class MonthForm(Form):
    month = StringField("Місяць", validators=[DataRequired("Вкажіть місяць."), MONTH])


class DraftForm(Form):
    """The draft's text; the paragraphs come as repeated ``paragraph`` fields."""

    title = TextAreaField(
        "Заголовок", validators=[DataRequired("Заголовок не може бути порожнім.")]
    )
    signer_position = StringField("Посада підписанта", validators=[Length(max=200)])
    signer_name = StringField("Ім'я підписанта", validators=[Length(max=200)])
    version = HiddenField()

    @classmethod
    def of(cls, report, version) -> DraftForm:
        """The form over ``report``, the text of the draft ``version`` as stored."""
        return cls(
            title=report.title,
            signer_position=report.signer_position,
            signer_name=report.signer_name,
            version=str(version.version_id),
        )

    def draft(self, posted) -> dict:
        """The edit as ``report_versions.update_draft`` takes it; ``posted`` is the request's
        form: its repeated ``paragraph`` fields, new paragraphs and a pressed ↑ or ↓."""
        texts = posted.getlist("paragraph")
        return {
            "texts": texts,
            "title": self.title.data,
            "signer_position": self.signer_position.data or "",
            "signer_name": self.signer_name.data or "",
            "expected_version": int(self.version.data or 0) or None,
            "added": posted.getlist("paragraph_new"),
            "order": paragraph_order(len(texts), posted.get("move", "")),
        }


class ActionForm(Form):
    """Only CSRF and the version seen (finalise, delete)."""

    version = HiddenField()


class OccasionForm(Form):
    name = StringField("Назва", validators=[DataRequired("Вкажіть назву."), Length(max=300)])
    rule = StringField(
        "Коли",
        validators=[DataRequired("Вкажіть правило дати."), Length(max=20)],
    )
    category = SelectField("Категорія", choices=[SelectChoice(k, v) for k, v in CATEGORIES.items()])
    from_year = IntegerField("Діє з року", validators=[Optional(), NumberRange(1900, 2200)])
    to_year = IntegerField("Діє до року", validators=[Optional(), NumberRange(1900, 2200)])
    is_active = BooleanField("Показувати в календарі", default=True)

    def occasion(self) -> dict:
        """The occasion as ``occasion_calendar.save_occasion`` takes it."""
        return {
            name: getattr(self, name).data
            for name in ("name", "rule", "category", "from_year", "to_year", "is_active")
        }


class EntryTypeForm(Form):
    code = code_field("Код", r"^[a-z][a-z0-9_]{0,39}$", "Латинські малі літери, цифри, «_».")
    label = StringField("Назва", validators=[DataRequired("Вкажіть назву."), Length(max=200)])
    form_one = StringField("Форма після 1 (1 новину)", validators=[Optional(), Length(max=120)])
    form_few = StringField("Форма після 2 (2 новини)", validators=[Optional(), Length(max=120)])
    form_many = StringField("Форма після 5 (5 новин)", validators=[Optional(), Length(max=120)])
    needs_occasion = BooleanField("Запис стосується нагоди з календаря")
    position = IntegerField("Порядок", default=100, validators=[Optional()])
    is_active = BooleanField("Активний", default=True)

    def entry_type(self) -> dict:
        """The entry type as ``services.save_entry_type`` takes it."""
        forms = (self.form_one.data or "", self.form_few.data or "", self.form_many.data or "")
        return {
            "code": self.code.data,
            "label": self.label.data,
            "forms": forms,
            "needs_occasion": self.needs_occasion.data,
            "position": self.position.data or 100,
            "is_active": self.is_active.data,
        }


class TemplateForm(Form):
    """Title and signer; the paragraphs come as repeated ``key``/``text``/``requires`` fields."""

    title = TextAreaField("Заголовок", validators=[DataRequired("Вкажіть заголовок.")])
    signer_position = StringField("Посада підписанта", validators=[Length(max=200)])
    signer_name = StringField("Ім'я підписанта", validators=[Length(max=200)])

    def template(self, posted) -> dict:
        """The template as ``services.update_template`` takes it; ``posted`` is the request's
        form, whose repeated fields are the paragraphs."""
        keys, texts = posted.getlist("key"), posted.getlist("text")
        rows = list(zip(keys, texts, posted.getlist("requires"), strict=False))
        return {
            "title": self.title.data,
            "signer_position": self.signer_position.data or "",
            "signer_name": self.signer_name.data or "",
            "paragraphs": rows,
        }
