"""The unit of work: the one place a change is committed.

Services add, change and flush, and never commit. A view or a command wraps one change in
`unit_of_work()`: it commits when the block ends, and rolls back when it raises, so a lock that a
service took is released before any page is rendered. Nested blocks join the outer one (as
pretix's nested `atomic()`), so a command that calls several actions commits once.

`unit_of_work(keep_loaded=True)` leaves the objects loaded after the commit instead of expiring
them: for a view that only reads back what it has just written (a new row's id), which would
otherwise be read again from the database after the commit.
"""
from __future__ import annotations

from contextlib import contextmanager
from functools import wraps

from .extensions import db

_DEPTH = "unit_of_work_depth"


@contextmanager
def unit_of_work(*, keep_loaded: bool = False):
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    try:
        yield db.session
        if depth == 0:
            _commit(keep_loaded)
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        info[_DEPTH] = depth


def _commit(keep_loaded: bool) -> None:
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = expiring and not keep_loaded
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def transactional(func):
    """Run `func` as one unit of work (for CLI commands and jobs)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return func(*args, **kwargs)

    return wrapper
