from flask import Blueprint, abort, render_template, request

from civic import web
from civic.audit.services import record_event
from civic.auth.permissions import role_required
from civic.auth.roles import ADMIN
from civic.extensions import db
from civic.mail.models import STATUSES, OutboxMessage
from civic.mail.services import list_outbox

bp = Blueprint("mail", __name__)


@bp.route("/staff/outbox")
@role_required(ADMIN)
@web.transaction
def outbox():
    page = request.args.get("page", 1, type=int)
    messages = list_outbox(page=page)
    # The list shows recipients' addresses: staff access to personal data is logged.
    record_event(
        "mail.outbox_viewed",
        object_type="outbox_page",
        object_id=page,
        details={"messages": [m.id for m in messages.items]},
    )
    return render_template("mail/outbox.html", messages=messages, statuses=STATUSES)


@bp.route("/staff/outbox/<int:message_id>")
@role_required(ADMIN)
@web.transaction
def message(message_id: int):
    row = db.session.get(OutboxMessage, message_id) or abort(404)
    record_event(
        "mail.message_viewed",
        object_type="outbox_message",
        object_id=row.id,
        details={"recipient_domain": row.recipient.rpartition("@")[2], "category": row.category},
    )
    return render_template("mail/message.html", message=row, statuses=STATUSES)
