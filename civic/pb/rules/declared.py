"""The rule a pabulib file declares, read from its META, and its outcome under that rule.

Pure: only the standard library (the file is already parsed by :mod:`civic.pb.pabulib`).  Most
files name a rule civic knows (`greedy`, `greedy-threshold`, ...).  The rest are read from what
the files themselves say:

- **ordinal ballots** (`vote_type = ordinal`, Kraków): a ranking scores points per rank —
  `scoring_fn` when META gives one (``3,2,1`` or ``borda``), else ``max_length, ..., 1``
  (the sums the files' PROJECTS `score` column records);
- **`greedy-exclusive`** (Warsaw): the META comment names the projects that «could not be
  implemented simultaneously»; each such list is one exclusive group;
- **`greedy-custom`** (Poznań): the comment describes the 80 % rule («if the remaining budget is
  enough to fund at least 80% of that project, we fund it as well ... number 2 in the selected
  column»): a no-skip greedy with that completion share;
- **`equalshares/add1-comparison`** (Wieliczka): MES with equalshares.net's Add1, then its
  comparison step against the greedy outcome (:mod:`.comparison`);
- what civic cannot count (`unknown`, a `greedy-custom` whose comment describes no rule civic
  knows) raises :class:`RuleNotCounted`, a ``ValueError`` whose
  Ukrainian message says what the file declares and what civic can do instead.
"""

from __future__ import annotations

from civic.pb.rules.comparison import RULE as COMPARISON
from civic.pb.rules.comparison import equal_shares_comparison
from civic.pb.rules.core import (
    GREEDY_RULES,
    RULES,
    Outcome,
    Project,
    borda_points,
    count_scores,
    rank_points,
)
from civic.pb.rules.greedy import greedy
from civic.pb.rules.mes import method_of_equal_shares, sequential_phragmen
from civic.pb.rules.wording import describe_rule

if TYPE_CHECKING := False:  # not typing's: importing typing costs start-up (civic/__init__.py)
    from fractions import Fraction

    from civic.pb.pabulib import Election
    from civic.pb.rules.core import TieBreak

# Patterns, compiled when first used (``re`` is imported there and caches them): importing re and
# compiling them at import cost every `civic pb outcome` process, and only greedy-exclusive,
# greedy-custom and `unknown` files need them (issue 15, docs/performance.md «Start-up»).
_ID = r"[A-Za-z0-9][A-Za-z0-9./_-]*"
_ID_LIST = rf"\bprojects?\s+({_ID}(?:\s*(?:,\s*and|,|and)\s+{_ID})+)"
_ID_SEPARATOR = r"\s*(?:,\s*and|,|and)\s+"
_CONFLICT = r"could not|cannot|can't|exclusive|simultaneous"
_COMPLETION = r"at least\s+(\d+(?:\.\d+)?)\s*%\s+of that project"
_SECTION = r"(?=#\d+:)"

OTHER_RULES = (
    "--rule greedy (за кількістю голосів), equalshares, equalshares/add1, "
    "equalshares/add1-comparison або phragmen"
)

# What the comments of pabulib's `unknown` files say (Budapest, Veszprém, Dieppe), in Ukrainian
# (the patterns ignore case).
_UNKNOWN_SAYS = (
    (
        r"offline|on paper|paper ballots",
        "у файлі лише онлайн-голоси, а переможців визначали й за паперовими бюлетенями, "
        "яких у файлі немає",
    ),
    (
        r"strict greedy rule within categories",
        "переможців обирали за кількістю голосів у межах граничної суми кожної категорії, "
        "зупиняючись на першому проєкті, що не вміщується, а залишок розподіляли між усіма "
        "категоріями (у виданні civic це категорії з власними бюджетами і спільний фонд "
        "залишків; граничних сум категорій у файлі немає)",
    ),
    (
        r"approve (?:at most|only|maximum) \d+ projects? in (?:each|their)",
        "кожен виборець міг обрати обмежену кількість проєктів у кожній категорії чи районі",
    ),
    (
        r"sticker price",
        "вартості проєктів у файлі — умовні ціни діапазонів, а місто дозволило перевищити бюджет",
    ),
    (
        r"most likely a greedy rule|selected according to the greedy rule",
        "правило, найімовірніше, — за кількістю голосів (--rule greedy)",
    ),
)


class RuleNotCounted(ValueError):
    """The file declares a rule civic cannot count; the message is Ukrainian and says why."""


def projects_of(election: Election) -> list[Project]:
    """The projects of a parsed pabulib election, in file order."""
    return [
        Project(p.id, p.cost, category=p.fields.get("category") or None, name=p.name)
        for p in election.projects
    ]


def declared_points(election: Election) -> tuple[int | Fraction, ...] | None:
    """Points per rank for ordinal ballots (None for approval, choose-1 and cumulative files)."""
    if election.vote_type != "ordinal":
        return None
    text = election.meta.get("scoring_fn", "").strip().lower()
    if text and text != "borda":
        from fractions import Fraction  # here: it imports re and decimal (issue 15, start-up)

        try:
            return tuple(Fraction(part.strip()) for part in text.split(","))
        except ValueError:
            raise RuleNotCounted(
                f"у META scoring_fn «{text}»: очікується «borda» або бали через кому (3,2,1)"
            ) from None
    length = election.meta_number("max_length")
    if length is None:
        length = max(map(len, election.ballots), default=1)
    return borda_points(int(length))


