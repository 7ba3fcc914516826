"""Petition operations: load models, ask the pure core (lifecycle, screening), write, flush.

Views and CLI commands commit once. Every action is an audited transition.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import hmac
import ipaddress
import logging
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import and_, case, func, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from civic.audit.models import AuditEvent
from civic.audit.services import record_event
from civic.database import KYIV, paginate_rows, utcnow
from civic.extensions import db
from civic.formatting import short_name
from civic.mail import services as mail_services
from civic.mail.services import send_mail
from civic.petitions import lifecycle, screening, signing
from civic.petitions.lifecycle import Action, State
from civic.petitions.models import Invalidation, Petition, RefusalReasonRow, Signature
from civic.reports.plural import agree
from civic.workcalendar.services import calendar_changed, get_calendar

log = logging.getLogger(__name__)

LOCK_MINUTES = 30
SIGNERS_PER_PAGE = 100  # the public list of signers
SIGNERS_ON_PETITION = 20  # the first of them, on the petition's page


class PetitionError(ValueError):
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


# --- settings and small helpers -----------------------------------------------------------


def threshold_setting() -> int:
    return int(current_app.config.get("PETITION_SIGNATURE_THRESHOLD", lifecycle.DEFAULT_THRESHOLD))


def collection_days_setting() -> int:
    return int(
        current_app.config.get("PETITION_COLLECTION_DAYS", lifecycle.DEFAULT_COLLECTION_DAYS)
    )


def retention_days_setting() -> int:
    cfg = current_app.config
    return int(cfg.get("PETITION_RETENTION_DAYS") or cfg.get("RETENTION_DAYS", 90))


def kyiv_date(moment: dt.datetime) -> dt.date:
    """The legal date (Europe/Kyiv) of an aware timestamp."""
    return moment.astimezone(KYIV).date()


def today_kyiv() -> dt.date:
    return kyiv_date(utcnow())


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    """Keyed hash of the canonical mailbox (gmail dots and ``+tag`` folded, see mailboxes.py)."""
    key = current_app.config["PERSONAL_DATA_KEY"].encode("utf-8")
    canonical = signing.canonical_address(normalise_email(email))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


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
    record_event(
        f"petition.{action}",
        object_type="petition",
        object_id=petition.id,
        details={"state": petition.state, **details},
        actor=actor,
    )


def _release_lock(petition: Petition) -> None:
    petition.locked_by_id = None
    petition.locked_at = None


# --- refusal reasons ---------------------------------------------------------------------


def ensure_refusal_reasons() -> int:
    """Insert the catalogue's reasons that are missing (idempotent); returns how many."""
    have = set(db.session.scalars(select(RefusalReasonRow.code)))
    added = 0
    for order, reason in enumerate(lifecycle.REFUSAL_REASONS):
        if reason.code in have:
            continue
        db.session.add(
            RefusalReasonRow(
                code=reason.code,
                title=reason.title,
                legal_basis=reason.legal_basis,
                public_explanation=reason.public_explanation,
                is_hidden=reason.is_hidden,
                needs_second_moderator=reason.needs_second_moderator,
                needs_text=reason.needs_text,
                sort_order=order,
            )
        )
        added += 1
    if added:
        db.session.flush()
    return added


def list_refusal_reasons() -> list[RefusalReasonRow]:
    ensure_refusal_reasons()
    return list(db.session.scalars(select(RefusalReasonRow).order_by(RefusalReasonRow.sort_order)))


def _reason(row: RefusalReasonRow) -> lifecycle.RefusalReason:
    return lifecycle.RefusalReason(
        row.code,
        row.title,
        row.legal_basis,
        row.public_explanation,
        row.is_hidden,
        row.needs_second_moderator,
        row.needs_text,
    )


# --- reading ----------------------------------------------------------------------------


def get_petition(petition_id: int) -> Petition | None:
    return db.session.get(Petition, petition_id)


def effective_state(petition: Petition, today: dt.date) -> State:
    return lifecycle.effective_state(
        petition.state_enum,
        petition.collection_ends_on,
        petition.signature_count,
        petition.threshold or threshold_setting(),
        today,
    )


def _closing_clause(today: dt.date, reached: bool):
    """SQL twin of lifecycle.closing for filtering lists on read."""
    count_ok = (
        Petition.signature_count >= Petition.threshold
        if reached
        else Petition.signature_count < Petition.threshold
    )
    return and_(
        Petition.state == State.COLLECTING.value, Petition.collection_ends_on < today, count_ok
    )


