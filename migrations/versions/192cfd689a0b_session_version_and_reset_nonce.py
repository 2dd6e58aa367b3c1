"""Sessions that end: a session version per user; reset links replaced by a newer one: a reset nonce

Existing login sessions (which carry no version) and reset links (which carry no nonce) stop
working once: their users log in again or ask for a new link.

Revision ID: 192cfd689a0b
Revises: a1f3c0d2e4b5
Create Date: 2026-12-05 10:56:55.287391

"""
import sqlalchemy as sa
from alembic import op

revision = '192cfd689a0b'
down_revision = 'a1f3c0d2e4b5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('reset_nonce', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('reset_nonce')
        batch_op.drop_column('session_version')
