"""Petition pages of the moderators (the ``petitions`` blueprint of :mod:`civic.petitions.views`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from civic import kyiv, web
from civic.audit.history import sentences_of
from civic.audit.models import AuditEvent
from civic.audit.services import record_event
from civic.auth.permissions import role_required
from civic.auth.roles import ADMIN, MODERATOR
from civic.database import utcnow
from civic.extensions import db
from civic.formatting import agree
from civic.petitions import (
    invalidation,
    lifecycle,
    locks,
    queries,
    refusal_reasons,
    services,
    signing,
    stats,
)
from civic.petitions.forms import (
    AnswerForm,
    ConsiderationForm,
    CorrectForm,
    InvalidateForm,
    ReasonForm,
    RefuseForm,
    VersionedForm,
)
from civic.petitions.models import Petition
from civic.petitions.views import _petition_or_404, bp

# --- staff: moderation --------------------------------------------------------------------------


@bp.route("/staff/petitions")
@role_required(MODERATOR)
def queue():
    today = services.today_kyiv()
    q = (request.args.get("q") or "").strip()
    found = []
    if q:
        query = select(Petition).order_by(Petition.id.desc()).limit(50)
        query = (
            query.where(Petition.id == int(q))
            if q.isascii() and q.isdigit()
            else query.where(queries.search_clause(q))
        )
        found = list(db.session.scalars(query))
    return render_template(
        "petitions/staff_queue.html",
        buckets=queries.moderation_queue(today),
        bucket_labels=lifecycle.BUCKET_LABELS,
        consideration=queries.consideration_queue(today),
        labels=lifecycle.STATE_LABELS,
        state_of=lambda p: queries.effective_state(p, today),
        today=today,
        q=q,
        found=found,
        holder=lambda p: locks.lock_holder(p, now=utcnow()),
        overdue=lambda due: lifecycle.days_overdue(due, today),
    )


def _history(petition: Petition) -> list:
    """The petition's audit events as sentences (the same rows as the audit log)."""
    return sentences_of(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "petition", AuditEvent.object_id == str(petition.id))
            .order_by(AuditEvent.id)
        ).all()
    )


def _refuse_form(petition: Petition, formdata=None) -> RefuseForm:
    form = RefuseForm(formdata=formdata)
    form.reason.choices = [
        SelectChoice(
            r.code,
            f"{r.title} ({r.legal_basis})"
            + (" · приховує текст" if r.is_hidden else "")
            + (" · потрібен другий модератор" if r.needs_second_moderator else "")
            + f". Громадяни побачать: «{r.public_explanation}»",
        )
        for r in refusal_reasons.list_refusal_reasons()
    ]
    return form


@bp.route("/staff/petitions/<int:petition_id>")
@role_required(MODERATOR)
@web.transaction
def staff_detail(petition_id: int):
    petition = _petition_or_404(petition_id)
    today = services.today_kyiv()
    lock = locks.lock_for(petition, current_user, now=utcnow())
    # The page shows the author's e-mail: staff access to personal data is logged.
    record_event("petition.opened", object_type="petition", object_id=petition.id)
    state = queries.effective_state(petition, today)
    version = {"version": petition.version_id}
    return render_template(
        "petitions/staff_detail.html",
        petition=petition,
        state=state,
        labels=lifecycle.STATE_LABELS,
        lock=lock,
        allowed={a.value for a in lifecycle.allowed_actions(state)},
        history=_history(petition),
        refuse_form=_refuse_form(petition),
        correct_form=CorrectForm(
            formdata=None, data={**version, "title": petition.title, "text": petition.text}
        ),
        reason_form=ReasonForm(formdata=None, data=version),
        consideration_form=ConsiderationForm(formdata=None, data={**version, "notice_on": today}),
        answer_form=AnswerForm(formdata=None, data={**version, "answered_on": today}),
        version_form=VersionedForm(formdata=None, data=version),
        similar=queries.suggest_similar(
            petition.title, today=today, exclude=petition.id, include_moderation=True
        ),
        today=today,
        outcomes=services.ANSWER_OUTCOMES,
        invalidations=invalidation.pending_invalidations(petition),
        lock_minutes=locks.LOCK_MINUTES,
    )


