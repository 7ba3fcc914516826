from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from civic import kyiv, tabular
from civic.audit.models import AuditEvent
from civic.audit.services import record_event
from civic.auth.permissions import role_required
from civic.auth.roles import ADMIN, MODERATOR
from civic.database import utcnow
from civic.extensions import db, limiter
from civic.petitions import lifecycle, services, signing, stats
from civic.petitions.forms import (
    AnswerForm,
    ConsiderationForm,
    CorrectForm,
    InvalidateForm,
    PetitionForm,
    ReasonForm,
    RefuseForm,
    SignForm,
    VersionedForm,
)
from civic.petitions.lifecycle import State
from civic.petitions.models import Petition
from civic.reports.plural import agree
from civic.web import download

bp = Blueprint("petitions", __name__)


def _submit_limit() -> str:
    return current_app.config.get("PETITION_SUBMIT_RATE_LIMIT", "10 per hour")


def _sign_limit() -> str:
    return current_app.config.get("PETITION_SIGN_RATE_LIMIT", "20 per hour")


def _petition_or_404(petition_id: int) -> Petition:
    return services.get_petition(petition_id) or abort(404)


def _progress(petition: Petition) -> int:
    threshold = petition.threshold or services.threshold_setting()
    return min(100, round(100 * petition.signature_count / threshold)) if threshold else 0


# --- public pages ---------------------------------------------------------------------------

PUBLIC_FILTERS = [
    State.COLLECTING,
    State.CONSIDERATION,
    State.ANSWERED,
    State.NOT_SUPPORTED,
    State.ARCHIVED,
]


@bp.route("/petitions")
def index():
    today = services.today_kyiv()
    status = request.args.get("status") or None
    if status not in {s.value for s in PUBLIC_FILTERS}:
        status = None
    q = (request.args.get("q") or "").strip()[:200] or None
    sort = request.args.get("sort")
    sort = sort if sort in services.PUBLIC_SORTS else "newest"
    page = services.list_public(
        today=today, status=status, q=q, sort=sort, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "petitions/index.html",
        page=page,
        status=status,
        q=q,
        sort=sort,
        sorts=services.PUBLIC_SORTS,
        days_left=lambda p: lifecycle.days_left(p.collection_ends_on, today),
        filters=PUBLIC_FILTERS,
        labels=lifecycle.STATE_LABELS,
        state_of=lambda p: services.effective_state(p, today),
        progress=_progress,
    )


@bp.route("/petitions/<int:petition_id>")
def detail(petition_id: int):
    petition = _petition_or_404(petition_id)
    today = services.today_kyiv()
    state = services.effective_state(petition, today)
    if state == State.TAKEN_DOWN:
        abort(
            410,
            description=f"Петицію № {petition.id} знято з публікації. Причина: "
            f"{petition.takedown_reason}",
        )
    if state not in lifecycle.PUBLIC_STATES and state != State.REFUSED:
        abort(404)
    return render_template(
        "petitions/detail.html",
        petition=petition,
        state=state,
        labels=lifecycle.STATE_LABELS,
        signers=services.signers_page(petition, per_page=services.SIGNERS_ON_PETITION)
        if state != State.REFUSED
        else None,
        can_sign=lifecycle.can_sign(state, petition.collection_ends_on, today),
        form=SignForm(formdata=None),
        progress=_progress(petition),
        threshold=petition.threshold or services.threshold_setting(),
        outcomes=services.ANSWER_OUTCOMES,
    )


@bp.route("/petitions/<int:petition_id>/signers")
def signers(petition_id: int):
    petition = _petition_or_404(petition_id)
    state = services.effective_state(petition, services.today_kyiv())
    if state not in lifecycle.PUBLIC_STATES:
        abort(404)
    page = services.signers_page(petition, page=request.args.get("page", 1, type=int))
    return render_template("petitions/signers.html", petition=petition, signers=page)


