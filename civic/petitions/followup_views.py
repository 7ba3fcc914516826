"""The follow-up of a petition's answer: moderators record the promised action and its status;
the public petition page shows it. Routes of the ``petitions`` blueprint."""

from __future__ import annotations

from flask_login import current_user
from wtforms import SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from civic import web
from civic.auth.permissions import role_required
from civic.auth.roles import MODERATOR
from civic.forms import Form
from civic.petitions.followup import FOLLOWUP_TITLES, MAX_ACTION, FollowupError
from civic.petitions.followup_services import get_followup, record_followup
from civic.petitions.views import _petition_or_404, bp


class FollowupForm(Form):
    action = TextAreaField(
        "Обіцяна дія (що рада зобов'язалася зробити у відповіді)",
        validators=[InputRequired("Опишіть обіцяну дію."), Length(max=MAX_ACTION)],
    )
    status = SelectField(
        "Стан виконання", choices=[SelectChoice(k, v) for k, v in FOLLOWUP_TITLES.items()]
    )


@bp.app_template_global()
def petition_followup(petition):
    """The follow-up of an answered petition, with its status title, or None."""
    row = get_followup(petition) if petition.answered_on else None
    return (row, FOLLOWUP_TITLES[row.status]) if row else None


@bp.app_template_global()
def petition_followup_form(petition):
    row = get_followup(petition)
    data = {"action": row.action, "status": row.status} if row else {}
    return FollowupForm(formdata=None, data=data)


@bp.route("/staff/petitions/<int:petition_id>/followup", methods=["POST"])
@role_required(MODERATOR)
@web.transaction(redirect_to="petitions.staff_detail")
def followup(petition_id: int):
    petition = _petition_or_404(petition_id)
    form = web.valid(FollowupForm(), FollowupError)
    record_followup(petition, action=form.action.data, status=form.status.data, actor=current_user)
    return web.saved(
        "Виконання відповіді збережено.", "petitions.staff_detail", petition_id=petition_id
    )