def _run(petition_id: int, action, form_class=VersionedForm, success: str = "Збережено."):
    """Validate the form and run the service as the moderator, at the version they saw (the
    boundary commits, or explains a refusal)."""
    petition = _petition_or_404(petition_id)
    form = _refuse_form(petition, request.form) if form_class is RefuseForm else form_class()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("petitions.staff_detail", petition_id=petition_id))
    version = str(form.version.data or "")
    seen = int(version) if version.isascii() and version.isdigit() else None
    action(petition, form, actor=current_user, version=seen)
    flash(success, "success")
    return redirect(url_for("petitions.staff_detail", petition_id=petition_id))


@bp.route("/staff/petitions/<int:petition_id>/lock", methods=["POST"])
@role_required(MODERATOR)
@web.transaction
def take_lock(petition_id: int):
    """The moderation page, once open (and every few minutes while it stays open), takes the
    soft lock; the answer says who else holds it, for the page to show."""
    lock = locks.open_for_moderation(_petition_or_404(petition_id), current_user, now=utcnow())
    return jsonify({"holder": lock.holder})


@bp.route("/staff/petitions/<int:petition_id>/leave", methods=["POST"])
@role_required(MODERATOR)
@web.transaction
def leave(petition_id: int):
    """«Закрити» (and the page's unload beacon): the moderator's soft lock goes at once."""
    locks.leave_moderation(_petition_or_404(petition_id), current_user)
    return redirect(url_for("petitions.queue"))


@dataclass(frozen=True)
class _Action:
    """A button of the moderation page, ``POST /staff/petitions/<id>/<endpoint with ->``: the
    service (by name) gets the petition, the moderator, the version they saw, the form's
    :meth:`~civic.petitions.forms.VersionedForm.arguments` and, if ``dated``, today."""

    endpoint: str
    service: str
    said: str
    form: type[VersionedForm] = VersionedForm
    role: str = MODERATOR
    dated: bool = True


_ACTIONS = (
    _Action("publish", "publish_petition", "Петицію оприлюднено; збір підписів розпочато."),
    _Action("refuse", "refuse_petition", "Рішення про відмову збережено.", RefuseForm),
    _Action("confirm_refusal", "confirm_refusal", "Відмову підтверджено."),
    _Action(
        "reject_refusal",
        "reject_refusal",
        "Пропозицію відмови відхилено; петиція знову на модерації.",
        dated=False,
    ),
    _Action("restore", "restore_petition", "Петицію повернуто на модерацію.", role=ADMIN),
    _Action("take_down", "take_down_petition", "Петицію знято з публікації.", ReasonForm),
    _Action("correct", "correct_petition", "Виправлення збережено.", CorrectForm, dated=False),
    _Action(
        "consideration", "start_consideration", "Початок розгляду зафіксовано.", ConsiderationForm
    ),
    _Action("answer", "record_answer", "Відповідь оприлюднено.", AnswerForm),
    _Action("archive", "archive_petition", "Петицію передано в архів."),
)


def _register(action: _Action) -> None:
    def act(petition, form, **by):
        today = {"today": services.today_kyiv()} if action.dated else {}
        getattr(services, action.service)(petition, **form.arguments(), **today, **by)

    def view(petition_id: int):
        return _run(petition_id, act, action.form, success=action.said)

    view.__name__ = action.endpoint
    view = web.transaction(view, redirect_to="petitions.staff_detail")
    rule = f"/staff/petitions/<int:petition_id>/{action.endpoint.replace('_', '-')}"
    bp.route(rule, methods=["POST"])(role_required(action.role)(view))


for _action in _ACTIONS:
    _register(_action)


