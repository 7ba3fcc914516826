"""petitions: a signer may ask to be told by mail when the petition is answered

Revision ID: 0013_answer_notify
Revises: 0012_seed_defaults
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_answer_notify'
down_revision = '0012_seed_defaults'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_on_answer', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.drop_column('notify_on_answer')
