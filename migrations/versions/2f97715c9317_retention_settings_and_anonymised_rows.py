"""Retention periods chosen by the coordinators, and the moment a row's person was removed

Revision ID: 2f97715c9317
Revises: cc1f60c9bbd5
Create Date: 2026-12-05 12:20:00

"""
import sqlalchemy as sa
from alembic import op

from ontwikkelbijeenkomsten.core.db import UTCDateTime

revision = '2f97715c9317'
down_revision = 'cc1f60c9bbd5'
branch_labels = None
depends_on = None

ANONYMISED = ('audit_events', 'outbox_mails', 'registrations', 'requests', 'sent_nudges')


def upgrade():
    op.create_table(
        'retention_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_retention_settings_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_settings')),
        sa.UniqueConstraint('kind', name=op.f('uq_retention_settings_kind')),
    )
    for table in ANONYMISED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('anonymised_at', UTCDateTime(), nullable=True))


def downgrade():
    for table in ANONYMISED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('anonymised_at')
    op.drop_table('retention_settings')
