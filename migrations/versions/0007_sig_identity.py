"""petitions: per-petition signing counters (canonical address, domain, IP block)

Revision ID: 0007_sig_identity
Revises: 0006_mail_queue

Signatures' stored ``email_hash`` is keyed with PERSONAL_DATA_KEY, which lives in the instance
folder, not in the database: this migration cannot recompute it for the new canonical form.
After upgrading run ``civic petitions rehash`` once (docs/petitions.md).
"""

import sqlalchemy as sa
from alembic import op

revision = '0007_sig_identity'
down_revision = '0006_mail_queue'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'petition_sign_counters',
        sa.Column('petition_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('key', sa.String(length=254), nullable=False),
        sa.Column('seconds', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.Integer(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['petition_id'],
            ['petitions.id'],
            name=op.f('fk_petition_sign_counters_petition_id_petitions'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint(
            'petition_id', 'kind', 'key', 'seconds', 'window_start',
            name=op.f('pk_petition_sign_counters'),
        ),
    )


def downgrade():
    op.drop_table('petition_sign_counters')
