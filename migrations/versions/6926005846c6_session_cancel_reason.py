"""The reason a session was cancelled, shown to everyone it concerned

Revision ID: 6926005846c6
Revises: 8b8402a98840
Create Date: 2026-11-22 20:22:30.518018

"""
import sqlalchemy as sa
from alembic import op

revision = '6926005846c6'
down_revision = '8b8402a98840'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
