"""Why each project won or lost, in plain Ukrainian (pure: no flask, no database, no clock).

Two explanations per project:

- **the official count** (:func:`explain_count`), read from a stored result: the edition's
  greedy walk within each category — the project's place, the money the category had left
  when its turn came, what it lacked («не вистачило 120 000,00 грн»), the votes it lacked for
  the ``min_votes`` threshold, the exclusive partner or the no-skip stop that kept it out, and
  the pooled leftover's walk when the edition pools what the categories left;
- **the Method of Equal Shares** of the what-if table (:func:`explain_mes`): the round a winner
  was bought in, and for a loser its *effective support* — pabutools'
  ``pabutools.analysis.mesanalytics.calculate_effective_support`` exactly: run MES without
  the project, and at each round take what its supporters could pay at that round's price
  (``min(budget, price × cost)`` each), the best share of its cost, as a whole per cent
  (for Add1, at the budget per voter of the run Add1 returns, pabutools' ``final_budget``).
  From that best cover come the two figures a reader can act on: the cost cut that would have
  let the supporters pay (cost − cover) and, roughly, the extra supporters it would have
  needed (each new supporter brings at most one voter's share of the budget).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from operator import itemgetter

from civic.formatting import agree, uk_money
from civic.pb import rules
from civic.pb.counting import FUNDED_FROM_POOL, money, what_if_inputs
from civic.pb.rules.mes import add1_voter_budget

VOTES = ("голос", "голоси", "голосів")
POINTS = ("бал", "бали", "балів")
SUPPORTERS = ("прихильник", "прихильники", "прихильників")


@dataclass(frozen=True)
class Reason:
    """One project's explanation: the sentence, and its figures for the JSON/API."""

    code: str
    funded: bool
    text: str
    facts: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"funded": self.funded, "text": self.text, **self.facts}


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal(0))


def _walk(projects: Sequence[Mapping], budget: Decimal, funded) -> dict[str, Decimal]:
    """The money left when each project's turn came, walking ``projects`` in order."""
    left: dict[str, Decimal] = {}
    remaining = budget
    for p in projects:
        left[p["code"]] = remaining
        if funded(p):
            remaining = max(Decimal(0), remaining - Decimal(p["cost"]))
    return left


def explain_count(
    result: Mapping,
    *,
    categories: Mapping[str, str],
    rule: str = "greedy",
    min_votes: int = 0,
    by_points: bool = False,
    exclusive: Sequence[Sequence[str]] = (),
) -> dict[str, Reason]:
    """Why each project of a stored result (``CountResult.as_json()``) won or lost.

    ``categories`` maps category codes to their titles, in the edition's order.  The walk is
    the one :func:`civic.pb.counting.count` made: by votes within the category's budget,
    skipping what does not fit (``greedy``) or stopping there (``greedy-no-skip``); then, when
    the result has a pool, by votes over every project not funded in its category.
    """
    unit = POINTS if by_points else VOTES
    projects = list(result["projects"])
    titles = {p["code"]: p["title"] for p in projects}
    out: dict[str, Reason] = {}
    in_category: dict[str, dict] = {}
    for category, title in categories.items():
        members = sorted(
            (p for p in projects if p["category"] == category), key=lambda p: p["rank"]
        )
        budget = Decimal(result["budget"][category]["budget"])
        left = _walk(members, budget, lambda p: p["funded_from"] == "category")
        stop = None
        for p in members:
            facts = _category_facts(p, left[p["code"]], len(members), min_votes)
            if stop is not None and p["funded_from"] != "category":
                facts["outcome"], facts["stopped_at"] = "stopped", stop
            elif facts["outcome"] == "does_not_fit" and rule == "greedy-no-skip":
                stop = p["code"]
            facts["where"] = title
            in_category[p["code"]] = facts
    pool = result["budget"].get("pool")
    pool_left = _pool_walk(result, projects, pool, min_votes) if pool else {}
    for p in projects:
        facts = in_category.get(p["code"])
        if facts is None:
            continue
        out[p["code"]] = _reason(p, facts, pool_left.get(p["code"]), unit, titles, exclusive)
    return out


