"""Who may open an expert's pages: the expert (only their own) and every coordinator."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ontwikkelbijeenkomsten.experts.queries import find_expert


def expert_page(view):
    """Resolve the route's `expert_id` to the expert's User and pass it as `expert`.

    Another expert's id gives 404, as does an id that is not an expert's: an expert learns
    nothing about who else has an account.
    """

    @wraps(view)
    @login_required
    def wrapped(*args, expert_id: int, **kwargs):
        expert = find_expert(expert_id)
        if expert is None or not (current_user.is_coordinator or current_user.id == expert.id):
            abort(404)
        return view(*args, expert=expert, **kwargs)

    return wrapped
