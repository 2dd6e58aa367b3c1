"""Weekly patterns note the dagdelen that were available by hand before them, which removing leaves

Revision ID: a4d9e2b7c1f5
Revises: b4d9e6a2c8f1
Create Date: 2026-12-06 00:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a4d9e2b7c1f5'
down_revision = 'b4d9e6a2c8f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('weekly_patterns') as batch:
        batch.add_column(sa.Column('kept', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('weekly_patterns') as batch:
        batch.drop_column('kept')
