"""The line catalogue of the statement and plan forms as stored (seeded from the shipped data,
edited by staff): reading it for a form and edition, storing an uploaded catalogue file.
Operations flush; the view or CLI command commits once.
"""

from __future__ import annotations

from dataclasses import asdict
from importlib import resources

from sqlalchemy import delete, select

from civic.audit.services import record_event
from civic.enterprises import catalogue as cat
from civic.enterprises.models import CatalogueLine
from civic.extensions import db


def seed_lines(form: str) -> list[cat.Line]:
    """The shipped seed catalogue of a form (package data)."""
    data = resources.files("civic.enterprises").joinpath("data", cat.SEED_FILES[form]).read_bytes()
    return cat.parse_catalogue(data, cat.SEED_FILES[form])


def list_editions(form: str) -> list[str]:
    stored = db.session.scalars(
        select(CatalogueLine.edition).where(CatalogueLine.form == form).distinct()
    ).all()
    return sorted(set(stored) | {cat.DEFAULT_EDITIONS[form]})


def list_catalogue_lines(form: str, edition: str | None = None) -> list[CatalogueLine]:
    edition = edition or cat.DEFAULT_EDITIONS[form]
    return list(
        db.session.scalars(
            select(CatalogueLine)
            .where(CatalogueLine.form == form, CatalogueLine.edition == edition)
            .order_by(CatalogueLine.code)
        )
    )


def get_catalogue(form: str, edition: str | None = None) -> list[cat.Line]:
    """The catalogue of a form edition: stored lines, or the shipped seed if none are stored."""
    rows = list_catalogue_lines(form, edition)
    if rows:
        return [cat.Line(r.code, r.title, r.description, r.unit, r.key, r.sign) for r in rows]
    if edition in (None, cat.DEFAULT_EDITIONS[form]):
        return seed_lines(form)
    return []


def line_titles(form: str) -> dict[str, cat.Line]:
    return {line.code: line for line in get_catalogue(form)}


def store_catalogue(
    form: str, edition: str, lines: list[cat.Line], *, source: str, actor=None
) -> int:
    """Replace the lines of one form edition."""
    db.session.execute(
        delete(CatalogueLine).where(CatalogueLine.form == form, CatalogueLine.edition == edition)
    )
    # A stored line's columns are the catalogue line's fields, under its form and edition.
    db.session.add_all(CatalogueLine(form=form, edition=edition, **asdict(line)) for line in lines)
    db.session.flush()
    record_event(
        "enterprises.catalogue_loaded",
        object_type="catalogue",
        object_id=f"{form}/{edition}",
        details={"lines": len(lines), "source": source},
        actor=actor,
    )
    return len(lines)


def load_catalogue_file(data: bytes, filename: str, form: str, edition: str, *, actor=None) -> int:
    """Load a catalogue file (raises TabularError with a Ukrainian message)."""
    return store_catalogue(
        form, edition, cat.parse_catalogue(data, filename), source=filename, actor=actor
    )


def seed_catalogue(*, actor=None) -> int:
    """Store the shipped seed catalogues where a form's default edition has no lines yet."""
    count = 0
    for form in cat.FORMS:
        if not list_catalogue_lines(form):
            count += store_catalogue(
                form, cat.DEFAULT_EDITIONS[form], seed_lines(form), source="seed", actor=actor
            )
    return count


def save_catalogue_line(form: str, edition: str, line: cat.Line, *, actor=None) -> CatalogueLine:
    """Add or edit one line of a stored catalogue edition."""
    row = db.session.scalar(
        select(CatalogueLine).where(
            CatalogueLine.form == form,
            CatalogueLine.edition == edition,
            CatalogueLine.code == line.code,
        )
    )
    if row is None:
        row = CatalogueLine(form=form, edition=edition, code=line.code)
        db.session.add(row)
    row.title, row.description, row.unit = line.title, line.description, line.unit
    row.key, row.sign = line.key, line.sign
    db.session.flush()
    record_event(
        "enterprises.catalogue_line_saved",
        object_type="catalogue",
        object_id=f"{form}/{edition}/{line.code}",
        details={"title": line.title},
        actor=actor,
    )
    return row