@bp.route("/staff/petitions/<int:petition_id>/invalidate", methods=["GET", "POST"])
@role_required(MODERATOR)
@web.transaction
def invalidate(petition_id: int):
    petition = _petition_or_404(petition_id)
    # GET: prefilled from the query string (links from the trending page).
    form = InvalidateForm() if request.method == "POST" else InvalidateForm(data=request.args)
    count, status = None, (400 if request.method == "POST" else 200)
    if request.method == "POST" and form.validate():
        with web.attempt() as attempt:
            criteria, reason = form.criteria(), form.reason.data or ""
            if request.form.get("step") == "apply":
                record = invalidation.invalidate_signatures(
                    petition, criteria, actor=current_user, reason=reason, now=utcnow()
                )
                return _invalidated(record, petition_id)
            count = invalidation.preview_invalidation(petition, criteria)
        status = 400 if attempt.error else 200
    return _invalidate_page(petition, form, count), status


def _invalidated(record, petition_id: int):
    """Back to the petition, saying whether the signatures are struck off or only proposed."""
    if record.status != invalidation.PROPOSED:
        message = f"Анульовано підписів: {record.count}."
        return web.saved(message, "petitions.staff_detail", petition_id=petition_id)
    flash(
        f"Анулювання {agree(record.count, ('підпису', 'підписів', 'підписів'))} більше, "
        "ніж може вирішити один "
        "модератор: пропозицію записано, потрібне підтвердження іншого "
        "модератора.",
        "warning",
    )
    return redirect(url_for("petitions.staff_detail", petition_id=petition_id))


def _invalidate_page(petition, form, count: int | None):
    solo_count, solo_share = invalidation.invalidation_limits()
    return render_template(
        "petitions/invalidate.html",
        petition=petition,
        form=form,
        count=count,
        solo_count=solo_count,
        solo_share=solo_share,
    )


@bp.route("/staff/petitions/trending")
@role_required(MODERATOR)
def trending():
    """Where the last hour's signatures came from, per petition (mail domains, IP blocks)."""
    now = utcnow()
    since = now - dt.timedelta(hours=1)
    return render_template(
        "petitions/trending.html",
        groups=signing.trending(now=now, hours=1),
        since=since,
        since_field=f"{kyiv.local(since):%d.%m.%Y %H:%M}",
    )


# The second moderator's decision on a proposed invalidation: the endpoint, named like the
# service in ``invalidation`` it calls, → what the page then says.
_INVALIDATION_DECISIONS = {
    "confirm_invalidation": "Анулювання підтверджено. Анульовано підписів: {count}.",
    "reject_invalidation": "Пропозицію анулювання відхилено; підписи лишаються зарахованими.",
}


def _register_decision(endpoint: str, said: str) -> None:
    def view(petition_id: int, invalidation_id: int):
        petition = _petition_or_404(petition_id)
        if not VersionedForm().validate_on_submit():
            abort(400)
        decide = getattr(invalidation, endpoint)
        record = decide(petition, invalidation_id, actor=current_user, now=utcnow())
        flash(said.format(count=record.count), "success")
        return redirect(url_for("petitions.staff_detail", petition_id=petition_id))

    view.__name__ = endpoint
    view = web.transaction(view, redirect_to="petitions.staff_detail")
    verb = endpoint.removesuffix("_invalidation")
    rule = f"/staff/petitions/<int:petition_id>/invalidations/<int:invalidation_id>/{verb}"
    bp.route(rule, methods=["POST"])(role_required(MODERATOR)(view))


for _endpoint, _said in _INVALIDATION_DECISIONS.items():
    _register_decision(_endpoint, _said)


@bp.route("/staff/petitions/kpi")
@role_required(MODERATOR)
def kpi():
    today = services.today_kyiv()
    month = request.args.get("month") or f"{today:%Y-%m}"
    try:
        first, last = kyiv.month_days(kyiv.parse_month(month))
    except kyiv.KyivTimeError as exc:
        flash(str(exc), "error")
        first, last = kyiv.month_days(today)
        month = f"{today:%Y-%m}"
    return render_template(
        "petitions/kpi.html",
        month=month,
        first=first,
        last=last,
        figures=stats.monthly_statistics(first, last),
        reasons={r.code: r.title for r in refusal_reasons.list_refusal_reasons()},
    )
