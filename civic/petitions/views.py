from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.orm.exc import StaleDataError

from civic import table_exports, web
from civic.charts import progress_chart
from civic.database import utcnow
from civic.extensions import db, limiter
from civic.formatting import uk_date
from civic.identity import providers
from civic.petitions import lifecycle, opendata, progress, queries, services, signatures
from civic.petitions.forms import PetitionForm, SignForm, VersionedForm
from civic.petitions.lifecycle import State
from civic.petitions.models import Petition
from civic.web import download

bp = Blueprint("petitions", __name__)


def _submit_limit() -> str:
    return current_app.config.get("PETITION_SUBMIT_RATE_LIMIT", "10 per hour")


def _sign_limit() -> str:
    return current_app.config.get("PETITION_SIGN_RATE_LIMIT", "20 per hour")


def _petition_or_404(petition_id: int) -> Petition:
    return services.get_petition(petition_id) or abort(404)


@bp.errorhandler(StaleDataError)
def stale_data(error):
    """Optimistic locking: another moderator saved the petition meanwhile."""
    petition_id = (request.view_args or {}).get("petition_id")
    if petition_id is None or not request.path.startswith("/staff/"):
        raise error  # not a moderator's save: the 500 page, as before
    db.session.rollback()
    flash(services.StaleEdit().message, "error")
    return redirect(url_for("petitions.staff_detail", petition_id=petition_id))


def _progress(petition: Petition) -> int:
    threshold = services.petition_threshold(petition)
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
    sort = sort if sort in queries.PUBLIC_SORTS else "newest"
    page = queries.list_public(
        today=today, status=status, q=q, sort=sort, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "petitions/index.html",
        page=page,
        status=status,
        q=q,
        sort=sort,
        sorts=queries.PUBLIC_SORTS,
        days_left=lambda p: lifecycle.days_left(p.collection_ends_on, today),
        filters=PUBLIC_FILTERS,
        labels=lifecycle.STATE_LABELS,
        state_of=lambda p: queries.effective_state(p, today),
        progress=_progress,
    )


@bp.route("/petitions/<int:petition_id>")
def detail(petition_id: int):
    petition = queries.petition_row(petition_id) or abort(404)  # read only: no ORM object
    today = services.today_kyiv()
    state = queries.effective_state(petition, today)
    if state == State.TAKEN_DOWN:
        abort(
            410,
            description=f"Петицію № {petition.id} знято з публікації. Причина: "
            f"{petition.takedown_reason}",
        )
    if state not in lifecycle.PUBLIC_STATES and state != State.REFUSED:
        abort(404)
    if state == State.REFUSED:  # the page shows the refusal reason (a relationship)
        petition = _petition_or_404(petition_id)
    return _detail_page(petition, state, today, SignForm(formdata=None))


def _detail_page(petition: Petition, state: State, today, form: SignForm, **page) -> str:
    """The petition's page; a refused petition lists no signers."""
    signers = None
    if state != State.REFUSED:
        signers = queries.first_signers(petition)
    return render_template(
        "petitions/detail.html",
        petition=petition,
        state=state,
        labels=lifecycle.STATE_LABELS,
        signers=signers,
        can_sign=lifecycle.can_sign(state, petition.collection_ends_on, today),
        form=form,
        progress=_progress(petition),
        threshold=services.petition_threshold(petition),
        outcomes=services.ANSWER_OUTCOMES,
        **_signature_chart(petition, today),
        **page,
    )


def _signature_chart(petition: Petition, today) -> dict:
    """The signatures-over-time chart and its table (nothing when no one has signed)."""
    per_day = queries.signatures_by_day(petition)
    span = progress.chart_span(per_day, petition.published_on, petition.collection_ends_on, today)
    if span is None:
        return {"signature_chart": None, "signature_days": []}
    totals = progress.running_totals(per_day, *span)
    chart = progress_chart(
        [(uk_date(day), total) for day, _, total in totals],
        services.petition_threshold(petition),
        title="Підписи під петицією за днями: усього на кінець кожного дня і скільки потрібно",
        goal_label="Потрібно",
        chart_id="petition-progress",
    )
    return {"signature_chart": chart, "signature_days": [t for t in totals if t[1]]}


@bp.route("/petitions/<int:petition_id>/signers")
def signers(petition_id: int):
    petition = _petition_or_404(petition_id)
    state = queries.effective_state(petition, services.today_kyiv())
    if state not in lifecycle.PUBLIC_STATES:
        abort(404)
    page = queries.signers_page(petition, page=request.args.get("page", 1, type=int))
    return render_template("petitions/signers.html", petition=petition, signers=page)


