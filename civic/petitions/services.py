"""The petition lifecycle: each action loads the petition, asks the pure core (lifecycle),
writes, flushes and audits the transition; views and CLI commands commit once.

Signatures: ``signatures.py``, ``invalidation.py``; reads: ``queries.py``; open data:
``opendata.py``; the personal-data purge: ``retention.py``; the soft edit lock: ``locks.py``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import secrets

from flask import current_app
from sqlalchemy import select

from civic import kyiv, personal_data
from civic.audit.services import record_change
from civic.database import utcnow
from civic.errors import DomainError
from civic.extensions import db
from civic.formatting import agree
from civic.mail.services import send_mail
from civic.petitions import lifecycle, screening, signing
from civic.petitions.lifecycle import Action, State
from civic.petitions.models import Petition, RefusalReasonRow, Signature
from civic.petitions.refusal_reasons import ensure_refusal_reasons, reason_of
from civic.workcalendar.services import get_calendar

SIGNATURE = ("підпис", "підписи", "підписів")


class PetitionError(DomainError, ValueError):
    """A refused action; ``message`` is Ukrainian, ``field`` names the form field if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class StaleEdit(PetitionError):
    def __init__(self):
        super().__init__(
            "Петицію тим часом змінив інший модератор. Ваші зміни не збережено: "
            "перегляньте актуальну версію і повторіть дію."
        )


class SignatureAlreadyCounted(PetitionError):
    def __init__(self):
        super().__init__("Цей підпис уже підтверджено й зараховано; повторно його не рахують.")


# --- settings and small helpers -----------------------------------------------------------


def threshold_setting() -> int:
    return int(current_app.config.get("PETITION_SIGNATURE_THRESHOLD", lifecycle.DEFAULT_THRESHOLD))


def petition_threshold(petition: Petition) -> int:
    """The signatures this petition needs: fixed at publication, the setting before it."""
    return petition.threshold or threshold_setting()


def collection_days_setting() -> int:
    return int(
        current_app.config.get("PETITION_COLLECTION_DAYS", lifecycle.DEFAULT_COLLECTION_DAYS)
    )


def retention_days_setting() -> int:
    return personal_data.retention_days(current_app.config, "PETITION_RETENTION_DAYS")


def today_kyiv() -> dt.date:
    return kyiv.today(utcnow())


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    """Keyed hash of the canonical mailbox (gmail dots and ``+tag`` folded, see mailboxes.py)."""
    canonical = signing.canonical_address(normalise_email(email))
    return personal_data.keyed_hash(current_app.config["PERSONAL_DATA_KEY"], canonical)


def _token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, _token_hash(raw)


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def _url(path: str) -> str:
    return current_app.config.get("PUBLIC_BASE_URL", "").rstrip("/") + path


def _apply(petition: Petition, action: Action) -> State:
    try:
        new = lifecycle.transition(petition.state_enum, action)
    except lifecycle.TransitionError as exc:
        raise PetitionError(exc.message) from None
    petition.state = new.value
    return new


def _check_version(petition: Petition, version: int | None) -> None:
    if version is not None and int(version) != petition.version_id:
        raise StaleEdit()


def _audit(action: str, petition: Petition, actor=None, **details) -> None:
    """Write the petition's change (flush) and record ``petition.<action>`` with its state."""
    record_change(f"petition.{action}", petition, {"state": petition.state, **details}, actor=actor)


def _release_lock(petition: Petition) -> None:
    petition.locked_by_id = None
    petition.locked_at = None


def _record_decision(petition: Petition, actor, today: dt.date, action: str, **details) -> None:
    """The moderator's decision (publish or refuse) on ``today``: who decided, the author's
    confirmation link is spent and the moderation lock released; audited as ``action`` with
    ``details`` and whether the decision came within the moderation term."""
    petition.decided_on = today
    petition.decided_by_id = getattr(actor, "id", None)
    petition.author_token_hash = None
    _release_lock(petition)
    in_time = lifecycle.in_time(today, petition.moderation_due_on)
    _audit(action, petition, actor=actor, in_time=in_time, **details)


