"""Sessions become meetings: tables, columns, indexes and constraints

The model `Session` clashed with the database session and Flask's session; it is `Meeting` now,
and the schema says the same. Names stored as data (audit actions, mail kinds and templates,
token purposes) keep their values, so queued mails and issued links still work.

Revision ID: a1f3c0d2e4b5
Revises: 12b27ce71a5b
Create Date: 2026-12-05 10:00:00

"""
from alembic import op

revision = 'a1f3c0d2e4b5'
down_revision = '12b27ce71a5b'
branch_labels = None
depends_on = None

TABLES = {"sessions": "meetings", "session_experts": "meeting_experts", "session_themes": "meeting_themes"}
COLUMNS = ["meeting_experts", "meeting_themes", "registrations", "attendances", "evaluations"]


def upgrade():
    _rename(TABLES, "session", "meeting", "session_id", "meeting_id", COLUMNS)


def downgrade():
    back = {new: old for old, new in TABLES.items()}
    _rename(back, "meeting", "session", "meeting_id", "session_id",
            [back.get(t, t) for t in COLUMNS])


def _rename(tables, old, new, old_column, new_column, with_column):
    for name, renamed in tables.items():
        op.rename_table(name, renamed)
    for table in with_column:
        op.execute(f'ALTER TABLE "{table}" RENAME COLUMN "{old_column}" TO "{new_column}"')
    if op.get_bind().dialect.name == "postgresql":
        _rename_postgresql_names(old, new)
    else:
        _rename_sqlite_names(old, new)


def _rename_postgresql_names(old, new):
    bind = op.get_bind()
    constraints = bind.exec_driver_sql(
        "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = current_schema() AND c.conname LIKE %s", (f"%{old}%",)).all()
    for table, name in constraints:
        op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT "{name}" TO "{name.replace(old, new)}"')
    relations = bind.exec_driver_sql(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('i', 'S') AND c.relname LIKE %s",
        (f"%{old}%",)).all()
    for name, kind in relations:
        what = "INDEX" if kind == "i" else "SEQUENCE"
        op.execute(f'ALTER {what} "{name}" RENAME TO "{name.replace(old, new)}"')


def _rename_sqlite_names(old, new):
    """SQLite cannot rename an index or a named constraint: rewrite the schema text, which
    holds nothing but names, so the rows stay where they are."""
    bind = op.get_bind()
    rows = bind.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE sql LIKE ? AND type IN ('table', 'index')",
        (f"%{old}%",)).all()
    for kind, name, sql in rows:
        if kind == "index":
            op.execute(f'DROP INDEX "{name}"')
            op.execute(sql.replace(old, new))
    tables = [(name, sql) for kind, name, sql in rows if kind == "table"]
    if tables:
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
        bind.exec_driver_sql("PRAGMA writable_schema = ON")
        for name, sql in tables:
            bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                                 (sql.replace(old, new), name))
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
