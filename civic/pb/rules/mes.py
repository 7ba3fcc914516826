"""Proportional rules in exact arithmetic: the Method of Equal Shares (with Add1) and Phragmén.

Pure: only the standard library.  Both follow pabutools 1.2 (the research community's reference
implementation) exactly, including its tie-breaking by project id compared as text, so their
outcomes can be compared with it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from civic.pb.rules.core import (
    FUNDED,
    NOT_SELECTED,
    Amount,
    Decision,
    Outcome,
    Project,
    _exact,
)

# The parameters every rule takes: ``rule(projects, ballots, budget, *, weights) -> Outcome``.
Ballots = Sequence[Iterable[str]]
Budget = int | Fraction | Decimal
Weights = Sequence[int] | None


@dataclass(slots=True)
class _Approvals:
    """Approval ballots folded into distinct ballots with weights, projects as indices."""

    costs: list[Amount]
    names: list[str]
    ballots: list[tuple[int, ...]]
    weights: list[int]
    supporters: list[list[int]]
    support: list[int]
    num_voters: int


def _fold(
    projects: Sequence[Project],
    ballots: Ballots,
    weights: Weights,
) -> _Approvals:
    index = {p.id: k for k, p in enumerate(projects)}
    if len(index) != len(projects):
        raise ValueError("project ids must be unique")
    folded: Counter[frozenset[str]] = Counter()
    if weights is None:
        folded.update(map(frozenset, ballots))
        num_voters = len(ballots)
    else:
        for ballot, weight in zip(ballots, weights, strict=True):
            folded[frozenset(ballot)] += weight
        num_voters = sum(weights)
    out = _Approvals(
        costs=[_exact(p.cost) for p in projects],
        names=[p.id for p in projects],
        ballots=[],
        weights=[],
        supporters=[[] for _ in projects],
        support=[0] * len(projects),
        num_voters=num_voters,
    )
    for ids, weight in folded.items():
        if not ids or weight <= 0:
            continue
        try:
            ballot = tuple(sorted(index[pid] for pid in ids))
        except KeyError as error:
            raise ValueError(f"a ballot names an unknown project {error.args[0]!r}") from None
        v = len(out.ballots)
        out.ballots.append(ballot)
        out.weights.append(weight)
        for p in ballot:
            out.supporters[p].append(v)
            out.support[p] += weight
    return out


def _mes_run_scaled(
    e: _Approvals, candidates: list[int], t: int, q: int, saved: list[tuple] | None = None
) -> tuple[list[int], Fraction | None, list[tuple]]:
    """One MES run at per-voter budget ``t / q``, in integers, and how far ``t`` may grow.

    Money is kept as integer affine functions of ``t`` over one common denominator ``d``: a
    budget is ``(a + s*t) / d``.  Each comparison the run makes is between two such functions,
    so it keeps its result up to the point where they cross; the least crossing above ``t`` is
    returned (None when none exists): every ``t'`` in ``[t, limit)`` gives the same run, and
    Add1 skips those budget steps (pabutools tries them one by one).

    Only the chosen project's price must keep its exact form (it sets the payments).  For the
    others the form found at ``t`` is a lower bound for every ``t``: the equal share a project
    needs is a convex function of ``t`` (``sum(min(b_i(t), s)) >= cost`` is a convex set of
    ``(t, s)`` when budgets are affine), so the line through ``t`` lies below it.  It suffices
    that these lines stay above the chosen project's price.

    ``saved`` is the list of states at the start of each step of an earlier run (returned as
    the third value): the run resumes from the last state whose decisions so far still hold at
    ``t``, since the forms do not depend on ``t``.
    """
    weights, ballots = e.weights, e.ballots
    d = q
    for c in e.costs:
        if isinstance(c, Fraction):
            d = d * c.denominator // math.gcd(d, c.denominator)
    cost = [c * d for c in e.costs]
    cost = [c.numerator if isinstance(c, Fraction) else c for c in cost]
    limit_num, limit_den = 0, 0  # limit = limit_num / limit_den; den 0 means no limit

    def keep(da: int, ds: int, dv: int) -> None:
        # The difference da + ds*t is dv at t; note where its sign could change.
        nonlocal limit_num, limit_den
        if ds == 0:
            return
        if dv == 0:
            limit_num, limit_den = t, 1
        elif (dv > 0) == (ds < 0):
            rn, rd = (-da, ds) if ds > 0 else (da, -ds)
            if limit_den == 0 or rn * limit_den < limit_num * rd:
                limit_num, limit_den = rn, rd

    states: list[tuple] = []
    resume = None
    for state in saved or ():
        lnum, lden = state[0], state[1]
        if lden and lnum <= t * lden:
            break  # a decision before this step may change at t
        states.append(state)
        resume = state
    if resume is None:
        group_of = [0] * len(ballots)
        ga = [0]  # budget of group g: (ga[g] + gs[g] * t) / d, worth gv[g] / d at t
        gs = [d // q]
        counts = {p: {0: e.support[p]} for p in candidates}
        # rho[p]: price per unit of utility (ra + rs*t) / rd (a lower bound after its step)
        rho = {p: (1, 0, e.support[p]) for p in candidates}
        remaining = set(candidates)
        chosen: list[int] = []
    else:
        states.pop()
        limit_num, limit_den, d, cost, ga, gs, group_of, counts, rho, remaining, chosen = resume
        cost, ga, gs, group_of, chosen = (
            list(cost),
            list(ga),
            list(gs),
            list(group_of),
            list(chosen),
        )
        counts = {p: dict(c) for p, c in counts.items()}
        rho, remaining = dict(rho), set(remaining)
    gv = [a + s * t for a, s in zip(ga, gs, strict=True)]
    value_of = {p: Fraction(ra + rs * t, rd) for p, (ra, rs, rd) in rho.items()}
    while remaining:
        states.append(
            (
                limit_num,
                limit_den,
                d,
                tuple(cost),
                tuple(ga),
                tuple(gs),
                tuple(group_of),
                {p: dict(counts[p]) for p in remaining},
                {p: rho[p] for p in remaining},
                frozenset(remaining),
                tuple(chosen),
            )
        )
        best: Fraction | None = None
        tied: list[int] = []
        share_of: dict[int, tuple[int, int, int, int]] = {}
        for p in sorted(remaining, key=value_of.__getitem__):
            if best is not None and value_of[p] > best:
                break  # rho only grows as voters spend, so no later project can do better
            c_p = cost[p]
            groups = counts[p]
            ta = ts = tv = 0
            for g, c in groups.items():
                ta += ga[g] * c
                ts += gs[g] * c
                tv += gv[g] * c
            keep(ta - c_p, ts, tv - c_p)
            if tv < c_p:
                remaining.discard(p)
                continue
            ca = cs = cv = 0
            left = sum(groups.values())
            for g in sorted(groups, key=gv.__getitem__):
                c = groups[g]
                if c_p - cv <= gv[g] * left:
                    break
                ca += ga[g] * c
                cs += gs[g] * c
                cv += gv[g] * c
                left -= c
            # share = (sa + ss*t) / (left*d); rho = share / cost = (sa + ss*t) / (left*c_p)
            sa, ss, sv = c_p - ca, -cs, c_p - cv
            share_of[p] = (sa, ss, sv, left)
            value = Fraction(sv, left * c_p)
            rho[p] = (sa, ss, left * c_p)
            value_of[p] = value
            if best is None or value < best:
                best, tied = value, [p]
            elif value == best:
                tied.append(p)
        if not tied:
            break
        pick = min(tied, key=e.names.__getitem__)
        pa, ps, pd = rho[pick]
        for r in remaining:
            if r != pick:
                qa, qs, qd = rho[r]
                da, ds = qa * pd - pa * qd, qs * pd - ps * qd
                if da == 0 and ds == 0:
                    continue  # tied for every t: the text order of ids decides alike
                keep(da, ds, da + ds * t)
        sa, ss, sv, left = share_of[pick]
        for g in counts[pick]:
            # Which supporters of the pick pay all they have must stay the same.
            keep(ga[g] * left - sa, gs[g] * left - ss, gv[g] * left - sv)
        chosen.append(pick)
        remaining.discard(pick)
        # Pay: scale the common denominator by `left` so the share is whole.
        if left != 1:
            d *= left
            ga = [x * left for x in ga]
            gs = [x * left for x in gs]
            gv = [x * left for x in gv]
            cost = [x * left for x in cost]
        moved: dict[int, int | None] = {}
        for v in e.supporters[pick]:
            old = group_of[v]
            if old < 0:
                continue
            new = moved.get(old, -1)
            if new == -1:
                if gv[old] <= sv:
                    new = None  # pays all it has: nothing left for any t
                else:
                    new = len(gv)
                    ga.append(ga[old] - sa)
                    gs.append(gs[old] - ss)
                    gv.append(gv[old] - sv)
                moved[old] = new
            group_of[v] = -1 if new is None else new
            w = weights[v]
            for r in ballots[v]:
                if r in remaining:
                    groups = counts[r]
                    rest = groups[old] - w
                    if rest:
                        groups[old] = rest
                    else:
                        del groups[old]
                    if new is not None:
                        groups[new] = groups.get(new, 0) + w
    return chosen, (Fraction(limit_num, limit_den) if limit_den else None), states


def _add1(
    e: _Approvals,
    candidates: list[int],
    budget: Amount,
    per_voter: Fraction,
    increment: int | Fraction | Decimal,
    stop_when_exhaustive: bool = True,
) -> tuple[list[int], Fraction]:
    """Add1's outcome and the budget per voter of the run that gave it."""
    step = Fraction(_exact(increment))
    if step <= 0:
        raise ValueError("voter_budget_increment must be positive")
    # Per-voter budgets t / q with whole t: the start and every step land on whole numbers.
    q = (
        per_voter.denominator
        * step.denominator
        // math.gcd(per_voter.denominator, step.denominator)
    )
    t, dt = int(per_voter * q), int(step * q)
    previous: list[int] = []
    previous_t = t
    states: list[tuple] = []
    while True:
        chosen, limit, states = _mes_run_scaled(e, candidates, t, q, states)
        spent = sum(e.costs[p] for p in chosen)
        if spent > budget:
            return previous, Fraction(previous_t, q)
        taken = set(chosen)
        exhaustive = all(e.costs[p] + spent > budget for p in candidates if p not in taken)
        if exhaustive and stop_when_exhaustive:
            return chosen, Fraction(t, q)
        if limit is None:
            if not stop_when_exhaustive:
                return chosen, Fraction(t, q)  # no higher budget changes the outcome
            raise RuntimeError("Add1 never ends: raising the voter budget changes nothing")
        previous, previous_t = chosen, t
        # Every budget below `limit` gives this same outcome: jump to the first step at or past it.
        t += dt * max(1, math.ceil((limit - t) / dt))
        if not stop_when_exhaustive and Fraction(t, q) > per_voter + budget:
            # pabutools' bound: the total budget tried stays within budget * (voters + 1)
            return chosen, Fraction(previous_t, q)