# --- reading ----------------------------------------------------------------------------


def _search_text(title: str, text: str) -> str:
    return screening.normalise(f"{title}\n{text}")


def get_petition(petition_id: int) -> Petition | None:
    return db.session.get(Petition, petition_id)


# --- submission and the author's confirmation ---------------------------------------------


def submit_petition(
    title: str, text: str, author_name: str, author_email: str, *, ip: str | None, now: dt.datetime
) -> tuple[Petition, str]:
    """Record a petition awaiting its author's e-mail confirmation; mail the link."""
    raw, hashed = _token()
    petition = Petition(
        title=title.strip(),
        text=text.strip(),
        author_name=author_name.strip(),
        search_text=_search_text(title.strip(), text.strip()),
        author_email=normalise_email(author_email),
        state=State.UNCONFIRMED.value,
        author_token_hash=hashed,
        submitted_ip=ip,
        created_at=now,
    )
    db.session.add(petition)
    _audit("submitted", petition, title=petition.title)
    send_mail(
        petition.author_email,
        f"Підтвердьте петицію № {petition.id}",
        f"Добрий день, {petition.author_name}!\n\n"
        f"Ви подали електронну петицію «{petition.title}».\n"
        f"Щоб надіслати її на модерацію, відкрийте посилання і натисніть «Підтвердити»:\n"
        f"{_url(f'/petitions/author/{raw}')}\n\n"
        "За цим же посиланням ви можете відкликати петицію до її оприлюднення.\n"
        "Якщо ви не подавали петицію, просто проігноруйте цей лист.\n",
        category="petition.confirm",
        secret=raw,
    )
    return petition, raw


def petition_by_author_token(raw: str) -> Petition | None:
    if not raw:
        return None
    return db.session.scalar(select(Petition).where(Petition.author_token_hash == _token_hash(raw)))


def confirm_petition(petition: Petition, *, now: dt.datetime) -> Petition:
    """The author confirmed: the petition is "sent" and the 2-working-day clock starts."""
    _apply(petition, Action.CONFIRM)
    calendar = get_calendar()
    petition.confirmed_at = now
    petition.confirmed_on = kyiv.date_of(now)
    petition.moderation_due_on = lifecycle.moderation_due_on(calendar, petition.confirmed_on)
    petition.calendar_version = calendar.version
    _audit("confirmed", petition, due_on=petition.moderation_due_on, calendar=calendar.version)
    return petition


def withdraw_petition(petition: Petition, *, today: dt.date) -> Petition:
    """The author withdraws before publication (the law is silent; allowed only before it)."""
    _apply(petition, Action.WITHDRAW)
    petition.withdrawn_on = today
    petition.author_token_hash = None
    _release_lock(petition)
    _audit("withdrawn", petition)
    return petition


# --- moderation ---------------------------------------------------------------------------


def sync_state(petition: Petition, *, today: dt.date, actor=None) -> bool:
    """Record the time-driven transition due by ``today`` (the one tick makes); True if any."""
    due = lifecycle.closing(
        petition.state_enum,
        petition.collection_ends_on,
        petition.signature_count,
        petition_threshold(petition),
        today,
    )
    if due is None:
        return False
    _apply(petition, Action.CLOSE_REACHED if due.reached else Action.CLOSE_MISSED)
    petition.closed_on = due.closed_on
    petition.reached_threshold = due.reached
    if not due.reached:
        petition.answer_due_on = lifecycle.appeal_due_on(due.closed_on)
    _audit(
        "closed",
        petition,
        actor=actor,
        closed_on=due.closed_on,
        signatures=petition.signature_count,
        threshold=petition.threshold,
    )
    return True


