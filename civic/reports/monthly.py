"""The monthly department report as plain data (pure).

From the month, the activity journal, the modules' statistics and the department's template,
:func:`build_monthly_report` builds a :class:`MonthlyReport`: a title, paragraphs and the
signer. The shape follows the department's real report for November 2020 (``../shared/seed``):
standing paragraphs on the department's duties, counted sentences («Підготовлено та розміщено
316 новин …»), lists («А саме: День Свободи, …»), the modules' work and the signature.

A paragraph template is text with placeholders:

- ``{month}`` «листопад 2020», ``{month_genitive}`` «листопада 2020», and every value of
  :attr:`ReportSettings.values` (``{council_genitive}``, ``{city_locative}``, ...);
- ``{count:news}`` — the entries of a type counted with number agreement: «316 новин»;
- ``{list:greeting}`` — their titles joined with commas; ``{quoted:seminar}`` — «in quotes»;
- ``{form:seminar:семінарі|семінарах}`` — a word agreeing with the number of entries (two forms:
  one / several; three forms: 1 / 2–4 / 5+);
- ``{each:other}`` — alone in a paragraph: one paragraph per entry, its title as the text;
- ``{petitions}``, ``{pb}``, ``{enterprises}`` — the modules' sentences.

A paragraph whose placeholders have nothing to say, or whose ``requires`` (an entry type code
or a module name) is empty this month, is left out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from civic.reports.plural import Forms, agree, group_digits, plural_category

MONTHS = (
    "січень", "лютий", "березень", "квітень", "травень", "червень",
    "липень", "серпень", "вересень", "жовтень", "листопад", "грудень",
)  # fmt: skip
MONTHS_GENITIVE = (
    "січня", "лютого", "березня", "квітня", "травня", "червня",
    "липня", "серпня", "вересня", "жовтня", "листопада", "грудня",
)  # fmt: skip
MODULES = ("petitions", "pb", "enterprises")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([a-z0-9_]+))?(?::([^{}]*))?\}")


class MonthError(ValueError):
    """A month that is not ``YYYY-MM``; the message is Ukrainian."""


def parse_month(text: str) -> dt.date:
    """``"2020-11"`` → ``date(2020, 11, 1)``."""
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
    if not match or not 1 <= int(match[2]) <= 12:
        raise MonthError(f"місяць «{text}» не розпізнано: очікується РРРР-ММ, напр. 2020-11")
    return dt.date(int(match[1]), int(match[2]), 1)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first and the last day of the month containing ``month``."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def month_name(month: dt.date, *, genitive: bool = False) -> str:
    """«листопад 2020» or, in the genitive, «листопада 2020»."""
    names = MONTHS_GENITIVE if genitive else MONTHS
    return f"{names[month.month - 1]} {month.year}"


# ---------------------------------------------------------------- inputs


@dataclass(frozen=True)
class EntryTypeSpec:
    """A kind of journal entry; ``forms`` count it: («новину», «новини», «новин»)."""

    code: str
    label: str
    forms: Forms | None = None
    needs_occasion: bool = False


@dataclass(frozen=True)
class JournalItem:
    """One journal line. ``count`` > 1 stands for a bulk line (e.g. 316 news items)."""

    occurred_on: dt.date
    type_code: str
    title: str
    count: int = 1
    link: str | None = None
    occasion: str | None = None


def _share(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


@dataclass(frozen=True)
class PetitionStats:
    received: int = 0
    published: int = 0
    refused: int = 0
    refused_by_reason: tuple[tuple[str, int], ...] = ()
    answered: int = 0
    reached_threshold: int = 0
    signatures: int = 0
    decided_within_2_days_share: Decimal | None = None
    answered_within_10_days_share: Decimal | None = None

    @classmethod
    def from_dict(cls, data: Mapping) -> PetitionStats:
        return cls(
            received=int(data.get("received") or 0),
            published=int(data.get("published") or 0),
            refused=int(data.get("refused") or 0),
            refused_by_reason=tuple(
                sorted((str(k), int(v)) for k, v in (data.get("refused_by_reason") or {}).items())
            ),
            answered=int(data.get("answered") or 0),
            reached_threshold=int(data.get("reached_threshold") or 0),
            signatures=int(data.get("signatures") or 0),
            decided_within_2_days_share=_share(data.get("decided_within_2_days_share")),
            answered_within_10_days_share=_share(data.get("answered_within_10_days_share")),
        )

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.received, self.published, self.refused, self.answered, self.reached_threshold)
        )


@dataclass(frozen=True)
class PbEdition:
    slug: str
    title: str
    budget_year: int | None = None
    counted_on: dt.date | None = None
    received: int = 0
    valid: int = 0
    invalid: int = 0
    invalid_by_reason: tuple[tuple[str, int], ...] = ()
    selected: tuple[str, ...] = ()
    votes: int = 0

    @classmethod
    def from_dict(cls, data: Mapping) -> PbEdition:
        return cls(
            slug=str(data.get("slug") or ""),
            title=str(data.get("title") or ""),
            budget_year=int(data["budget_year"]) if data.get("budget_year") else None,
            counted_on=data.get("counted_on"),
            received=int(data.get("received") or 0),
            valid=int(data.get("valid") or 0),
            invalid=int(data.get("invalid") or 0),
            invalid_by_reason=tuple(
                (str(k), int(v)) for k, v in (data.get("invalid_by_reason") or {}).items()
            ),
            selected=tuple(str(s) for s in data.get("selected") or ()),
            votes=int(data.get("votes") or 0),
        )


@dataclass(frozen=True)
class EnterpriseStats:
    uploads: int = 0
    enterprises_updated: int = 0
    enterprise_names: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping) -> EnterpriseStats:
        return cls(
            uploads=int(data.get("uploads") or 0),
            enterprises_updated=int(data.get("enterprises_updated") or 0),
            enterprise_names=tuple(str(n) for n in data.get("enterprise_names") or ()),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.uploads or self.enterprises_updated)


@dataclass(frozen=True)
class ModuleStats:
    """What the modules know about the month; None where a module is absent."""

    petitions: PetitionStats | None = None
    pb_editions: tuple[PbEdition, ...] | None = None
    enterprises: EnterpriseStats | None = None

    @classmethod
    def from_dicts(
        cls, *, petitions: Mapping | None, pb: Mapping | None, enterprises: Mapping | None
    ) -> ModuleStats:
        return cls(
            petitions=PetitionStats.from_dict(petitions) if petitions is not None else None,
            pb_editions=tuple(PbEdition.from_dict(e) for e in pb.get("editions") or ())
            if pb is not None
            else None,
            enterprises=EnterpriseStats.from_dict(enterprises) if enterprises is not None else None,
        )


@dataclass(frozen=True)
class ParagraphTemplate:
    key: str
    text: str
    requires: str | None = None


@dataclass(frozen=True)
class ReportSettings:
    """The department's template and settings: title, paragraphs, signer, placeholder values."""

    title: str
    paragraphs: tuple[ParagraphTemplate, ...]
    signer_position: str
    signer_name: str
    entry_types: tuple[EntryTypeSpec, ...] = ()
    values: Mapping[str, str] = field(default_factory=dict)
    refusal_labels: Mapping[str, str] = field(default_factory=dict)
    pb_reason_labels: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- output


