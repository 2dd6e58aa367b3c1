"""A request's contact version: the status link carries it, so a previous contact's link stops working

Revision ID: e7c2a9d4f1b3
Revises: d5b8e2f14a90
Create Date: 2026-12-05 23:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'e7c2a9d4f1b3'
down_revision = 'd5b8e2f14a90'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_version', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('contact_version')