@bp.route("/petitions/new", methods=["GET", "POST"])
@limiter.limit(_submit_limit, methods=["POST"])
@web.transaction
def create():
    form = PetitionForm()
    today = services.today_kyiv()
    step = request.form.get("step")
    if request.method == "POST" and step != "edit" and form.validate():
        if step != "submit":
            similar = queries.suggest_similar(form.title.data, today=today)
            return render_template("petitions/preview.html", form=form, similar=similar)
        petition, _token = services.submit_petition(
            form.title.data,
            form.text.data,
            form.author_name.data,
            form.author_email.data,
            ip=request.remote_addr,
            now=utcnow(),
        )
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
    matches = queries.suggest_similar(title, today=services.today_kyiv())
    return [
        {"id": m.id, "title": m.title, "url": url_for("petitions.detail", petition_id=m.id)}
        for m in matches
    ]


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
@web.transaction(redirect_to="petitions.author")
def author_confirm(token: str):
    petition = services.petition_by_author_token(token) or abort(404)
    VersionedForm().validate_on_submit() or abort(400)
    services.confirm_petition(petition, now=utcnow())
    flash(
        f"Петицію підтверджено і надіслано на модерацію. Рішення — до "
        f"{petition.moderation_due_on:%d.%m.%Y}.",
        "success",
    )
    return redirect(url_for("petitions.author", token=token))


@bp.route("/petitions/author/<token>/withdraw", methods=["POST"])
@web.transaction(redirect_to="petitions.author")
def author_withdraw(token: str):
    petition = services.petition_by_author_token(token) or abort(404)
    VersionedForm().validate_on_submit() or abort(400)
    services.withdraw_petition(petition, today=services.today_kyiv())
    flash("Петицію відкликано.", "success")
    return redirect(url_for("petitions.index"))


@bp.route("/petitions/<int:petition_id>/sign", methods=["POST"])
@limiter.limit(_sign_limit)
@web.transaction
def sign(petition_id: int):
    if not providers.email_enabled(current_app.config):
        abort(404)  # the council signs by identity only (docs/identity.md)
    head = signatures.petition_head(petition_id) or abort(404)
    form = SignForm()
    with web.attempt(quiet=True) as attempt:
        if form.validate():
            signature = signatures.sign_petition(
                head,
                form.full_name.data,
                form.email.data,
                ip=request.remote_addr,
                now=utcnow(),
                notify_on_answer=bool(form.notify_on_answer.data),
            )
            email = signature.email
            web.checkpoint()  # the writer lock is not held while the page renders
            return render_template("petitions/sign_sent.html", petition=head, email=email), 201
    # Refused: the petition's page again, with the form and the reason (the ORM object now).
    petition = _petition_or_404(petition_id)
    today = services.today_kyiv()
    state = queries.effective_state(petition, today)
    if state not in lifecycle.PUBLIC_STATES:
        abort(404)
    sign_error = attempt.error and attempt.error.message
    return _detail_page(petition, state, today, form, sign_error=sign_error), 400


@bp.route("/petitions/signatures/<token>", methods=["GET", "POST"])
@web.transaction
def confirm_signature(token: str):
    pending = signatures.pending_by_token(token)  # one statement, no ORM objects
    if pending is None:
        return render_template("petitions/signature_done.html", petition=None), 404
    form = VersionedForm()
    if request.method == "POST" and form.validate_on_submit():
        with web.attempt():
            signatures.confirm_pending(pending, now=utcnow())
            web.checkpoint()  # the writer lock is not held while the page renders
            return render_template("petitions/signature_done.html", petition=pending.petition)
        return redirect(url_for("petitions.detail", petition_id=pending.petition.id))
    return render_template(
        "petitions/signature_confirm.html",
        petition=pending.petition,
        signature=pending,
        form=form,
    )


# --- open data --------------------------------------------------------------------------------


@bp.route("/api/v1/petitions")
def api_list():
    rows = opendata.export_rows(today=services.today_kyiv())
    return {"fields": list(opendata.EXPORT_FIELDS), "count": len(rows), "items": rows}


@bp.route("/petitions/open-data.<fmt>")
def open_data(fmt: str):
    rows = opendata.export_rows(today=services.today_kyiv())
    table = [[row[f] for f in opendata.EXPORT_FIELDS] for row in rows]
    if fmt == "csv":
        data, mimetype = (
            table_exports.write_csv(opendata.EXPORT_FIELDS, table),
            "text/csv; charset=utf-8",
        )
    elif fmt == "xlsx":
        data = table_exports.write_xlsx(opendata.EXPORT_FIELDS, table, sheet_title="Петиції")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        abort(404)
    return download(data, f"petitions.{fmt}", mimetype)


# The staff pages live in staff_views.py, the identified signing in identified_views.py, the
# follow-up of an answer in followup_views.py, on this blueprint.
from civic.petitions import followup_views, identified_views, staff_views  # noqa: E402, F401
