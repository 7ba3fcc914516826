"""Sign-in of citizens: ID.GOV.UA's redirect and callback, the development provider's list.

No view here writes to the database: the sign-in lives in the session cookie
(:mod:`civic.identity.session`); what the citizen then does (sign a petition) is written by
that page's own POST.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from civic.forms import Form
from civic.identity import development, idgovua, providers, session
from civic.identity.citizen import IdentityError, citizen_from_idgovua

bp = Blueprint("identity", __name__)


@bp.record_once
def _check_settings(state) -> None:
    providers.check(state.app.config)


@bp.app_context_processor
def _sign_in_helpers() -> dict:
    """What the sign pages ask: who is signed in, how else to sign in, is e-mail signing on."""

    def sign_in_options(next_page: str, *, to_vote: bool = False) -> list[tuple[str, str]]:
        start = {"idgovua": "identity.idgovua_start", "dev": "identity.dev"}
        buttons = providers.VOTE_BUTTONS if to_vote else providers.BUTTONS
        return [
            (buttons[name], url_for(start[name], next=next_page))
            for name in providers.identity_providers(current_app.config)
        ]

    return {
        "signed_in_citizen": session.current_citizen,
        "sign_in_options": sign_in_options,
        "email_signing_enabled": lambda: providers.email_enabled(current_app.config),
    }


def _enabled(provider: str) -> None:
    if provider not in providers.identity_providers(current_app.config):
        abort(404)


def _refused(error: IdentityError, status: int = 400):
    return render_template("identity/refused.html", message=error.message), status


def callback_url() -> str:
    """The ``redirect_uri`` registered with ID.GOV.UA: the public address, not the request's."""
    base = str(current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return base + url_for("identity.idgovua_callback")


@bp.route("/identity/idgovua/start")
def idgovua_start():
    """A link, not a form: the page's CSP (``form-action 'self'``) forbids a form's redirect
    to another site, and starting a sign-in writes only this browser's session."""
    _enabled("idgovua")
    state = session.begin("idgovua", request.args.get("next"))
    return redirect(idgovua.authorization_url(state=state, redirect_uri=callback_url()))


@bp.route("/identity/idgovua/callback")
def idgovua_callback():
    _enabled("idgovua")
    try:
        next_page = session.take_state("idgovua", request.args.get("state"))
        if request.args.get("error"):
            raise IdentityError("Вхід через ID.GOV.UA скасовано; нічого не збережено.")
        citizen = idgovua.fetch_citizen(request.args.get("code") or "")
    except IdentityError as error:
        return _refused(error)
    session.sign_in(citizen)
    return redirect(next_page)


@bp.route("/identity/dev", methods=["GET", "POST"])
def dev():
    """The development provider: pick a made-up citizen (only where ``dev`` is enabled)."""
    _enabled("dev")
    form = Form()
    next_page = session.local_path(request.values.get("next"))
    if request.method == "POST" and form.validate():
        try:
            answer = development.answer_of(request.form.get("person", type=int, default=-1))
        except IndexError:
            abort(400)
        key = current_app.config["PERSONAL_DATA_KEY"]
        session.sign_in(citizen_from_idgovua(answer, key=key, provider="dev"))
        return redirect(next_page)
    return render_template(
        "identity/dev.html", people=development.PEOPLE, form=form, next_page=next_page
    )


@bp.route("/identity/sign-out", methods=["POST"])
def sign_out():
    Form().validate() or abort(400)
    session.sign_out()
    return redirect(session.local_path(request.form.get("next")))
