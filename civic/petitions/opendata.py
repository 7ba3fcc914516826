"""Open data: published petitions as rows of the national open-data schema."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from civic.extensions import db
from civic.petitions import lifecycle
from civic.petitions.models import Petition
from civic.petitions.queries import effective_state, public_clause
from civic.petitions.services import _url

EXPORT_FIELDS = (
    "uid",
    "kind",
    "title",
    "url",
    "text",
    "authorityName",
    "authorityId",
    "authorityCattutc",
    "startDate",
    "count",
    "creator",
    "status",
    "answerDate",
    "answerUrl",
    "answerText",
)


def export_rows(*, today: dt.date) -> list[dict]:
    """Published petitions in the national open-data schema (never moderation or refused)."""
    cfg = current_app.config
    rows = []
    for petition in db.session.scalars(
        select(Petition).where(public_clause()).order_by(Petition.id)
    ):
        state = effective_state(petition, today)
        rows.append(
            {
                "uid": f"{cfg['COUNCIL_KATOTTG']}-P{petition.id}",
                "kind": "місцева петиція",
                "title": petition.title,
                "url": _url(f"/petitions/{petition.id}"),
                "text": petition.text,
                "authorityName": cfg["COUNCIL_NAME"],
                "authorityId": cfg["COUNCIL_EDRPOU"],
                "authorityCattutc": cfg["COUNCIL_KATOTTG"],
                "startDate": petition.published_on.isoformat() if petition.published_on else None,
                "count": int(petition.signature_count),
                "creator": petition.author_name,
                "status": lifecycle.OPEN_DATA_STATUS[state],
                "answerDate": petition.answered_on.isoformat() if petition.answered_on else None,
                "answerUrl": petition.answer_url or None,
                "answerText": petition.answer_text or None,
            }
        )
    return rows
