from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from civic import web, workdays
from civic.auth.permissions import role_required
from civic.auth.roles import ADMIN
from civic.extensions import db
from civic.workcalendar import services
from civic.workcalendar.forms import DeclaredDayForm, EndPeriodForm, MartialLawForm
from civic.workcalendar.models import DAY_KINDS, DeclaredDay, MartialLawPeriod

bp = Blueprint("workcalendar", __name__)


def _page(day_form=None, period_form=None, status=200):
    calendar = services.get_calendar()
    check = None
    start_raw, n_raw = request.args.get("start"), request.args.get("n")
    if start_raw and n_raw:
        try:
            start, n = dt.date.fromisoformat(start_raw), int(n_raw)
            if not 0 <= n <= 1000:
                raise ValueError
            check = (start, n, workdays.add_working_days(calendar, start, n))
        except ValueError:
            flash("Вкажіть дату РРРР-ММ-ДД і кількість днів від 0 до 1000.", "error")
    return render_template(
        "workcalendar/index.html",
        calendar=calendar,
        days=services.list_declared_days(),
        periods=services.list_martial_law_periods(),
        kinds=DAY_KINDS,
        day_form=day_form or DeclaredDayForm(formdata=None),
        period_form=period_form or MartialLawForm(formdata=None),
        end_form=EndPeriodForm(formdata=None),
        check=check,
    ), status


@bp.route("/staff/calendar")
@role_required(ADMIN)
def index():
    return _page()


def _submitted(form, save, *, field: str, shown_as: str):
    """A form on the calendar page: saved, back to the page saying what ``save`` says; refused,
    the page again with the form (``shown_as``) and its problems (``field`` gets a refusal)."""
    if form.validate():
        with web.attempt(form, field=field):
            flash(save(form), "success")
            return redirect(url_for("workcalendar.index"))
    return _page(**{shown_as: form}, status=400)


def _declare_day(form: DeclaredDayForm) -> str:
    services.declare_day(form.day_on.data, form.kind.data, form.note.data or "")
    return "День додано до календаря."


@bp.route("/staff/calendar/days", methods=["POST"])
@role_required(ADMIN)
@web.transaction
def declare_day():
    return _submitted(DeclaredDayForm(), _declare_day, field="day_on", shown_as="day_form")


@bp.route("/staff/calendar/days/<int:day_id>/delete", methods=["POST"])
@role_required(ADMIN)
@web.transaction
def remove_day(day_id: int):
    row = db.session.get(DeclaredDay, day_id) or abort(404)
    services.remove_declared_day(row)
    flash("День вилучено з календаря.", "success")
    return redirect(url_for("workcalendar.index"))


@bp.route("/staff/calendar/periods", methods=["POST"])
@role_required(ADMIN)
@web.transaction
def add_period():
    return _submitted(MartialLawForm(), _add_period, field="starts_on", shown_as="period_form")


def _add_period(form: MartialLawForm) -> str:
    period = (form.starts_on.data, form.ends_on.data, form.holidays_working_from.data)
    services.add_martial_law_period(*period, form.note.data or "")
    return "Період воєнного стану додано."


@bp.route("/staff/calendar/periods/<int:period_id>/end", methods=["POST"])
@role_required(ADMIN)
@web.transaction(redirect_to="workcalendar.index")
def end_period(period_id: int):
    row = db.session.get(MartialLawPeriod, period_id) or abort(404)
    form = EndPeriodForm()
    if not form.validate():
        flash("Вкажіть дату кінця періоду (РРРР-ММ-ДД).", "error")
        return redirect(url_for("workcalendar.index"))
    services.end_martial_law_period(row, form.ends_on.data)
    flash("Кінець періоду збережено.", "success")
    return redirect(url_for("workcalendar.index"))


@bp.route("/staff/calendar/periods/<int:period_id>/delete", methods=["POST"])
@role_required(ADMIN)
@web.transaction
def remove_period(period_id: int):
    row = db.session.get(MartialLawPeriod, period_id) or abort(404)
    services.remove_martial_law_period(row, actor=current_user)
    flash("Період вилучено.", "success")
    return redirect(url_for("workcalendar.index"))
