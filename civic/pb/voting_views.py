"""The online vote's pages: choose, review, cast (``/pb/<slug>/vote``) and the receipt check
(``/pb/<slug>/receipt``). GETs and the review write nothing; the cast commits once."""

from __future__ import annotations

from flask import abort, render_template, request

from civic import database, kyiv, web
from civic.identity import session
from civic.pb import online, receipts, services, voting
from civic.pb.forms import ReceiptForm, VoteForm
from civic.pb.services import PbError
from civic.pb.views import bp


def _online_edition(slug: str):
    edition = services.get_edition(slug)
    if edition is None or not edition.online_voting:
        abort(404)
    return edition


def _page(edition, form, *, chosen=(), error=None, status=200):
    """The voting page in the state this citizen is in: signed out, voting closed, voted, or
    the ballot paper with their choices so far."""
    state = voting.page_state(edition, session.current_citizen(), database.utcnow())
    page = render_template(
        "pb/vote.html", edition=edition, form=form, state=state, chosen=set(chosen), error=error
    )
    return page, status


def _choices() -> list[str]:
    return [c for c in request.form.getlist("project") if c][:200]


@bp.route("/pb/<slug>/vote", methods=["GET", "POST"])
def vote(slug: str):
    """GET: the ballot paper (or the sign-in). POST: the review of the choices — or, with
    «Змінити вибір», the paper again with them ticked. Nothing is written."""
    edition = _online_edition(slug)
    form = VoteForm()
    if request.method == "GET":
        return _page(edition, form)
    if not form.validate():
        return _page(edition, form, chosen=_choices(), status=400)
    citizen = session.current_citizen()
    if citizen is None:
        return _page(edition, form, error=voting.SIGNED_OUT, status=400)
    if request.form.get("change"):
        return _page(edition, form, chosen=_choices())
    now = database.utcnow()
    try:
        if closed := voting.closed_message(edition, now):
            raise PbError(closed)
        if voting.has_voted(edition, citizen):
            raise PbError(online.ALREADY_VOTED)
        paper = voting.ballot_paper(edition)
        ballot = voting.review(
            paper, citizen, _choices(), declared=form.settlement.data, today=kyiv.today(now)
        )
    except PbError as error:
        return _page(edition, form, chosen=_choices(), error=error.message, status=400)
    projects = {p.code: p for _c, ps in paper.categories for p in ps}
    return render_template(
        "pb/vote_review.html",
        edition=edition,
        form=form,
        citizen=citizen,
        paper=paper,
        chosen=[projects[c] for c in ballot.codes],
        settlement=form.settlement.data or "",
    )


@bp.route("/pb/<slug>/vote/cast", methods=["POST"])
@web.transaction
def vote_cast(slug: str):
    edition = _online_edition(slug)
    form = VoteForm()
    if not form.validate():
        return _page(edition, form, chosen=_choices(), status=400)
    citizen = session.current_citizen()
    if citizen is None:
        return _page(edition, form, error=voting.SIGNED_OUT, status=400)
    with web.attempt(quiet=True) as attempt:
        code = voting.cast_ballot(
            edition,
            citizen,
            _choices(),
            declared=form.settlement.data,
            now=database.utcnow(),
        )
        return render_template("pb/vote_done.html", edition=edition, code=code), 201
    message = attempt.error.message
    status = 409 if message == online.ALREADY_VOTED else 400
    return _page(edition, form, chosen=_choices(), error=message, status=status)


@bp.route("/pb/<slug>/receipt", methods=["GET", "POST"])
@web.transaction
def receipt(slug: str):
    """Check an online ballot by its receipt code: GET shows the form, POST answers (and counts
    the attempt against the same limits as «перевірити свій бюлетень»)."""
    edition = _online_edition(slug)
    form = ReceiptForm()
    answer, status = None, 200
    if request.method == "POST" and form.validate_on_submit():
        answer = receipts.check_receipt(
            edition, form.code.data, address=request.remote_addr, now=database.utcnow()
        )
        status = 429 if answer.status == receipts.LIMITED else 200
    elif request.method == "POST":
        status = 400
    return render_template("pb/receipt.html", edition=edition, form=form, answer=answer), status
