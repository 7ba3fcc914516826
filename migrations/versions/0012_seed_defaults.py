"""seed defaults: the report's entry types, occasions and template; the refusal reasons

Revision ID: 0012_seed_defaults
Revises: 0011_audit
Create Date: 2026-12-03 11:45:00

The rows every database needs were created by the first page that read them (a GET that
wrote); they are created here, once, by ``civic db upgrade`` (docs/decisions/0002). The texts
come from the shipped data (civic/reports/data/defaults.toml, civic.petitions.lifecycle);
tables the staff already filled are left alone, and a missing refusal reason is added.
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_seed_defaults"
down_revision = "0011_audit"
branch_labels = None
depends_on = None

entry_types = sa.table(
    "report_entry_types",
    sa.column("code", sa.String),
    sa.column("label", sa.String),
    sa.column("form_one", sa.String),
    sa.column("form_few", sa.String),
    sa.column("form_many", sa.String),
    sa.column("needs_occasion", sa.Boolean),
    sa.column("position", sa.Integer),
    sa.column("is_active", sa.Boolean),
)
occasions_table = sa.table(
    "report_occasions",
    sa.column("name", sa.String),
    sa.column("rule", sa.String),
    sa.column("category", sa.String),
    sa.column("from_year", sa.Integer),
    sa.column("to_year", sa.Integer),
    sa.column("is_active", sa.Boolean),
)
templates = sa.table(
    "report_templates",
    sa.column("id", sa.Integer),
    sa.column("title", sa.Text),
    sa.column("signer_position", sa.String),
    sa.column("signer_name", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
paragraphs = sa.table(
    "report_paragraph_templates",
    sa.column("template_id", sa.Integer),
    sa.column("key", sa.String),
    sa.column("position", sa.Integer),
    sa.column("text", sa.Text),
    sa.column("requires", sa.String),
)
reasons = sa.table(
    "petition_refusal_reasons",
    sa.column("code", sa.String),
    sa.column("title", sa.String),
    sa.column("legal_basis", sa.String),
    sa.column("public_explanation", sa.Text),
    sa.column("is_hidden", sa.Boolean),
    sa.column("needs_second_moderator", sa.Boolean),
    sa.column("needs_text", sa.Boolean),
    sa.column("sort_order", sa.Integer),
)


def _empty(connection, table) -> bool:
    return connection.execute(sa.select(sa.func.count()).select_from(table)).scalar() == 0


def upgrade():
    from civic.petitions import lifecycle
    from civic.reports.defaults import load_defaults

    defaults = load_defaults()

    connection = op.get_bind()
    now = dt.datetime.now(dt.UTC)
    if connection.dialect.name == "sqlite":  # naive UTC there, as civic.database.UTCDateTime
        now = now.replace(tzinfo=None)
    if _empty(connection, entry_types):
        op.bulk_insert(
            entry_types,
            [
                {
                    "code": spec.code,
                    "label": spec.label,
                    "form_one": spec.forms.one if spec.forms else None,
                    "form_few": spec.forms.few if spec.forms else None,
                    "form_many": spec.forms.many if spec.forms else None,
                    "needs_occasion": spec.needs_occasion,
                    "position": i * 10,
                    "is_active": True,
                }
                for i, spec in enumerate(defaults.entry_types, start=1)
            ],
        )
    if _empty(connection, occasions_table):
        op.bulk_insert(
            occasions_table,
            [
                {
                    "name": o.name,
                    "rule": o.rule,
                    "category": o.category,
                    "from_year": o.from_year,
                    "to_year": o.to_year,
                    "is_active": True,
                }
                for o in defaults.occasions
            ],
        )
    if _empty(connection, templates):
        template_id = connection.execute(
            templates.insert().returning(templates.c.id),
            {
                "title": defaults.title,
                "signer_position": "",
                "signer_name": "",
                "updated_at": now,
            },
        ).scalar_one()
        op.bulk_insert(
            paragraphs,
            [
                {
                    "template_id": template_id,
                    "key": p.key,
                    "position": i * 10,
                    "text": p.text,
                    "requires": p.requires,
                }
                for i, p in enumerate(defaults.paragraphs, start=1)
            ],
        )
    have = set(connection.execute(sa.select(reasons.c.code)).scalars())
    missing = [
        {
            "code": r.code,
            "title": r.title,
            "legal_basis": r.legal_basis,
            "public_explanation": r.public_explanation,
            "is_hidden": r.is_hidden,
            "needs_second_moderator": r.needs_second_moderator,
            "needs_text": r.needs_text,
            "sort_order": order,
        }
        for order, r in enumerate(lifecycle.REFUSAL_REASONS)
        if r.code not in have
    ]
    if missing:
        op.bulk_insert(reasons, missing)


def downgrade():
    # The rows are data the staff may have edited since; downgrading the schema keeps them.
    pass
