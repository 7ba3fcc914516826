"""accountability: what became of the PB winners (implementation, milestones with photos) and
the follow-up of petition answers

Revision ID: 0018_accountability
Revises: 0017_ballot_check
Create Date: 2026-12-03 15:20:00
"""
import sqlalchemy as sa
from alembic import op

import civic.database


# revision identifiers, used by Alembic.
revision = '0018_accountability'
down_revision = '0017_ballot_check'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'pb_implementations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('percent_done', sa.Integer(), nullable=False),
        sa.Column('spent', sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column('cancel_reason', sa.Text(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('updated_at', civic.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['pb_projects.id'], name=op.f('fk_pb_implementations_project_id_pb_projects'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pb_implementations')),
        sa.UniqueConstraint('project_id', name=op.f('uq_pb_implementations_project_id')),
    )
    op.create_table(
        'pb_milestones',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('implementation_id', sa.Integer(), nullable=False),
        sa.Column('happened_on', sa.Date(), nullable=False),
        sa.Column('text', sa.String(length=500), nullable=False),
        sa.Column('photo', sa.LargeBinary(), nullable=True),
        sa.Column('photo_type', sa.String(length=20), nullable=False),
        sa.Column('photo_sha256', sa.String(length=64), nullable=False),
        sa.Column('photo_width', sa.Integer(), nullable=False),
        sa.Column('photo_height', sa.Integer(), nullable=False),
        sa.Column('created_at', civic.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['implementation_id'], ['pb_implementations.id'], name=op.f('fk_pb_milestones_implementation_id_pb_implementations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pb_milestones')),
    )
    with op.batch_alter_table('pb_milestones', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pb_milestones_implementation_id'), ['implementation_id'], unique=False)
    op.create_table(
        'petition_followups',
        sa.Column('petition_id', sa.Integer(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('updated_at', civic.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['petition_id'], ['petitions.id'], name=op.f('fk_petition_followups_petition_id_petitions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('petition_id', name=op.f('pk_petition_followups')),
    )


def downgrade():
    op.drop_table('petition_followups')
    with op.batch_alter_table('pb_milestones', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pb_milestones_implementation_id'))
    op.drop_table('pb_milestones')
    op.drop_table('pb_implementations')
