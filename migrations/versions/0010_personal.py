"""mail outbox: the hash of the one-time token a stored message carries

Revision ID: 0010_personal
Revises: 0009_sig_confirm
Create Date: 2026-12-03 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_personal'
down_revision = '0009_sig_confirm'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('secret_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_secret_hash'), ['secret_hash'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_secret_hash'))
        batch_op.drop_column('secret_hash')
