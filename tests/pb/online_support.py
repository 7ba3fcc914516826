"""An edition open for online voting today (docs/examples with today's dates), for the online
voting tests: service, HTTP, served and browser."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from civic import database, kyiv
from civic.extensions import db
from civic.pb import imports, services
from civic.pb.edition import dump_edition, parse_edition

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
DEV_SETTINGS = {"IDENTITY_PROVIDERS": ["dev", "email"]}


def online_toml(today: dt.date | None = None, **changes) -> str:
    today = today or kyiv.today(database.utcnow())
    config = parse_edition((EXAMPLES / "pb-edition.toml").read_text(encoding="utf-8"))
    values = {
        "slug": "gb-online",
        "title": "Громадський бюджет міста Ніжина на 2027 рік",
        "voting_starts_on": today - dt.timedelta(days=3),
        "voting_ends_on": today + dt.timedelta(days=10),
        "online_voting": True,
        "online_starts_on": today - dt.timedelta(days=2),
        "online_ends_on": today + dt.timedelta(days=9),
        **changes,
    }
    return dump_edition(dataclasses.replace(config, **values))


def open_online_edition(**changes):
    """The example edition with its projects, voting (and voting online) today; committed."""
    edition = services.save_edition(online_toml(**changes))
    imports.import_projects(edition, (EXAMPLES / "pb-projects.csv").read_bytes(), "p.csv")
    db.session.commit()
    return edition


def dev_sign_in(client, person: int, next_page: str) -> None:
    """Sign ``client`` in as the development provider's ``PEOPLE[person]``."""
    answer = client.post("/identity/dev", data={"person": person, "next": next_page})
    assert answer.status_code == 302 and answer.headers["Location"] == next_page
