"""staff ux: the counting commission and protocol number of an edition; withdrawn uploads;
the gender of a staff account's verbs in the audit log

Revision ID: 0014_staff_ux
Revises: 0012_seed_defaults
Create Date: 2026-12-03 11:50:00
"""
import sqlalchemy as sa
from alembic import op

import civic.database


# revision identifiers, used by Alembic.
revision = '0014_staff_ux'
down_revision = '0012_seed_defaults'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=1), nullable=False, server_default=''))
    with op.batch_alter_table('pb_editions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('commission', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('protocol_number', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('protocol_on', sa.Date(), nullable=True))
    with op.batch_alter_table('enterprise_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', civic.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_login', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('withdrawal_reason', sa.String(length=500), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('enterprise_uploads', schema=None) as batch_op:
        batch_op.drop_column('withdrawal_reason')
        batch_op.drop_column('withdrawn_by_login')
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('pb_editions', schema=None) as batch_op:
        batch_op.drop_column('protocol_on')
        batch_op.drop_column('protocol_number')
        batch_op.drop_column('commission')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('gender')
