"""The results page's pictures (pure): per category, each project's cost placed where its turn
came against the category's budget line, and the map of winning projects.

Built from the stored result and :func:`civic.pb.explain.explain_count`'s figures, so the
pictures show exactly what the sentences say; the tables on the page hold the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from civic.charts import Point, Span, budget_chart, points_map
from civic.formatting import agree, uk_money
from civic.pb.explain import POINTS, VOTES, Reason


def category_charts(
    result: Mapping,
    categories: Sequence[tuple[str, str]],
    reasons: Mapping[str, Reason],
    *,
    by_points: bool = False,
) -> dict[str, str]:
    """``{category code: SVG}``: votes and cost of each project, in the order of the count,
    against the category's budget line."""
    unit = POINTS if by_points else VOTES
    charts = {}
    for code, title in categories:
        budget = Decimal(result["budget"][code]["budget"])
        members = sorted(
            (p for p in result["projects"] if p["category"] == code and p["code"] in reasons),
            key=lambda p: p["rank"],
        )
        spans = []
        for p in members:
            facts = reasons[p["code"]].facts
            outcome = facts["outcome"]
            note = {
                "funded": "фінансується",
                "funded_from_reserve": "фінансується з доплатою з резерву",
                "funded_from_pool": "фінансується із залишку",
            }.get(outcome, "не фінансується")
            spans.append(
                Span(
                    f"{p['code']} {p['title']} — {agree(p['votes'], unit)}",
                    budget - Decimal(facts["money_left"]),
                    Decimal(p["cost"]),
                    highlight=reasons[p["code"]].funded,
                    note=note,
                )
            )
        charts[code] = budget_chart(
            spans,
            budget,
            title=f"{title}: вартість проєктів у черзі за голосами та бюджет категорії",
            budget_label="Бюджет категорії",
            value_format=uk_money,
            chart_id=f"pb-budget-{code}",
        )
    return charts


def winners_map(
    result: Mapping, places: Mapping[str, tuple[Decimal, Decimal]]
) -> tuple[str, list[Point]] | None:
    """The map of the funded projects that have coordinates, and its rows (None: no such
    project, then no map at all)."""
    titles = {p["code"]: p["title"] for p in result["projects"]}
    points = [
        Point(code, titles.get(code, code), *places[code])
        for code in result["selected"]
        if code in places
    ]
    if not points:
        return None
    svg = points_map(
        points,
        title="Де будуть реалізовані проєкти-переможці",
        chart_id="pb-winners-map",
    )
    return svg, points
