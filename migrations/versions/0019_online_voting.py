"""online voting: an edition's online-voting days, and the online ballots' person key, receipt
hash and declared-address flag (issue 16 point 3)

Revision ID: 0019_online_voting
Revises: 0018_accountability
Create Date: 2026-12-03 18:30:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019_online_voting'
down_revision = '0018_accountability'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pb_editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('online_voting', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('online_starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('online_ends_on', sa.Date(), nullable=True))
    with op.batch_alter_table('pb_ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('receipt_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('address_declared', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_pb_ballots_edition_id_person_hash'), ['edition_id', 'person_hash'])
        batch_op.create_index('ix_pb_ballots_edition_id_receipt_hash', ['edition_id', 'receipt_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('pb_ballots', schema=None) as batch_op:
        batch_op.drop_index('ix_pb_ballots_edition_id_receipt_hash')
        batch_op.drop_constraint(batch_op.f('uq_pb_ballots_edition_id_person_hash'), type_='unique')
        batch_op.drop_column('address_declared')
        batch_op.drop_column('receipt_hash')
        batch_op.drop_column('person_hash')
    with op.batch_alter_table('pb_editions', schema=None) as batch_op:
        batch_op.drop_column('online_ends_on')
        batch_op.drop_column('online_starts_on')
        batch_op.drop_column('online_voting')
