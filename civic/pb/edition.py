"""Edition settings of a participatory budget, read from TOML (pure: text in, plain data out).

The file format is the one in the counting issue (Nizhyn's edition for 2021)::

    slug = "gb-2021"
    title = "Громадський бюджет міста Ніжина на 2021 рік"
    voting_starts_on = 2020-11-09
    voting_ends_on = 2020-11-22
    min_age = 16
    settlements = ["Ніжин"]            # empty list: no residence check
    duplicates = "first_cast"          # or "online_first"
    rule = "greedy"                    # or "greedy-no-skip"
    min_votes = 0
    tie_break = "earlier_submission"   # or "cheaper", "lot" (a recorded draw: lot_order)
    leftover = "pool"                  # or "keep"

    [[categories]]
    code = "small"
    title = "Малі проєкти"
    budget = "1159863.30"
    max_choices = 1

Optional keys: ``budget_year`` (else taken from the title, «... на 2021 рік»),
``lot_order`` (project codes in the order a recorded draw put them, for ``tie_break = "lot"``)
``require_identity`` (default true: a ballot without name, birth date or document is
``missing_data``; editions imported from pabulib files carry no identities) and
``online_voting = true`` with ``online_starts_on`` / ``online_ends_on`` (default: the voting
period; within it): identified citizens vote in civic on those days (docs/pb.md).

Rule settings, all optional (docs/formats.md)::

    points = [3, 2, 1]        # a ballot's 1st, 2nd, 3rd choice in a category scores 3, 2, 1
    completion = "0.8"        # the first project that does not fit is still funded (from a
                              # reserve) when the money left covers 80 % of it; the walk ends
    [[exclusive]]             # projects that cannot both be built: only the better-voted wins
    projects = ["M-03", "M-07"]

The counting commission as the protocol names it, and the protocol's number and date::

    protocol_number = "3"
    protocol_on = 2020-11-30

    [[commission]]
    role = "chair"                     # or "secretary", "member"
    full_name = "Шевченко Марія Василівна"
    position = "заступник міського голови"

Every problem is an :class:`EditionError` with a Ukrainian message naming the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

import tomli_w

from civic import kyiv

__all__ = [
    "DUPLICATES",
    "LEFTOVERS",
    "RULES",
    "TIE_BREAKS",
    "COMMISSION_ROLES",
    "Category",
    "EditionConfig",
    "Member",
    "EditionError",
    "budget_year_from_title",
    "dump_edition",
    "parse_edition",
    "protocol_settings_only",
    "unknown_in_exclusive",
]

DUPLICATES = ("first_cast", "online_first")
RULES = ("greedy", "greedy-no-skip")
TIE_BREAKS = ("earlier_submission", "cheaper", "lot")
LEFTOVERS = ("pool", "keep")
COMMISSION_ROLES = ("chair", "secretary", "member")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_CODE = re.compile(r"[A-Za-z0-9_-]{1,20}")
_KNOWN = {
    "slug",
    "title",
    "budget_year",
    "voting_starts_on",
    "voting_ends_on",
    "min_age",
    "settlements",
    "duplicates",
    "rule",
    "min_votes",
    "tie_break",
    "leftover",
    "lot_order",
    "require_identity",
    "online_voting",
    "online_starts_on",
    "online_ends_on",
    "categories",
    "points",
    "completion",
    "exclusive",
    "commission",
    "protocol_number",
    "protocol_on",
}


class EditionError(ValueError):
    """A problem with an edition's settings; the text is Ukrainian."""


@dataclass(frozen=True)
class Category:
    code: str
    title: str
    budget: Decimal
    max_choices: int


@dataclass(frozen=True)
class Member:
    """A member of the counting commission: ``role`` is one of :data:`COMMISSION_ROLES`."""

    role: str
    full_name: str
    position: str = ""


