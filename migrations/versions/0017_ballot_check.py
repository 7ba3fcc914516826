"""ballot check and map: a keyed hash of the document's last four characters on paper ballots and
their entries (the second factor of «перевірити свій бюлетень»), and the check's rate-limit
counters; projects' coordinates for the map of winners

Revision ID: 0017_ballot_check
Revises: 0016_identity
Create Date: 2026-12-03 15:00:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017_ballot_check'
down_revision = '0016_identity'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pb_ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('pb_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('check_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('pb_projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Numeric(precision=9, scale=6), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Numeric(precision=9, scale=6), nullable=True))
    op.create_table(
        'pb_check_counters',
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('seconds', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['edition_id'], ['pb_editions.id'], name=op.f('fk_pb_check_counters_edition_id_pb_editions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('edition_id', 'kind', 'key', 'seconds', 'window_start', name=op.f('pk_pb_check_counters')),
    )


def downgrade():
    op.drop_table('pb_check_counters')
    with op.batch_alter_table('pb_projects', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
    with op.batch_alter_table('pb_entries', schema=None) as batch_op:
        batch_op.drop_column('check_hash')
    with op.batch_alter_table('pb_ballots', schema=None) as batch_op:
        batch_op.drop_column('check_hash')
