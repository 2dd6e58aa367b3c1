"""Nudges: a period's setting (on or off, when) and the nudges sent, once per period and region

Revision ID: cc1f60c9bbd5
Revises: 192cfd689a0b
Create Date: 2026-12-05 11:20:35.775281

"""
import sqlalchemy as sa
from alembic import op

from ontwikkelbijeenkomsten.core.db import UTCDateTime

revision = 'cc1f60c9bbd5'
down_revision = '192cfd689a0b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'nudge_settings',
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('unit', sa.String(length=6), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=True),
        sa.Column('send_on', sa.Date(), nullable=True),
        sa.CheckConstraint(
            "(unit IN ('weeks', 'months') AND amount IS NOT NULL AND send_on IS NULL)"
            " OR (unit = 'date' AND amount IS NULL AND send_on IS NOT NULL)",
            name=op.f('ck_nudge_settings_moment_complete'),
        ),
        sa.ForeignKeyConstraint(['period_id'], ['programme_periods.id'],
                                name=op.f('fk_nudge_settings_period_id_programme_periods'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('period_id', name=op.f('pk_nudge_settings')),
    )
    op.create_table(
        'sent_nudges',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('period_id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('remaining', sa.Integer(), nullable=False),
        sa.Column('sent_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['period_id'], ['programme_periods.id'],
                                name=op.f('fk_sent_nudges_period_id_programme_periods'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'],
                                name=op.f('fk_sent_nudges_region_id_regions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_nudges')),
        sa.UniqueConstraint('period_id', 'region_id', name='uq_sent_nudges_period_region'),
    )
    op.create_index(op.f('ix_sent_nudges_region_id'), 'sent_nudges', ['region_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_sent_nudges_region_id'), table_name='sent_nudges')
    op.drop_table('sent_nudges')
    op.drop_table('nudge_settings')
