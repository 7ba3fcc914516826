"""ballot checks: each ballot's frozen checks and normalised codes, stored when it is stored,
an index for the count's GROUP BY, and the digest of the ballots' fixed columns per edition

Revision ID: 0015_ballot_checks
Revises: 0014_staff_ux
Create Date: 2026-12-03 15:00:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015_ballot_checks'
down_revision = '0014_staff_ux'
branch_labels = None
depends_on = None


def upgrade():
    # Rows stored before keep None: the next count judges and fills them in.
    with op.batch_alter_table('pb_ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('frozen_reason', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('codes_key', sa.Text(), nullable=True))
        batch_op.create_index(
            'ix_pb_ballots_groups',
            ['edition_id', 'frozen_reason', 'codes_key', 'channel', 'reason'],
            unique=False,
        )
    with op.batch_alter_table('pb_editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballots_digest', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('pb_editions', schema=None) as batch_op:
        batch_op.drop_column('ballots_digest')
    with op.batch_alter_table('pb_ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_pb_ballots_groups')
        batch_op.drop_column('codes_key')
        batch_op.drop_column('frozen_reason')
