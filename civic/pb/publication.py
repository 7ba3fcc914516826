"""When an edition's vote counts may be public (issue 16 point 4): only once the commission has
closed the count.

Decidim #12348: a running count shown while people still vote (or while paper forms are still
being typed in) nudges the last voters towards the leaders and invites a dispute of the result
before it exists. So no public page, API answer or export of an edition shows totals, per-project
votes, ranks, winners, ballots per channel or ballots counted so far until the edition is closed;
each says :data:`NOTICE` instead. The commission's staff pages keep showing the working tally.

Pure: the edition is anything with ``is_closed`` and ``result`` (the model, or a plain object).
"""

from __future__ import annotations

from typing import Any

NOTICE = (
    "Підсумки голосування буде оприлюднено після того, як лічильна комісія завершить підрахунок."
)


def results_public(edition: Any) -> bool:
    """True when the edition's count is closed and its result stored: the one test of every
    public place (pages, charts, explanations, the JSON API, exports, open data)."""
    return bool(edition.is_closed and edition.result)


def pending_answer(slug: str) -> dict:
    """The JSON API's answer for an edition whose count is not closed: no number at all."""
    return {"edition": slug, "published": False, "notice": NOTICE}
