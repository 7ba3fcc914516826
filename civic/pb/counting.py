"""The commission's count (pure): tally judged ballots, pick winners per category, pool leftovers.

Built on :func:`civic.pb.rules.greedy` (the exact greedy of the rules engine):

1. Per category, rank the admitted projects by valid votes; ties by the edition's
   ``tie_break`` (earlier submission, cheaper, or the order of a recorded draw), then by
   project code.  Walk down the ranking funding what fits (``greedy``) or stopping at the first
   project that does not (``greedy-no-skip``); projects with fewer than ``min_votes`` valid
   votes are not funded.
2. With ``leftover = "pool"`` (Nizhyn 2021: the working group used 417 031 UAH left over to fund
   «WORKOUT – смуга перешкод»), add up what every category left and walk all still-unfunded
   projects of all categories by votes (same tie order), funding each that fits the pool.

The result carries a SHA-256 digest of the canonical JSON of its inputs (edition settings,
projects, every ballot's judged content and verdict) and of the result itself, so a recount
of the same inputs gives the same digest byte for byte.  Names and birth dates are not part
of the digest (they are purged after the retention period; their effect is in the verdicts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from civic.pb import digest, rules
from civic.pb.ballots import (
    DUPLICATE_VOTER,
    REASONS,
    BallotIn,
    FrozenChecks,
    Verdict,
    VotingRules,
    codes_key,
)
from civic.pb.digest import canonical_json
from civic.pb.edition import EditionConfig, counting_settings

__all__ = [
    "CategoryResult",
    "CountResult",
    "PoolResult",
    "ProjectIn",
    "ProjectResult",
    "canonical_json",
    "count",
    "money",
]

CENT = Decimal("0.01")
_NEW_STATUSES = (rules.EXCLUDED, rules.FUNDED_FROM_RESERVE)
FUNDED_IN_CATEGORY = "category"
FUNDED_FROM_POOL = "pool"


def money(value) -> str:
    """Money as text with kopecks: ``399500.00``."""
    return f"{Decimal(value).quantize(CENT):.2f}"


@dataclass(frozen=True, slots=True)
class ProjectIn:
    code: str
    title: str
    category: str
    cost: Decimal
    submitted_on: date | None = None
    admitted: bool = True


@dataclass(frozen=True, slots=True)
class ProjectResult:
    code: str
    title: str
    category: str
    cost: Decimal
    votes: int
    votes_paper: int
    votes_online: int
    rank: int
    selected: bool
    funded_from: str | None  # "category", "pool" or None
    status: str  # the rules engine's decision in the category walk (funded, does_not_fit, ...)


@dataclass(frozen=True, slots=True)
class CategoryResult:
    code: str
    title: str
    budget: Decimal
    spent: Decimal
    left: Decimal


@dataclass(frozen=True, slots=True)
class PoolResult:
    available: Decimal
    spent: Decimal
    left: Decimal
    selected: tuple[str, ...]
    considered: tuple[tuple[str, str], ...]  # (code, decision) in the order walked


@dataclass(frozen=True)
class CountResult:
    slug: str
    received: int
    valid: int
    invalid: int
    invalid_by_reason: dict[str, int]
    by_channel: dict[str, dict[str, int]]
    projects: tuple[ProjectResult, ...]
    categories: tuple[CategoryResult, ...]
    pool: PoolResult | None
    selected: tuple[str, ...]
    ties: tuple[dict, ...]
    digest: str = ""
    inputs_digest: str = field(default="", compare=False)

    def as_json(self) -> dict:
        """The tally in the shape of ``civic pb tally --json``."""
        data = self._results_json()
        data["digest"] = self.digest
        return data

    def _results_json(self) -> dict:
        budget: dict = {
            c.code: {"budget": money(c.budget), "spent": money(c.spent), "left": money(c.left)}
            for c in self.categories
        }
        if self.pool is not None:
            budget["pool"] = {
                "available": money(self.pool.available),
                "spent": money(self.pool.spent),
                "left": money(self.pool.left),
                "selected": list(self.pool.selected),
            }
        return {
            "edition": self.slug,
            "ballots": {
                "received": self.received,
                "valid": self.valid,
                "invalid": self.invalid,
                "invalid_by_reason": dict(self.invalid_by_reason),
                "by_channel": {k: dict(v) for k, v in self.by_channel.items()},
            },
            "projects": [
                {
                    "code": p.code,
                    "title": p.title,
                    "category": p.category,
                    "cost": money(p.cost),
                    "votes": p.votes,
                    "votes_paper": p.votes_paper,
                    "votes_online": p.votes_online,
                    "rank": p.rank,
                    "selected": p.selected,
                    "funded_from": p.funded_from,
                    # Only issue 19's statuses are written, so earlier digests stay the same.
                    **({"status": p.status} if p.status in _NEW_STATUSES else {}),
                }
                for p in self.projects
            ],
            "selected": list(self.selected),
            "budget": budget,
            "ties": [dict(t) for t in self.ties],
        }


def _tie_key(config: EditionConfig, projects: dict[str, ProjectIn]):
    if config.tie_break == "cheaper":
        return lambda p: (projects[p.id].cost, p.id)
    if config.tie_break == "lot":
        drawn = {code: k for k, code in enumerate(config.lot_order)}
        return lambda p: (drawn.get(p.id, len(drawn)), p.id)
    # earlier_submission: a project with no submission date goes after those with one.
    return lambda p: (projects[p.id].submitted_on or date.max, p.id)


_TIE_TITLES = {
    "earlier_submission": "раніше поданий проєкт",
    "cheaper": "дешевший проєкт",
    "lot": "жеребкування",
}


def count(
    config: EditionConfig,
    projects: Sequence[ProjectIn],
    ballots: Sequence[BallotIn],
    verdicts: Sequence[Verdict],
) -> CountResult:
    """Tally the verdicts of every ballot, choose the winners and compute the digest: the
    plain form of :func:`count_groups`, one ballot at a time (for tests and pure callers)."""
    if len(ballots) != len(verdicts):
        raise ValueError("one verdict per ballot is needed")
    received = Counter((b.channel, v.reason) for b, v in zip(ballots, verdicts, strict=True))
    chosen = Counter(
        (v.choices, b.channel) for b, v in zip(ballots, verdicts, strict=True) if v.reason is None
    )
    return count_groups(
        config, projects, received, chosen, plain_ballot_section(config, ballots, verdicts)
    )


def plain_ballot_section(
    config: EditionConfig, ballots: Sequence[BallotIn], verdicts: Sequence[Verdict]
) -> dict:
    """The digest's ``inputs.ballots`` written out from every ballot (:mod:`civic.pb.digest`:
    the documented procedure that the grouped count must agree with)."""
    frozen = FrozenChecks(voting_rules(config, ()))
    rows, duplicates, lists = [], [], {}
    for b, v in zip(ballots, verdicts, strict=True):
        check = frozen(b.has_name, b.birth_date, b.voter, b.cast_on, b.settlement)
        rows.append((b.ballot_id, b.cast_on, b.channel, check, ",".join(b.codes), b.voter))
        if v.reason == DUPLICATE_VOTER:
            duplicates.append(b.ballot_id)
        elif check is None:
            lists[codes_key(",".join(b.codes))] = v.reason
    columns = digest.columns_digest(digest.ballot_columns(rows))
    return digest.ballot_section(columns, duplicates, lists)


def voting_rules(config: EditionConfig, projects: Sequence[ProjectIn]) -> VotingRules:
    """What the judging needs of an edition and its projects."""
    return VotingRules(
        voting_starts_on=config.voting_starts_on,
        voting_ends_on=config.voting_ends_on,
        min_age=config.min_age,
        settlements=config.settlements,
        projects={p.code: p.category for p in projects if p.admitted},
        max_choices={c.code: c.max_choices for c in config.categories},
        duplicates=config.duplicates,
        require_identity=config.require_identity,
    )


def count_groups(
    config: EditionConfig,
    projects: Sequence[ProjectIn],
    received: Mapping[tuple[str, str | None], int],
    chosen: Mapping[tuple[tuple[str, ...], str], int],
    ballots_section: dict,
) -> CountResult:
    """Count from groups of identical ballots: ``received`` maps (channel, reason or None) to
    the number of ballots, ``chosen`` maps (choices, channel) of the valid ones to theirs;
    ``ballots_section`` is the digest's ``inputs.ballots`` (:mod:`civic.pb.digest`)."""
    admitted = {p.code: p for p in projects if p.admitted}
    votes = dict.fromkeys(admitted, 0)
    paper = dict.fromkeys(admitted, 0)
    reasons = dict.fromkeys(REASONS, 0)
    channels = {
        "paper": {"received": 0, "valid": 0, "invalid": 0},
        "online": {"received": 0, "valid": 0, "invalid": 0},
    }
    for (channel, reason), n in received.items():
        stats = channels[channel]
        stats["received"] += n
        if reason is None:
            stats["valid"] += n
        else:
            stats["invalid"] += n
            reasons[reason] += n
    if config.points:
        _add_points(chosen, admitted, config.points, votes, paper)
    else:
        for (choices, channel), n in chosen.items():
            for code in choices:
                votes[code] += n
                if channel == "paper":
                    paper[code] += n
    valid = channels["paper"]["valid"] + channels["online"]["valid"]

    tie = _tie_key(config, admitted)
    threshold = config.min_votes or None
    skip = config.rule != "greedy-no-skip"
    decisions: dict[str, rules.Decision] = {}
    funded_from: dict[str, str] = {}
    category_results = []
    ties: list[dict] = []
    for category in config.categories:
        members = sorted(
            (p for p in admitted.values() if p.category == category.code), key=lambda p: p.code
        )
        candidates = [
            rules.Project(p.code, p.cost, p.category, p.submitted_on, p.title) for p in members
        ]
        outcome = rules.greedy(
            candidates,
            votes,
            category.budget,
            skip=skip,
            threshold=threshold,
            tie_break=tie,
            exclusive=config.exclusive,
            completion=config.completion,
            excluded=_partners(config.exclusive, funded_from.keys()),
        )
        for d in outcome.decisions:
            decisions[d.project_id] = d
        for code in outcome.selected:
            funded_from[code] = FUNDED_IN_CATEGORY
        spent = rules.as_decimal(outcome.cost)
        category_results.append(
            CategoryResult(
                category.code, category.title, category.budget, spent, category.budget - spent
            )
        )
        ties.extend(_ties(outcome.decisions, category.code, config.tie_break))

    pool = None
    if config.leftover == "pool":
        available = sum((c.left for c in category_results), Decimal(0))
        blocked = _partners(config.exclusive, funded_from.keys())
        for code in blocked:
            if code in decisions:
                d = decisions[code]
                decisions[code] = rules.Decision(code, d.rank, d.score, d.cost, rules.EXCLUDED)
        rest = sorted(
            (p for p in admitted.values() if p.code not in funded_from), key=lambda p: p.code
        )
        candidates = [
            rules.Project(p.code, p.cost, p.category, p.submitted_on, p.title) for p in rest
        ]
        outcome = rules.greedy(
            candidates,
            votes,
            available,
            skip=True,
            threshold=threshold,
            tie_break=tie,
            exclusive=config.exclusive,
            excluded=blocked,
        )
        for code in outcome.selected:
            funded_from[code] = FUNDED_FROM_POOL
        spent = rules.as_decimal(outcome.cost)
        pool = PoolResult(
            available,
            spent,
            available - spent,
            outcome.selected,
            tuple((d.project_id, d.status) for d in outcome.decisions),
        )
        ties.extend(_ties(outcome.decisions, "pool", config.tie_break))

    order = {c.code: k for k, c in enumerate(config.categories)}
    results = sorted(
        (
            ProjectResult(
                code=p.code,
                title=p.title,
                category=p.category,
                cost=p.cost,
                votes=votes[p.code],
                votes_paper=paper[p.code],
                votes_online=votes[p.code] - paper[p.code],
                rank=decisions[p.code].rank if p.code in decisions else 0,
                selected=p.code in funded_from,
                funded_from=funded_from.get(p.code),
                status=decisions[p.code].status if p.code in decisions else "no_category",
            )
            for p in admitted.values()
        ),
        key=lambda r: (order.get(r.category, len(order)), r.rank or 10**9, r.code),
    )
    selected = tuple(r.code for r in results if r.selected and r.funded_from == "category")
    if pool is not None:
        selected += pool.selected
    result = CountResult(
        slug=config.slug,
        received=sum(received.values()),
        valid=valid,
        invalid=sum(received.values()) - valid,
        invalid_by_reason=reasons,
        by_channel=channels,
        projects=tuple(results),
        categories=tuple(category_results),
        pool=pool,
        selected=selected,
        ties=tuple(ties),
    )
    total, inputs = digest.digests(
        ballots_section, edition_inputs(config), _project_inputs(projects), result._results_json()
    )
    return CountResult(**{**result.__dict__, "digest": total, "inputs_digest": inputs})


