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

from civic import kyiv
from civic.formatting import Forms, agree, group_digits, uk_month
from civic.reports.sentences import (
    EnterpriseStats,
    ModuleStats,
    PbEdition,
    PetitionStats,
    enterprises_sentence,
    join_list,
    pb_implementation_sentence,
    pb_sentences,
    petitions_sentence,
    quote,
    squash,
)

MODULES = ("petitions", "pb", "enterprises")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([a-z0-9_]+))?(?::([^{}]*))?\}")


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
        order: Sequence[int] | None = None,
    ) -> MonthlyReport:
        """The report with its paragraphs' texts replaced; an emptied paragraph is dropped and
        each non-empty text of ``added`` becomes a new paragraph at the end. ``order`` (a
        permutation of the paragraphs' positions) moves them."""
        if len(texts) != len(self.paragraphs):
            raise ValueError("one text per paragraph expected")
        positions = list(range(len(texts))) if order is None else list(order)
        if sorted(positions) != list(range(len(texts))):
            raise ValueError("order must be a permutation of the paragraphs")
        paragraphs = [
            ReportParagraph(self.paragraphs[i].key, squash(texts[i]))
            for i in positions
            if texts[i].strip()
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
    first, last = kyiv.month_days(month)
    by_type: dict[str, list[JournalItem]] = {}
    for item in sorted(entries, key=lambda e: (e.occurred_on, e.type_code, e.title)):
        if first <= item.occurred_on <= last:
            by_type.setdefault(item.type_code, []).append(item)
    modules = {
        "petitions": petitions_sentence(stats.petitions, settings.refusal_labels),
        "pb": " ".join(
            text
            for text in (
                pb_sentences(stats.pb_editions or (), settings.pb_reason_labels),
                pb_implementation_sentence(stats.pb_implementation),
            )
            if text
        ),
        "enterprises": enterprises_sentence(stats.enterprises),
    }
    values = {
        **settings.values,
        "month": uk_month(first),
        "month_genitive": uk_month(first, "genitive"),
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


__all__ = [
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
]
