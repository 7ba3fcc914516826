"""The sign request of a citizen identified through an identity provider (civic/identity)."""

from __future__ import annotations

from flask import abort, current_app, render_template, request

from civic import web
from civic.database import utcnow
from civic.extensions import limiter
from civic.forms import Form
from civic.identity import providers, session
from civic.petitions import identified, services
from civic.petitions.views import _petition_or_404, _sign_limit, bp


@bp.route("/petitions/<int:petition_id>/sign/identified", methods=["POST"])
@limiter.limit(_sign_limit)
@web.transaction(redirect_to="petitions.detail")
def sign_identified(petition_id: int):
    if not providers.identity_providers(current_app.config):
        abort(404)
    petition = _petition_or_404(petition_id)
    Form().validate() or abort(400)
    citizen = session.current_citizen()
    if citizen is None:
        raise services.PetitionError(
            "Час входу минув або ви вийшли. Увійдіть ще раз і підпишіть петицію."
        )
    identified.sign_identified(
        petition,
        citizen,
        ip=request.remote_addr,
        now=utcnow(),
        notify_on_answer=request.form.get("notify_on_answer") == "y",
    )
    return render_template("petitions/signature_done.html", petition=petition), 201
