"""Places held per sector on open trainings, with the places each sector has and the release

Revision ID: d5b8e2f14a90
Revises: c3e1f0a7d2b4
Create Date: 2026-12-05 15:10:00

"""
import sqlalchemy as sa
from alembic import op

from ontwikkelbijeenkomsten.core.db import UTCDateTime

revision = 'd5b8e2f14a90'
down_revision = 'c3e1f0a7d2b4'
branch_labels = None
depends_on = None

SECTORS = ('onderwijs', 'jeugdhulp', 'gemeente')
COUNTERS = [f'{kind}_{sector}' for kind in ('held', 'confirmed') for sector in SECTORS]


def upgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        for column in COUNTERS:
            batch_op.add_column(sa.Column(column, sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('places_release_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('places_released_at', UTCDateTime(), nullable=True))
        batch_op.create_check_constraint(
            batch_op.f('ck_meetings_sector_places_not_negative'), ' AND '.join(f'{column} >= 0' for column in COUNTERS))
    # the places each sector has now (registrations are held by a series' lead)
    for sector in SECTORS:
        op.execute(f"UPDATE meetings SET confirmed_{sector} = (SELECT COUNT(*) FROM registrations "
                   f"WHERE registrations.meeting_id = meetings.id AND registrations.sector = '{sector}' "
                   f"AND registrations.state IN ('confirmed', 'attended'))")


def downgrade():
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_meetings_sector_places_not_negative'), type_='check')
        batch_op.drop_column('places_released_at')
        batch_op.drop_column('places_release_at')
        for column in reversed(COUNTERS):
            batch_op.drop_column(column)
