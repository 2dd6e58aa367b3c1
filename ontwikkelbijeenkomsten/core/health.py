"""What /healthz reports: can the database be reached, and is its schema at the newest migration."""
from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text

from .extensions import db
from .uow import unit_of_work

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@cache
def _head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


def database_state() -> dict[str, str]:
    """{'database': 'ok'|'unavailable', 'schema': 'current'|'outdated'|'unknown'}."""
    try:
        with unit_of_work():
            db.session.execute(text("SELECT 1"))
    except Exception:
        return {"database": "unavailable", "schema": "unknown"}
    try:
        with unit_of_work():
            revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:  # no alembic_version table: built without migrations
        return {"database": "ok", "schema": "unknown"}
    return {"database": "ok", "schema": "current" if revision == _head_revision() else "outdated"}
