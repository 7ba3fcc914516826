"""The line catalogue of the statement and plan forms as stored (seeded from the shipped data,
edited by staff): reading it for a form and edition, storing an uploaded catalogue file.
Operations flush; the view or CLI command commits once.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from importlib import resources

from sqlalchemy import delete, select

from civic.audit.services import record_event
from civic.enterprises import catalogue as cat
from civic.enterprises.models import CatalogueLine
from civic.extensions import db


def seed_lines(form: str, edition: str | None = None) -> list[cat.Line]:
    """The shipped seed catalogue of a form edition (package data; [] where none is shipped)."""
    name = cat.seed_file(form, edition)
    if name is None:
        return []
    data = resources.files("civic.enterprises").joinpath("data", name).read_bytes()
    return cat.parse_catalogue(data, name)


def list_editions(form: str) -> list[str]:
    stored = db.session.scalars(
        select(CatalogueLine.edition).where(CatalogueLine.form == form).distinct()
    ).all()
    shipped = {e.name for e in cat.editions_of(form)}
    return sorted(set(stored) | {cat.DEFAULT_EDITIONS[form]} | shipped)


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
    """The catalogue of a form edition: stored lines, or the shipped seed if none are stored.

    Sections and sums are the form's arithmetic, not staff-editable text: they always come from
    the shipped seed of the edition (matched by code), so a stored line keeps them too."""
    rows = list_catalogue_lines(form, edition)
    seed = seed_lines(form, edition)
    if not rows:
        return seed
    shape = {line.code: line for line in seed}
    return [
        replace(
            cat.Line(r.code, r.title, r.description, r.unit, r.key, r.sign),
            section=shape[r.code].section if r.code in shape else "",
            sums=shape[r.code].sums if r.code in shape else (),
        )
        for r in rows
    ]


def line_titles(form: str) -> dict[str, cat.Line]:
    return {line.code: line for line in get_catalogue(form)}


def store_catalogue(
    form: str, edition: str, lines: list[cat.Line], *, source: str, actor=None
) -> int:
    """Replace the lines of one form edition."""
    db.session.execute(
        delete(CatalogueLine).where(CatalogueLine.form == form, CatalogueLine.edition == edition)
    )
    # A stored line's columns are the catalogue line's text fields, under its form and edition
    # (its section and sums stay with the shipped edition: see get_catalogue).
    db.session.add_all(
        CatalogueLine(form=form, edition=edition, **_stored_fields(line)) for line in lines
    )
    db.session.flush()
    record_event(
        "enterprises.catalogue_loaded",
        object_type="catalogue",
        object_id=f"{form}/{edition}",
        details={"lines": len(lines), "source": source},
        actor=actor,
    )
    return len(lines)


def seed_edition(form: str, edition: str, *, actor=None) -> int | None:
    """Store the shipped seed catalogue as an edition not stored yet: how many lines, or None
    where the edition is already stored (the seed never overwrites what the staff saved)."""
    if list_catalogue_lines(form, edition):
        return None
    return store_catalogue(form, edition, seed_lines(form, edition), source="seed", actor=actor)


def _stored_fields(line: cat.Line) -> dict:
    fields = asdict(line)
    del fields["section"], fields["sums"]
    return fields


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
