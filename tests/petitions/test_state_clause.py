"""The SQL filter for a petition's effective state selects exactly the petitions the pure rule
(``lifecycle.effective_state``) puts in that state, for any stored state, last day of
collection, threshold and signature count, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from civic.extensions import db
from civic.petitions import lifecycle, queries
from civic.petitions.lifecycle import State
from civic.petitions.models import Petition

TODAY = dt.date(2026, 3, 10)

petitions = st.lists(
    st.fixed_dictionaries(
        {
            "state": st.sampled_from(list(State)),
            "ends_on": st.none() | st.dates(TODAY - dt.timedelta(days=3), TODAY + dt.timedelta(3)),
            "threshold": st.none() | st.integers(0, 6),
            "signatures": st.integers(0, 8),
        }
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=petitions, default_threshold=st.integers(1, 6), day=st.integers(-2, 2))
def test_state_clause_selects_what_the_pure_rule_decides(app, rows, default_threshold, day):
    app.config["PETITION_SIGNATURE_THRESHOLD"] = default_threshold
    today = TODAY + dt.timedelta(days=day)
    stored = [
        Petition(
            title=f"Петиція {n}",
            text="Текст",
            author_name="Автор",
            state=row["state"].value,
            collection_ends_on=row["ends_on"],
            threshold=row["threshold"],
            signature_count=row["signatures"],
        )
        for n, row in enumerate(rows)
    ]
    db.session.add_all(stored)
    db.session.flush()
    try:
        expected = {
            state: {
                p.id
                for p, row in zip(stored, rows, strict=True)
                if lifecycle.effective_state(
                    row["state"],
                    row["ends_on"],
                    row["signatures"],
                    row["threshold"] or default_threshold,
                    today,
                )
                == state
            }
            for state in State
        }
        ids = [p.id for p in stored]
        for state in State:
            found = set(
                db.session.scalars(
                    select(Petition.id).where(
                        Petition.id.in_(ids), queries.state_clause(state, today)
                    )
                )
            )
            assert found == expected[state], state
            assert {p.id for p in stored if queries.effective_state(p, today) == state} == found
    finally:
        db.session.rollback()


def test_every_state_is_reached_by_some_stored_state_and_clock():
    """The table the SQL filter is built from covers every (stored state, clock) pair once."""
    pairs = [
        (stored, at)
        for state in State
        for stored, clocks in lifecycle.stored_as(state).items()
        for at in clocks
    ]
    assert sorted(pairs) == sorted((s, c) for s in State for c in lifecycle.Clock)
    assert lifecycle.stored_as(State.CONSIDERATION) == {
        State.COLLECTING: frozenset({lifecycle.Clock.REACHED}),
        State.CONSIDERATION: frozenset(lifecycle.Clock),
    }
