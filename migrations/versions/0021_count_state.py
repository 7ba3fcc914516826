"""count state: what the last count or import of an edition found, group by group

Revision ID: 0021_count_state
Revises: 0020_plan_versions
Create Date: 2026-12-04 05:00:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0021_count_state'
down_revision = '0020_plan_versions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pb_count_states',
        sa.Column('edition_id', sa.Integer(), nullable=False),
        sa.Column('ballots_digest', sa.String(length=64), nullable=False),
        sa.Column('rules_digest', sa.String(length=64), nullable=False),
        sa.Column('groups', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['edition_id'], ['pb_editions.id'], name=op.f('fk_pb_count_states_edition_id_pb_editions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('edition_id', name=op.f('pk_pb_count_states')),
    )


def downgrade():
    op.drop_table('pb_count_states')