def add1_voter_budget(
    projects: Sequence[Project],
    ballots: Ballots,
    budget: Budget,
    *,
    weights: Weights = None,
    voter_budget_increment: int | Fraction | Decimal = 1,
) -> Fraction:
    """The budget per voter of the MES run whose outcome Add1 returns (the «final budget» over
    the number of voters that pabutools' ``mesanalytics`` takes for exhaustive MES)."""
    budget = _exact(budget)
    e = _fold(projects, ballots, weights)
    if e.num_voters == 0:
        return Fraction(0)
    candidates = [p for p in range(len(projects)) if e.support[p] and e.costs[p] > 0]
    per_voter = Fraction(budget, e.num_voters)
    return _add1(e, candidates, budget, per_voter, voter_budget_increment)[1]


def method_of_equal_shares(
    projects: Sequence[Project],
    ballots: Ballots,
    budget: Budget,
    *,
    weights: Weights = None,
    voter_budget_increment: int | Fraction | Decimal | None = None,
    stop_when_exhaustive: bool = True,
) -> Outcome:
    """The Method of Equal Shares with cost utilities over approval ballots.

    Peters & Skowron, "Proportionality and the Limits of Welfarism" (EC 2020); Peters, Pierczyński
    & Skowron, "Proportional Participatory Budgeting with Additive Utilities" (NeurIPS 2021);
    equalshares.net.  Every voter gets ``budget / number of ballots``; repeatedly the project whose
    supporters can pay for it at the lowest price per unit of utility is bought, each supporter
    paying an equal share or all they have left.  Identical to pabutools'
    ``method_of_equal_shares(instance, profile, sat_class=Cost_Sat)``: ties go to the project id
    smallest as text, and a project of cost 0 gives no utility under cost utilities, so it is
    never selected.  With
    ``voter_budget_increment`` the run is repeated with each voter's budget raised by that amount
    until the outcome is exhaustive (returned) or over the budget (the previous one is returned).
    With ``stop_when_exhaustive=False`` only going over the budget stops the raising: the
    Add1 of equalshares.net's compute tool (Wieliczka's Green Budget), the same as pabutools'
    ``exhaustion_by_budget_increase(..., exhaustive_stop=False, budget_step=num_voters)``.
    """
    budget = _exact(budget)
    e = _fold(projects, ballots, weights)
    rule = "equalshares" if voter_budget_increment is None else "equalshares/add1"
    if e.num_voters == 0:
        return _finish(rule, budget, projects, [], None)
    candidates = [p for p in range(len(projects)) if e.support[p] and e.costs[p] > 0]
    per_voter = Fraction(budget, e.num_voters)
    if voter_budget_increment is None:
        chosen, _, _ = _mes_run_scaled(e, candidates, per_voter.numerator, per_voter.denominator)
        return _finish(rule, budget, projects, chosen, e.support)
    chosen, _ = _add1(
        e, candidates, budget, per_voter, voter_budget_increment, stop_when_exhaustive
    )
    return _finish(rule, budget, projects, chosen, e.support)