@dataclass(frozen=True)
class ReportParagraph:
    key: str
    text: str


@dataclass(frozen=True)
class MonthlyReport:
    month: str  # "2020-11"
    title: str
    paragraphs: tuple[ReportParagraph, ...]
    signer_position: str
    signer_name: str
    counts: tuple[tuple[str, int], ...] = ()  # entry type code → items this month
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["paragraphs"] = [asdict(p) for p in self.paragraphs]
        data["counts"] = dict(self.counts)
        data["warnings"] = list(self.warnings)
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> MonthlyReport:
        return cls(
            month=data["month"],
            title=data["title"],
            paragraphs=tuple(
                ReportParagraph(p["key"], p["text"]) for p in data.get("paragraphs") or ()
            ),
            signer_position=data.get("signer_position") or "",
            signer_name=data.get("signer_name") or "",
            counts=tuple(sorted((data.get("counts") or {}).items())),
            warnings=tuple(data.get("warnings") or ()),
        )

    def text(self) -> str:
        """Plain text in the shape of the seed report (title, paragraphs, signature)."""
        lines = [self.title, *(p.text for p in self.paragraphs), ""]
        lines.append(f"{self.signer_position}    {self.signer_name}")
        return "\n".join(lines)

    def with_edits(
        self,
        texts: Sequence[str],
        *,
        title: str | None = None,
        signer_position: str | None = None,
        signer_name: str | None = None,
        added: Sequence[str] = (),
    ) -> MonthlyReport:
        """The report with its paragraphs' texts replaced; an emptied paragraph is dropped and
        each non-empty text of ``added`` becomes a new paragraph at the end."""
        if len(texts) != len(self.paragraphs):
            raise ValueError("one text per paragraph expected")
        paragraphs = [
            ReportParagraph(p.key, squash(t))
            for p, t in zip(self.paragraphs, texts, strict=True)
            if t.strip()
        ]
        taken = {p.key for p in paragraphs}
        for text in added:
            if text.strip():
                n = 1
                while f"added-{n}" in taken:
                    n += 1
                taken.add(f"added-{n}")
                paragraphs.append(ReportParagraph(f"added-{n}", squash(text)))
        return MonthlyReport(
            month=self.month,
            title=squash(title if title is not None else self.title),
            paragraphs=tuple(paragraphs),
            signer_position=(
                signer_position if signer_position is not None else self.signer_position
            ).strip(),
            signer_name=(signer_name if signer_name is not None else self.signer_name).strip(),
            counts=self.counts,
            warnings=self.warnings,
        )


