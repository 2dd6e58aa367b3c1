"""Outbox mails rendered at delivery from a snapshot: template, context and language

Revision ID: 55b5d4383e7c
Revises: 6926005846c6
Create Date: 2026-11-22 21:06:28.167177

"""
import sqlalchemy as sa
from alembic import op

revision = '55b5d4383e7c'
down_revision = '6926005846c6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.add_column(sa.Column('template', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=5), nullable=False, server_default='nl'))


def downgrade():
    with op.batch_alter_table('outbox_mails', schema=None) as batch_op:
        batch_op.drop_column('locale')
        batch_op.drop_column('context')
        batch_op.drop_column('template')