@dataclass(frozen=True)
class EditionConfig:
    slug: str
    title: str
    voting_starts_on: date
    voting_ends_on: date
    categories: tuple[Category, ...]
    min_age: int = 16
    settlements: tuple[str, ...] = ()
    duplicates: str = "first_cast"
    rule: str = "greedy"
    min_votes: int = 0
    tie_break: str = "earlier_submission"
    leftover: str = "pool"
    budget_year: int | None = None
    lot_order: tuple[str, ...] = ()
    require_identity: bool = True
    commission: tuple[Member, ...] = ()
    protocol_number: str = ""
    protocol_on: date | None = None
    extra: dict = field(default_factory=dict, compare=False)
    points: tuple[int, ...] = ()
    completion: Decimal | None = None
    exclusive: tuple[tuple[str, ...], ...] = ()
    # Online voting in civic (docs/pb.md): off unless the edition opens it for its dates.
    online_voting: bool = False
    online_starts_on: date | None = None
    online_ends_on: date | None = None

    @property
    def budget(self) -> Decimal:
        return sum((c.budget for c in self.categories), Decimal(0))


_YEAR_IN_TITLE = re.compile(r"на\s+(\d{4})\s+р(?:ік|оку|\.)", re.IGNORECASE)


def budget_year_from_title(title: str) -> int | None:
    """The budget year named in a title: «Громадський бюджет міста Ніжина на 2021 рік» → 2021."""
    match = _YEAR_IN_TITLE.search(title) or re.search(r"\b(20\d{2})\b", title)
    return int(match.group(1)) if match else None


