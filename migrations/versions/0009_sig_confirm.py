"""petitions: when a signature's confirmation link was mailed; bulk invalidations proposed by
one moderator and decided by another

Revision ID: 0009_sig_confirm
Revises: 0008_accounts
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa

import civic.database


# revision identifiers, used by Alembic.
revision = '0009_sig_confirm'
down_revision = '0008_accounts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmation_mailed_at', civic.database.UTCDateTime(timezone=True), nullable=True))

    # Every invalidation made before this revision was applied at once.
    with op.batch_alter_table('petition_invalidations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='applied', nullable=False))
        batch_op.add_column(sa.Column('decided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', civic.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_petition_invalidations_decided_by_id_users'), 'users', ['decided_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('petition_invalidations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_petition_invalidations_decided_by_id_users'), type_='foreignkey')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by_id')
        batch_op.drop_column('status')

    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.drop_column('confirmation_mailed_at')