# ---------------------------------------------------------------- sentences


def squash(text: str) -> str:
    """Collapse runs of ordinary whitespace (no-break spaces in «1 234» and «50 %» stay)."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()


def join_list(items: Iterable[str]) -> str:
    """Titles joined as the seed joins them: «A, B, C» (no «і» before the last)."""
    return ", ".join(items)


def quote(title: str) -> str:
    """«title»; quotes inside become „…“ as Ukrainian typography nests them."""
    title = title.strip()
    if title.startswith("«") and title.endswith("»"):
        return title
    return "«" + title.replace("«", "„").replace("»", "“") + "»"


def _reason_breakdown(counts: Iterable[tuple[str, int]], labels: Mapping[str, str]) -> str:
    """«(label — n; label — n)», or empty when a reason has no Ukrainian label: an official
    report never shows a programme's code such as ``too_many_choices``."""
    parts = []
    for code, n in counts:
        if not n:
            continue
        label = labels.get(code) or (code if re.search(r"[а-яіїєґ]", code, re.I) else None)
        if label is None:
            return ""
        parts.append(f"{label} — {group_digits(n)}")
    return f" ({'; '.join(parts)})" if parts else ""


def percent(share: Decimal) -> str:
    """A share as whole percent: 0.955 → «96 %», 95 → «95 %» (values above 1 are percent)."""
    value = share * 100 if share <= 1 else share
    return f"{int(value.quantize(Decimal('1'), rounding='ROUND_HALF_UP'))}\u00a0%"


PETITION = Forms("електронну петицію", "електронні петиції", "електронних петицій")
SIGNATURE = Forms("підпис", "підписи", "підписів")
BALLOT = Forms("бланк для голосування", "бланки для голосування", "бланків для голосування")
VOTE = Forms("голос", "голоси", "голосів")
PROJECT = Forms("проєкт", "проєкти", "проєктів")
FILE = Forms("файл", "файли", "файлів")
ENTERPRISE = Forms("підприємства", "підприємств", "підприємств")


