"""The other modules' month in the report's words (pure): their figures as plain data and the
sentences made of them («У системі місцевих електронних петицій за місяць отримано …»), plus
the small typographic helpers the report shares (squash, join_list, quote, percent).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from civic.formatting import Forms, agree, group_digits, uk_number

# ---------------------------------------------------------------- figures


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
class PlanDeviation:
    """An enterprise whose plan execution to date strays beyond the share: its indicators'
    titles with their % of the plan, up to ``quarter`` (1..4) of ``year``."""

    name: str
    year: int
    quarter: int
    indicators: tuple[tuple[str, Decimal], ...]

    @classmethod
    def from_dict(cls, data: Mapping) -> PlanDeviation:
        return cls(
            name=str(data["name"]),
            year=int(data["year"]),
            quarter=int(data["quarter"]),
            indicators=tuple((str(t), Decimal(str(p))) for t, p in data["indicators"]),
        )


@dataclass(frozen=True)
class EnterpriseStats:
    uploads: int = 0
    enterprises_updated: int = 0
    enterprise_names: tuple[str, ...] = ()
    plans: int = 0
    execution_reports: int = 0
    deviation_share: Decimal = Decimal("0.1")
    deviations: tuple[PlanDeviation, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping) -> EnterpriseStats:
        return cls(
            uploads=int(data.get("uploads") or 0),
            enterprises_updated=int(data.get("enterprises_updated") or 0),
            enterprise_names=tuple(str(n) for n in data.get("enterprise_names") or ()),
            plans=int(data.get("plans") or 0),
            execution_reports=int(data.get("execution_reports") or 0),
            deviation_share=Decimal(str(data.get("deviation_share") or "0.1")),
            deviations=tuple(PlanDeviation.from_dict(d) for d in data.get("deviations") or ()),
        )

    @property
    def is_empty(self) -> bool:
        return not (self.uploads or self.enterprises_updated)


@dataclass(frozen=True)
class PbImplementation:
    """What became of the winners in the month: projects completed, milestones recorded (title,
    date, text) and how many projects with a milestone are still under way."""

    done: tuple[str, ...] = ()
    milestones: tuple[tuple[str, dt.date, str], ...] = ()
    in_works: int = 0

    @classmethod
    def from_dict(cls, data: Mapping) -> PbImplementation:
        return cls(
            done=tuple(str(t) for t in data.get("done") or ()),
            milestones=tuple(
                (str(m["title"]), m["on"], str(m["text"])) for m in data.get("milestones") or ()
            ),
            in_works=int(data.get("in_works") or 0),
        )


@dataclass(frozen=True)
class ModuleStats:
    """What the modules know about the month; None where a module is absent."""

    petitions: PetitionStats | None = None
    pb_editions: tuple[PbEdition, ...] | None = None
    enterprises: EnterpriseStats | None = None
    pb_implementation: PbImplementation | None = None

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
            pb_implementation=PbImplementation.from_dict(pb.get("implementation") or {})
            if pb is not None
            else None,
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
PROJECT_GENITIVE = Forms("проєкту", "проєктів", "проєктів")
STAGE = Forms("етап", "етапи", "етапів")
FILE = Forms("файл", "файли", "файлів")
ENTERPRISE = Forms("підприємства", "підприємств", "підприємств")


def _clauses(*counted: tuple[int, str]) -> list[str]:
    """The clauses of a sentence whose count is not zero, in order."""
    return [clause for count, clause in counted if count]


def petitions_sentence(stats: PetitionStats | None, labels: Mapping[str, str]) -> str:
    """The petitions module's month in one or two sentences; empty when nothing happened."""
    if stats is None or stats.is_empty:
        return ""
    refused = f"відмовлено в оприлюдненні — {group_digits(stats.refused)}"
    parts = _clauses(
        (stats.received, f"отримано {agree(stats.received, PETITION)}"),
        (stats.published, f"оприлюднено для збору підписів — {group_digits(stats.published)}"),
        (stats.refused, refused + _reason_breakdown(stats.refused_by_reason, labels)),
        (
            stats.reached_threshold,
            f"необхідну кількість підписів набрали — {group_digits(stats.reached_threshold)}",
        ),
        (stats.answered, f"надано відповіді — {group_digits(stats.answered)}"),
    )
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


def pb_sentences(editions: Sequence[PbEdition], labels: Mapping[str, str] | None = None) -> str:
    """One :func:`pb_sentence` per edition; an edition whose year another one shares is named
    by its title (and its code, if the titles are the same too), so no two sentences are alike."""
    years = Counter(e.budget_year for e in editions)
    titles = Counter(e.title for e in editions)
    return " ".join(
        pb_sentence(
            e,
            labels,
            name=(e.budget_year is None or years[e.budget_year] > 1),
            code=titles[e.title] > 1,
        )
        for e in editions
    )