@bp.route("/petitions/new", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"])
def create():
    form = PetitionForm()
    today = services.today_kyiv()
    step = request.form.get("step")
    if request.method == "POST" and step != "edit" and form.validate():
        if step != "submit":
            similar = services.suggest_similar(form.title.data, today=today)
            return render_template("petitions/preview.html", form=form, similar=similar)
        petition, _token = services.submit_petition(
            form.title.data,
            form.text.data,
            form.author_name.data,
            form.author_email.data,
            ip=request.remote_addr,
            now=utcnow(),
        )
        db.session.commit()
        return render_template("petitions/submitted.html", petition=petition), 201
    status = 400 if request.method == "POST" and step != "edit" else 200
    return render_template(
        "petitions/create.html",
        form=form,
        threshold=services.threshold_setting(),
        collection_days=services.collection_days_setting(),
    ), status


@bp.route("/petitions/similar")
def similar():
    """Suggestions while typing a title (used by static/js/petitions.js)."""
    title = (request.args.get("title") or "")[:200]
    matches = services.suggest_similar(title, today=services.today_kyiv())
    return jsonify(
        [
            {"id": m.id, "title": m.title, "url": url_for("petitions.detail", petition_id=m.id)}
            for m in matches
        ]
    )


@bp.route("/petitions/author/<token>")
def author(token: str):
    petition = services.petition_by_author_token(token) or abort(404)
    return render_template(
        "petitions/author.html",
        petition=petition,
        token=token,
        labels=lifecycle.STATE_LABELS,
        form=VersionedForm(formdata=None),
    )


@bp.route("/petitions/author/<token>/confirm", methods=["POST"])
def author_confirm(token: str):
    petition = services.petition_by_author_token(token) or abort(404)
    VersionedForm().validate_on_submit() or abort(400)
    try:
        services.confirm_petition(petition, now=utcnow())
    except services.PetitionError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(
            f"Петицію підтверджено і надіслано на модерацію. Рішення — до "
            f"{petition.moderation_due_on:%d.%m.%Y}.",
            "success",
        )
    return redirect(url_for("petitions.author", token=token))


@bp.route("/petitions/author/<token>/withdraw", methods=["POST"])
def author_withdraw(token: str):
    petition = services.petition_by_author_token(token) or abort(404)
    VersionedForm().validate_on_submit() or abort(400)
    try:
        services.withdraw_petition(petition, today=services.today_kyiv())
    except services.PetitionError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(url_for("petitions.author", token=token))
    db.session.commit()
    flash("Петицію відкликано.", "success")
    return redirect(url_for("petitions.index"))


@bp.route("/petitions/<int:petition_id>/sign", methods=["POST"])
@limiter.limit(_sign_limit)
def sign(petition_id: int):
    petition = _petition_or_404(petition_id)
    today = services.today_kyiv()
    state = services.effective_state(petition, today)
    form = SignForm()
    error = None
    if form.validate():
        try:
            signature = services.sign_petition(
                petition,
                form.full_name.data,
                form.email.data,
                ip=request.remote_addr,
                now=utcnow(),
                notify_on_answer=bool(form.notify_on_answer.data),
            )
        except services.PetitionError as exc:
            db.session.rollback()
            error = exc.message
        else:
            page = render_template(
                "petitions/sign_sent.html", petition=petition, email=signature.email
            )
            db.session.commit()  # rendered first: nothing has to be read again after it
            return page, 201
    if state not in lifecycle.PUBLIC_STATES:
        abort(404)
    return render_template(
        "petitions/detail.html",
        petition=petition,
        state=state,
        labels=lifecycle.STATE_LABELS,
        signers=services.signers_page(petition, per_page=services.SIGNERS_ON_PETITION),
        can_sign=lifecycle.can_sign(state, petition.collection_ends_on, today),
        form=form,
        sign_error=error,
        progress=_progress(petition),
        threshold=petition.threshold or services.threshold_setting(),
        outcomes=services.ANSWER_OUTCOMES,
    ), 400


@bp.route("/petitions/signatures/<token>", methods=["GET", "POST"])
def confirm_signature(token: str):
    signature = services.signature_by_token(token)
    if signature is None:
        return render_template("petitions/signature_done.html", petition=None), 404
    petition = services.get_petition(signature.petition_id)
    form = VersionedForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.confirm_signature(signature, now=utcnow())
        except services.PetitionError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("petitions.detail", petition_id=petition.id))
        page = render_template("petitions/signature_done.html", petition=petition)
        db.session.commit()
        return page
    return render_template(
        "petitions/signature_confirm.html", petition=petition, signature=signature, form=form
    )