def petitions_sentence(stats: PetitionStats | None, labels: Mapping[str, str]) -> str:
    """The petitions module's month in one or two sentences; empty when nothing happened."""
    if stats is None or stats.is_empty:
        return ""
    parts = []
    if stats.received:
        parts.append(f"отримано {agree(stats.received, PETITION)}")
    if stats.published:
        parts.append(f"оприлюднено для збору підписів — {group_digits(stats.published)}")
    if stats.refused:
        refused = f"відмовлено в оприлюдненні — {group_digits(stats.refused)}"
        parts.append(refused + _reason_breakdown(stats.refused_by_reason, labels))
    if stats.reached_threshold:
        parts.append(
            f"необхідну кількість підписів набрали — {group_digits(stats.reached_threshold)}"
        )
    if stats.answered:
        parts.append(f"надано відповіді — {group_digits(stats.answered)}")
    sentence = "У системі місцевих електронних петицій за місяць " + ", ".join(parts)
    if stats.signatures:
        sentence += f"; зібрано {agree(stats.signatures, SIGNATURE)}"
    sentence += "."
    terms = []
    if stats.decided_within_2_days_share is not None and (stats.published or stats.refused):
        terms.append(
            f"рішення щодо оприлюднення ухвалено протягом двох робочих днів у "
            f"{percent(stats.decided_within_2_days_share)} випадків"
        )
    if stats.answered_within_10_days_share is not None and stats.answered:
        terms.append(
            f"відповіді надано протягом десяти робочих днів у "
            f"{percent(stats.answered_within_10_days_share)} випадків"
        )
    if terms:
        more = "; ".join(terms)
        sentence += f" {more[0].upper()}{more[1:]}."
    return sentence


def pb_sentence(edition: PbEdition, labels: Mapping[str, str] | None = None) -> str:
    """«Посадові особи відділу провели підрахунок голосів за проєкти громадського бюджету на
    2021 рік: опрацьовано …» — the seed's sentence with the count's numbers."""
    subject = (
        f"громадського бюджету на {edition.budget_year} рік"
        if edition.budget_year
        else f"громадського бюджету «{edition.title}»"
    )
    sentence = f"Посадові особи відділу провели підрахунок голосів за проєкти {subject}"
    details = []
    if edition.received:
        ballots = f"опрацьовано {agree(edition.received, BALLOT)}"
        if edition.valid or edition.invalid:
            ballots += f", з них дійсних — {group_digits(edition.valid)}, недійсних — {group_digits(edition.invalid)}"
            if edition.invalid:
                ballots += _reason_breakdown(edition.invalid_by_reason, labels or {})
        details.append(ballots)
    if edition.votes:
        details.append(f"за проєкти віддано {agree(edition.votes, VOTE)}")
    if edition.selected:
        winners = f"переможцями визначено {agree(len(edition.selected), PROJECT)}"
        details.append(f"{winners}: {join_list(quote(s) for s in edition.selected)}")
    if details:
        sentence += ": " + "; ".join(details)
    return sentence + "."


def enterprises_sentence(stats: EnterpriseStats | None) -> str:
    if stats is None or stats.is_empty:
        return ""
    parts = []
    if stats.uploads:
        parts.append(f"завантажено {agree(stats.uploads, FILE)} звітності комунальних підприємств")
    if stats.enterprises_updated:
        updated = f"оновлено дані {agree(stats.enterprises_updated, ENTERPRISE)}"
        if stats.enterprise_names:
            updated += f": {join_list(stats.enterprise_names)}"
        parts.append(updated)
    text = "; ".join(parts)
    return f"До системи візуалізації «Відкритий бюджет» {text}."


# ---------------------------------------------------------------- the default template

