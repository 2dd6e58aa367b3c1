"""Read-only questions about accounts, for the pages."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select

from ..core.extensions import db
from .models import Role, User


def names(user_ids: Iterable) -> dict[int, str]:
    """{id: name} of the users in `user_ids` (anything that is not an int is left out)."""
    ids = [i for i in user_ids if isinstance(i, int)]
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all())


def coordinator_choices(keep_id: int | None = None, keep_ids: Iterable[int] = ()) -> list[tuple[int, str]]:
    """(id, name) of the active coordinators and of `keep_id` and `keep_ids` (who hold something
    now), by name."""
    kept = {keep_id, *keep_ids} - {None}
    return list(db.session.execute(
        select(User.id, User.name)
        .where(User.role == Role.COORDINATOR, or_(User.active, User.id.in_(kept)))
        .order_by(User.name)
    ).tuples())