# --- open data --------------------------------------------------------------------------------


@bp.route("/api/v1/petitions")
def api_list():
    rows = services.export_rows(today=services.today_kyiv())
    return jsonify({"fields": list(services.EXPORT_FIELDS), "count": len(rows), "items": rows})


@bp.route("/petitions/open-data.<fmt>")
def open_data(fmt: str):
    rows = services.export_rows(today=services.today_kyiv())
    table = [[row[f] for f in services.EXPORT_FIELDS] for row in rows]
    if fmt == "csv":
        data, mimetype = tabular.write_csv(services.EXPORT_FIELDS, table), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        data = tabular.write_xlsx(services.EXPORT_FIELDS, table, sheet_title="Петиції")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    return download(data, f"petitions.{fmt}", mimetype)


# --- staff: moderation --------------------------------------------------------------------------


@bp.route("/staff/petitions")
@role_required(MODERATOR)
def queue():
    today = services.today_kyiv()
    services.ensure_refusal_reasons()
    db.session.commit()
    q = (request.args.get("q") or "").strip()
    found = []
    if q:
        query = select(Petition).order_by(Petition.id.desc()).limit(50)
        query = (
            query.where(Petition.id == int(q))
            if q.isascii() and q.isdigit()
            else query.where(services.search_clause(q))
        )
        found = list(db.session.scalars(query))
    return render_template(
        "petitions/staff_queue.html",
        buckets=services.moderation_queue(today),
        bucket_labels=lifecycle.BUCKET_LABELS,
        consideration=services.consideration_queue(today),
        labels=lifecycle.STATE_LABELS,
        state_of=lambda p: services.effective_state(p, today),
        today=today,
        q=q,
        found=found,
        holder=lambda p: services.lock_holder(p, now=utcnow()),
        overdue=lambda due: lifecycle.days_overdue(due, today),
    )


def _history(petition: Petition) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "petition", AuditEvent.object_id == str(petition.id))
            .order_by(AuditEvent.id)
        )
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
        for r in services.list_refusal_reasons()
    ]
    return form


@bp.route("/staff/petitions/<int:petition_id>")
@role_required(MODERATOR)
def staff_detail(petition_id: int):
    petition = _petition_or_404(petition_id)
    today = services.today_kyiv()
    lock = services.open_for_moderation(petition, current_user, now=utcnow())
    # The page shows the author's e-mail: staff access to personal data is logged.
    record_event("petition.opened", object_type="petition", object_id=petition.id)
    db.session.commit()
    petition = _petition_or_404(petition_id)
    state = services.effective_state(petition, today)
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
        similar=services.suggest_similar(
            petition.title, today=today, exclude=petition.id, include_moderation=True
        ),
        today=today,
        outcomes=services.ANSWER_OUTCOMES,
        invalidations=services.pending_invalidations(petition),
        lock_minutes=services.LOCK_MINUTES,
    )


def _run(petition_id: int, action, form_class=VersionedForm, success: str = "Збережено."):
    """Validate the form, run the service, commit once; explain refusals and stale saves."""
    petition = _petition_or_404(petition_id)
    form = _refuse_form(petition, request.form) if form_class is RefuseForm else form_class()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for("petitions.staff_detail", petition_id=petition_id))
    version = str(form.version.data or "")
    try:
        action(petition, form, int(version) if version.isascii() and version.isdigit() else None)
        db.session.commit()
    except services.PetitionError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    except StaleDataError:
        db.session.rollback()
        flash(services.StaleEdit().message, "error")
    else:
        flash(success, "success")
    return redirect(url_for("petitions.staff_detail", petition_id=petition_id))