def _partners(groups, funded) -> set[str]:
    """Projects an exclusive group keeps out because another of its members is funded."""
    funded = set(funded)
    return {code for g in groups if funded.intersection(g) for code in g} - funded


def _add_points(chosen: Counter, admitted: dict, points, votes: dict, paper: dict) -> None:
    """Points per rank: a ballot's k-th choice within a category scores ``points[k]``."""
    width = len(points)
    for (choices, channel), n in chosen.items():
        rank_in: dict[str, int] = {}
        for code in choices:
            category = admitted[code].category
            k = rank_in.get(category, 0)
            rank_in[category] = k + 1
            value = n * points[k] if k < width else 0
            votes[code] += value
            if channel == "paper":
                paper[code] += value


def rule_text(config: EditionConfig) -> str:
    """The edition's counting rule in one plain Ukrainian sentence (results page, protocol)."""
    return rules.describe_rule(
        config.rule,
        points=config.points or None,
        exclusive=config.exclusive,
        completion=config.completion,
        threshold=config.min_votes or None,
        per_category=True,
        pool=config.leftover == "pool",
    )


def _ties(decisions: Sequence[rules.Decision], where: str, tie_break: str) -> list[dict]:
    """Groups of projects with equal votes whose order the tie-break decided."""
    groups: dict[object, list[rules.Decision]] = {}
    for d in decisions:
        groups.setdefault(d.score, []).append(d)
    out = []
    for score, group in groups.items():
        if len(group) < 2:
            continue
        out.append(
            {
                "where": where,
                "votes": int(score),
                "order": [d.project_id for d in group],
                "rule": tie_break,
                "rule_title": _TIE_TITLES.get(tie_break, tie_break),
            }
        )
    return out


