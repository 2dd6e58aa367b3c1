"""Account rules: creating users, logging in, and resetting a password by mailed link.

The functions add and flush; the caller's unit of work commits."""
from __future__ import annotations

import secrets
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import audit
from ..core.db import utcnow
from ..core.extensions import db
from ..core.tokens import InvalidToken, make_token, read_token
from ..core.urls import absolute_url
from ..mail import services as mail
from .models import Role, User
from .passwords import check_password

RESET_PURPOSE = "password-reset"


@cache
def _dummy_hash(method: str) -> str:
    """Checked when the address is unknown, so a failed login takes as long either way."""
    return generate_password_hash("not a real password", method=method)


class AccountExists(Exception):
    pass


class AccountRefused(Exception):
    """A change to an account that its state does not allow (for the command line, in English)."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def create_user(email: str, name: str, role: Role, password: str | None = None) -> User:
    """Add a user (the caller commits); refuses an address that already has an account."""
    if find_user(email) is not None:
        raise AccountExists(email)
    user = User(email=normalise_email(email), name=name.strip(), role=role)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def coordinators_for(assigned_id: int | None) -> list[User]:
    """Who hears about a request: its assigned coordinator if active, else every active one."""
    assigned = db.session.get(User, assigned_id) if assigned_id else None
    if assigned is not None and assigned.active:
        return [assigned]
    return list(db.session.scalars(
        select(User).where(User.role == Role.COORDINATOR, User.active).order_by(User.id)
    ))


def create_coordinator(email: str, name: str, password: str) -> User:
    check_password(password, name=name, email=email)
    user = create_user(email, name, Role.COORDINATOR, password)
    audit.record("user.created", user, actor_label="cli", to_state=user.role.value)
    return user


def set_coordinator_active(user: User, active: bool) -> None:
    """Close a coordinator's account, or open it again. A closed account cannot log in, and its
    retention period (core/retention.py) counts from the moment it closed. The last active
    coordinator stays: someone must be left to handle the requests."""
    if not user.is_coordinator:
        raise AccountRefused(f"{user.email} is not a coordinator; experts are closed on their own page")
    if user.active == active:
        raise AccountRefused(f"{user.email} is already {'active' if active else 'deactivated'}")
    if user.anonymised_at is not None:
        raise AccountRefused(f"{user.email} has been erased and cannot be used again")
    others = select(User.id).where(User.role == Role.COORDINATOR, User.active, User.id != user.id).limit(1)
    if not active and db.session.scalar(others) is None:
        raise AccountRefused(f"{user.email} is the last active coordinator")
    user.active, user.deactivated_at = active, None if active else utcnow()
    if not active:
        user.end_sessions()
    audit.record("user.reactivated" if active else "user.deactivated", user, actor_label="cli")
    db.session.flush()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this address and password, or None."""
    user = find_user(email)
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def set_locale(user: User, locale: str) -> None:
    if user.locale != locale:
        user.locale = locale
        db.session.flush()


def log_out(user: User) -> None:
    """End the session on the server too, so a copy of its cookie no longer logs in. With one
    session version per account this ends the user's sessions on other devices as well."""
    user.end_sessions()
    db.session.flush()


def _reset_token(user: User) -> str:
    return make_token(RESET_PURPOSE, {"id": user.id, "n": user.reset_nonce})


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address belongs to an active account; say nothing otherwise."""
    user = find_user(email)
    # An account without a password is activated only through its invitation.
    if user is None or not user.active or not user.password_hash:
        return
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    # A fresh nonce: a link sent before this one stops working.
    user.reset_nonce = secrets.token_urlsafe(16)[:32]
    mail.enqueue(
        user.email,
        "password_reset",
        _l("Set a new password for Ontwikkelbijeenkomsten"),
        "password_reset",
        locale=user.locale,
        user=user,
        link=absolute_url("accounts.reset_password", token=_reset_token(user)),
        minutes=minutes,
    )
    audit.record("user.password_reset_requested", user, actor=user)


def user_for_reset_token(token: str) -> User:
    """The user a reset link was made for; raises InvalidToken when it is tampered with, expired,
    used, or replaced by a newer link."""
    data = read_token(RESET_PURPOSE, token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    if not isinstance(data, dict) or not isinstance(data.get("id"), int) or not isinstance(data.get("n"), str):
        raise InvalidToken()
    user = db.session.get(User, data["id"])
    if (
        user is None
        or not user.active
        or not user.password_hash
        or not user.reset_nonce
        or not secrets.compare_digest(user.reset_nonce, data["n"])
    ):
        raise InvalidToken()
    return user


def reset_password(user: User, password: str) -> None:
    """Set the new password; this ends the link and every session of the account."""
    check_password(password, name=user.name, email=user.email)
    user.set_password(password)
    audit.record("user.password_reset", user, actor=user)
    db.session.flush()
