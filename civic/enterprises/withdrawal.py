"""Withdrawing a wrong upload: it stays in the history (file, hash, check report) marked
«відкликано», with who, when and why in the audit log; its numbers leave the dashboards."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from civic.audit.services import record_event
from civic.database import utcnow
from civic.enterprises.models import Fact, Upload
from civic.enterprises.plan_versions import compose_plan_facts
from civic.extensions import db


class WithdrawalRefused(Exception):
    """Why an upload cannot be withdrawn; the text is Ukrainian."""


def withdraw_upload(
    upload: Upload, *, reason: str, actor=None, now: dt.datetime | None = None
) -> Upload:
    """Mark ``upload`` withdrawn and drop its facts (flushes; the caller commits)."""
    if upload.withdrawn_at is not None:
        raise WithdrawalRefused(f"Завантаження №{upload.id} уже відкликано.")
    reason = " ".join(reason.split())
    if not reason:
        raise WithdrawalRefused("Вкажіть, чому завантаження відкликається.")
    was_current = upload.is_current
    removed = db.session.execute(delete(Fact).where(Fact.upload_id == upload.id)).rowcount
    upload.is_current = False
    upload.withdrawn_at = now or utcnow()
    upload.withdrawn_by_login = getattr(actor, "login", "") or ""
    upload.withdrawal_reason = reason[:500]
    db.session.flush()
    if upload.form == "plan":  # the plan version or report it displaced comes back in force
        compose_plan_facts(upload.enterprise_id, upload.year)
    record_event(
        "enterprises.upload_withdrawn",
        object_type="enterprise_upload",
        object_id=upload.id,
        details={
            "reason": reason[:500],
            "file": upload.filename,
            "year": upload.year,
            "form": upload.form,
            "values_removed": removed,
            "was_current": was_current,
        },
        actor=actor,
    )
    return upload
