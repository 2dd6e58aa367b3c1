"""Register numbers on registrations, attendance saved per session, accreditation details and
certificates of attendance

Revision ID: c3e1f0a7d2b4
Revises: 7e3a9c1d5b20
Create Date: 2026-12-05 12:40:00

"""
import sqlalchemy as sa
from alembic import op

from ontwikkelbijeenkomsten.core.db import UTCDateTime

revision = 'c3e1f0a7d2b4'
down_revision = '7e3a9c1d5b20'
branch_labels = None
depends_on = None

REGISTERS = ('skj', 'registerplein', 'lerarenregister', 'big', 'nip_nvo', 'anders')


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('register', sa.Enum(*REGISTERS, name='professional_register',
                                                          native_enum=False, create_constraint=True, length=15),
                                      nullable=True))
        batch_op.add_column(sa.Column('register_number', sa.String(length=40), server_default='', nullable=False))
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_marked_at', UTCDateTime(), nullable=True))
    op.create_table(
        'accreditations',
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('registers', sa.String(length=200), nullable=False),
        sa.Column('activity_number', sa.String(length=100), nullable=False),
        sa.Column('amount', sa.Numeric(precision=5, scale=1), nullable=True),
        sa.Column('unit', sa.Enum('hours', 'points', name='credit_unit', native_enum=False,
                                  create_constraint=True, length=6), nullable=False),
        sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('meeting_id'),
    )
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=200), nullable=False),
        sa.Column('issued_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('registration_id'),
    )
    # attendance saved before this migration: the parts where someone was marked present
    op.execute("UPDATE meetings SET attendance_marked_at = (SELECT MIN(marked_at) FROM attendances "
               "WHERE attendances.meeting_id = meetings.id) "
               "WHERE EXISTS (SELECT 1 FROM attendances WHERE attendances.meeting_id = meetings.id)")


def downgrade():
    op.drop_table('certificates')
    op.drop_table('accreditations')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('attendance_marked_at')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_registrations_professional_register'), type_='check')
        batch_op.drop_column('register_number')
        batch_op.drop_column('register')
