from flask import Blueprint, render_template, request

from civic.audit.services import list_events
from civic.auth.permissions import role_required
from civic.auth.roles import ADMIN

bp = Blueprint("audit", __name__)


@bp.route("/staff/audit")
@role_required(ADMIN)
def index():
    page = request.args.get("page", 1, type=int)
    action = request.args.get("action") or None
    return render_template(
        "audit/index.html", events=list_events(page=page, action=action), action=action
    )
