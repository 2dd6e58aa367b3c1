"""When an account was closed, and when its person was removed

An account that is already closed counts its retention period from its last "deactivated" entry
in the log, or from this migration when the log no longer holds one.

Revision ID: b4d9e6a2c8f1
Revises: e7c2a9d4f1b3
Create Date: 2026-12-06 00:00:00

"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from ontwikkelbijeenkomsten.core.db import UTCDateTime

revision = 'b4d9e6a2c8f1'
down_revision = 'e7c2a9d4f1b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', UTCDateTime(), nullable=True))
    users = sa.table('users', sa.column('id', sa.Integer()), sa.column('active', sa.Boolean()),
                     sa.column('deactivated_at', UTCDateTime()))
    events = sa.table('audit_events', sa.column('occurred_at', UTCDateTime()), sa.column('action', sa.String()),
                      sa.column('subject_type', sa.String()), sa.column('subject_id', sa.Integer()))
    last_closed = (sa.select(sa.func.max(events.c.occurred_at))
                   .where(events.c.action == 'expert.deactivated', events.c.subject_type == 'users',
                          events.c.subject_id == users.c.id).scalar_subquery())
    closed = users.c.active.is_(False)
    op.execute(users.update().where(closed).values(deactivated_at=last_closed))
    op.execute(users.update().where(closed, users.c.deactivated_at.is_(None))
               .values(deactivated_at=datetime.now(timezone.utc)))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('deactivated_at')