def equal_shares_add1(
    projects: Sequence[Project], ballots: Ballots, budget: Budget, *, weights: Weights = None
) -> Outcome:
    """MES with the Add1 completion (equalshares.net): raise each voter's budget by one unit
    of currency until the outcome is exhaustive; as pabutools with ``voter_budget_increment=1``."""
    return method_of_equal_shares(
        projects, ballots, budget, weights=weights, voter_budget_increment=1
    )


def sequential_phragmen(
    projects: Sequence[Project], ballots: Ballots, budget: Budget, *, weights: Weights = None
) -> Outcome:
    """Sequential Phragmén for participatory budgeting over approval ballots.

    Brill, Freeman, Janson & Lackner, "Phragmén's Voting Methods and Justified Representation"
    (AAAI 2017); Los, Christoff & Grossi (2022) for budgets.  Voters earn money continuously; a
    project is bought as soon as its supporters can together pay its cost, which evens out their
    loads.  The rule stops at the first project to buy that would exceed the budget.  Identical to
    pabutools' ``sequential_phragmen`` (ties to the project id smallest as text; projects dearer
    than the budget are never considered).
    """
    budget = _exact(budget)
    e = _fold(projects, ballots, weights)
    costs, weights_, ballots_ = e.costs, e.weights, e.ballots
    remaining = {p for p in range(len(projects)) if costs[p] <= budget}
    load_of = [0] * len(ballots_)
    loads: list[Amount] = [0]
    load_sum: list[Amount] = [0] * len(projects)
    spent: Amount = 0
    chosen: list[int] = []
    while remaining:
        best: Fraction | float | None = None
        tied: list[int] = []
        for p in remaining:
            value = Fraction(load_sum[p] + costs[p], e.support[p]) if e.support[p] else math.inf
            if best is None or value < best:
                best, tied = value, [p]
            elif value == best:
                tied.append(p)
        if any(spent + costs[p] > budget for p in tied):
            break
        pick = min(tied, key=e.names.__getitem__)
        chosen.append(pick)
        remaining.discard(pick)
        spent += costs[pick]
        if best == math.inf:
            continue
        new = len(loads)
        loads.append(best)
        moved: Counter[tuple[int, int]] = Counter()
        for v in e.supporters[pick]:
            old = load_of[v]
            load_of[v] = new
            w = weights_[v]
            for p in ballots_[v]:
                if p in remaining:
                    moved[p, old] += w
        for (p, old), w in moved.items():
            load_sum[p] += w * (best - loads[old])
    return _finish("phragmen", budget, projects, chosen, e.support)


def _finish(
    rule: str,
    budget: Amount,
    projects: Sequence[Project],
    chosen: list[int],
    support: list[int] | None,
) -> Outcome:
    taken = set(chosen)
    order = chosen + [p for p in range(len(projects)) if p not in taken]
    decisions = tuple(
        Decision(
            projects[p].id,
            rank,
            support[p] if support else 0,
            _exact(projects[p].cost),
            FUNDED if p in taken else NOT_SELECTED,
        )
        for rank, p in enumerate(order, 1)
    )
    cost = sum((_exact(projects[p].cost) for p in chosen), 0)
    return Outcome(rule, budget, tuple(projects[p].id for p in chosen), cost, decisions)
