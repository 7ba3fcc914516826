"""The audit log page: events as Ukrainian sentences, filtered by kind, person, object, date."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from civic import kyiv
from civic.audit.history import sentences_of
from civic.audit.sentences import VERBS, action_title
from civic.audit.services import list_events
from civic.auth.models import User
from civic.auth.permissions import role_required
from civic.auth.roles import ADMIN
from civic.extensions import db
from civic.forms import DayField, Form

bp = Blueprint("audit", __name__)

KINDS = {
    "actions": "дії",
    "views": "перегляди персональних даних",
    "all": "усе",
}
OBJECT_TYPES = {
    "petition": "петиція",
    "pb_edition": "видання громадського бюджету",
    "pb_discrepancy": "розбіжність бюлетеня",
    "user": "обліковий запис",
    "enterprise": "підприємство",
    "enterprise_upload": "завантаження звітності",
    "report_version": "версія звіту",
    "journal_entry": "запис журналу",
}


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    kind = SelectField(
        "Показати", choices=[SelectChoice(k, v) for k, v in KINDS.items()], default="actions"
    )
    actor = SelectField("Хто", choices=[], default="")
    action = SelectField("Дія", choices=[], default="")
    object_type = SelectField(
        "Об'єкт",
        choices=[SelectChoice("", "будь-який")]
        + [SelectChoice(k, v) for k, v in OBJECT_TYPES.items()],
        default="",
    )
    object_id = StringField("Номер чи код об'єкта", validators=[Optional(), Length(max=120)])
    since = DayField("З дати", validators=[Optional()], format="%d.%m.%Y")
    until = DayField("По дату", validators=[Optional()], format="%d.%m.%Y")


@bp.route("/staff/audit")
@role_required(ADMIN)
def index():
    form = AuditFilterForm(formdata=request.args)
    people = db.session.scalars(select(User).order_by(User.full_name, User.login)).all()
    form.actor.choices = [SelectChoice("", "будь-хто")] + [
        SelectChoice(str(u.id), f"{u.full_name or u.login} ({u.login})") for u in people
    ]
    form.action.choices = [SelectChoice("", "будь-яка")] + [
        SelectChoice(a, action_title(a)) for a in sorted(VERBS, key=action_title)
    ]
    filters: dict = {"views": False}
    if form.validate():
        kind = form.kind.data or "actions"
        filters["views"] = {"actions": False, "views": True}.get(kind)
        if form.actor.data and form.actor.data.isdigit():
            filters["actor_id"] = int(form.actor.data)
        filters["action"] = form.action.data or None
        filters["object_type"] = form.object_type.data or None
        filters["object_id"] = (form.object_id.data or "").strip() or None
        if form.since.data:
            filters["since"] = kyiv.day_bounds(form.since.data)[0]
        if form.until.data:
            filters["until"] = kyiv.day_bounds(form.until.data)[1]
    page = list_events(page=request.args.get("page", 1, type=int), **filters)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "audit/index.html",
        events=page,
        rows=sentences_of(page.items),
        form=form,
        args=args,
    )
