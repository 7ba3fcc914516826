"""What became of the winners: the commission's implementation page, the milestone photos and the
open data of implementations. Routes of the ``pb`` blueprint (registered from pb/views.py)."""

from __future__ import annotations

import json
import os

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from civic import database, kyiv, web
from civic.auth.permissions import role_required
from civic.pb import implementation_services as services
from civic.pb.implementation import STATUS_TITLES, ImplementationError
from civic.pb.implementation_forms import MilestoneForm, ProgressForm
from civic.pb.views import _public_edition, _staff_edition, bp
from civic.photos import FORMATS, MAX_BYTES, check_size
from civic.table_exports import write_csv


def _today():
    return kyiv.today(database.utcnow())


@bp.app_template_global()
def pb_winners(edition):
    """The winners and their implementation, for the public results page."""
    return services.list_winners(edition)


def _forms(winners):
    forms = {}
    for winner in winners:
        row = winner.implementation
        progress = ProgressForm(prefix=f"p-{winner.project.code}")
        if row is not None and request.method == "GET":
            progress.status.data = row.status
            progress.percent_done.data = row.percent_done
            progress.spent.data = f"{row.spent:.2f}"
            progress.done_on.data = row.done_on
            progress.cancel_reason.data = row.cancel_reason
        progress.version.data = str(row.version if row is not None else 0)
        forms[winner.project.code] = (progress, MilestoneForm(prefix=f"m-{winner.project.code}"))
    return forms


@bp.route("/staff/pb/<slug>/implementation")
@role_required("commission")
def staff_implementation(slug: str):
    edition = _staff_edition(slug)
    winners = services.list_winners(edition)
    return render_template(
        "pb/staff_implementation.html",
        edition=edition,
        winners=winners,
        forms=_forms(winners),
        statuses=STATUS_TITLES,
    )


def _saved(slug: str, code: str, what: str):
    flash(f"Проєкт {code}: {what}.", "success")
    return redirect(url_for("pb.staff_implementation", slug=slug) + f"#project-{code}")


@bp.route("/staff/pb/<slug>/implementation/<code>", methods=["POST"])
@role_required("commission")
@web.transaction(redirect_to="pb.staff_implementation")
def staff_progress(slug: str, code: str):
    form = web.valid(ProgressForm(prefix=f"p-{code}"), ImplementationError)
    services.record_progress(
        _staff_edition(slug), code, **form.arguments(), today=_today(), actor=current_user
    )
    return _saved(slug, code, "стан реалізації збережено")


def _photo_bytes(upload) -> bytes | None:
    """The uploaded photo, read no further than the limit and one byte; a file over the limit
    is refused with its real size (the upload is spooled to disk, so its end is a seek away)."""
    if not getattr(upload, "filename", ""):
        return None
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        upload.stream.seek(0, os.SEEK_END)
        check_size(upload.stream.tell())
    return data


@bp.route("/staff/pb/<slug>/implementation/<code>/milestones", methods=["POST"])
@role_required("commission")
@web.transaction(redirect_to="pb.staff_implementation")
def staff_milestone(slug: str, code: str):
    form = web.valid(MilestoneForm(prefix=f"m-{code}"), ImplementationError)
    edition = _staff_edition(slug)
    photo = _photo_bytes(form.photo.data)
    services.add_milestone(
        edition, code, **form.arguments(), photo=photo, today=_today(), actor=current_user
    )
    return _saved(slug, code, "етап додано")


# A photo's address ends in its extension (.jpg, .png, .webp; .jpeg too), nothing else.
PHOTO_TYPES = {extension: kind for kind, extension in FORMATS.values()} | {"jpeg": "image/jpeg"}


@bp.route("/pb/<slug>/milestones/<int:milestone_id>.<ext>")
def milestone_photo(slug: str, milestone_id: int, ext: str):
    edition = _public_edition(slug)
    milestone = services.get_milestone_photo(edition, milestone_id)
    if milestone is None or milestone.photo_type != PHOTO_TYPES.get(ext):
        abort(404)
    name = f"{edition.slug}-{milestone_id}.{ext}"
    return web.download(milestone.photo, name, milestone.photo_type, inline=True)


@bp.route("/pb/<slug>/implementation.<fmt>")
def implementation_data(slug: str, fmt: str):
    """Open data: one row per winner (status, % done, money spent, milestones)."""
    edition = _public_edition(slug)
    rows = services.open_data_rows(edition)
    name = f"{edition.slug}-implementation.{fmt}"
    if fmt == "json":
        document = {
            "edition": edition.slug,
            "fields": list(services.OPEN_DATA_FIELDS),
            "items": rows,
        }
        body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        return web.download(body, name, "application/json", inline=True)
    if fmt != "csv":
        abort(404)
    table = [
        [row[f] for f in services.OPEN_DATA_FIELDS[:-1]]
        + ["; ".join(f"{m['on']}: {m['text']}" for m in row["milestones"])]
        for row in rows
    ]
    return web.download(
        write_csv(services.OPEN_DATA_FIELDS, table), name, "text/csv; charset=utf-8"
    )
