"""What a counted edition shows and gives: results for pages, invalid ballots, exports, protocol.

Reads only: the stored result of :func:`civic.pb.services.tally` and the edition's rows.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from flask import current_app
from sqlalchemy import select

from civic.extensions import db
from civic.pb import ballots as judging
from civic.pb import counting, pabulib
from civic.pb.models import Ballot, Edition
from civic.pb.services import PbError, config_of, list_projects, load_ballots


def stored_result(edition: Edition) -> dict | None:
    return edition.result


def project_titles(edition: Edition) -> dict[str, str]:
    return {p.code: p.title for p in list_projects(edition)}


def list_invalid_ballots(edition: Edition, *, page: int = 1, per_page: int = 50):
    """Invalid ballots in natural order of their numbers (2 before 10, batch by batch)."""
    from civic.pb.batches import natural_page

    ids = db.session.execute(
        select(Ballot.ballot_id, Ballot.id).where(
            Ballot.edition_id == edition.id, Ballot.reason.is_not(None)
        )
    ).all()
    return natural_page(ids, Ballot, page=page, per_page=per_page)


EXPORT_FORMATS = ("csv", "xlsx", "json", "pb", "pdf")
RESULT_HEADERS = (
    "Код",
    "Назва",
    "Категорія",
    "Вартість, грн",
    "Голосів (папір)",
    "Голосів (онлайн)",
    "Голосів усього",
    "Місце в категорії",
    "Фінансується",
    "Джерело фінансування",
)
FUNDED_FROM_TITLES = {"category": "бюджет категорії", "pool": "спільний залишок", None: ""}


def _require_result(edition: Edition) -> dict:
    if not edition.result:
        raise PbError(f"Видання «{edition.slug}» ще не підраховано: спершу виконайте підрахунок.")
    return edition.result


def result_rows(edition: Edition) -> list[list]:
    result = _require_result(edition)
    return [
        [
            p["code"],
            p["title"],
            p["category"],
            Decimal(p["cost"]),
            p["votes_paper"],
            p["votes_online"],
            p["votes"],
            p["rank"],
            "так" if p["selected"] else "ні",
            FUNDED_FROM_TITLES.get(p["funded_from"], ""),
        ]
        for p in result["projects"]
    ]


def export_edition(edition: Edition, fmt: str) -> bytes:
    """The edition's result as a file: csv, xlsx, json (the tally), pb (pabulib) or pdf."""
    import json

    from civic.table_exports import write_csv, write_xlsx

    if fmt not in EXPORT_FORMATS:
        raise PbError(f"Невідомий формат «{fmt}»; можливо: {', '.join(EXPORT_FORMATS)}")
    result = _require_result(edition)
    if fmt == "csv":
        return write_csv(RESULT_HEADERS, result_rows(edition))
    if fmt == "xlsx":
        return write_xlsx(RESULT_HEADERS, result_rows(edition), sheet_title="Результати")
    if fmt == "json":
        return (json.dumps(result, ensure_ascii=False, indent=2) + "\n").encode()
    if fmt == "pb":
        return export_pabulib(edition).encode()
    from civic.pb.protocol import build_protocol

    return build_protocol(protocol_data(edition))


def export_pabulib(edition: Edition) -> str:
    """The counted edition as a pabulib file: valid ballots, `voting_method`, `selected`."""
    result = _require_result(edition)
    config = config_of(edition)
    _ids, ballots, _stored = load_ballots(edition)
    reasons = dict(
        db.session.execute(
            select(Ballot.ballot_id, Ballot.reason).where(Ballot.edition_id == edition.id)
        ).all()
    )
    projects = {p.code: p for p in list_projects(edition) if p.is_admitted}
    codes = {judging.normalise_code(c): c for c in projects}
    voter_ids, votes, methods = [], [], []
    for ballot in sorted(ballots, key=lambda b: judging.ballot_order_key(b.ballot_id)):
        if reasons.get(ballot.ballot_id) is not None:
            continue
        chosen = []
        for typed in ballot.codes:
            code = codes.get(judging.normalise_code(typed))
            if code and code not in chosen:
                chosen.append(code)
        voter_ids.append(ballot.ballot_id.replace(";", "_"))
        votes.append(tuple(chosen))
        methods.append("internet" if ballot.channel == "online" else "paper")
    selected = set(result["selected"])
    votes_by_code = {p["code"]: p["votes"] for p in result["projects"]}
    rows = []
    for code, project in projects.items():
        fields = {
            "project_id": code,
            "cost": pabulib.format_amount(Fraction(Decimal(project.cost))),
            "votes": str(votes_by_code.get(code, 0)),
            "name": project.title,
            "category": project.category_code,
            "selected": "1" if code in selected else "0",
        }
        rows.append(pabulib.ProjectRow(code, Fraction(Decimal(project.cost)), fields))
    meta = {
        "description": edition.title,
        "country": "Ukraine",
        "unit": current_app.config.get("COUNCIL_SHORT_NAME", ""),
        "instance": str(edition.budget_year or edition.voting_ends_on.year),
        "num_projects": str(len(rows)),
        "num_votes": str(len(votes)),
        "budget": pabulib.format_amount(Fraction(config.budget)),
        "vote_type": "approval",
        "rule": edition.rule,
        "date_begin": edition.voting_starts_on.strftime("%d.%m.%Y"),
        "date_end": edition.voting_ends_on.strftime("%d.%m.%Y"),
        "max_length": str(sum(c.max_choices for c in config.categories)),
        "comment": (
            "#1: counted per category ("
            + ", ".join(f"{c.code} {c.budget:.2f}" for c in config.categories)
            + f"); leftover {config.leftover}; tie-break {config.tie_break}"
        ),
    }
    election = pabulib.Election(
        meta=meta,
        project_columns=("project_id", "cost", "votes", "name", "category", "selected"),
        projects=tuple(rows),
        vote_columns=("voter_id", "vote", "voting_method"),
        voter_ids=tuple(voter_ids),
        ballots=tuple(votes),
        points=None,
        vote_fields={"voting_method": tuple(methods)},
    )
    return pabulib.write(election)


def protocol_data(edition: Edition) -> dict:
    """Everything the protocol PDF shows, as plain data (the PDF module stays pure)."""
    result = _require_result(edition)
    return {
        "council": current_app.config.get("COUNCIL_NAME", ""),
        "edition": {
            "slug": edition.slug,
            "title": edition.title,
            "voting_starts_on": edition.voting_starts_on,
            "voting_ends_on": edition.voting_ends_on,
            "counted_on": edition.counted_on,
            "status": edition.status,
            "rule": edition.rule,
            "rule_text": counting.rule_text(config_of(edition)),
            "tie_break": edition.tie_break,
            "leftover": edition.leftover,
            "min_votes": edition.min_votes,
            "min_age": edition.min_age,
            "duplicates": edition.duplicates,
        },
        "categories": [
            {"code": c.code, "title": c.title, "budget": Decimal(c.budget)}
            for c in edition.categories
        ],
        "result": result,
        "commission": list(edition.commission or ()),
        "protocol_number": edition.protocol_number or "",
        "protocol_on": edition.protocol_on or edition.counted_on,
    }
