"""Greedy rules: by score down the ranking while the money lasts, with the cities' variants.

Pure: only the standard library.  Every variant is one walk down one ranking:

- ``skip=False`` stops at the first project that does not fit (pabulib's `greedy-no-skip`);
- ``threshold`` leaves out projects scoring below it (`greedy-threshold`);
- ``exclusive`` lists groups of projects that cannot all be built (the same place, alternative
  variants of one idea): once one of a group is funded the others are ``excluded``
  (`greedy-exclusive`; Warsaw's BO regulations recommend the project with more votes);
- ``completion`` (a share such as ``Fraction(4, 5)``) funds the first project that does not fit
  when the money left covers at least that share of its cost, the rest coming from a reserve,
  and ends the walk (Poznań's 80 % rule, pabulib's `greedy-custom` files of Poznań);
- :func:`greedy_by_category` runs the walk per category within each category's cap, then pools
  what the categories left and fills it from the projects not yet funded.
"""

from __future__ import annotations

from civic.pb.rules.core import (
    BELOW_THRESHOLD,
    DOES_NOT_FIT,
    EXCLUDED,
    FUNDED,
    FUNDED_FROM_RESERVE,
    NOT_SELECTED,
    STOPPED,
    WITHDRAWN,
    Decision,
    Outcome,
    Project,
    _exact,
    _tie_key,
)

if TYPE_CHECKING := False:  # not typing's: importing typing costs start-up (civic/__init__.py)
    from collections.abc import Collection, Iterable, Mapping, Sequence
    from decimal import Decimal
    from fractions import Fraction

    from civic.pb.rules.core import Amount, TieBreak

    Number = int | Fraction | Decimal


def greedy(
    projects: Sequence[Project],
    scores: Mapping[str, Number],
    budget: Number,
    *,
    skip: bool = True,
    threshold: Number | None = None,
    tie_break: TieBreak = "file_order",
    rule: str | None = None,
    exclusive: Iterable[Iterable[str]] = (),
    completion: Number | None = None,
    excluded: Collection[str] = (),
) -> Outcome:
    """Greedy selection by score, as most cities count participatory budgets.

    Rank the projects by score (highest first; ties by ``tie_break``) and walk down the ranking
    funding each project that still fits in the money left.  With ``skip=False`` (pabulib's
    `greedy-no-skip`) the walk stops at the first project that does not fit.  Projects scoring
    below ``threshold`` (pabulib's `min_project_score_threshold`) are out under every variant; a
    withdrawn project (cost 999 999 999) is passed over without stopping the walk, and so is a
    project ``excluded`` by an ``exclusive`` group one of whose members is already funded.  With
    ``completion`` the first project that does not fit is still funded when the money left is
    at least ``completion`` times its cost; the difference is the outcome's ``reserve`` and the
    walk ends there.  ``excluded`` projects are ``excluded`` from the start (an exclusive partner
    was funded by an earlier walk, e.g. in another category).
    """
    budget = _exact(budget)
    limit = None if threshold is None else _exact(threshold)
    share = None if completion is None else _exact(completion)
    if share is not None and not 0 <= share <= 1:
        raise ValueError("completion must be a share between 0 and 1")
    groups_of: dict[str, list[int]] = {}
    for g, group in enumerate(exclusive):
        for pid in set(group):
            groups_of.setdefault(pid, []).append(g)
    taken: set[int] = set()
    score = [_exact(scores.get(p.id, 0)) for p in projects]
    tie = _tie_key(tie_break, projects)
    ranking = sorted(range(len(projects)), key=lambda i: (-score[i], tie(i)))
    remaining = budget
    reserve: Amount = 0
    selected: list[str] = []
    decisions: list[Decision] = []
    stopped = False
    for rank, i in enumerate(ranking, 1):
        project = projects[i]
        cost = _exact(project.cost)
        groups = groups_of.get(project.id, ())
        if project.is_withdrawn:
            status = WITHDRAWN
        elif limit is not None and score[i] < limit:
            status = BELOW_THRESHOLD
        elif stopped:
            status = STOPPED
        elif project.id in excluded or any(g in taken for g in groups):
            status = EXCLUDED
        elif cost <= remaining:
            status = FUNDED
            remaining -= cost
        elif share is not None and remaining >= share * cost:
            status = FUNDED_FROM_RESERVE
            reserve, remaining, stopped = cost - remaining, 0, True
        else:
            status = DOES_NOT_FIT
            stopped = not skip or share is not None
        if status in (FUNDED, FUNDED_FROM_RESERVE):
            selected.append(project.id)
            taken.update(groups)
        decisions.append(Decision(project.id, rank, score[i], cost, status))
    if rule is None:
        rule = "greedy" if skip else "greedy-no-skip"
    return Outcome(
        rule,
        budget,
        tuple(selected),
        budget + reserve - remaining,
        tuple(decisions),
        reserve=reserve,
    )


def greedy_by_category(
    projects: Sequence[Project],
    scores: Mapping[str, Number],
    budget: Number,
    caps: Mapping[str, Number],
    *,
    skip: bool = True,
    pool: bool = True,
    threshold: Number | None = None,
    tie_break: TieBreak = "file_order",
    exclusive: Iterable[Iterable[str]] = (),
    rule: str = "greedy-custom",
) -> Outcome:
    """Greedy within per-category caps, then (``pool=True``) over what the categories left.

    Each category named in ``caps`` gets its own walk (``skip`` as in :func:`greedy`) within its
    cap; projects of other categories wait for the pool.  The pool is ``budget`` less what the
    categories spent, filled by a skipping greedy walk over every project not yet funded —
    Budapest's «strict greedy within categories, then a global top-up», and the category budgets
    plus shared leftover of a Ukrainian edition.  ``decisions`` hold each project's last status
    (a project not funded in its category and not funded from the pool shows the pool's verdict).
    """
    budget = _exact(budget)
    groups = [tuple(g) for g in exclusive]
    chosen: list[str] = []
    spent: Amount = 0
    decision_of: dict[str, Decision] = {}

    def walk(candidates: Sequence[Project], money: Amount, skips: bool) -> None:
        # A group with a member funded by an earlier walk keeps its other members out.
        nonlocal spent
        funded = set(chosen)
        outcome = greedy(
            candidates,
            scores,
            money,
            skip=skips,
            threshold=threshold,
            tie_break=tie_break,
            exclusive=[g for g in groups if not funded.intersection(g)],
            excluded={pid for g in groups if funded.intersection(g) for pid in g} - funded,
        )
        chosen.extend(outcome.selected)
        spent += outcome.cost
        decision_of.update((d.project_id, d) for d in outcome.decisions)

    for category, cap in caps.items():
        members = [p for p in projects if p.category == category]
        walk(members, min(_exact(cap), budget - spent), skip)
    if pool:
        funded = set(chosen)
        walk([p for p in projects if p.id not in funded], budget - spent, True)
    for p in projects:
        if p.id not in decision_of:  # a category without a cap, and no pool
            decision_of[p.id] = Decision(
                p.id, 0, _exact(scores.get(p.id, 0)), _exact(p.cost), NOT_SELECTED
            )
    ranked = sorted(
        decision_of.values(),
        key=lambda d: (d.project_id not in chosen, d.rank),
    )
    decisions = tuple(
        Decision(d.project_id, rank, d.score, d.cost, d.status) for rank, d in enumerate(ranked, 1)
    )
    return Outcome(rule, budget, tuple(chosen), spent, decisions)
