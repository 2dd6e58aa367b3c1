"""Weekly patterns of availability: the same dagdelen every week until a date

Revision ID: f3a7c1e9b2d4
Revises: 2f97715c9317
Create Date: 2026-12-05 12:40:00

"""
import sqlalchemy as sa
from alembic import op

from ontwikkelbijeenkomsten.core.db import UTCDateTime

revision = 'f3a7c1e9b2d4'
down_revision = '2f97715c9317'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'weekly_patterns',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('weekdays', sa.JSON(), nullable=False),
        sa.Column('dagdelen', sa.JSON(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_weekly_patterns_ends_after_start')),
        sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_weekly_patterns_expert_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_weekly_patterns')),
    )
    op.create_index(op.f('ix_weekly_patterns_expert_id'), 'weekly_patterns', ['expert_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_weekly_patterns_expert_id'), table_name='weekly_patterns')
    op.drop_table('weekly_patterns')
