"""An edition's settings as a form: one Ukrainian field per key of :class:`EditionConfig`.

The form holds no rule of its own: :func:`config_from_form` turns the submitted fields into the
edition's TOML and reads it back with :func:`civic.pb.edition.parse_edition`, so the form and a
TOML file give the same edition and the same checks. :func:`form_data` is the way back, for a
form filled with an existing edition.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import tomli_w
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms import Form as SubForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from civic.forms import LOCALES, Form
from civic.pb.edition import (
    COMMISSION_ROLES,
    DUPLICATES,
    LEFTOVERS,
    RULES,
    TIE_BREAKS,
    EditionConfig,
    budget_year_from_title,
    parse_edition,
)
from civic.tabular import parse_date

# One title per setting value; a value without a title (a rule another branch adds) is shown by
# its code, so the selects below always offer every kind the parser accepts.
CHOICE_TITLES = {
    "first_cast": "зараховується перший за часом бюлетень особи",
    "online_first": "онлайн-бюлетень має перевагу над паперовим",
    "greedy": "за кількістю голосів, поки вистачає коштів; непоміщений проєкт пропускається",
    "greedy-no-skip": "за кількістю голосів; зупинка на першому непоміщеному проєкті",
    "earlier_submission": "вище — раніше поданий проєкт",
    "cheaper": "вище — дешевший проєкт",
    "lot": "за жеребкуванням (порядок кодів нижче)",
    "pool": "залишки категорій об'єднуються в спільний фонд",
    "keep": "залишки лишаються в категоріях",
    "chair": "голова комісії",
    "secretary": "секретар комісії",
    "member": "член комісії",
}


def choices(values: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(v, CHOICE_TITLES.get(v, v)) for v in values]


def _integer(minimum: int, maximum: int, what: str):
    message = f"{what}: ціле число від {minimum} до {maximum}."

    def check(_form, field) -> None:
        text = (field.data or "").strip().replace(" ", "").replace("\u00a0", "")
        if not text:
            return
        if not re.fullmatch(r"\d+", text) or not minimum <= int(text) <= maximum:
            raise ValidationError(message)

    return check


def _points_field(_form, field) -> None:
    """«3, 2, 1»: whole points, none above the one before (the parser says the rest)."""
    parts = [p for p in re.split(r"[\s,;]+", field.data or "") if p]
    if parts and not all(re.fullmatch(r"\d{1,9}", p) for p in parts):
        raise ValidationError(
            f"{field.label.text}: цілі бали через кому, від першого місця, наприклад 3, 2, 1."
        )


def _share_field(_form, field) -> None:
    text = (field.data or "").strip().replace(",", ".").rstrip("%").strip()
    if not text:
        return
    if not re.fullmatch(r"\d{1,3}(?:\.\d{1,4})?", text) or not 1 <= Decimal(text) <= 100:
        raise ValidationError(f"{field.label.text}: число від 1 до 100, наприклад 80.")


def _exclusive_field(_form, field) -> None:
    for n, codes in enumerate(_groups(field.data), 1):
        if len(set(codes)) < 2:
            raise ValidationError(
                f"{field.label.text}, рядок {n}: щонайменше два різні коди проєктів через кому."
            )


def _groups(text: str | None) -> list[list[str]]:
    lines = [line for line in (text or "").splitlines() if line.strip()]
    return [[c for c in re.split(r"[\s,;]+", line) if c] for line in lines]


def _optional(kind, label: str, hint: str, max_length: int, check):
    """An optional text field of a rule setting, checked by ``check`` when filled."""
    return kind(label, description=hint, validators=[Optional(), Length(max=max_length), check])


def _date_field(_form, field) -> None:
    if field.data and field.data.strip():
        try:
            parse_date(field.data)
        except ValueError as error:
            raise ValidationError(f"{str(error)[:1].upper()}{str(error)[1:]}.") from None


class _Part(SubForm):
    class Meta:
        locales = LOCALES


class CategoryForm(_Part):
    code = StringField(
        "Код категорії",
        description="Латинські літери, цифри, _ або -: так категорію позначено у файлі проєктів.",
        validators=[Optional(), Length(max=20)],
    )
    title = StringField("Назва категорії", validators=[Optional(), Length(max=200)])
    budget = StringField(
        "Бюджет, грн",
        description="Наприклад, 1 159 863,30.",
        validators=[Optional(), Length(max=30)],
    )
    max_choices = StringField(
        "Скільки проєктів можна обрати",
        validators=[Optional(), _integer(1, 1000, "Кількість виборів")],
    )

    def is_empty(self) -> bool:
        return not any((f.data or "").strip() for f in (self.code, self.title, self.budget))


class MemberForm(_Part):
    role = SelectField("Роль", choices=choices(COMMISSION_ROLES), default="member")
    full_name = StringField("Прізвище, ім'я, по батькові", validators=[Length(max=200)])
    position = StringField("Посада", validators=[Optional(), Length(max=200)])

    def is_empty(self) -> bool:
        return not (self.full_name.data or "").strip() and not (self.position.data or "").strip()


class EditionSettingsForm(Form):
    slug = StringField(
        "Код видання",
        description="Малі латинські літери, цифри й дефіс, наприклад gb-2021; буде в адресі "
        "сторінки результатів і не змінюється.",
        validators=[DataRequired("Вкажіть код видання."), Length(max=64)],
    )
    title = StringField(
        "Назва",
        description="Наприклад, «Громадський бюджет міста Ніжина на 2021 рік».",
        validators=[DataRequired("Вкажіть назву видання."), Length(max=300)],
    )
    budget_year = StringField(
        "Бюджетний рік",
        description="Якщо порожньо — рік із назви («… на 2021 рік»).",
        validators=[Optional(), _integer(1900, 2200, "Бюджетний рік")],
    )
    voting_starts_on = StringField(
        "Початок голосування",
        description="ДД.ММ.РРРР",
        validators=[DataRequired("Вкажіть дату початку голосування."), _date_field],
    )
    voting_ends_on = StringField(
        "Кінець голосування",
        description="ДД.ММ.РРРР",
        validators=[DataRequired("Вкажіть дату кінця голосування."), _date_field],
    )
    min_age = StringField(
        "Мінімальний вік голосувальника",
        description="Повних років на день голосування.",
        default="16",
        validators=[DataRequired("Вкажіть мінімальний вік."), _integer(0, 150, "Вік")],
    )
    settlements = TextAreaField(
        "Населені пункти громади",
        description="Кожен з нового рядка. Порожньо — місце проживання не перевіряється.",
        validators=[Optional(), Length(max=5000)],
    )
    require_identity = BooleanField(
        "Бюлетень без ПІБ, дати народження чи документа недійсний", default=True
    )
    online_voting = BooleanField(
        "Онлайн-голосування в civic",
        description="Ідентифіковані мешканці (ID.GOV.UA) голосують на сторінці видання; "
        "без позначки — лише папір та імпорт.",
        default=False,
    )
    online_starts_on = StringField(
        "Початок онлайн-голосування",
        description="ДД.ММ.РРРР; якщо порожньо — початок голосування.",
        validators=[Optional(), _date_field],
    )
    online_ends_on = StringField(
        "Кінець онлайн-голосування",
        description="ДД.ММ.РРРР; якщо порожньо — кінець голосування.",
        validators=[Optional(), _date_field],
    )
    duplicates = SelectField(
        "Якщо особа проголосувала двічі",
        choices=choices(DUPLICATES),
        default="first_cast",
    )
    rule = SelectField("Правило визначення переможців", choices=choices(RULES), default="greedy")
    min_votes = StringField(
        "Найменша кількість голосів для фінансування",
        default="0",
        validators=[Optional(), _integer(0, 1_000_000_000, "Кількість голосів")],
    )
    tie_break = SelectField(
        "За рівної кількості голосів", choices=choices(TIE_BREAKS), default="earlier_submission"
    )
    lot_order = StringField(
        "Порядок жеребкування",
        description="Коди проєктів через кому в порядку, визначеному жеребом (лише для "
        "жеребкування).",
        validators=[Optional(), Length(max=2000)],
    )
    leftover = SelectField("Залишок коштів", choices=choices(LEFTOVERS), default="pool")
    points = _optional(
        StringField,
        "Бали за місця в бюлетені",
        "Якщо в категорії можна обрати кілька проєктів і їх упорядковують: бали за перше, "
        "друге, третє… місце через кому, наприклад 3, 2, 1. Порожньо — кожен голос важить "
        "однаково.",
        400,
        _points_field,
    )
    completion = _optional(
        StringField,
        "Доплата з резерву, % вартості",
        "Якщо залишку категорії вистачає щонайменше на цю частку вартості проєкту, що не "
        "вміщується, його фінансують, доплачуючи з резерву, і підрахунок у категорії "
        "зупиняється (у Познані — 80). Порожньо — без доплати.",
        10,
        _share_field,
    )
    exclusive = _optional(
        TextAreaField,
        "Проєкти, які не можна реалізувати разом",
        "Кожна група з нового рядка: коди проєктів через кому, наприклад М-03, М-07 (те саме "
        "місце або варіанти однієї ідеї). Фінансується лише той проєкт групи, що стоїть вище.",
        5000,
        _exclusive_field,
    )
    categories = FieldList(FormField(CategoryForm), min_entries=1, max_entries=50)
    add_category = SubmitField("Додати категорію")
    commission = FieldList(FormField(MemberForm), min_entries=3, max_entries=30)
    add_member = SubmitField("Додати члена комісії")
    protocol_number = StringField("Номер протоколу", validators=[Optional(), Length(max=40)])
    protocol_on = StringField(
        "Дата протоколу",
        description="ДД.ММ.РРРР; якщо порожньо — дата закриття підрахунку.",
        validators=[Optional(), _date_field],
    )
    save = SubmitField("Зберегти")

    def adding(self) -> bool:
        """A press of «Додати …»: one more empty row, nothing saved (works without JS)."""
        if self.add_category.data and len(self.categories) < self.categories.max_entries:
            self.categories.append_entry()
            return True
        if self.add_member.data and len(self.commission) < self.commission.max_entries:
            self.commission.append_entry()
            return True
        return bool(self.add_category.data or self.add_member.data)


def _lines(text: str | None) -> list[str]:
    return [s.strip() for s in re.split(r"[\n;]", text or "") if s.strip()]


def _number(text: str | None) -> int:
    return int((text or "").strip().replace(" ", "").replace("\u00a0", ""))


def form_toml(form: EditionSettingsForm) -> str:
    """The TOML of a submitted (shape-valid) form: the text the edition stores."""
    data: dict = {
        "slug": form.slug.data.strip(),
        "title": form.title.data.strip(),
        "voting_starts_on": parse_date(form.voting_starts_on.data),
        "voting_ends_on": parse_date(form.voting_ends_on.data),
        "min_age": _number(form.min_age.data),
        "settlements": _lines(form.settlements.data),
        "duplicates": form.duplicates.data,
        "rule": form.rule.data,
        "min_votes": _number(form.min_votes.data) if (form.min_votes.data or "").strip() else 0,
        "tie_break": form.tie_break.data,
        "leftover": form.leftover.data,
    }
    if (form.budget_year.data or "").strip():
        data["budget_year"] = _number(form.budget_year.data)
    lots = [c for c in re.split(r"[\s,;]+", form.lot_order.data or "") if c]
    if lots:
        data["lot_order"] = lots
    if not form.require_identity.data:
        data["require_identity"] = False
    if form.online_voting.data:
        data["online_voting"] = True
        for name in ("online_starts_on", "online_ends_on"):
            if (getattr(form, name).data or "").strip():
                data[name] = parse_date(getattr(form, name).data)
    points = [int(p) for p in re.split(r"[\s,;]+", form.points.data or "") if p]
    if points:
        data["points"] = points
    share = (form.completion.data or "").strip().replace(",", ".").rstrip("%").strip()
    if share:
        data["completion"] = str((Decimal(share) / 100).normalize())
    groups = _groups(form.exclusive.data)
    if groups:
        data["exclusive"] = [{"projects": codes} for codes in groups]
    if (form.protocol_number.data or "").strip():
        data["protocol_number"] = form.protocol_number.data.strip()
    if (form.protocol_on.data or "").strip():
        data["protocol_on"] = parse_date(form.protocol_on.data)
    data["categories"] = []
    for entry in form.categories:
        part = entry.form
        if part.is_empty():
            continue
        category = {"code": (part.code.data or "").strip(), "title": (part.title.data or "")}
        if (part.budget.data or "").strip():
            category["budget"] = part.budget.data.strip()
        category["max_choices"] = (
            _number(part.max_choices.data) if (part.max_choices.data or "").strip() else 1
        )
        data["categories"].append(category)
    members = [
        {
            "role": entry.form.role.data,
            "full_name": (entry.form.full_name.data or "").strip(),
            "position": (entry.form.position.data or "").strip(),
        }
        for entry in form.commission
        if not entry.form.is_empty()
    ]
    if members:
        data["commission"] = members
    return tomli_w.dumps(data)


def config_from_form(form: EditionSettingsForm) -> EditionConfig:
    """The edition a submitted form describes; raises :class:`EditionError` like the TOML path."""
    return parse_edition(form_toml(form))


def _day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _money(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def _percent(share: Decimal) -> str:
    value = (share * 100).normalize()
    return f"{value:f}".replace(".", ",")


def form_data(config: EditionConfig) -> dict:
    """The form's fields filled with an edition (``data=`` of :class:`EditionSettingsForm`)."""
    year = config.budget_year
    members = [
        {"role": m.role, "full_name": m.full_name, "position": m.position}
        for m in config.commission
    ]
    return {
        "slug": config.slug,
        "title": config.title,
        "budget_year": ""
        if year is None or year == budget_year_from_title(config.title)
        else str(year),
        "voting_starts_on": _day(config.voting_starts_on),
        "voting_ends_on": _day(config.voting_ends_on),
        "min_age": str(config.min_age),
        "settlements": "\n".join(config.settlements),
        "require_identity": config.require_identity,
        "online_voting": config.online_voting,
        "online_starts_on": _day(config.online_starts_on),
        "online_ends_on": _day(config.online_ends_on),
        "duplicates": config.duplicates,
        "rule": config.rule,
        "min_votes": str(config.min_votes),
        "tie_break": config.tie_break,
        "lot_order": ", ".join(config.lot_order),
        "leftover": config.leftover,
        "points": ", ".join(map(str, config.points)),
        "completion": "" if config.completion is None else _percent(config.completion),
        "exclusive": "\n".join(", ".join(g) for g in config.exclusive),
        "categories": [
            {
                "code": c.code,
                "title": c.title,
                "budget": _money(c.budget),
                "max_choices": str(c.max_choices),
            }
            for c in config.categories
        ],
        "commission": members,
        "protocol_number": config.protocol_number,
        "protocol_on": _day(config.protocol_on),
    }


def posted(data: dict, prefix: str = "") -> dict[str, object]:
    """``form_data`` flattened the way a browser posts it (``categories-0-code`` …)."""
    flat: dict[str, object] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, list):
            for n, item in enumerate(value):
                flat.update(posted(item, f"{name}-{n}-"))
        elif isinstance(value, bool):
            if value:
                flat[name] = "y"
        else:
            flat[name] = value
    return flat


def explain(message: str, form: EditionSettingsForm) -> str:
    """A parser message about TOML keys («min_age») in the words of the form's labels."""
    labels = {name: field.label.text for name, field in form._fields.items()}
    labels.update(
        {
            "code": "Код категорії",
            "budget": "Бюджет, грн",
            "max_choices": "Скільки проєктів можна обрати",
            "full_name": "Прізвище, ім'я, по батькові",
            "[[categories]]": "категорії",
            "[[commission]]": "члени комісії",
            "[[exclusive]]": "проєкти, які не можна реалізувати разом",
        }
    )
    return re.sub(r"«([^»]+)»", lambda m: f"«{labels.get(m.group(1), m.group(1))}»", message)