@bp.route("/staff/petitions/<int:petition_id>/leave", methods=["POST"])
@role_required(MODERATOR)
def leave(petition_id: int):
    """«Закрити» (and the page's unload beacon): the moderator's soft lock goes at once."""
    services.leave_moderation(_petition_or_404(petition_id), current_user)
    db.session.commit()
    return redirect(url_for("petitions.queue"))


@bp.route("/staff/petitions/<int:petition_id>/publish", methods=["POST"])
@role_required(MODERATOR)
def publish(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.publish_petition(
            p, actor=current_user, version=v, today=services.today_kyiv()
        ),
        success="Петицію оприлюднено; збір підписів розпочато.",
    )


@bp.route("/staff/petitions/<int:petition_id>/refuse", methods=["POST"])
@role_required(MODERATOR)
def refuse(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.refuse_petition(
            p,
            actor=current_user,
            version=v,
            reason_code=f.reason.data,
            explanation=f.explanation.data or "",
            duplicate_of_id=f.duplicate_of.data,
            today=services.today_kyiv(),
        ),
        RefuseForm,
        success="Рішення про відмову збережено.",
    )


@bp.route("/staff/petitions/<int:petition_id>/confirm-refusal", methods=["POST"])
@role_required(MODERATOR)
def confirm_refusal(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.confirm_refusal(
            p, actor=current_user, version=v, today=services.today_kyiv()
        ),
        success="Відмову підтверджено.",
    )


@bp.route("/staff/petitions/<int:petition_id>/reject-refusal", methods=["POST"])
@role_required(MODERATOR)
def reject_refusal(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.reject_refusal(p, actor=current_user, version=v),
        success="Пропозицію відмови відхилено; петиція знову на модерації.",
    )


@bp.route("/staff/petitions/<int:petition_id>/restore", methods=["POST"])
@role_required(ADMIN)
def restore(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.restore_petition(
            p, actor=current_user, version=v, today=services.today_kyiv()
        ),
        success="Петицію повернуто на модерацію.",
    )


@bp.route("/staff/petitions/<int:petition_id>/take-down", methods=["POST"])
@role_required(MODERATOR)
def take_down(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.take_down_petition(
            p, actor=current_user, version=v, reason=f.reason.data, today=services.today_kyiv()
        ),
        ReasonForm,
        success="Петицію знято з публікації.",
    )


@bp.route("/staff/petitions/<int:petition_id>/correct", methods=["POST"])
@role_required(MODERATOR)
def correct(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.correct_petition(
            p, actor=current_user, version=v, title=f.title.data, text=f.text.data
        ),
        CorrectForm,
        success="Виправлення збережено.",
    )


@bp.route("/staff/petitions/<int:petition_id>/consideration", methods=["POST"])
@role_required(MODERATOR)
def consideration(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.start_consideration(
            p,
            actor=current_user,
            version=v,
            notice_on=f.notice_on.data,
            today=services.today_kyiv(),
        ),
        ConsiderationForm,
        success="Початок розгляду зафіксовано.",
    )


@bp.route("/staff/petitions/<int:petition_id>/answer", methods=["POST"])
@role_required(MODERATOR)
def answer(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.record_answer(
            p,
            actor=current_user,
            version=v,
            outcome=f.outcome.data,
            text=f.text.data,
            url=f.url.data or "",
            answered_on=f.answered_on.data,
            today=services.today_kyiv(),
        ),
        AnswerForm,
        success="Відповідь оприлюднено.",
    )


@bp.route("/staff/petitions/<int:petition_id>/archive", methods=["POST"])
@role_required(MODERATOR)
def archive(petition_id: int):
    return _run(
        petition_id,
        lambda p, f, v: services.archive_petition(
            p, actor=current_user, version=v, today=services.today_kyiv()
        ),
        success="Петицію передано в архів.",
    )


def _parse_moment(value: str | None, field: str, *, fold: int = 0) -> dt.datetime | None:
    """A moment typed in Kyiv time, as the pages show them, → aware UTC (``civic.kyiv``).

    In the autumn hour that happens twice, ``fold`` picks the occurrence: the window's start
    takes the first, its end the second, so the window covers the whole typed hour.
    """
    if not value or not value.strip():
        return None
    try:
        return kyiv.parse_local(value, fold=fold)
    except kyiv.KyivTimeError as error:
        title = {"signed_from": "Підписано з", "signed_to": "Підписано до"}.get(field, field)
        raise services.PetitionError(f"Поле «{title}»: {error}", field) from None