def edition_inputs(config: EditionConfig) -> dict:
    return {
        "slug": config.slug,
        "title": config.title,
        "budget_year": config.budget_year,
        "voting_starts_on": config.voting_starts_on.isoformat(),
        "voting_ends_on": config.voting_ends_on.isoformat(),
        **counting_settings(config),
        "lot_order": list(config.lot_order),
        "require_identity": config.require_identity,
        # The rule settings of issue 19 enter the digest only when set, so digests of the
        # editions counted before them stay the same.
        **({"points": list(config.points)} if config.points else {}),
        **({"completion": str(config.completion)} if config.completion is not None else {}),
        **({"exclusive": [list(g) for g in config.exclusive]} if config.exclusive else {}),
        "categories": [
            {
                "code": c.code,
                "title": c.title,
                "budget": money(c.budget),
                "max_choices": c.max_choices,
            }
            for c in config.categories
        ],
    }


def legacy_digest(config, projects, ballots, verdicts, result: CountResult) -> str:
    """The digest in the form published before 3 December 2026 (:mod:`civic.pb.digest`)."""
    rows = sorted(zip(ballots, verdicts, strict=True), key=lambda pair: pair[0].ballot_id)
    columns = {
        "ballot_id": [b.ballot_id for b, _ in rows],
        "cast_on": [b.cast_on.isoformat() if b.cast_on else None for b, _ in rows],
        "channel": [b.channel for b, _ in rows],
        "codes": [",".join(b.codes) for b, _ in rows],
        "reason": [v.reason for _, v in rows],
        "voter": [b.voter for b, _ in rows],
    }
    return digest.legacy_digests(
        columns, edition_inputs(config), _project_inputs(projects), result._results_json()
    )[0]


