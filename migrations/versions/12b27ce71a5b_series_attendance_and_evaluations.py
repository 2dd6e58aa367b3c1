"""Open trainings as series of sessions; attendance per session; evaluations; reminders

Revision ID: 12b27ce71a5b
Revises: 55b5d4383e7c
Create Date: 2026-11-22 22:48:24.186409

"""
import sqlalchemy as sa
from alembic import op

from ontwikkelbijeenkomsten.core.db import UTCDateTime

# revision identifiers, used by Alembic.
revision = '12b27ce71a5b'
down_revision = '55b5d4383e7c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendances',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('marked_at', UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_attendances_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_attendances_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'session_id', name=op.f('pk_attendances'))
    )
    op.create_table('evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('went_well', sa.Text(), nullable=False),
    sa.Column('to_improve', sa.Text(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_evaluations_score_one_to_five')),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], name=op.f('fk_evaluations_registration_id_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['sessions.id'], name=op.f('fk_evaluations_session_id_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluations')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_evaluations_registration_id'))
    )
    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evaluations_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('evaluation_requested_at', UTCDateTime(), nullable=True))
        batch_op.create_index('ix_registrations_session_state', ['session_id', 'state', 'id'], unique=False)

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('target_groups', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reminded_at', UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_sessions_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sessions_series_id_sessions'), 'sessions', ['series_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sessions_series_id_sessions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sessions_series_id'))
        batch_op.drop_column('reminded_at')
        batch_op.drop_column('target_groups')
        batch_op.drop_column('series_id')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_session_state')
        batch_op.drop_column('evaluation_requested_at')
        batch_op.drop_column('consent_at')

    with op.batch_alter_table('evaluations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluations_session_id'))

    op.drop_table('evaluations')
    op.drop_table('attendances')