def _notify_author(petition: Petition, subject: str, body: str, category: str) -> None:
    if petition.author_email:
        send_mail(petition.author_email, subject, body, category=category)


def publish_petition(petition: Petition, *, actor, version: int | None, today: dt.date) -> Petition:
    _check_version(petition, version)
    _apply(petition, Action.PUBLISH)
    petition.published_on = today
    petition.threshold = threshold_setting()
    petition.collection_ends_on = lifecycle.collection_ends_on(today, collection_days_setting())
    ends_on = petition.collection_ends_on
    _record_decision(petition, actor, today, "published", published_on=today, ends_on=ends_on)
    _notify_author(
        petition,
        f"Петицію № {petition.id} оприлюднено",
        f"Вашу петицію «{petition.title}» оприлюднено {today:%d.%m.%Y}.\n"
        f"Збір підписів триває до {petition.collection_ends_on:%d.%m.%Y}; "
        f"потрібно {agree(petition.threshold, SIGNATURE)}.\n{_url(f'/petitions/{petition.id}')}\n",
        "petition.published",
    )
    return petition


def _finalise_refusal(petition: Petition, reason: RefusalReasonRow, actor, today: dt.date) -> None:
    petition.refused_on = today
    petition.is_text_hidden = reason.is_hidden
    _record_decision(
        petition,
        actor,
        today,
        "refused",
        reason=reason.code,
        legal_basis=reason.legal_basis,
        explanation=petition.refusal_explanation,
        duplicate_of=petition.duplicate_of_id,
    )
    text = f"Підстава: {reason.title} ({reason.legal_basis}).\n{reason.public_explanation}\n"
    if petition.refusal_explanation:
        text += f"Пояснення модератора: {petition.refusal_explanation}\n"
    _notify_author(
        petition,
        f"Відмова в оприлюдненні петиції № {petition.id}",
        f"Вашу петицію «{petition.title}» не оприлюднено.\n{text}",
        "petition.refused",
    )


def refuse_petition(
    petition: Petition,
    *,
    actor,
    version: int | None,
    reason_code: str,
    explanation: str = "",
    duplicate_of_id: int | None = None,
    today: dt.date,
) -> Petition:
    """Refuse with a reason; reasons needing a second moderator are only proposed here."""
    _check_version(petition, version)
    ensure_refusal_reasons()
    row = db.session.get(RefusalReasonRow, reason_code)
    if row is None:
        raise PetitionError("Оберіть підставу відмови з переліку.", "reason")
    reason = reason_of(row)
    errors = lifecycle.check_refusal(reason, explanation, duplicate_of_id)
    if duplicate_of_id and "duplicate_of" not in errors:
        original = db.session.get(Petition, duplicate_of_id)
        if original is None or original.id == petition.id:
            errors["duplicate_of"] = f"Петиції № {duplicate_of_id} немає."
    if errors:
        field, message = next(iter(errors.items()))
        raise PetitionError(message, field)
    _apply(petition, lifecycle.refusal_action(reason))
    petition.refusal_reason_code = row.code
    petition.refusal_explanation = explanation.strip()
    petition.duplicate_of_id = duplicate_of_id if row.code == "duplicate" else None
    if petition.state_enum == State.REFUSAL_PENDING:
        petition.refusal_proposed_by_id = getattr(actor, "id", None)
        _release_lock(petition)
        _audit("refusal_proposed", petition, actor=actor, reason=row.code)
    else:
        _finalise_refusal(petition, row, actor, today)
    return petition


def confirm_refusal(petition: Petition, *, actor, version: int | None, today: dt.date) -> Petition:
    _check_version(petition, version)
    problem = lifecycle.check_second_moderator(petition.refusal_proposed_by_id, actor.id)
    if problem:
        raise PetitionError(problem)
    _apply(petition, Action.CONFIRM_REFUSAL)
    reason = db.session.get(RefusalReasonRow, petition.refusal_reason_code)
    _finalise_refusal(petition, reason, actor, today)
    return petition


