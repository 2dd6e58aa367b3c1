"""Declaring who may open a page: one decorator per handler, not scattered checks."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from ontwikkelbijeenkomsten.accounts.models import Role, User


def role_required(*roles: Role):
    """Logged-in users with one of `roles`; others are sent to log in (anonymous) or get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


coordinator_required = role_required(Role.COORDINATOR)
expert_required = role_required(Role.EXPERT)


def acting_user() -> User:
    """The logged-in user as a plain object, to hand to services as the actor."""
    return current_user._get_current_object()
