"""A session whose expert declined needs one: the meeting state `expert_needed`

The state is stored as text with a CHECK constraint: the column grows to the new longest
value and the constraint lists it.

Revision ID: 7e3a9c1d5b20
Revises: f3a7c1e9b2d4
Create Date: 2026-12-05 12:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '7e3a9c1d5b20'
down_revision = 'f3a7c1e9b2d4'
branch_labels = None
depends_on = None

BEFORE = ('planned', 'changed', 'cancelled', 'held')
AFTER = ('planned', 'changed', 'expert_needed', 'cancelled', 'held')


def _change(before, after):
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meetings_meeting_state'), type_='check')
        batch_op.alter_column('state', existing_type=sa.String(max(len(v) for v in before)),
                              type_=sa.String(max(len(v) for v in after)), existing_nullable=False)
        batch_op.create_check_constraint(
            op.f('ck_meetings_meeting_state'), 'state IN ({})'.format(', '.join(f"'{v}'" for v in after)))


def upgrade():
    _change(BEFORE, AFTER)
    # sessions whose expert declined before this state existed
    op.execute(
        "UPDATE meetings SET state = 'expert_needed' WHERE state IN ('planned', 'changed') "
        "AND EXISTS (SELECT 1 FROM meeting_experts e WHERE e.meeting_id = meetings.id AND e.state = 'declined') "
        "AND NOT EXISTS (SELECT 1 FROM meeting_experts e WHERE e.meeting_id = meetings.id "
        "AND e.state IN ('assigned', 'accepted'))")


def downgrade():
    op.execute("UPDATE meetings SET state = 'changed' WHERE state = 'expert_needed'")
    _change(AFTER, BEFORE)
