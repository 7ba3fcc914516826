"""plan versions: each financial plan upload keeps its status, approval and figures; execution
reports keep their period

Revision ID: 0020_plan_versions
Revises: 0018_accountability
Create Date: 2026-12-03 18:40:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020_plan_versions'
down_revision = '0019_online_voting'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enterprise_uploads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_status', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('report_period', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('approved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('decision', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('approved_by', sa.String(length=300), nullable=False, server_default=''))
    op.create_table(
        'enterprise_plan_figures',
        sa.Column('upload_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('value', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('title', sa.String(length=400), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['upload_id'], ['enterprise_uploads.id'], name=op.f('fk_enterprise_plan_figures_upload_id_enterprise_uploads'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_plan_figures')),
        sa.UniqueConstraint('upload_id', 'code', 'kind', name=op.f('uq_enterprise_plan_figures_upload_id_code_kind')),
    )
    with op.batch_alter_table('enterprise_plan_figures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_plan_figures_upload_id'), ['upload_id'], unique=False)
    # The plan numbers in force so far become their upload's figures (older uploads' numbers
    # were never kept).
    op.execute(
        "INSERT INTO enterprise_plan_figures (upload_id, code, kind, value, title) "
        "SELECT upload_id, code, kind, value, title FROM enterprise_facts WHERE form = 'plan'"
    )


def downgrade():
    with op.batch_alter_table('enterprise_plan_figures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_plan_figures_upload_id'))
    op.drop_table('enterprise_plan_figures')
    with op.batch_alter_table('enterprise_uploads', schema=None) as batch_op:
        batch_op.drop_column('approved_by')
        batch_op.drop_column('decision')
        batch_op.drop_column('approved_on')
        batch_op.drop_column('report_period')
        batch_op.drop_column('plan_status')