def reject_refusal(petition: Petition, *, actor, version: int | None) -> Petition:
    _check_version(petition, version)
    problem = lifecycle.check_second_moderator(petition.refusal_proposed_by_id, actor.id)
    if problem:
        raise PetitionError(problem)
    reason = petition.refusal_reason_code
    _apply(petition, Action.REJECT_REFUSAL)
    petition.refusal_reason_code = None
    petition.refusal_explanation = ""
    petition.refusal_proposed_by_id = None
    petition.duplicate_of_id = None
    _audit("refusal_rejected", petition, actor=actor, reason=reason)
    return petition


def restore_petition(petition: Petition, *, actor, version: int | None, today: dt.date) -> Petition:
    """Admin: a wrongly refused petition goes back to moderation with a fresh clock."""
    _check_version(petition, version)
    old_reason = petition.refusal_reason_code
    _apply(petition, Action.RESTORE)
    calendar = get_calendar()
    petition.refusal_reason_code = None
    petition.refusal_explanation = ""
    petition.refusal_proposed_by_id = None
    petition.duplicate_of_id = None
    petition.refused_on = None
    petition.decided_on = None
    petition.decided_by_id = None
    petition.is_text_hidden = False
    petition.moderation_due_on = lifecycle.moderation_due_on(calendar, today)
    petition.calendar_version = calendar.version
    _audit("restored", petition, actor=actor, previous_reason=old_reason)
    return petition


def take_down_petition(
    petition: Petition, *, actor, version: int | None, reason: str, today: dt.date
) -> Petition:
    _check_version(petition, version)
    if not reason.strip():
        raise PetitionError("Вкажіть причину зняття з публікації.", "reason")
    sync_state(petition, today=today, actor=actor)
    _apply(petition, Action.TAKE_DOWN)
    petition.taken_down_on = today
    petition.takedown_reason = reason.strip()
    _audit("taken_down", petition, actor=actor, reason=petition.takedown_reason)
    return petition


def correct_petition(
    petition: Petition, *, actor, version: int | None, title: str, text: str
) -> Petition:
    """Correct typos before publication; the diff stays in the audit trail."""
    _check_version(petition, version)
    _apply(petition, Action.CORRECT)
    title, text = title.strip(), text.strip()
    if (title, text) == (petition.title, petition.text):
        return petition
    diff = "\n".join(
        difflib.unified_diff(
            [petition.title, *petition.text.splitlines()],
            [title, *text.splitlines()],
            "before",
            "after",
            lineterm="",
        )
    )
    petition.title, petition.text = title, text
    petition.search_text = _search_text(title, text)
    _audit("corrected", petition, actor=actor, diff=diff)
    return petition


def start_consideration(
    petition: Petition, *, actor, version: int | None, notice_on: dt.date, today: dt.date
) -> Petition:
    """Record the notice of the start of consideration; the 10-working-day clock starts."""
    _check_version(petition, version)
    sync_state(petition, today=today, actor=actor)
    if notice_on > today:
        raise PetitionError("Дата повідомлення не може бути в майбутньому.", "notice_on")
    if petition.closed_on and notice_on < petition.closed_on:
        raise PetitionError("Розгляд не може початися до завершення збору підписів.", "notice_on")
    _apply(petition, Action.START_CONSIDERATION)
    calendar = get_calendar()
    petition.consideration_started_on = notice_on
    petition.answer_due_on = lifecycle.answer_due_on(calendar, notice_on)
    petition.calendar_version = calendar.version
    _audit(
        "consideration_started",
        petition,
        actor=actor,
        notice_on=notice_on,
        due_on=petition.answer_due_on,
        calendar=calendar.version,
    )
    return petition


ANSWER_OUTCOMES = {
    "supported": "підтримано",
    "partly": "підтримано частково",
    "not_supported": "не підтримано",
}