TITLE_TEMPLATE = (
    "Звіт про роботу відділу інформаційно-аналітичної роботи та комунікацій з громадськістю "
    "виконавчого комітету {council_genitive} за {month} року"
)

DEFAULT_VALUES = {
    "council_name": "Ніжинська міська рада",
    "council_genitive": "Ніжинської міської ради",
    "city_locative": "Ніжині",
}

DEFAULT_ENTRY_TYPES: tuple[EntryTypeSpec, ...] = (
    EntryTypeSpec("news", "Новина на вебсайті", Forms("новину", "новини", "новин")),
    EntryTypeSpec(
        "act",
        "Нормативний акт чи проєкт, оприлюднений для обговорення",
        Forms("нормативний акт", "нормативні акти", "нормативних актів"),
    ),
    EntryTypeSpec(
        "video", "Відеоролик на вебсайті", Forms("відеоролик", "відеоролики", "відеороликів")
    ),
    EntryTypeSpec("media", "Матеріали для ЗМІ", Forms("матеріал", "матеріали", "матеріалів")),
    EntryTypeSpec(
        "greeting", "Привітання (з нагоди)", Forms("привітання", "привітання", "привітань"), True
    ),
    EntryTypeSpec(
        "meeting",
        "Захід, висвітлений з фотографіями",
        Forms("матеріал з фотографіями", "матеріали з фотографіями", "матеріалів з фотографіями"),
    ),
    EntryTypeSpec(
        "seminar", "Семінар чи навчання (участь)", Forms("семінар", "семінари", "семінарів")
    ),
    EntryTypeSpec(
        "online_seminar",
        "Онлайн-семінар (участь)",
        Forms("онлайн-семінар", "онлайн-семінари", "онлайн-семінарів"),
    ),
    EntryTypeSpec(
        "oblast_info",
        "Інформація до облдержадміністрації",
        Forms("інформацію", "інформації", "інформацій"),
    ),
    EntryTypeSpec("other", "Інше (окремий абзац звіту)"),
)

P = ParagraphTemplate
DEFAULT_PARAGRAPHS: tuple[ParagraphTemplate, ...] = (
    P(
        "intro",
        "Робота відділу протягом {month_genitive} року була спрямована на інформаційне "
        "забезпечення здійснення внутрішньої політики держави в місті, відкритості у діяльності "
        "органів влади, реалізації конституційних прав громадян на інформацію, сприяння розвитку "
        "взаємодії органів місцевого самоврядування з громадськими організаціями, політичними "
        "партіями, обʼєднаннями громадян, засобами масової інформації.",
    ),
    P(
        "parties",
        "Відділ аналізував діяльність політичних партій та громадських організацій в місті, "
        "проводив заходи, спрямовані на взаємодію роботи міськвиконкому з політичними партіями "
        "та громадськими організаціями у справі здійснення соціально-економічних перетворень.",
    ),
    P("news", "Підготовлено та розміщено {count:news} та інших інформаційних матеріалів."),
    P(
        "acts",
        "Оприлюднено на офіційному вебсайті {council_genitive} {count:act}, проєктів рішень "
        "{council_genitive} та її виконавчого комітету, розпоряджень міського голови з метою "
        "обговорення громадськістю.",
    ),
    P(
        "coverage",
        "Сприяв висвітленню засобами масової інформації міста діяльності {council_genitive} та "
        "її виконавчого комітету.",
    ),
    P(
        "media",
        "Надавав у ЗМІ: інформації, статті, повідомлення, оголошення, привітання, анонси.",
        "media",
    ),
    P(
        "video",
        "Розміщував відеоролики ДКП ТРК «Ніжинське телебачення» на офіційному вебсайті "
        "{council_genitive}.",
        "video",
    ),
    P("monitoring", "Проводився постійний моніторинг місцевих та обласних ЗМІ та інтернет-сайтів."),
    P(
        "petitions_duty",
        "Спеціалістами відділу велося постійне модерування та обслуговування Єдиної системи "
        "місцевих петицій, до якої підключена і {council_name}, платформи «Відкритий бюджет».",
    ),
    P("petitions", "{petitions}"),
    P("other", "{each:other}"),
    P(
        "enterprises_duty",
        "Спеціалістами відділу постійно наповнюється система візуалізації «Відкритий бюджет» — "
        "комунальні підприємства.",
    ),
    P("enterprises", "{enterprises}"),
    P(
        "oblast",
        "Спеціалісти відділу здійснюють інформування Департаменту інформаційної діяльності та "
        "комунікацій з громадськістю Чернігівської обласної державної адміністрації щодо "
        "суспільно-політичної ситуації в {city_locative}.",
        "oblast_info",
    ),
    P(
        "meetings",
        "Посадові особи брали участь у нарадах, засіданнях, зустрічах та інших заходах, "
        "організованих структурними підрозділами виконавчих органів ради. За ними підготовлено, "
        "опрацьовано матеріали та опубліковано на офіційному вебсайті {council_genitive} "
        "{count:meeting}.",
    ),
    P(
        "greetings",
        "Посадовими особами підготовлено та оприлюднено офіційні привітання з нагоди державних "
        "і професійних свят та памʼятних дат. А саме: {list:greeting}.",
    ),
    P("pb", "{pb}"),
    P(
        "seminars",
        "Взяли участь у {form:seminar:семінарі чи навчанні на тему|семінарах і навчаннях на "
        "теми}: {quoted:seminar}.",
    ),
    P(
        "online_seminars",
        "Взяли участь в онлайн-{form:online_seminar:семінарі на тему|семінарах на теми}: "
        "{quoted:online_seminar}.",
    ),
)
del P


