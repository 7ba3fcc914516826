from flask import Blueprint, abort, render_template, request

from civic.auth.permissions import role_required
from civic.auth.roles import ADMIN
from civic.extensions import db
from civic.mail.models import STATUSES, OutboxMessage
from civic.mail.services import list_outbox

bp = Blueprint("mail", __name__)


@bp.route("/staff/outbox")
@role_required(ADMIN)
def outbox():
    page = request.args.get("page", 1, type=int)
    return render_template("mail/outbox.html", messages=list_outbox(page=page), statuses=STATUSES)


@bp.route("/staff/outbox/<int:message_id>")
@role_required(ADMIN)
def message(message_id: int):
    row = db.session.get(OutboxMessage, message_id) or abort(404)
    return render_template("mail/message.html", message=row, statuses=STATUSES)