def _category_facts(p: Mapping, left: Decimal, of: int, min_votes: int) -> dict:
    cost = Decimal(p["cost"])
    facts = {"rank": p["rank"], "rank_of": of, "votes": p["votes"], "money_left": money(left)}
    if p["funded_from"] == "category":
        reserve = p.get("status") == rules.FUNDED_FROM_RESERVE
        facts["outcome"] = "funded_from_reserve" if reserve else "funded"
        if reserve:
            facts["from_reserve"] = money(cost - left)
    elif min_votes and p["votes"] < min_votes:
        facts.update(outcome="below_threshold", votes_short=min_votes - p["votes"])
    elif p.get("status") == rules.EXCLUDED:
        facts["outcome"] = "excluded"
    elif cost > left:
        facts.update(outcome="does_not_fit", money_short=money(cost - left))
    else:  # fitted but not taken: only a stopped no-skip walk does that
        facts["outcome"] = "stopped"
    return facts


def _pool_walk(result: Mapping, projects, pool: Mapping, min_votes: int) -> dict[str, Decimal]:
    """Money left in the pooled leftover at each candidate's turn (the pool's own tie order,
    from the result's ``ties``, decides between equal votes)."""
    tie_order: dict[str, int] = {}
    for tie in result.get("ties", ()):
        if tie["where"] == "pool":
            tie_order.update((code, k) for k, code in enumerate(tie["order"]))
    candidates = sorted(
        (
            p
            for p in projects
            if p["funded_from"] != "category"
            and not (min_votes and p["votes"] < min_votes)
            and p.get("status") != rules.EXCLUDED
        ),
        key=lambda p: (-p["votes"], tie_order.get(p["code"], 0), p["code"]),
    )
    selected = set(pool["selected"])
    return _walk(candidates, Decimal(pool["available"]), lambda p: p["code"] in selected)


def _reason(p, facts: dict, pool_left, unit, titles, exclusive) -> Reason:
    cost = Decimal(p["cost"])
    place = f"місце {facts['rank']} з {facts['rank_of']} у категорії «{facts['where']}»"
    votes = agree(p["votes"], unit)
    left = uk_money(Decimal(facts["money_left"]))
    outcome = facts["outcome"]
    if outcome == "funded":
        text = (
            f"Фінансується: {place}, {votes}. Коли настала його черга, у категорії залишалося "
            f"{left} — цього вистачило на його вартість {uk_money(cost)}."
        )
    elif outcome == "funded_from_reserve":
        text = (
            f"Фінансується з доплатою з резерву: {place}, {votes}. Коли настала його черга, у "
            f"категорії залишалося {left} з потрібних {uk_money(cost)}; "
            f"{uk_money(Decimal(facts['from_reserve']))} додано з резерву за правилом видання."
        )
    elif outcome == "below_threshold":
        text = (
            f"Не фінансується: {votes} — менше за встановлений мінімум; "
            f"не вистачило {agree(facts['votes_short'], unit)}."
        )
    elif outcome == "excluded":
        partners = [
            c for g in exclusive if p["code"] in g for c in g if c != p["code"] and c in titles
        ]
        named = ", ".join(f"«{titles[c]}»" for c in partners) or "іншим обраним проєктом"
        text = (
            f"Не фінансується: {place}, {votes}; його не можна реалізувати разом з уже "
            f"обраним проєктом {named}."
        )
    elif outcome == "stopped":
        stop = facts.get("stopped_at")
        at = f" на проєкті «{titles[stop]}», що не вмістився" if stop in titles else ""
        text = (
            f"Не фінансується: {place}, {votes}. За правилом без пропуску підрахунок у категорії "
            f"зупинився{at}, тож до цього проєкту черга не дійшла."
        )
    else:
        text = (
            f"Не фінансується з коштів категорії: {place}, {votes}. Коли настала його черга, "
            f"у категорії залишалося {left}, а проєкт коштує {uk_money(cost)} — "
            f"не вистачило {uk_money(Decimal(facts['money_short']))}."
        )
    if pool_left is not None:
        facts["pool_money_left"] = money(pool_left)
        if p["funded_from"] == FUNDED_FROM_POOL:
            outcome = facts["outcome"] = "funded_from_pool"
            text = (
                f"Фінансується із залишку: {place}, {votes}; у категорії коштів не вистачило "
                f"(залишалося {left}), але з об'єднаного залишку категорій, коли настала його "
                f"черга, залишалося {uk_money(pool_left)} — цього вистачило на його вартість "
                f"{uk_money(cost)}."
            )
        elif outcome == "does_not_fit":
            short = cost - pool_left
            facts["pool_money_short"] = money(short)
            text += (
                f" З об'єднаного залишку категорій теж ні: там на його черзі залишалося "
                f"{uk_money(pool_left)} — не вистачило {uk_money(short)}."
            )
    funded = outcome in ("funded", "funded_from_reserve", "funded_from_pool")
    return Reason(p["code"], funded, text, facts)


