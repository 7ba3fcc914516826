"""identity: petition signatures by citizens identified through ID.GOV.UA (one per person)

Revision ID: 0016_identity
Revises: 0015_ballot_checks
Create Date: 2026-12-03 15:00:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_identity'
down_revision = '0015_ballot_checks'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('identity_method', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_petition_signatures_petition_id_person_hash'), ['petition_id', 'person_hash']
        )


def downgrade():
    with op.batch_alter_table('petition_signatures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_petition_signatures_petition_id_person_hash'), type_='unique')
        batch_op.drop_column('identity_method')
        batch_op.drop_column('person_hash')
