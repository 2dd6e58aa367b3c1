"""The unit of work: the one place a change is committed.

Services add, change and flush, and never commit. A view or a command wraps one change in
`unit_of_work()`: it commits when the block ends, and rolls back when it raises, so a lock that a
service took is released before any page is rendered. Nested blocks join the outer one (as
pretix's nested `atomic()`), so a command that calls several actions commits once.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from .extensions import db

_DEPTH = "unit_of_work_depth"


@contextmanager
def unit_of_work():
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    try:
        yield db.session
        if depth == 0:
            db.session.commit()
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        info[_DEPTH] = depth


def transactional(func):
    """Run `func` as one unit of work (for CLI commands and jobs)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return func(*args, **kwargs)

    return wrapper