def state_clause(state: State, today: dt.date):
    """Petitions whose *effective* state is ``state`` on ``today``."""
    if state == State.COLLECTING:
        return and_(Petition.state == state.value, Petition.collection_ends_on >= today)
    if state == State.CONSIDERATION:
        return or_(Petition.state == state.value, _closing_clause(today, True))
    if state == State.NOT_SUPPORTED:
        return or_(Petition.state == state.value, _closing_clause(today, False))
    return Petition.state == state.value


def public_clause():
    return Petition.state.in_([s.value for s in lifecycle.PUBLIC_STATES])


def _search_text(title: str, text: str) -> str:
    return screening.normalise(f"{title}\n{text}")


def search_clause(q: str):
    """Petitions whose title or text holds every word of ``q`` (case, apostrophes and
    look-alike letters folded)."""
    words = screening.normalise(q).replace("\\", "").replace("%", "").replace("_", " ").split()
    if not words:
        return true()
    return and_(*(Petition.search_text.like(f"%{word}%") for word in words[:10]))


SIGNATURE = ("підпис", "підписи", "підписів")
# The public list's orders: the query parameter ``sort`` → its label.
PUBLIC_SORTS = {
    "newest": "спершу нові",
    "signatures": "за кількістю підписів",
    "ending": "збір скоро завершиться",
}


def list_public(
    *,
    today: dt.date,
    status: str | None = None,
    q: str | None = None,
    sort: str = "newest",
    page=1,
):
    query = select(Petition).where(public_clause())
    if status:
        query = query.where(state_clause(State(status), today))
    if q:
        query = query.where(search_clause(q))
    newest = (Petition.published_on.desc(), Petition.id.desc())
    if sort == "signatures":
        query = query.order_by(Petition.signature_count.desc(), *newest)
    elif sort == "ending":
        # Petitions still collecting, the nearest end first; then the rest, newest first.
        collecting = state_clause(State.COLLECTING, today)
        query = query.order_by(
            case((collecting, 0), else_=1),
            case((collecting, Petition.collection_ends_on), else_=None),
            *newest,
        )
    else:
        query = query.order_by(*newest)
    return db.paginate(query, page=page, per_page=20, error_out=False)


def _counted_signatures(petition_id: int):
    return select(Signature).where(
        Signature.petition_id == petition_id,
        Signature.confirmed_at.is_not(None),
        Signature.invalidated_at.is_(None),
    )


def list_signers(petition: Petition) -> list[Signature]:
    """Every counted signature in the order of confirmation (exports, moderators' checks)."""
    query = _counted_signatures(petition.id).order_by(Signature.confirmed_at, Signature.id)
    return list(db.session.scalars(query))


def signers_page(petition: Petition, *, page: int = 1, per_page: int | None = None):
    """One page of the public list of signers (name and date rows), oldest first.

    The total is the petition's counter, which every confirmation and invalidation keeps equal
    to the number of counted signatures (``civic petitions tick`` recounts).
    """
    query = (
        _counted_signatures(petition.id)
        .with_only_columns(Signature.full_name, Signature.confirmed_at)
        .order_by(Signature.confirmed_at, Signature.id)
    )
    per_page = per_page or SIGNERS_PER_PAGE
    return paginate_rows(
        query, page=max(page, 1), per_page=per_page, total=petition.signature_count
    )


def suggest_similar(
    title: str, *, today: dt.date, exclude: int | None = None, include_moderation: bool = False
):
    """Petitions still collecting or under consideration with a similar title.

    Moderators (``include_moderation``) also see petitions waiting in the queue; the public
    never sees titles that are not published.
    """
    live = [state_clause(State.COLLECTING, today), state_clause(State.CONSIDERATION, today)]
    if include_moderation:
        live.append(Petition.state.in_([s.value for s in lifecycle.IN_MODERATION]))
    rows = db.session.execute(select(Petition.id, Petition.title).where(or_(*live))).all()
    return screening.similar_titles(title, [(r.id, r.title) for r in rows if r.id != exclude])


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
    db.session.flush()
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
    petition.confirmed_on = kyiv_date(now)
    petition.moderation_due_on = lifecycle.moderation_due_on(calendar, petition.confirmed_on)
    petition.calendar_version = calendar.version
    db.session.flush()
    _audit("confirmed", petition, due_on=petition.moderation_due_on, calendar=calendar.version)
    return petition


def withdraw_petition(petition: Petition, *, today: dt.date) -> Petition:
    """The author withdraws before publication (the law is silent; allowed only before it)."""
    _apply(petition, Action.WITHDRAW)
    petition.withdrawn_on = today
    petition.author_token_hash = None
    _release_lock(petition)
    db.session.flush()
    _audit("withdrawn", petition)
    return petition


# --- moderation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LockInfo:
    holder: str | None  # who else is working on it (login / name), None if nobody