# ---------------------------------------------------------------- the Method of Equal Shares


def _mes_run(
    costs: Sequence[Fraction],
    groups: Sequence[tuple[int, frozenset[int]]],
    names: Sequence[str],
    per_voter: Fraction,
    watched: Sequence[int] = (),
) -> tuple[list[int], dict[int, int]]:
    """One MES run with cost utilities (as pabutools' ``mes_inner_algo``, resolute): the
    projects bought in order, and, for each ``watched`` project that the run does not buy, its
    effective support in whole per cent as pabutools computes it (the best cover over the
    rounds). Watching changes nothing in the run: a project the run never buys takes part in
    it as if it had been left out, so one run explains every loser."""
    budget = [per_voter] * len(groups)
    supporters: list[list[int]] = [[] for _ in costs]
    for g, (_, ids) in enumerate(groups):
        for p in ids:
            supporters[p].append(g)
    remaining = {p for p in range(len(costs)) if supporters[p] and costs[p] > 0}
    chosen: list[int] = []
    best_cover = dict.fromkeys(watched, 0)

    def levels(p: int) -> list[list]:
        # [budget, weight] of the supporters by budget: groups that have paid alike share one
        # budget object (see the payment below), so there are far fewer levels than groups and
        # the exact sums take a Fraction step per level, not per group (the same sums).
        at: dict[int, list] = {}
        for g in supporters[p]:
            b = budget[g]
            level = at.get(id(b))
            if level is None:
                at[id(b)] = [b, groups[g][0]]
            else:
                level[1] += groups[g][0]
        return list(at.values())

    def cover(p: int, price: Fraction | None) -> int:
        cost = costs[p]
        if price is None:
            paid = sum(w * b for b, w in levels(p))
        else:
            cap = price * cost
            paid = sum(w * min(b, cap) for b, w in levels(p))
        return int(paid / cost * 100)

    def watch(price: Fraction | None) -> None:
        for p in best_cover:
            best_cover[p] = max(best_cover[p], cover(p, price))

    while True:
        best: Fraction | None = None
        tied: list[int] = []
        for p in sorted(remaining):
            cost = costs[p]
            # By budget level, in increasing order: supporters with equal budgets pay alike
            # (all of it, or the equal share), so the price is the one found group by group.
            members = sorted(levels(p), key=itemgetter(0))
            if sum(w * b for b, w in members) < cost:
                remaining.discard(p)
                continue
            paid, weight = Fraction(0), sum(w for _b, w in members)
            for b, w in members:
                price = (cost - paid) / (weight * cost)
                if price * cost <= b:
                    break
                paid += w * b
                weight -= w
            if best is None or price < best:
                best, tied = price, [p]
            elif price == best:
                tied.append(p)
        if not tied:
            watch(None)
            return chosen, best_cover
        pick = min(tied, key=names.__getitem__)
        share = best * costs[pick]
        paid_from: dict[int, tuple[Fraction, Fraction]] = {}  # id(old budget) -> (old, new)
        for g in supporters[pick]:
            old = budget[g]
            known = paid_from.get(id(old))
            if known is None:
                known = paid_from[id(old)] = (old, old - min(old, share))
            budget[g] = known[1]
        chosen.append(pick)
        remaining.discard(pick)
        best_cover.pop(pick, None)
        watch(best)


