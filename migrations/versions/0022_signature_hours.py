"""signature hours: counted signatures per petition and UTC hour, kept by triggers

The petition page's chart read every counted signature of the petition on each view (issue 15
point 5); it now reads one row per hour with signatures. Triggers on petition_signatures keep
the table equal to the grouped count of counted signatures (confirmed, not invalidated)
whatever writes them: confirmation, invalidation, retention, deletion, the CLI.

Revision ID: 0022_signature_hours
Revises: 0021_count_state
Create Date: 2026-12-04 15:00:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0022_signature_hours'
down_revision = '0021_count_state'
branch_labels = None
depends_on = None

COUNTED = "{row}.confirmed_at IS NOT NULL AND {row}.invalidated_at IS NULL"
SQLITE_HOUR = "strftime('%Y-%m-%d %H:00:00', {row}.confirmed_at)"
PG_HOUR = "date_trunc('hour', {row}.confirmed_at AT TIME ZONE 'UTC')"


def _sqlite_add(row: str) -> str:
    return (
        "INSERT INTO petition_signature_hours (petition_id, hour, count) "
        f"SELECT {row}.petition_id, {SQLITE_HOUR.format(row=row)}, 1 "
        f"WHERE {COUNTED.format(row=row)} "
        "ON CONFLICT (petition_id, hour) DO UPDATE SET count = count + 1;"
    )


def _sqlite_remove(row: str) -> str:
    return (
        "UPDATE petition_signature_hours SET count = count - 1 "
        f"WHERE petition_id = {row}.petition_id AND hour = {SQLITE_HOUR.format(row=row)} "
        f"AND {COUNTED.format(row=row)};"
    )


SQLITE_TRIGGERS = {
    "petition_signature_hours_insert": (
        "AFTER INSERT ON petition_signatures", _sqlite_add("NEW")
    ),
    "petition_signature_hours_update": (
        "AFTER UPDATE OF petition_id, confirmed_at, invalidated_at ON petition_signatures",
        _sqlite_remove("OLD") + " " + _sqlite_add("NEW"),
    ),
    "petition_signature_hours_delete": (
        "AFTER DELETE ON petition_signatures", _sqlite_remove("OLD")
    ),
}

PG_FUNCTION = f"""
CREATE FUNCTION petition_signature_hours_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND {COUNTED.format(row='OLD')} THEN
        UPDATE petition_signature_hours SET count = count - 1
        WHERE petition_id = OLD.petition_id AND hour = {PG_HOUR.format(row='OLD')};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND {COUNTED.format(row='NEW')} THEN
        INSERT INTO petition_signature_hours (petition_id, hour, count)
        VALUES (NEW.petition_id, {PG_HOUR.format(row='NEW')}, 1)
        ON CONFLICT (petition_id, hour)
        DO UPDATE SET count = petition_signature_hours.count + 1;
    END IF;
    RETURN NULL;
END
$$;
"""
PG_TRIGGER = (
    "CREATE TRIGGER petition_signature_hours_keep "
    "AFTER INSERT OR DELETE OR UPDATE OF petition_id, confirmed_at, invalidated_at "
    "ON petition_signatures FOR EACH ROW EXECUTE FUNCTION petition_signature_hours_keep()"
)


def upgrade():
    op.create_table(
        'petition_signature_hours',
        sa.Column('petition_id', sa.Integer(), nullable=False),
        sa.Column('hour', sa.DateTime(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_signature_hours_petition_id_petitions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('petition_id', 'hour', name=op.f('pk_petition_signature_hours')),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    hour = (PG_HOUR if postgresql else SQLITE_HOUR).format(row="petition_signatures")
    op.execute(
        "INSERT INTO petition_signature_hours (petition_id, hour, count) "
        f"SELECT petition_id, {hour}, count(*) FROM petition_signatures "
        f"WHERE {COUNTED.format(row='petition_signatures')} GROUP BY petition_id, {hour}"
    )
    if postgresql:
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
    else:
        for name, (when, body) in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} FOR EACH ROW BEGIN {body} END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER petition_signature_hours_keep ON petition_signatures")
        op.execute("DROP FUNCTION petition_signature_hours_keep()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table('petition_signature_hours')