def record_answer(
    petition: Petition,
    *,
    actor,
    version: int | None,
    outcome: str,
    text: str,
    url: str = "",
    answered_on: dt.date,
    today: dt.date,
) -> Petition:
    _check_version(petition, version)
    sync_state(petition, today=today, actor=actor)
    if outcome not in ANSWER_OUTCOMES:
        raise PetitionError("Оберіть результат розгляду.", "outcome")
    if not text.strip():
        raise PetitionError("Введіть текст відповіді.", "text")
    if url.strip() and not url.strip().startswith(("http://", "https://")):
        raise PetitionError("Посилання має починатися з http:// або https://.", "url")
    if answered_on > today:
        raise PetitionError("Дата відповіді не може бути в майбутньому.", "answered_on")
    if petition.closed_on and answered_on < petition.closed_on:
        raise PetitionError(
            "Відповідь не може передувати завершенню збору підписів.", "answered_on"
        )
    _apply(petition, Action.ANSWER)
    petition.answer_outcome = outcome
    petition.answer_text = text.strip()
    petition.answer_url = url.strip()
    petition.answered_on = answered_on
    _audit(
        "answered",
        petition,
        actor=actor,
        outcome=outcome,
        answered_on=answered_on,
        in_time=lifecycle.in_time(answered_on, petition.answer_due_on),
    )
    _notify_author(
        petition,
        f"Відповідь на петицію № {petition.id}",
        f"На вашу петицію «{petition.title}» надано відповідь "
        f"({ANSWER_OUTCOMES[outcome]}):\n\n{petition.answer_text}\n\n"
        f"{_url(f'/petitions/{petition.id}')}\n",
        "petition.answered",
    )
    _notify_signers(petition)
    return petition


def _notify_signers(petition: Petition) -> None:
    """Mail the answer to every confirmed, still valid signer who asked for it at signing."""
    addresses = db.session.scalars(
        select(Signature.email)
        .where(
            Signature.petition_id == petition.id,
            Signature.notify_on_answer.is_(True),
            Signature.confirmed_at.is_not(None),
            Signature.invalidated_at.is_(None),
            Signature.email.is_not(None),
        )
        .order_by(Signature.id)
    )
    for address in addresses:
        send_mail(
            address,
            f"Відповідь на петицію № {petition.id}, яку ви підписали",
            "Добрий день!\n\n"
            f"На електронну петицію № {petition.id} «{petition.title}», яку ви підписали, "
            f"надано відповідь ({ANSWER_OUTCOMES[petition.answer_outcome]}):\n\n"
            f"{petition.answer_text}\n\n{_url(f'/petitions/{petition.id}')}\n\n"
            "Ви отримали цей лист, бо під час підписання попросили повідомити вас про "
            "відповідь.\n",
            category="petition.answered_signer",
        )


def archive_petition(petition: Petition, *, actor, version: int | None, today: dt.date) -> Petition:
    _check_version(petition, version)
    sync_state(petition, today=today, actor=actor)
    _apply(petition, Action.ARCHIVE)
    petition.archived_on = today
    _audit("archived", petition, actor=actor)
    return petition


# --- time-driven work (the personal-data purge is in retention.py) ---------------------------


def tick(*, today: dt.date, actor=None) -> list[Petition]:
    """Record every transition due by ``today`` (what pages compute on read).

    Every petition in the state the clock moves is loaded and ``lifecycle.closing`` decides
    (no SQL copy of the rule); collecting petitions are few (one city's dozens).
    """
    due = db.session.scalars(
        select(Petition).where(Petition.state == lifecycle.CLOSES_FROM.value).order_by(Petition.id)
    )
    return [p for p in due if sync_state(p, today=today, actor=actor)]


# Deadlines follow the calendar: connects to workcalendar's calendar_changed signal.
from civic.petitions import deadlines  # noqa: E402, F401
