"""Weekly patterns note the dagdelen that were available by hand before them, which removing leaves

Revision ID: a4d9e2b7c1f5
Revises: e7c2a9d4f1b3
Create Date: 2026-12-06 00:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a4d9e2b7c1f5'
down_revision = 'e7c2a9d4f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('weekly_patterns') as batch:
        batch.add_column(sa.Column('kept', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('weekly_patterns') as batch:
        batch.drop_column('kept')