def open_for_moderation(petition: Petition, user, *, now: dt.datetime) -> LockInfo:
    """Take the soft lock unless another moderator took it within LOCK_MINUTES.

    The lock is written with a plain UPDATE so it does not bump the optimistic version.
    """
    fresh = petition.locked_at is not None and now - petition.locked_at < dt.timedelta(
        minutes=LOCK_MINUTES
    )
    if fresh and petition.locked_by_id not in (None, user.id):
        holder = petition.locked_by
        return LockInfo(
            short_name(holder.full_name) or holder.login if holder else "інший модератор"
        )
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id)
        .values(locked_by_id=user.id, locked_at=now)
        .execution_options(synchronize_session=False)
    )
    return LockInfo(None)


def _moderation_started_on(petition: Petition) -> dt.date | None:
    """The day the 2-working-day clock started: confirmation, or the latest restoration."""
    restored = db.session.scalar(
        select(AuditEvent.created_at)
        .where(
            AuditEvent.object_type == "petition",
            AuditEvent.object_id == str(petition.id),
            AuditEvent.action == "petition.restored",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return kyiv_date(restored) if restored is not None else petition.confirmed_on


@calendar_changed.connect
def recompute_deadlines(_sender=None, **_) -> int:
    """After a day off (or a working day, a martial-law period) is declared or removed, the
    open clocks follow the calendar in force: a moderation deadline counts its 2 working days
    and an answer deadline its 10 again from their start. Returns how many moved (flushes)."""
    calendar = get_calendar()
    moderation = [s.value for s in lifecycle.IN_MODERATION]
    open_clocks = db.session.scalars(
        select(Petition).where(
            or_(
                Petition.state.in_(moderation) & Petition.moderation_due_on.is_not(None),
                (Petition.state == State.CONSIDERATION.value)
                & Petition.consideration_started_on.is_not(None),
            ),
            or_(Petition.calendar_version.is_(None), Petition.calendar_version != calendar.version),
        )
    )
    moved = 0
    for petition in open_clocks:
        if petition.state in moderation:
            start = _moderation_started_on(petition)
            field = "moderation_due_on"
            due = lifecycle.moderation_due_on(calendar, start) if start else None
        else:
            field = "answer_due_on"
            due = lifecycle.answer_due_on(calendar, petition.consideration_started_on)
        petition.calendar_version = calendar.version
        old = getattr(petition, field)
        if due is not None and due != old:
            setattr(petition, field, due)
            _audit(
                "deadline_moved",
                petition,
                deadline=field,
                old=old,
                new=due,
                calendar=calendar.version,
            )
            moved += 1
    db.session.flush()
    return moved


def leave_moderation(petition: Petition, user) -> bool:
    """The moderator closed the petition's page: their soft lock goes (another's stays).

    A plain UPDATE like the lock itself, so the optimistic version does not move. True if a
    lock was released.
    """
    result = db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id, Petition.locked_by_id == user.id)
        .values(locked_by_id=None, locked_at=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def lock_holder(petition: Petition, *, now: dt.datetime) -> str | None:
    """Who is working on the petition now (a lock younger than LOCK_MINUTES), for lists."""
    if petition.locked_at is None or petition.locked_by is None:
        return None
    if now - petition.locked_at >= dt.timedelta(minutes=LOCK_MINUTES):
        return None
    return short_name(petition.locked_by.full_name) or petition.locked_by.login


def moderation_queue(today: dt.date) -> dict[str, list[Petition]]:
    rows = db.session.scalars(
        select(Petition)
        .where(Petition.state.in_([s.value for s in lifecycle.IN_MODERATION]))
        .options(selectinload(Petition.locked_by))
        .order_by(Petition.moderation_due_on, Petition.id)
    )
    buckets: dict[str, list[Petition]] = {b: [] for b in lifecycle.BUCKET_LABELS}
    for petition in rows:
        buckets[lifecycle.queue_bucket(petition.moderation_due_on, today)].append(petition)
    return buckets


def consideration_queue(today: dt.date) -> list[Petition]:
    """Published petitions that need the council's action (consideration, appeals)."""
    return list(
        db.session.scalars(
            select(Petition)
            .where(
                or_(
                    state_clause(State.CONSIDERATION, today),
                    state_clause(State.NOT_SUPPORTED, today),
                )
            )
            .order_by(Petition.answer_due_on.is_(None).desc(), Petition.answer_due_on, Petition.id)
        )
    )


def sync_state(petition: Petition, *, today: dt.date, actor=None) -> bool:
    """Record the time-driven transition due by ``today`` (the one tick makes); True if any."""
    due = lifecycle.closing(
        petition.state_enum,
        petition.collection_ends_on,
        petition.signature_count,
        petition.threshold or threshold_setting(),
        today,
    )
    if due is None:
        return False
    _apply(petition, Action.CLOSE_REACHED if due.reached else Action.CLOSE_MISSED)
    petition.closed_on = due.closed_on
    petition.reached_threshold = due.reached
    if not due.reached:
        petition.answer_due_on = lifecycle.appeal_due_on(due.closed_on)
    db.session.flush()
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
    petition.decided_on = today
    petition.decided_by_id = getattr(actor, "id", None)
    petition.threshold = threshold_setting()
    petition.collection_ends_on = lifecycle.collection_ends_on(today, collection_days_setting())
    petition.author_token_hash = None
    _release_lock(petition)
    db.session.flush()
    _audit(
        "published",
        petition,
        actor=actor,
        published_on=today,
        ends_on=petition.collection_ends_on,
        in_time=lifecycle.in_time(today, petition.moderation_due_on),
    )
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
    petition.decided_on = today
    petition.decided_by_id = getattr(actor, "id", None)
    petition.is_text_hidden = reason.is_hidden
    petition.author_token_hash = None
    _release_lock(petition)
    db.session.flush()
    _audit(
        "refused",
        petition,
        actor=actor,
        reason=reason.code,
        legal_basis=reason.legal_basis,
        explanation=petition.refusal_explanation,
        duplicate_of=petition.duplicate_of_id,
        in_time=lifecycle.in_time(today, petition.moderation_due_on),
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
    reason = _reason(row)
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
        db.session.flush()
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
    db.session.flush()
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
    db.session.flush()
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
    db.session.flush()
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
    db.session.flush()
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
    db.session.flush()
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
    db.session.flush()
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
    db.session.flush()
    _audit("archived", petition, actor=actor)
    return petition


# --- signatures ---------------------------------------------------------------------------


def sign_petition(
    petition: Petition,
    full_name: str,
    email: str,
    *,
    ip: str | None,
    now: dt.datetime,
    notify_on_answer: bool = False,
) -> Signature:
    """Record an unconfirmed signature and mail its confirmation link.

    One signature per normalised e-mail per petition is enforced by a unique constraint; a
    second unconfirmed attempt gets a fresh link (and the latest answer-mail choice), a
    confirmed one is refused.
    """
    today = kyiv_date(now)
    if not lifecycle.can_sign(petition.state_enum, petition.collection_ends_on, today):
        raise PetitionError("Збір підписів під цією петицією не триває.")
    hashed_email = email_hash(email)
    problem = signing.refusal(petition, email, hashed_email, ip=ip, now=now)
    if problem:
        raise PetitionError(problem, "email")
    raw, token_hash = _token()
    existing = db.session.scalar(
        select(Signature).where(
            Signature.petition_id == petition.id, Signature.email_hash == hashed_email
        )
    )
    if existing is None:
        signature = Signature(
            petition_id=petition.id,
            full_name=full_name.strip(),
            email=normalise_email(email),
            email_hash=hashed_email,
            email_domain=normalise_email(email).rpartition("@")[2],
            ip=ip,
            created_at=now,
            token_hash=token_hash,
            confirmation_mailed_at=now,
            notify_on_answer=notify_on_answer,
        )
        try:
            with db.session.begin_nested():
                db.session.add(signature)
        except IntegrityError:
            # A parallel request with the same address won the race.
            raise PetitionError(
                "З цієї адреси петицію вже підписано або підпис очікує "
                "підтвердження; перевірте пошту.",
                "email",
            ) from None
    else:
        if existing.confirmed_at is not None or existing.invalidated_at is not None:
            raise PetitionError("З цієї адреси петицію вже підписано.", "email")
        signature = existing
        _renew_confirmation(signature, full_name.strip(), token_hash, now=now)
        signature.notify_on_answer = notify_on_answer
    _mail_confirmation_link(signature, petition, raw)
    return signature


def confirmation_mail_minutes_setting() -> int:
    return int(current_app.config.get("PETITION_CONFIRMATION_MAIL_MINUTES", 15))


def _still_pending(signature_id: int):
    """The row's condition for a conditional UPDATE: neither confirmed nor invalidated yet, so
    of parallel requests only the first to change it wins."""
    return and_(
        Signature.id == signature_id,
        Signature.confirmed_at.is_(None),
        Signature.invalidated_at.is_(None),
    )


def _renew_confirmation(signature: Signature, full_name: str, token_hash: str, *, now) -> None:
    """A repeated signing with an unconfirmed address: a fresh link, at most one mail per
    address and petition per ``PETITION_CONFIRMATION_MAIL_MINUTES``.

    One conditional UPDATE claims the right to mail, so of parallel repeats at most one wins;
    inside the window nothing changes and the link already mailed stays valid.
    """
    minutes = confirmation_mail_minutes_setting()
    changed = db.session.execute(
        update(Signature)
        .where(
            _still_pending(signature.id),
            or_(
                Signature.confirmation_mailed_at.is_(None),
                Signature.confirmation_mailed_at <= now - dt.timedelta(minutes=minutes),
            ),
        )
        .values(full_name=full_name, token_hash=token_hash, confirmation_mailed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed == 1:
        mail_services.forget_secret(signature.token_hash)  # the earlier link is replaced
        for key, value in (
            ("full_name", full_name),
            ("token_hash", token_hash),
            ("confirmation_mailed_at", now),
        ):
            set_committed_value(signature, key, value)
        return
    db.session.refresh(signature)
    if signature.confirmed_at is not None or signature.invalidated_at is not None:
        raise PetitionError("З цієї адреси петицію вже підписано.", "email")
    mailed = signature.confirmation_mailed_at.astimezone(KYIV)
    again = mailed + dt.timedelta(minutes=minutes)
    raise PetitionError(
        f"Лист із посиланням для підтвердження вже надіслано на цю адресу "
        f"{mailed:%d.%m.%Y о %H:%M}. Перевірте пошту (і теку «Спам»); новий лист можна "
        f"надіслати не раніше ніж через {minutes} хв після попереднього — о {again:%H:%M}.",
        "email",
    )


def _mail_confirmation_link(signature: Signature, petition: Petition, raw: str) -> None:
    """The confirmation mail carries nothing the signer typed.

    It goes to an address nobody has proven yet, so whatever the form let through (the name)
    would be text a stranger makes the council's server deliver: the name is shown on the
    confirmation page behind the link instead, where the owner of the address checks it.
    """
    send_mail(
        signature.email,
        f"Підтвердьте підпис під петицією № {petition.id}",
        "Добрий день!\n\n"
        f"На цю адресу надійшов запит підписати електронну петицію № {petition.id} "
        f"«{petition.title}».\n"
        "Щоб підпис було зараховано, відкрийте посилання, перевірте ім'я підписанта і "
        f"натисніть «Підтвердити підпис»:\n{_url(f'/petitions/signatures/{raw}')}\n\n"
        "Якщо ви не підписували петицію, проігноруйте цей лист: без підтвердження підпис не "
        "зараховують.\n",
        category="petition.signature",
        secret=raw,
    )


def signature_by_token(raw: str) -> Signature | None:
    if not raw:
        return None
    return db.session.scalar(select(Signature).where(Signature.token_hash == _token_hash(raw)))


class SignatureAlreadyCounted(PetitionError):
    def __init__(self):
        super().__init__("Цей підпис уже підтверджено й зараховано; повторно його не рахують.")


def confirm_signature(signature: Signature, *, now: dt.datetime) -> Petition:
    """Count the signature once (the token is spent).

    The row is confirmed by one conditional UPDATE and the counter moves only if that UPDATE
    changed the row: of many parallel requests with one link exactly one counts, the others
    get ``SignatureAlreadyCounted`` (PostgreSQL re-checks the condition after the winner's row
    lock is released; SQLite runs one writer at a time).
    """
    petition = db.session.get(Petition, signature.petition_id)
    if not lifecycle.can_sign(petition.state_enum, petition.collection_ends_on, kyiv_date(now)):
        raise PetitionError("Збір підписів під цією петицією вже завершено.")
    changed = db.session.execute(
        update(Signature)
        .where(_still_pending(signature.id))
        .values(confirmed_at=now, token_hash=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise SignatureAlreadyCounted()
    mail_services.forget_secret(signature.token_hash)  # the mailed link is spent
    set_committed_value(signature, "confirmed_at", now)
    set_committed_value(signature, "token_hash", None)
    count = db.session.execute(
        update(Petition)
        .where(Petition.id == petition.id)
        .values(signature_count=Petition.signature_count + 1)
        .returning(Petition.signature_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    set_committed_value(petition, "signature_count", count)  # what the database now holds
    return petition


def _count_clause():
    return and_(Signature.confirmed_at.is_not(None), Signature.invalidated_at.is_(None))


def _recount_locked(petition_id: int) -> tuple[int, int]:
    """Set the petition's counter to its counted rows; returns (stored before, counted).

    A no-op UPDATE first takes the petition's row lock (PostgreSQL) or the write lock
    (SQLite), so the count below sees every confirmation committed before it, and a
    confirmation still in flight adds its +1 after this transaction: none is lost.
    """
    db.session.execute(
        update(Petition)
        .where(Petition.id == petition_id)
        .values(signature_count=Petition.signature_count)
        .execution_options(synchronize_session=False)
    )
    stored = db.session.scalar(select(Petition.signature_count).where(Petition.id == petition_id))
    count = int(
        db.session.scalar(
            select(func.count(Signature.id)).where(
                Signature.petition_id == petition_id, _count_clause()
            )
        )
        or 0
    )
    if stored != count:
        db.session.execute(
            update(Petition)
            .where(Petition.id == petition_id)
            .values(signature_count=count)
            .execution_options(synchronize_session=False)
        )
    return int(stored or 0), count


def _recount(petition_id: int) -> int:
    return _recount_locked(petition_id)[1]


@dataclass(frozen=True)
class CounterCorrection:
    petition_id: int
    stored: int
    counted: int


def recount_signatures(*, actor=None) -> list[CounterCorrection]:
    """Recount every collecting petition's counter from its rows; audit and log each correction.

    One grouped count finds the suspects; each is recounted under its row lock, and only a
    difference that is still there then is corrected (a confirmation in between is no error).
    """
    collecting = select(Petition.id).where(Petition.state == State.COLLECTING.value)
    counts = dict(
        db.session.execute(
            select(Signature.petition_id, func.count(Signature.id))
            .where(Signature.petition_id.in_(collecting), _count_clause())
            .group_by(Signature.petition_id)
        ).all()
    )
    stored = db.session.execute(
        select(Petition.id, Petition.signature_count).where(Petition.id.in_(collecting))
    ).all()
    corrections = []
    for petition_id, count in sorted(stored):
        if count == counts.get(petition_id, 0):
            continue
        before, after = _recount_locked(petition_id)
        if before == after:
            continue
        corrections.append(CounterCorrection(petition_id, before, after))
        log.warning(
            "petition %s: signature counter %s corrected to %s counted signatures",
            petition_id,
            before,
            after,
        )
        record_event(
            "petition.signature_count_corrected",
            object_type="petition",
            object_id=petition_id,
            details={"stored": before, "counted": after},
            actor=actor,
        )
    db.session.expire_all()  # counters changed behind the identity map
    return corrections


# --- bulk invalidation --------------------------------------------------------------------


@dataclass(frozen=True)
class InvalidationCriteria:
    email_domain: str = ""
    ip_network: str = ""
    signed_from: dt.datetime | None = None
    signed_to: dt.datetime | None = None

    def is_empty(self) -> bool:
        return not (self.email_domain or self.ip_network or self.signed_from or self.signed_to)


def parse_network(value: str):
    try:
        return ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise PetitionError(
            f"«{value}» — не IP-адреса чи мережа (очікувано, напр., 203.0.113.0/24).", "ip_network"
        ) from None


def _matching(
    petition: Petition,
    criteria: InvalidationCriteria,
    *,
    confirmed_before: dt.datetime | None = None,
) -> list[Signature]:
    """Counted signatures matching ``criteria`` (confirmed by ``confirmed_before`` if given)."""
    if criteria.is_empty():
        raise PetitionError("Вкажіть хоча б одну умову: домен, мережу або проміжок часу.")
    network = parse_network(criteria.ip_network) if criteria.ip_network else None
    query = select(Signature).where(
        Signature.petition_id == petition.id,
        Signature.confirmed_at.is_not(None),
        Signature.invalidated_at.is_(None),
    )
    if criteria.email_domain:
        query = query.where(
            Signature.email_domain == criteria.email_domain.strip().lower().lstrip("@")
        )
    if criteria.signed_from:
        query = query.where(Signature.created_at >= criteria.signed_from)
    if criteria.signed_to:
        query = query.where(Signature.created_at <= criteria.signed_to)
    if confirmed_before:
        query = query.where(Signature.confirmed_at <= confirmed_before)
    rows = list(db.session.scalars(query))
    if network is not None:
        rows = [s for s in rows if s.ip and _ip_in(s.ip, network)]
    return rows


def _ip_in(ip: str, network) -> bool:
    try:
        return ipaddress.ip_address(ip) in network
    except ValueError:
        return False


def preview_invalidation(petition: Petition, criteria: InvalidationCriteria) -> int:
    return len(_matching(petition, criteria))


def invalidation_limits() -> tuple[int, float]:
    """(signatures, share) one moderator may invalidate on a petition without a second one."""
    cfg = current_app.config
    return (
        int(cfg.get("PETITION_INVALIDATION_SOLO_COUNT", lifecycle.DEFAULT_INVALIDATION_SOLO_COUNT)),
        float(
            cfg.get("PETITION_INVALIDATION_SOLO_SHARE", lifecycle.DEFAULT_INVALIDATION_SOLO_SHARE)
        ),
    )


PROPOSED, APPLIED, REJECTED = "proposed", "applied", "rejected"


def criteria_of(record: Invalidation) -> InvalidationCriteria:
    return InvalidationCriteria(
        email_domain=record.email_domain or "",
        ip_network=record.ip_network or "",
        signed_from=record.signed_from,
        signed_to=record.signed_to,
    )


def _criteria_details(criteria: InvalidationCriteria) -> dict:
    return {
        "email_domain": criteria.email_domain,
        "ip_network": criteria.ip_network,
        "signed_from": criteria.signed_from,
        "signed_to": criteria.signed_to,
    }


def pending_invalidations(petition: Petition) -> list[Invalidation]:
    return list(
        db.session.scalars(
            select(Invalidation)
            .where(Invalidation.petition_id == petition.id, Invalidation.status == PROPOSED)
            .options(selectinload(Invalidation.created_by))
            .order_by(Invalidation.id)
        )
    )


def invalidate_signatures(
    petition: Petition, criteria: InvalidationCriteria, *, actor, reason: str, now: dt.datetime
) -> Invalidation:
    """Invalidate the matching signatures, or only propose it when, with what this petition
    has already lost, that is more than one moderator may do (``invalidation_limits``): then
    a different moderator confirms or rejects the proposal (the record's ``status``)."""
    rows = _matching(petition, criteria)
    if not reason.strip():
        raise PetitionError("Вкажіть причину анулювання.", "reason")
    pending = next(iter(pending_invalidations(petition)), None)
    if pending is not None:
        raise PetitionError(
            f"Пропозиція анулювання № {pending.id} ({agree(pending.count, SIGNATURE)}) ще чекає "
            "другого модератора: спершу її мають підтвердити або відхилити."
        )
    already, ever_counted = db.session.execute(
        select(
            func.count(Signature.id).filter(Signature.invalidated_at.is_not(None)),
            func.count(Signature.id),
        ).where(Signature.petition_id == petition.id, Signature.confirmed_at.is_not(None))
    ).one()
    solo_count, solo_share = invalidation_limits()
    proposal = lifecycle.invalidation_needs_second_moderator(
        already=already,
        matched=len(rows),
        ever_counted=ever_counted,
        solo_count=solo_count,
        solo_share=solo_share,
    )
    record = Invalidation(
        petition_id=petition.id,
        created_at=now,
        created_by_id=getattr(actor, "id", None),
        email_domain=criteria.email_domain,
        ip_network=criteria.ip_network,
        signed_from=criteria.signed_from,
        signed_to=criteria.signed_to,
        reason=reason.strip(),
        count=len(rows),
        status=PROPOSED if proposal else APPLIED,
        decided_by_id=None if proposal else getattr(actor, "id", None),
        decided_at=None if proposal else now,
    )
    db.session.add(record)
    db.session.flush()
    if proposal:
        _audit(
            "invalidation_proposed",
            petition,
            actor=actor,
            invalidation=record.id,
            count=len(rows),
            already_invalidated=already,
            solo_count=solo_count,
            solo_share=solo_share,
            reason=record.reason,
            **_criteria_details(criteria),
        )
        return record
    _apply_invalidation(petition, record, rows, actor=actor, now=now)
    return record


def _apply_invalidation(petition, record: Invalidation, rows, *, actor, now, **details) -> None:
    ids = [s.id for s in rows]
    if ids:
        db.session.execute(
            update(Signature)
            .where(Signature.id.in_(ids), Signature.invalidated_at.is_(None))
            .values(invalidated_at=now, invalidation_id=record.id)
            .execution_options(synchronize_session=False)
        )
    for signature in rows:
        set_committed_value(signature, "invalidated_at", now)
        set_committed_value(signature, "invalidation_id", record.id)
    remaining = _recount(petition.id)
    db.session.refresh(petition)
    _audit(
        "signatures_invalidated",
        petition,
        actor=actor,
        invalidation=record.id,
        count=len(rows),
        remaining=remaining,
        reason=record.reason,
        **_criteria_details(criteria_of(record)),
        **details,
    )


def _decide_invalidation(petition: Petition, invalidation_id: int, actor, status: str, now):
    """Claim a proposal for ``status`` (one conditional UPDATE: one decision wins)."""
    record = db.session.get(Invalidation, invalidation_id)
    if record is None or record.petition_id != petition.id:
        raise PetitionError(f"Пропозиції анулювання № {invalidation_id} немає.")
    problem = lifecycle.check_invalidation_decider(record.created_by_id, actor.id)
    if problem:
        raise PetitionError(problem)
    claimed = db.session.execute(
        update(Invalidation)
        .where(Invalidation.id == record.id, Invalidation.status == PROPOSED)
        .values(status=status, decided_by_id=actor.id, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise PetitionError(
            f"Пропозицію анулювання № {record.id} вже розглянув інший модератор; оновіть сторінку."
        )
    db.session.refresh(record)
    return record


def confirm_invalidation(
    petition: Petition, invalidation_id: int, *, actor, now: dt.datetime
) -> Invalidation:
    """A second moderator confirms: exactly the signatures the proposal matched (confirmed
    before it was made, still counted) are invalidated."""
    record = _decide_invalidation(petition, invalidation_id, actor, APPLIED, now)
    rows = _matching(petition, criteria_of(record), confirmed_before=record.created_at)
    proposed_count = record.count
    record.count = len(rows)
    db.session.flush()
    proposer = record.created_by
    _apply_invalidation(
        petition,
        record,
        rows,
        actor=actor,
        now=now,
        proposed_by=proposer.login if proposer else None,
        proposed_count=proposed_count,
    )
    return record


def reject_invalidation(
    petition: Petition, invalidation_id: int, *, actor, now: dt.datetime
) -> Invalidation:
    record = _decide_invalidation(petition, invalidation_id, actor, REJECTED, now)
    proposer = record.created_by
    _audit(
        "invalidation_rejected",
        petition,
        actor=actor,
        invalidation=record.id,
        count=record.count,
        proposed_by=proposer.login if proposer else None,
    )
    return record


# --- time-driven work: tick and the personal-data purge ------------------------------------


def tick(*, today: dt.date, actor=None) -> list[Petition]:
    """Record every transition due by ``today`` (what pages compute on read)."""
    due = db.session.scalars(
        select(Petition)
        .where(Petition.state == State.COLLECTING.value, Petition.collection_ends_on < today)
        .order_by(Petition.id)
    )
    return [p for p in due if sync_state(p, today=today, actor=actor)]


def _closed_on_expr():
    return func.coalesce(
        Petition.archived_on,
        Petition.closed_on,
        Petition.refused_on,
        Petition.withdrawn_on,
        Petition.taken_down_on,
    )


def purge_personal_data(*, today: dt.date, actor=None) -> tuple[int, int]:
    """Anonymise e-mails of petitions closed more than the retention period ago.

    Names stay public (the law requires the list of signers); e-mails go, their keyed hash
    stays so a second signature from the same address is still refused.
    """
    cutoff = today - dt.timedelta(days=retention_days_setting())
    closed = [s.value for s in lifecycle.CLOSED_STATES | {State.CONSIDERATION}]
    petitions = list(
        db.session.scalars(
            select(Petition).where(
                Petition.state.in_(closed),
                Petition.personal_data_purged_on.is_(None),
                _closed_on_expr().is_not(None),
                _closed_on_expr() <= cutoff,
            )
        )
    )
    signatures = 0
    for petition in petitions:
        result = db.session.execute(
            update(Signature)
            .where(Signature.petition_id == petition.id)
            .values(email=None, token_hash=None, ip=None, notify_on_answer=False)
            .execution_options(synchronize_session=False)
        )
        signatures += result.rowcount or 0
        petition.author_email = None
        petition.submitted_ip = None
        petition.author_token_hash = None
        petition.personal_data_purged_on = today
        db.session.flush()
        _audit("personal_data_purged", petition, actor=actor, signatures=result.rowcount)
    return len(petitions), signatures


def rehash_signatures() -> tuple[int, list[Signature]]:
    """Recompute every stored ``email_hash`` from the kept address (after the canonical form
    changed); returns how many changed and the signatures left alone because an earlier
    signature of the same petition has the same canonical mailbox (for moderators to review).

    Signatures whose address was purged keep their hash: it can no longer be recomputed.
    """
    changed, clashes = 0, []
    rows = db.session.scalars(
        select(Signature)
        .where(Signature.email.is_not(None))
        .order_by(
            Signature.petition_id,
            Signature.confirmed_at.is_(None),
            Signature.confirmed_at,
            Signature.id,
        )
    )
    taken = {
        (row.petition_id, row.email_hash)
        for row in db.session.execute(select(Signature.petition_id, Signature.email_hash))
    }
    for signature in list(rows):
        new = email_hash(signature.email)
        if new == signature.email_hash:
            continue
        if (signature.petition_id, new) in taken:
            clashes.append(signature)
            continue
        taken.discard((signature.petition_id, signature.email_hash))
        taken.add((signature.petition_id, new))
        signature.email_hash = new
        changed += 1
        db.session.flush()
    if changed or clashes:
        record_event(
            "petition.signatures_rehashed",
            details={"changed": changed, "clashes": [s.id for s in clashes]},
        )
    return changed, clashes


# --- open data ------------------------------------------------------------------------------

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
