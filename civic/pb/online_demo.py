"""Demo online voting (``civic demo``): online ballots in the counted 2021 edition, and a 2027
edition whose online vote is open now, so ``make run`` shows both (docs/pb.md).

The online voters are made-up citizens answered as the development identity provider answers
(:mod:`civic.identity.development`), cast through the same service as the voting page. Two of
them also handed in a paper form on which the commission wrote their РНОКПП as the document,
later than their online vote: the count finds each person once, and the edition's
``first_cast`` rule counts the online ballot (the protocol says so).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from flask import current_app

from civic import database, kyiv
from civic.identity import development
from civic.identity.citizen import citizen_from_idgovua
from civic.pb import services, voting
from civic.pb.edition import dump_edition, parse_edition

OPEN_SLUG = "gb-2027"
ONLINE_VOTERS = 36
_SERIAL = 5000  # the made-up РНОКПП's serial part (the development people use 9990+)


def online_settings(text: str, **changes) -> str:
    """The edition's TOML with online voting on (for its whole voting period unless given)."""
    config = parse_edition(text)
    values = {
        "online_voting": True,
        "online_starts_on": changes.get("voting_starts_on", config.voting_starts_on),
        "online_ends_on": changes.get("voting_ends_on", config.voting_ends_on),
        **changes,
    }
    return dump_edition(dataclasses.replace(config, **values))


def _person(rng: random.Random, surnames, names, streets) -> development.Person:
    first, middle = rng.choice(names)
    born = dt.date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
    address = f"м. Ніжин, {rng.choice(streets)}, {rng.randint(1, 120)}"
    return development.Person(rng.choice(surnames), first, middle, born, address)


def cast_online(edition, pick, *, surnames, names, streets) -> list[tuple[dict, dt.date]]:
    """Cast ``ONLINE_VOTERS`` online ballots in the 2021 edition's days → (the provider's
    answer, the day) of each voter, for the paper forms of the same people."""
    rng = random.Random(2020)
    key = current_app.config["PERSONAL_DATA_KEY"]
    cast = []
    for k in range(ONLINE_VOTERS):
        answer = _person(rng, surnames, names, streets).answer(_SERIAL + k)
        citizen = citizen_from_idgovua(answer, key=key, provider="dev")
        day = edition.voting_starts_on + dt.timedelta(days=rng.randint(0, 9))
        now = dt.datetime.combine(day, dt.time(9 + k % 10, 15), tzinfo=dt.UTC)
        voting.cast_ballot(edition, citizen, pick(), declared=None, now=now)
        cast.append((answer, day))
    return cast


def open_edition(text: str, projects_csv: bytes, *, actor) -> None:
    """The 2027 edition: the same projects, voting from a week ago for three more weeks."""
    from civic.pb import imports

    today = kyiv.today(database.utcnow())
    config = parse_edition(text)
    changes = {
        "slug": OPEN_SLUG,
        "title": "Громадський бюджет міста Ніжина на 2027 рік",
        "budget_year": None,
        "voting_starts_on": today - dt.timedelta(days=7),
        "voting_ends_on": today + dt.timedelta(days=21),
        "commission": (),
        "protocol_number": "",
        "protocol_on": None,
    }
    edition = services.save_edition(
        online_settings(dump_edition(dataclasses.replace(config, **changes))), actor=actor
    )
    imports.import_projects(edition, projects_csv, "проєкти-гб-2027.csv", actor=actor)