# ---------------------------------------------------------------- building


def _titles(items: Sequence[JournalItem]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        title = (item.title or item.occasion or "").strip()
        if title:
            seen.setdefault(title, None)
    return list(seen)


def _pick_form(options: str, n: int) -> str:
    forms = options.split("|")
    if len(forms) == 3:
        return Forms(*forms).pick(n)
    if len(forms) == 2:
        return forms[0] if n == 1 else forms[1]
    return forms[0]


@dataclass
class _Context:
    month: dt.date
    by_type: dict[str, list[JournalItem]]
    types: dict[str, EntryTypeSpec]
    modules: dict[str, str]
    values: dict[str, str]
    used_types: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def total(self, code: str) -> int:
        return sum(max(item.count, 0) for item in self.by_type.get(code, ()))

    def has(self, source: str) -> bool:
        if source in MODULES:
            return bool(self.modules.get(source))
        return self.total(source) > 0

    def substitute(self, match: re.Match) -> str | None:
        """The text for one placeholder; None means "nothing to say" (drop the paragraph)."""
        name, code, extra = match[1], match[2], match[3]
        if code is None and extra is None:
            if name in MODULES:
                return self.modules.get(name) or None
            if name in self.values:
                return self.values[name]
            self.warnings.append(f"Невідоме поле «{{{name}}}» у шаблоні абзацу.")
            return match[0]
        self.used_types.add(code)
        items = self.by_type.get(code, [])
        total = self.total(code)
        if not total:
            return None
        if name == "count":
            spec = self.types.get(code)
            if spec is None or spec.forms is None:
                return group_digits(total)
            return agree(total, spec.forms)
        if name == "list":
            return join_list(_titles(items)) or None
        if name == "quoted":
            return join_list(quote(t) for t in _titles(items)) or None
        if name == "form" and extra is not None:
            return _pick_form(extra, len(_titles(items)) or total)
        self.warnings.append(f"Невідоме поле «{match[0]}» у шаблоні абзацу.")
        return match[0]

    def render(self, text: str) -> str | None:
        missing = False

        def replace(match: re.Match) -> str:
            nonlocal missing
            value = self.substitute(match)
            if value is None:
                missing = True
                return ""
            return value

        rendered = _PLACEHOLDER.sub(replace, text)
        return None if missing else squash(rendered)


def build_monthly_report(
    month: dt.date,
    entries: Iterable[JournalItem],
    stats: ModuleStats,
    settings: ReportSettings,
) -> MonthlyReport:
    """Build the month's report. Entries outside the month are ignored.

    Every decision about what the report says lives here: which paragraphs have something to
    say, how numbers agree with nouns, how lists are joined and what the modules' sentences are.
    """
    first, last = month_bounds(month)
    by_type: dict[str, list[JournalItem]] = {}
    for item in sorted(entries, key=lambda e: (e.occurred_on, e.type_code, e.title)):
        if first <= item.occurred_on <= last:
            by_type.setdefault(item.type_code, []).append(item)
    modules = {
        "petitions": petitions_sentence(stats.petitions, settings.refusal_labels),
        "pb": " ".join(pb_sentence(e, settings.pb_reason_labels) for e in stats.pb_editions or ()),
        "enterprises": enterprises_sentence(stats.enterprises),
    }
    values = {
        **DEFAULT_VALUES,
        **settings.values,
        "month": month_name(first),
        "month_genitive": month_name(first, genitive=True),
    }
    ctx = _Context(first, by_type, {t.code: t for t in settings.entry_types}, modules, values)

    paragraphs: list[ReportParagraph] = []
    for template in settings.paragraphs:
        if template.requires:
            ctx.used_types.add(template.requires)
            if not ctx.has(template.requires):
                continue
        each = re.fullmatch(r"\s*\{each:([a-z0-9_]+)\}\s*", template.text)
        if each:
            code = each[1]
            ctx.used_types.add(code)
            for n, item in enumerate(by_type.get(code, ()), start=1):
                text = squash(item.title)
                if text:
                    paragraphs.append(ReportParagraph(f"{template.key}-{n}", text))
            continue
        text = ctx.render(template.text)
        if text:
            paragraphs.append(ReportParagraph(template.key, text))

    for code, items in by_type.items():
        if code in ctx.used_types:
            continue
        spec = ctx.types.get(code)
        label = spec.label if spec else code
        titles = _titles(items)
        total = ctx.total(code)
        detail = join_list(titles) if titles else group_digits(total)
        paragraphs.append(ReportParagraph(f"auto-{code}", f"{label}: {detail}."))
        ctx.warnings.append(
            f"Для записів типу «{label}» у шаблоні немає абзацу; додано абзац за замовчуванням."
        )

    title = ctx.render(settings.title) or settings.title
    counts = tuple(sorted((code, ctx.total(code)) for code in by_type))
    return MonthlyReport(
        month=f"{first:%Y-%m}",
        title=title,
        paragraphs=tuple(paragraphs),
        signer_position=settings.signer_position,
        signer_name=settings.signer_name,
        counts=counts,
        warnings=tuple(dict.fromkeys(ctx.warnings)),
    )


def default_settings(
    *,
    signer_position: str = "Начальник відділу",
    signer_name: str = "",
    values: Mapping[str, str] | None = None,
) -> ReportSettings:
    """The default template (Nizhyn's wording) — what a fresh installation starts from."""
    return ReportSettings(
        title=TITLE_TEMPLATE,
        paragraphs=DEFAULT_PARAGRAPHS,
        signer_position=signer_position,
        signer_name=signer_name,
        entry_types=DEFAULT_ENTRY_TYPES,
        values=dict(values or {}),
    )


__all__ = [
    "DEFAULT_ENTRY_TYPES",
    "DEFAULT_PARAGRAPHS",
    "EnterpriseStats",
    "EntryTypeSpec",
    "Forms",
    "JournalItem",
    "ModuleStats",
    "MonthlyReport",
    "ParagraphTemplate",
    "PbEdition",
    "PetitionStats",
    "ReportParagraph",
    "ReportSettings",
    "build_monthly_report",
    "default_settings",
    "month_bounds",
    "parse_month",
    "plural_category",
]