def declared_exclusive(election: Election) -> list[tuple[str, ...]]:
    """Groups of projects the META comment says could not be implemented together.

    A word the list runs into («project 2150, and this …») is not a code; a code (a token with
    a digit) that is no project of the file is refused (:class:`RuleNotCounted`) with the group
    and the code, never dropped silently.
    """
    import re  # here, not at the top: see the patterns above

    known = set(election.project_ids)
    groups = []
    for section in re.split(_SECTION, election.meta.get("comment", "")):
        if not re.search(_CONFLICT, section, re.IGNORECASE):
            continue
        for found in re.finditer(_ID_LIST, section, re.IGNORECASE):
            tokens = re.split(_ID_SEPARATOR, found.group(1))
            ids = [t for t in tokens if t in known]
            for token in tokens:
                if token not in known and any(c.isdigit() for c in token):
                    raise RuleNotCounted(
                        "коментар META називає групу проєктів, які не можна реалізувати разом "
                        f"({', '.join(tokens)}), але проєкту з кодом «{token}» у файлі немає"
                    )
            if len(ids) > 1:
                groups.append(tuple(ids))
    return groups


def declared_completion(election: Election) -> Fraction | None:
    """The share of the 80 % rule («at least 80% of that project»), if the comment gives one."""
    import re  # here, not at the top: see the patterns above

    found = re.search(_COMPLETION, election.meta.get("comment", ""), re.IGNORECASE)
    if found is None:
        return None
    from fractions import Fraction

    return Fraction(found.group(1)) / 100


def official_selection(election: Election) -> frozenset[str]:
    """The projects the file's `selected` column says its rule funded.

    ``1`` marks a winner; ``2`` marks, in files with the 80 % rule, the project funded from the
    reserve by that rule.  Other marks (Gdynia's turnout awards, Poznań's ``3`` for money added
    after the count) are funded outside the declared rule and its budget.
    """
    marks = {"1", "2"} if declared_completion(election) is not None else {"1"}
    return frozenset(
        p.id for p in election.projects if p.fields.get("selected", "").strip() in marks
    )


def _refuse(election: Election, rule: str) -> RuleNotCounted:
    import re  # here, not at the top: see the patterns above

    if rule == "unknown" or not rule:
        said = [
            text
            for pattern, text in _UNKNOWN_SAYS
            if re.search(pattern, election.meta.get("comment", ""), re.IGNORECASE)
        ]
        if election.meta.get("experimental", "").strip() == "1":
            said.append("це дані експерименту, а не голосування міста")
        declared = f"; у коментарі META: {'; '.join(said)}" if said else ""
        return RuleNotCounted(
            f"файл не називає правила підрахунку (у META rule = «unknown»){declared}; "
            f"порахуйте його за відомим правилом: {OTHER_RULES}"
        )
    if rule == "greedy-custom":
        return RuleNotCounted(
            "файл оголошує власне правило міста (greedy-custom), але коментар META не описує "
            "правила, яке civic уміє рахувати (правило 80 %); порахуйте його за "
            f"відомим правилом: {OTHER_RULES}"
        )
    return RuleNotCounted(f"невідоме правило «{rule}»; відомі: {', '.join(RULES)}")


def outcome(
    election: Election, rule: str = "auto", *, tie_break: TieBreak = "file_order"
) -> Outcome:
    """The outcome of a parsed pabulib election under ``rule`` (``auto``: the rule in META).

    Greedy rules use the recounted scores (approvals, points when the file has them, points per
    rank for ordinal ballots), skip withdrawn projects and apply META's
    `min_project_score_threshold` when present; `greedy-exclusive` and `greedy-custom` add the
    groups and the completion share the comment declares.  MES and Phragmén read every ballot
    as the set of projects it names.
    """
    if rule == "auto":
        rule = election.rule
    if rule not in RULES:
        raise _refuse(election, rule)
    projects = projects_of(election)
    budget = election.budget
    if rule in GREEDY_RULES:
        points = declared_points(election)
        if points is not None:
            scores = rank_points(election.ballots, points)
        else:
            scores = count_scores(election.ballots, election.points)
        completion = declared_completion(election) if rule == "greedy-custom" else None
        if rule == "greedy-custom" and completion is None:
            raise _refuse(election, rule)
        return greedy(
            projects,
            scores,
            budget,
            skip=rule != "greedy-no-skip" and completion is None,
            threshold=election.meta_number("min_project_score_threshold"),
            tie_break=tie_break,
            rule=rule,
            exclusive=declared_exclusive(election) if rule == "greedy-exclusive" else (),
            completion=completion,
        )
    if rule == "phragmen":
        return sequential_phragmen(projects, election.ballots, budget)
    if rule == COMPARISON:
        return equal_shares_comparison(projects, election.ballots, budget)[0]
    increment = 1 if rule == "equalshares/add1" else None
    return method_of_equal_shares(
        projects, election.ballots, budget, voter_budget_increment=increment
    )


def describe_declared(election: Election, rule: str) -> str:
    """The rule ``outcome(election, rule)`` counts by, in one plain Ukrainian sentence."""
    if rule not in GREEDY_RULES:
        return describe_rule(rule)
    return describe_rule(
        "greedy-no-skip" if rule == "greedy-no-skip" else "greedy",
        points=declared_points(election),
        exclusive=declared_exclusive(election) if rule == "greedy-exclusive" else (),
        completion=declared_completion(election) if rule == "greedy-custom" else None,
        threshold=election.meta_number("min_project_score_threshold"),
    )