def pb_sentence(
    edition: PbEdition,
    labels: Mapping[str, str] | None = None,
    *,
    name: bool = False,
    code: bool = False,
) -> str:
    """«Посадові особи відділу провели підрахунок голосів за проєкти громадського бюджету на
    2021 рік: опрацьовано …» — the seed's sentence with the count's numbers; ``name`` adds the
    edition's title, ``code`` its code."""
    named = f"«{edition.title}»" + (f" ({edition.slug})" if code else "")
    if edition.budget_year and not name:
        subject = f"громадського бюджету на {edition.budget_year} рік"
    elif edition.budget_year:
        subject = f"громадського бюджету на {edition.budget_year} рік — {named}"
    else:
        subject = f"громадського бюджету {named}"
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
    updated = f"оновлено дані {agree(stats.enterprises_updated, ENTERPRISE)}"
    if stats.enterprise_names:
        updated += f": {join_list(stats.enterprise_names)}"
    uploads = f"завантажено {agree(stats.uploads, FILE)} звітності комунальних підприємств"
    parts = _clauses((stats.uploads, uploads), (stats.enterprises_updated, updated))
    text = "; ".join(parts)
    sentence = f"До системи візуалізації «Відкритий бюджет» {text}."
    plans = plans_sentence(stats)
    return f"{sentence} {plans}" if plans else sentence


FINANCIAL_PLAN = Forms("фінансовий план", "фінансові плани", "фінансових планів")
EXECUTION_REPORT = Forms(
    "звіт про виконання фінансового плану",
    "звіти про виконання фінансових планів",
    "звітів про виконання фінансових планів",
)
# The period an execution to date covers, after each quarter: «за 9 місяців 2020 року».
TO_DATE = {1: "I квартал {year} року", 2: "I півріччя {year} року", 3: "9 місяців {year} року"}


def _period_to_date(year: int, quarter: int) -> str:
    return TO_DATE.get(quarter, "{year} рік").format(year=year)


def _share_text(share: Decimal) -> str:
    """0.1 → «10 %», 0.125 → «12,5 %» (a no-break space before the sign)."""
    return f"{uk_number((share * 100).normalize())}\u00a0%"


def plans_sentence(stats: EnterpriseStats) -> str:
    """«Отримано 2 фінансові плани та 5 звітів про виконання фінансових планів. Більш ніж на
    10 % від плану відхилилися показники 1 підприємства: … (чистий дохід — 82,1 % плану за
    2019 рік).» — or that none did; empty when no plan arrived in the month."""
    received = _clauses(
        (stats.plans, agree(stats.plans, FINANCIAL_PLAN)),
        (stats.execution_reports, agree(stats.execution_reports, EXECUTION_REPORT)),
    )
    if not received:
        return ""
    sentences = [f"Отримано {' та '.join(received)}."]
    if stats.execution_reports:
        share = _share_text(stats.deviation_share)
        if stats.deviations:
            named = "; ".join(
                f"{d.name} ("
                + ", ".join(f"{_lower_first(t)} — {uk_number(p)}\u00a0%" for t, p in d.indicators)
                + f" плану за {_period_to_date(d.year, d.quarter)})"
                for d in stats.deviations
            )
            sentences.append(
                f"Більш ніж на {share} від плану відхилилися показники "
                f"{agree(len(stats.deviations), ENTERPRISE)}: {named}."
            )
        else:
            sentences.append(
                f"Показники жодного підприємства не відхилилися від плану більш ніж на {share}."
            )
    return " ".join(sentences)


def pb_implementation_sentence(stats: PbImplementation | None) -> str:
    """«Реалізовано 2 проєкти громадського бюджету: «…», «…». Триває реалізація 1 проєкту. За
    місяць зафіксовано 3 етапи реалізації: «…» — … (12.05.2021); …» — empty in a quiet month."""
    if stats is None or not (stats.done or stats.milestones):
        return ""
    sentences = []
    if stats.done:
        titles = join_list(quote(t) for t in stats.done)
        sentences.append(
            f"Реалізовано {agree(len(stats.done), PROJECT)} громадського бюджету: {titles}."
        )
    if stats.in_works:
        sentences.append(f"Триває реалізація {agree(stats.in_works, PROJECT_GENITIVE)}.")
    if stats.milestones:
        stages = "; ".join(
            f"{quote(title)} — {_lower_first(squash(text).rstrip('.'))} ({on:%d.%m.%Y})"
            for title, on, text in stats.milestones
        )
        sentences.append(
            f"За місяць зафіксовано {agree(len(stats.milestones), STAGE)} реалізації проєктів "
            f"громадського бюджету: {stages}."
        )
    return " ".join(sentences)


def _lower_first(text: str) -> str:
    """«Встановлено гойдалки» → «встановлено гойдалки» inside a sentence (not «ЦНАП»)."""
    return text[0].lower() + text[1:] if len(text) > 1 and text[1].islower() else text