@bp.route("/staff/petitions/<int:petition_id>/invalidate", methods=["GET", "POST"])
@role_required(MODERATOR)
def invalidate(petition_id: int):
    petition = _petition_or_404(petition_id)
    # GET: prefilled from the query string (links from the trending page).
    form = InvalidateForm() if request.method == "POST" else InvalidateForm(data=request.args)
    count = None
    status = 200
    if request.method == "POST" and form.validate():
        try:
            criteria = services.InvalidationCriteria(
                email_domain=(form.email_domain.data or "").strip().lower().lstrip("@"),
                ip_network=(form.ip_network.data or "").strip(),
                signed_from=_parse_moment(form.signed_from.data, "signed_from"),
                signed_to=_parse_moment(form.signed_to.data, "signed_to", fold=1),
            )
            if request.form.get("step") == "apply":
                record = services.invalidate_signatures(
                    petition,
                    criteria,
                    actor=current_user,
                    reason=form.reason.data or "",
                    now=utcnow(),
                )
                db.session.commit()
                if record.status == services.PROPOSED:
                    flash(
                        f"Анулювання {agree(record.count, ('підпису', 'підписів', 'підписів'))} більше, ніж може вирішити один "
                        "модератор: пропозицію записано, потрібне підтвердження іншого "
                        "модератора.",
                        "warning",
                    )
                else:
                    flash(f"Анульовано підписів: {record.count}.", "success")
                return redirect(url_for("petitions.staff_detail", petition_id=petition_id))
            count = services.preview_invalidation(petition, criteria)
        except services.PetitionError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            status = 400
    elif request.method == "POST":
        status = 400
    solo_count, solo_share = services.invalidation_limits()
    return render_template(
        "petitions/invalidate.html",
        petition=petition,
        form=form,
        count=count,
        solo_count=solo_count,
        solo_share=solo_share,
    ), status


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


def _decide_invalidation(petition_id: int, invalidation_id: int, decide, success: str):
    petition = _petition_or_404(petition_id)
    if not VersionedForm().validate_on_submit():
        abort(400)
    try:
        record = decide(petition, invalidation_id, actor=current_user, now=utcnow())
        db.session.commit()
    except services.PetitionError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(success.format(count=record.count), "success")
    return redirect(url_for("petitions.staff_detail", petition_id=petition_id))


@bp.route(
    "/staff/petitions/<int:petition_id>/invalidations/<int:invalidation_id>/confirm",
    methods=["POST"],
)
@role_required(MODERATOR)
def confirm_invalidation(petition_id: int, invalidation_id: int):
    return _decide_invalidation(
        petition_id,
        invalidation_id,
        services.confirm_invalidation,
        "Анулювання підтверджено. Анульовано підписів: {count}.",
    )


@bp.route(
    "/staff/petitions/<int:petition_id>/invalidations/<int:invalidation_id>/reject",
    methods=["POST"],
)
@role_required(MODERATOR)
def reject_invalidation(petition_id: int, invalidation_id: int):
    return _decide_invalidation(
        petition_id,
        invalidation_id,
        services.reject_invalidation,
        "Пропозицію анулювання відхилено; підписи лишаються зарахованими.",
    )


@bp.route("/staff/petitions/kpi")
@role_required(MODERATOR)
def kpi():
    today = services.today_kyiv()
    month = request.args.get("month") or f"{today:%Y-%m}"
    try:
        first, last = stats.month_bounds(month)
    except ValueError as exc:
        flash(str(exc), "error")
        first, last = stats.month_bounds(f"{today:%Y-%m}")
        month = f"{today:%Y-%m}"
    return render_template(
        "petitions/kpi.html",
        month=month,
        first=first,
        last=last,
        figures=stats.monthly_statistics(first, last),
        reasons={r.code: r.title for r in services.list_refusal_reasons()},
    )
