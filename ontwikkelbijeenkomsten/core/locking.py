"""Row locks taken in one stable order, so two transactions never wait for each other in a
circle (pretix's `lock_objects`). PostgreSQL takes `SELECT … FOR UPDATE`; SQLite ignores it,
but every write transaction there begins with BEGIN IMMEDIATE and so runs alone."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from .extensions import db


def lock(*objects):
    """Lock the rows of `objects` (models with an `id`) in the order table, id, and re-read
    them, so the caller sees what a transaction that held the lock before has committed.
    Returns the first object, for `request = lock(request)`."""
    by_model: dict[type, set[int]] = defaultdict(set)
    for obj in objects:
        by_model[type(obj)].add(obj.id)
    for model in sorted(by_model, key=lambda m: m.__tablename__):
        ids = sorted(by_model[model])
        db.session.execute(select(model.id).where(model.id.in_(ids)).order_by(model.id).with_for_update())
    for obj in objects:
        db.session.refresh(obj)
    return objects[0] if objects else None