def explain_mes(
    projects: Sequence[rules.Project],
    ballots: Sequence[Iterable[str]],
    weights: Sequence[int],
    budget: Decimal,
) -> dict[str, dict]:
    """Why each project won or lost under the what-if Method of Equal Shares (with Add1).

    Returns ``{code: {"funded", "text", "round" | "effective_support", "votes",
    "cost_cut", "extra_supporters"}}``; see the module doc for the definitions.
    """
    index = {p.id: k for k, p in enumerate(projects)}
    groups = [
        (w, frozenset(index[c] for c in b if c in index))
        for b, w in zip(ballots, weights, strict=True)
    ]
    groups = [(w, ids) for w, ids in groups if ids and w > 0]
    costs = [Fraction(p.cost) for p in projects]
    names = [p.id for p in projects]
    per_voter = add1_voter_budget(projects, ballots, budget, weights=weights)
    support = [0] * len(projects)
    for w, ids in groups:
        for p in ids:
            support[p] += w
    chosen, effective_support = _mes_run(
        costs, groups, names, per_voter, watched=[k for k in range(len(projects)) if support[k]]
    )
    rounds = {names[p]: k for k, p in enumerate(chosen, 1)}
    out: dict[str, dict] = {}
    for k, p in enumerate(projects):
        votes = agree(support[k], VOTES)
        if p.id in rounds:
            out[p.id] = {
                "funded": True,
                "round": rounds[p.id],
                "votes": support[k],
                "text": (
                    f"Обраний у раунді {rounds[p.id]}: {votes}; його прихильники разом "
                    f"оплатили {uk_money(p.cost)} зі своїх рівних часток бюджету."
                ),
            }
            continue
        if not support[k]:
            out[p.id] = {
                "funded": False,
                "votes": 0,
                "effective_support": 0,
                "text": "Не обраний: за нього не проголосував жоден виборець.",
            }
            continue
        effective = effective_support[k]
        cost = costs[k]
        covered = cost * effective / 100
        cut = max(Fraction(0), cost - covered)
        extra = math.ceil(cut / per_voter) if cut > 0 else 0
        out[p.id] = {
            "funded": False,
            "votes": support[k],
            "effective_support": effective,
            "cost_cut": money(rules.as_decimal(Fraction(math.ceil(cut * 100), 100))),
            "extra_supporters": extra,
            "text": _mes_loser_text(votes, effective, cut, extra),
        }
    return out


def _mes_loser_text(votes: str, effective: int, cut: Fraction, extra: int) -> str:
    head = f"Не обраний: {votes}; ефективна підтримка — {effective} % його вартості"
    if effective >= 100:
        return (
            f"{head}: його прихильники могли оплатити проєкт, але щоразу інші проєкти "
            "коштували їм менше на одну гривню користі, і після них коштів не залишилося."
        )
    rounded = Decimal(math.ceil(cut))
    return (
        f"{head} (стільки змогли б оплатити його прихильники зі своїх рівних часток). "
        f"Щоб перемогти, йому бракувало б приблизно {uk_money(rounded)} — на стільки мала б "
        f"бути меншою вартість, або ж потрібно ще приблизно {agree(extra, SUPPORTERS)} "
        "з повною часткою бюджету."
    )


def explain_phragmen(selected: Sequence[str], votes: Mapping[str, int]) -> dict[str, dict]:
    """The what-if Phragmén winners: the round each was bought in (losers: only the votes)."""
    out = {}
    for k, code in enumerate(selected, 1):
        out[code] = {
            "funded": True,
            "round": k,
            "votes": votes.get(code, 0),
            "text": (
                f"Обраний у раунді {k}: {agree(votes.get(code, 0), VOTES)}; вартість поділено "
                "між його прихильниками так, щоб навантаження на них було найменшим."
            ),
        }
    return out


def what_if_reasons(config, projects, folded, what_if: Mapping) -> dict[str, dict[str, dict]]:
    """The what-if rules' explanations for a count (stored with the result, like ``what_if``,
    whose outcomes it takes for Phragmén)."""
    admitted, ballots, weights = what_if_inputs(projects, folded)
    if not ballots or not admitted:
        return {}
    mes = explain_mes(admitted, ballots, weights, config.budget)
    votes = {code: reason["votes"] for code, reason in mes.items()}  # each project's, counted once
    return {
        "equalshares/add1": mes,
        "phragmen": explain_phragmen(what_if.get("phragmen", ()), votes),
    }
