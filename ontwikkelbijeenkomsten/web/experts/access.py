"""Who may open an expert's pages: the expert (only their own) and every coordinator."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ontwikkelbijeenkomsten.experts.queries import find_expert


def expert_page(view=None, *, erased_too: bool = False):
    """Resolve the route's `expert_id` to the expert's User and pass it as `expert`.

    Another expert's id gives 404, as does an id that is not an expert's: an expert learns
    nothing about who else has an account. An erased account (privacy/accounts.py) has no
    profile or availability left to keep: its pages give 404 too, except those marked
    `erased_too` (the list of its past sessions, for coordinators).
    """
    if view is None:
        return lambda inner: expert_page(inner, erased_too=erased_too)

    @wraps(view)
    @login_required
    def wrapped(*args, expert_id: int, **kwargs):
        expert = find_expert(expert_id)
        if expert is None or not (current_user.is_coordinator or current_user.id == expert.id):
            abort(404)
        if expert.anonymised_at is not None and not erased_too:
            abort(404)
        return view(*args, expert=expert, **kwargs)

    return wrapped