def _text(
    data: dict, key: str, *, required: bool = True, default: str = "", max_length: int = 300
) -> str:
    if key not in data:
        if required:
            raise EditionError(f"не вказано обов'язковий параметр «{key}»")
        return default
    value = data[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise EditionError(f"параметр «{key}» має бути непорожнім текстом")
    if len(value.strip()) > max_length:
        raise EditionError(
            f"параметр «{key}» задовгий ({len(value.strip())} знаків; до {max_length})"
        )
    return value.strip()


def _choice(data: dict, key: str, allowed: tuple[str, ...], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        options = ", ".join(f"«{a}»" for a in allowed)
        raise EditionError(f"параметр «{key}»: «{value}» не підтримується (можливо: {options})")
    return value


def _date(data: dict, key: str) -> date:
    value = data.get(key)
    if value is None:
        raise EditionError(f"не вказано обов'язковий параметр «{key}» (дата РРРР-ММ-ДД)")
    if isinstance(value, str):
        try:
            value = kyiv.parse_date(value)
        except kyiv.KyivTimeError as exc:
            raise EditionError(f"параметр «{key}»: {exc}") from None
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise EditionError(f"параметр «{key}» має бути датою РРРР-ММ-ДД")
    return value


MAX_INT = 1_000_000_000  # the INTEGER columns hold up to 2**31 - 1
MAX_MONEY = Decimal(10) ** 12  # the NUMERIC(14, 2) columns


def _int(data: dict, key: str, default: int, *, minimum: int = 0) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= MAX_INT:
        raise EditionError(
            f"параметр «{key}» має бути цілим числом від {minimum} до {MAX_INT:,}".replace(",", " ")
        )
    return value


def _money(value: object, where: str) -> Decimal:
    if isinstance(value, (bool, float)):
        raise EditionError(f'{where}: суму пишіть у лапках, наприклад "1159863.30"')
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except InvalidOperation:
        raise EditionError(f"{where}: «{value}» — не сума грошей") from None
    if not amount.is_finite() or not 0 <= amount < MAX_MONEY:
        raise EditionError(f"{where}: «{value}» — не сума в гривнях з копійками або завелика")
    if amount != amount.quantize(Decimal("0.01")):
        raise EditionError(f"{where}: «{value}» — не сума в гривнях з копійками")
    return amount.quantize(Decimal("0.01"))


_TOML_AT = re.compile(
    r"^(?P<what>.*) \((?:at line (?P<line>\d+), column (?P<col>\d+)|at end of document)\)$"
)


def _toml_problem(message: str, text: str) -> str:
    """tomllib's English complaint → a Ukrainian message with the line (and column)."""
    found = _TOML_AT.match(message)
    if found is None:
        return f"файл налаштувань не є коректним TOML ({message})"
    if found["line"]:
        where = f"рядок {found['line']}, позиція {found['col']}"
    else:
        where = f"рядок {text.count(chr(10)) + 1} (кінець файлу)"
    return f"файл налаштувань не є коректним TOML: {where} — помилка синтаксису ({found['what']})"


# An edition's settings are a page of text; tomllib recurses once per nesting level (9 000
# nested arrays exhaust the interpreter's stack), so the text is bounded before it is parsed.
MAX_TOML_CHARS = 100_000
MAX_TOML_DEPTH = 16


def toml_depth(text: str) -> tuple[int, int]:
    """The deepest nesting of ``[`` / ``{`` outside strings and comments, and the line where it
    is first reached (a table header ``[[categories]]`` counts 2)."""
    depth = deepest = 0
    line = deepest_line = 1
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "\n":
            line += 1
        elif char == "#":
            stop = text.find("\n", i)
            i = end if stop < 0 else stop
            continue
        elif char in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
            i += len(quote)
            while i < end and not text.startswith(quote, i):
                if text[i] == "\n":
                    line += 1
                    if len(quote) == 1:
                        break  # an unclosed one-line string: tomllib will say so
                elif text[i] == "\\" and quote[0] == '"':
                    i += 1
                i += 1
            i += len(quote)
            continue
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
        elif char in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest, deepest_line


def parse_edition(text: str) -> EditionConfig:
    """Parse and check an edition's TOML; raises :class:`EditionError` (Ukrainian)."""
    if len(text) > MAX_TOML_CHARS:
        raise EditionError(
            f"файл налаштувань завеликий ({len(text):,} знаків; найбільше — "
            f"{MAX_TOML_CHARS:,})".replace(",", " ")
        )
    depth, line = toml_depth(text)
    if depth > MAX_TOML_DEPTH:
        raise EditionError(
            f"файл налаштувань не є коректним TOML: рядок {line} — вкладеність масивів і "
            f"таблиць глибша за {MAX_TOML_DEPTH} рівнів"
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise EditionError(_toml_problem(str(error), text)) from None
    except RecursionError:  # the depth bound above comes first; kept as a last guard
        raise EditionError(
            f"файл налаштувань не є коректним TOML: вкладеність глибша за {MAX_TOML_DEPTH} рівнів"
        ) from None
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise EditionError(f"невідомі параметри: {', '.join(f'«{k}»' for k in unknown)}")
    slug = _text(data, "slug")
    if not _SLUG.fullmatch(slug):
        raise EditionError(
            f"параметр «slug»: «{slug}» — лише малі латинські літери, цифри та дефіс"
        )
    title = _text(data, "title")
    starts, ends = _date(data, "voting_starts_on"), _date(data, "voting_ends_on")
    if ends < starts:
        raise EditionError("кінець голосування («voting_ends_on») раніше за його початок")
    settlements = data.get("settlements", [])
    if not isinstance(settlements, list) or not all(isinstance(s, str) for s in settlements):
        raise EditionError("параметр «settlements» має бути списком назв населених пунктів")
    budget_year = data.get("budget_year")
    if budget_year is None:
        budget_year = budget_year_from_title(title)
    elif isinstance(budget_year, bool) or not isinstance(budget_year, int):
        raise EditionError("параметр «budget_year» має бути роком, наприклад 2021")
    elif not 1900 <= budget_year <= 2200:
        raise EditionError(f"параметр «budget_year»: {budget_year} — не рік бюджету")
    raw_categories = data.get("categories")
    if not isinstance(raw_categories, list) or not raw_categories:
        raise EditionError("не вказано жодної категорії ([[categories]])")
    categories = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_categories, 1):
        if not isinstance(raw, dict):
            raise EditionError(f"категорія {n} має бути таблицею [[categories]]")
        where = f"категорія {n}"
        code = _text(raw, "code")
        if not _CODE.fullmatch(code) or code == "pool":
            raise EditionError(f"{where}: код «{code}» — латинські літери, цифри, _ або -")
        if code in seen:
            raise EditionError(f"{where}: код «{code}» повторюється")
        seen.add(code)
        if "budget" not in raw:
            raise EditionError(f"{where}: не вказано «budget»")
        categories.append(
            Category(
                code=code,
                title=_text(raw, "title", required=False, default=code, max_length=200) or code,
                budget=_money(raw["budget"], f"{where}, «budget»"),
                max_choices=_int(raw, "max_choices", 1, minimum=1),
            )
        )
    lot_order = data.get("lot_order", [])
    if not isinstance(lot_order, list) or not all(isinstance(c, str) for c in lot_order):
        raise EditionError("параметр «lot_order» має бути списком кодів проєктів")
    lot_order = tuple(lot_order)
    require_identity = data.get("require_identity", True)
    if not isinstance(require_identity, bool):
        raise EditionError("параметр «require_identity» має бути true або false")
    points, completion, exclusive = _rule_settings(data)
    online = _online_settings(data, starts, ends)
    commission = _commission(data.get("commission", []))
    protocol_number = _text(data, "protocol_number", required=False, max_length=40)
    protocol_on = _date(data, "protocol_on") if "protocol_on" in data else None
    return EditionConfig(
        slug=slug,
        title=title,
        voting_starts_on=starts,
        voting_ends_on=ends,
        categories=tuple(categories),
        min_age=_int(data, "min_age", 16),
        settlements=tuple(s.strip() for s in settlements if s.strip()),
        duplicates=_choice(data, "duplicates", DUPLICATES, "first_cast"),
        rule=_choice(data, "rule", RULES, "greedy"),
        min_votes=_int(data, "min_votes", 0),
        tie_break=_choice(data, "tie_break", TIE_BREAKS, "earlier_submission"),
        leftover=_choice(data, "leftover", LEFTOVERS, "pool"),
        budget_year=budget_year,
        lot_order=lot_order,
        require_identity=require_identity,
        points=points,
        completion=completion,
        exclusive=exclusive,
        commission=commission,
        protocol_number=protocol_number,
        protocol_on=protocol_on,
        **online,
    )


def _online_settings(data: dict, starts: date, ends: date) -> dict:
    """``online_voting`` and its dates (by default the voting period, never outside it)."""
    online = data.get("online_voting", False)
    if not isinstance(online, bool):
        raise EditionError("параметр «online_voting» має бути true або false")
    if not online:
        return {}
    first = _date(data, "online_starts_on") if "online_starts_on" in data else starts
    last = _date(data, "online_ends_on") if "online_ends_on" in data else ends
    if last < first:
        raise EditionError("кінець онлайн-голосування («online_ends_on») раніше за його початок")
    if first < starts or last > ends:
        raise EditionError(
            "онлайн-голосування («online_starts_on» – «online_ends_on») має бути в межах "
            "строку голосування («voting_starts_on» – «voting_ends_on»)"
        )
    return {"online_voting": True, "online_starts_on": first, "online_ends_on": last}


def unknown_in_exclusive(config: EditionConfig, codes) -> str | None:
    """The first ``[[exclusive]]`` group naming a code that is no project of ``codes``, said
    in Ukrainian (None when every group names projects only)."""
    known = set(codes)
    for n, group in enumerate(config.exclusive, 1):
        for code in group:
            if code not in known:
                return (
                    f"група {n} проєктів, які не можна реалізувати разом ([[exclusive]]: "
                    f"{', '.join(group)}), називає код «{code}», а такого проєкту у виданні немає"
                )
    return None


def protocol_settings_only(old: EditionConfig, new: EditionConfig) -> bool:
    """True when ``new`` differs from ``old`` at most in who signs the protocol and its number."""
    keep = {"commission": (), "protocol_number": "", "protocol_on": None}
    return replace(old, **keep) == replace(new, **keep)


def _commission(raw_members: object) -> tuple[Member, ...]:
    """The ``[[commission]]`` tables: at most one chair and one secretary (Положення, п. 7)."""
    if not isinstance(raw_members, list):
        raise EditionError("параметр «commission» має бути списком таблиць [[commission]]")
    members = []
    for n, raw in enumerate(raw_members, 1):
        if not isinstance(raw, dict):
            raise EditionError(f"член комісії {n} має бути таблицею [[commission]]")
        where = f"член комісії {n}"
        role = raw.get("role", "member")
        if role not in COMMISSION_ROLES:
            options = ", ".join(f"«{r}»" for r in COMMISSION_ROLES)
            raise EditionError(f"{where}: роль «{role}» не підтримується (можливо: {options})")
        try:
            full_name = _text(raw, "full_name", max_length=200)
            position = _text(raw, "position", required=False, max_length=200)
        except EditionError as error:
            raise EditionError(f"{where}: {error}") from None
        members.append(Member(role=role, full_name=full_name, position=position))
    for role, title in (("chair", "голова"), ("secretary", "секретар")):
        if sum(m.role == role for m in members) > 1:
            raise EditionError(f"у комісії може бути лише один {title} («{role}»)")
    return tuple(members)


def _rule_settings(data: dict) -> tuple[tuple[int, ...], Decimal | None, tuple]:
    """``points``, ``completion`` and ``[[exclusive]]``, checked, with Ukrainian messages."""
    points = data.get("points", [])
    if (
        not isinstance(points, list)
        or len(points) > 100
        or not all(
            isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= MAX_INT for p in points
        )
        or (points and points[0] == 0)
    ):
        raise EditionError(
            "параметр «points» має бути списком цілих невід'ємних балів за місця в бюлетені, "
            "наприклад [3, 2, 1]"
        )
    if any(later > earlier for earlier, later in zip(points, points[1:], strict=False)):
        raise EditionError(
            "параметр «points»: бали за нижче місце не можуть бути більшими за бали за вище "
            f"({', '.join(map(str, points))})"
        )
    completion = None
    if "completion" in data:
        value = data["completion"]
        problem = EditionError(
            f"параметр «completion»: «{value}» — має бути часткою більше 0 і не більше 1, "
            "наприклад 0.8 (80 % вартості проєкту)"
        )
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise problem
        try:
            completion = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            raise problem from None
        if not completion.is_finite() or not 0 < completion <= 1:
            raise problem
    raw = data.get("exclusive", [])
    if not isinstance(raw, list):
        raise EditionError("параметр «exclusive» має бути списком таблиць [[exclusive]]")
    groups = []
    for n, group in enumerate(raw, 1):
        codes = group.get("projects") if isinstance(group, dict) else None
        if (
            not isinstance(codes, list)
            or not all(isinstance(c, str) and c.strip() for c in codes)
            or len(set(codes)) < 2
        ):
            raise EditionError(
                f"група {n} [[exclusive]]: «projects» має бути списком щонайменше двох різних "
                "кодів проєктів, які не можна реалізувати разом"
            )
        groups.append(tuple(c.strip() for c in codes))
    return tuple(points), completion, tuple(groups)


def counting_settings(config: EditionConfig) -> dict:
    """The settings that say how ballots are counted, as plain values: the TOML text writes
    them always, and the count's digest covers them (``counting.edition_inputs``)."""
    return {
        "min_age": config.min_age,
        "settlements": list(config.settlements),
        "duplicates": config.duplicates,
        "rule": config.rule,
        "min_votes": config.min_votes,
        "tie_break": config.tie_break,
        "leftover": config.leftover,
    }


def dump_edition(config: EditionConfig) -> str:
    """The TOML text of an edition (``parse_edition(dump_edition(c)) == c``)."""
    data: dict = {
        "slug": config.slug,
        "title": config.title,
        "voting_starts_on": config.voting_starts_on,
        "voting_ends_on": config.voting_ends_on,
        **counting_settings(config),
    }
    if config.budget_year is not None and config.budget_year != budget_year_from_title(
        config.title
    ):
        data["budget_year"] = config.budget_year
    if config.lot_order:
        data["lot_order"] = list(config.lot_order)
    if not config.require_identity:
        data["require_identity"] = False
    if config.online_voting:
        data["online_voting"] = True
        data["online_starts_on"] = config.online_starts_on
        data["online_ends_on"] = config.online_ends_on
    if config.points:
        data["points"] = list(config.points)
    if config.completion is not None:
        data["completion"] = str(config.completion)
    if config.exclusive:
        data["exclusive"] = [{"projects": list(g)} for g in config.exclusive]
    if config.protocol_number:
        data["protocol_number"] = config.protocol_number
    if config.protocol_on is not None:
        data["protocol_on"] = config.protocol_on
    data["categories"] = [
        {
            "code": c.code,
            "title": c.title,
            "budget": f"{c.budget:.2f}",
            "max_choices": c.max_choices,
        }
        for c in config.categories
    ]
    if config.commission:
        data["commission"] = [
            {"role": m.role, "full_name": m.full_name, "position": m.position}
            for m in config.commission
        ]
    return tomli_w.dumps(data)
