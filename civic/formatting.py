"""Ukrainian formatting of numbers, money, dates, month names and number agreement (Babel,
``uk_UA``), pure, and registered as Jinja filters.

Babel groups thousands with a no-break space (U+00A0), which is what Ukrainian typography
wants: ``1 234 567,89``; web pages, charts and PDFs all group through :func:`uk_number`, so they
print the same «1 234».  Month names are CLDR's: nominative («листопад») and genitive
(«листопада») are the forms of the official documents (the seed report: «за листопад 2020 року»,
«протягом листопада 2020 року»).  Plural categories are CLDR's ``uk`` rule (Український правопис
2019, § 106): «1 новину», «2 новини», «5 новин», «11 новин», «21 новину».
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from civic import kyiv

LOCALE = "uk_UA"
_UK = Locale.parse(LOCALE)


def local(value):
    """An aware datetime in Kyiv time; dates and naive datetimes as they are."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return kyiv.local(value)
    return value


def uk_number(value, places: int | None = None) -> str:
    """``1234567.89`` → ``1 234 567,89``; ``places`` fixes the number of decimals."""
    if type(value) is int and not places:
        # Whole numbers (counts on every page, chart labels) without Babel's Decimal pattern
        # machinery: the same «-1 234 567» with no-break spaces, about ten times faster.
        return f"{value:,}".replace(",", "\u00a0")
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if places is None:
        return format_decimal(number, locale=_UK, decimal_quantization=False)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=_UK)


def uk_money(value, currency: str = "грн") -> str:
    """``3866211`` → ``3 866 211,00 грн``."""
    if value is None or value == "":
        return ""
    return f"{uk_number(value, 2)}\u00a0{currency}"


def uk_date(value: dt.date | dt.datetime | None) -> str:
    """``2020-11-23`` → ``23.11.2020`` (ДСТУ 4163:2020 numeric form; a moment: its Kyiv date)."""
    if value is None:
        return ""
    value = local(value)
    return f"{value.day:02d}.{value.month:02d}.{value.year}"


def uk_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    value = local(value)
    return f"{value.day:02d}.{value.month:02d}.{value.year} {value.hour:02d}:{value.minute:02d}"


def uk_date_long(value: dt.date | dt.datetime | None) -> str:
    """``2020-11-23`` → ``23 листопада 2020 року`` (month in the genitive)."""
    if value is None:
        return ""
    return f"{format_date(local(value), 'd MMMM y', locale=_UK)} року"


def uk_month(value: dt.date, case: str = "nominative") -> str:
    """Month and year: ``листопад 2020`` (nominative) or ``листопада 2020`` (genitive)."""
    if case == "genitive":
        return format_date(value, "MMMM y", locale=_UK)
    return format_date(value, "LLLL y", locale=_UK)


def uk_month_name(month: int, case: str = "nominative") -> str:
    """``11`` → ``листопад`` (nominative) or ``листопада`` (genitive)."""
    context = "format" if case == "genitive" else "stand-alone"
    return _UK.months[context]["wide"][month]


# ---------------------------------------------------------------- number agreement


def plural_category(n: int) -> str:
    """``"one"``, ``"few"`` or ``"many"`` for a whole number ``n`` (CLDR ``uk``, via Babel)."""
    return _UK.plural_form(abs(int(n)))


@dataclass(frozen=True)
class Forms:
    """The three forms of a noun phrase after a number: 1 ``one``, 2 ``few``, 5 ``many``."""

    one: str
    few: str
    many: str

    def pick(self, n: int) -> str:
        return getattr(self, plural_category(n))


def group_digits(n: int) -> str:
    """``12345`` → ``12 345``, ``1234`` → ``1 234`` (no-break spaces, as on the web pages)."""
    return uk_number(int(n))


def agree(n: int, forms: Forms | tuple[str, str, str]) -> str:
    """``agree(316, ("новину", "новини", "новин"))`` → ``"316 новин"``."""
    if not isinstance(forms, Forms):
        forms = Forms(*forms)
    return f"{group_digits(n)} {forms.pick(n)}"


def uk_plural(n, one: str, few: str, many: str) -> str:
    """``84|uk_plural("значення", "значення", "значень")`` → ``84 значення``: the number and
    the noun form it takes (:func:`agree`)."""
    return agree(int(n or 0), (one, few, many))


def short_name(full_name: str | None) -> str:
    """``Шевченко Марія Василівна`` → ``Шевченко М. В.``: surname and initials, the form
    that names a colleague without a grammatical gender to agree with. Anything that is not
    two or three capitalised words (``Адміністратор системи``) stays as it is."""
    words = (full_name or "").split()
    if not 2 <= len(words) <= 3 or not all(w[0].isupper() for w in words):
        return " ".join(words)
    return " ".join([words[0], *(f"{w[0]}." for w in words[1:])])


def init_app(app) -> None:
    filters = (uk_number, uk_money, uk_date, uk_datetime, uk_date_long, uk_month, uk_plural)
    app.jinja_env.filters.update({f.__name__: f for f in (*filters, short_name)})