def canonical_document(config, projects, ballots, verdicts, result: CountResult):
    """The whole canonical document that the digest covers (for tests and audits)."""
    return {
        "inputs": {
            "ballots": plain_ballot_section(config, ballots, verdicts),
            "edition": edition_inputs(config),
            "projects": _project_inputs(projects),
        },
        "results": result._results_json(),
    }


def _project_inputs(projects: Sequence[ProjectIn]) -> list[dict]:
    return [
        {
            "code": p.code,
            "title": p.title,
            "category": p.category,
            "cost": money(p.cost),
            "submitted_on": p.submitted_on.isoformat() if p.submitted_on else None,
            "admitted": p.admitted,
        }
        for p in sorted(projects, key=lambda p: p.code)
    ]


# The research rules (their public names: civic.pb.rule_names).
WHAT_IF_RULES = ("equalshares/add1", "phragmen")


def what_if_inputs(
    projects: Sequence[ProjectIn], folded: Mapping[tuple[str, ...], int]
) -> tuple[list[rules.Project], list[tuple[str, ...]], list[int]]:
    """The research rules' input: admitted projects by code, distinct valid ballots (in code
    order), weights; ``folded`` maps each valid ballot's choices to the number that chose them."""
    admitted = [
        rules.Project(p.code, p.cost, p.category, p.submitted_on, p.title)
        for p in sorted(projects, key=lambda p: p.code)
        if p.admitted
    ]
    ballots = sorted(choices for choices, n in folded.items() if choices and n)
    return admitted, ballots, [folded[b] for b in ballots]


def what_if(
    config: EditionConfig, projects: Sequence[ProjectIn], folded: Mapping[tuple[str, ...], int]
) -> dict[str, list[str]]:
    """The research rules' outcomes on the same valid ballots, for analysis only.

    The whole edition budget is one pot (these rules know no categories); the official result
    is always :func:`count`'s.  ``folded`` maps each valid ballot's choices to the number of
    ballots that chose them.  Returns ``{rule: [selected codes in the order chosen]}``.
    """
    admitted, ballots, weights = what_if_inputs(projects, folded)
    if not ballots or not admitted:
        return {name: [] for name in WHAT_IF_RULES}
    budget = config.budget
    return {
        "equalshares/add1": list(
            rules.equal_shares_add1(admitted, ballots, budget, weights=weights).selected
        ),
        "phragmen": list(
            rules.sequential_phragmen(admitted, ballots, budget, weights=weights).selected
        ),
    }
