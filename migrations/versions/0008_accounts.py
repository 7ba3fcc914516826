"""accounts: login attempts per login name, server-side staff sessions

Revision ID: 0008_accounts
Revises: 0007_sig_identity
Create Date: 2026-12-03 09:20:00

The lockout moves from users.failed_logins/locked_until to login_throttle, keyed by the login
name so that unknown logins are counted and locked exactly like real ones. staff_sessions holds
one row per logged-in browser; the cookie names it, logout and password changes delete it.
"""
from alembic import op
import sqlalchemy as sa

import civic.database


# revision identifiers, used by Alembic.
revision = '0008_accounts'
down_revision = '0007_sig_identity'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('login', sa.String(length=80), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', civic.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_attempt_at', civic.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('login', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_attempt_at'), ['last_attempt_at'], unique=False)

    op.create_table('staff_sessions',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', civic.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_staff_sessions'))
    )
    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_sessions_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_sessions_user_id'), ['user_id'], unique=False)

    # Carry running lockouts over, then drop the old columns.
    op.execute(
        "INSERT INTO login_throttle (login, failures, locked_until, last_attempt_at) "
        "SELECT login, failed_logins, locked_until, COALESCE(locked_until, CURRENT_TIMESTAMP) "
        "FROM users WHERE failed_logins > 0 OR locked_until IS NOT NULL"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', civic.database.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('failed_logins', server_default=None)

    with op.batch_alter_table('staff_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_sessions_user_id'))
        batch_op.drop_index(batch_op.f('ix_staff_sessions_created_at'))
    op.drop_table('staff_sessions')

    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_attempt_at'))
    op.drop_table('login_throttle')
