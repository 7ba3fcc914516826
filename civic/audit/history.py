"""Audit events ready for a page: each with its sentence, its actor's name and a link to its
object (the audit log and a petition's history show the same rows)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from werkzeug.routing import BuildError

from civic.audit.models import AuditEvent
from civic.audit.sentences import Actor, Sentence, describe_event
from civic.auth.models import User
from civic.extensions import db


def object_url(object_type: str | None, object_id: str | None) -> str | None:
    """The staff page of an event's object, where there is one."""
    if not object_type or not object_id:
        return None
    try:
        if object_type == "petition" and object_id.isdigit():
            return url_for("petitions.staff_detail", petition_id=int(object_id))
        if object_type == "pb_edition":
            return url_for("pb.staff_edition", slug=object_id)
        if object_type in ("pb_discrepancy", "pb_ballot") and ":" in object_id:
            return url_for("pb.staff_discrepancies", slug=object_id.split(":")[0])
        if object_type == "user" and object_id.isdigit():
            return url_for("auth.user_edit", user_id=int(object_id))
        if object_type == "enterprise_upload" and object_id.isdigit():
            return url_for("enterprises.staff_upload_detail", upload_id=int(object_id))
        if object_type == "report_version" and object_id.isdigit():
            return url_for("reports.edit", version_id=int(object_id))
        if object_type == "journal_entry" and object_id.isdigit():
            return url_for("reports.journal_edit", entry_id=int(object_id))
    except BuildError:
        return None
    return None


def actors_of(events) -> dict[int, Actor]:
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(ids)))
    return {
        u.id: Actor(u.login, u.full_name or "", frozenset(u.roles), u.gender or "") for u in users
    }


def sentences_of(events) -> list[tuple[AuditEvent, Sentence, str | None]]:
    """Each event with its sentence and the link to its object (for the page and histories)."""
    actors = actors_of(events)
    return [
        (
            e,
            describe_event(
                e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                details=e.details,
                actor=actors.get(e.actor_id),
                actor_login=e.actor_login,
            ),
            None if e.action.startswith("auth.") else object_url(e.object_type, e.object_id),
        )
        for e in events
    ]
