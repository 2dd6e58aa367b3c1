"""Account rules: creating users, logging in, and resetting a password by mailed link.

The functions add and flush; the caller's unit of work commits."""
from __future__ import annotations

from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import audit
from ..core.db import utcnow
from ..core.extensions import db
from ..core.rules import RuleViolation
from ..core.tokens import InvalidToken, make_token, read_token
from ..core.urls import absolute_url
from ..mail import services as mail
from .models import Role, User

RESET_PURPOSE = "password-reset"
PASSWORD_MIN = 12
PASSWORD_MAX = 200


@cache
def _dummy_hash(method: str) -> str:
    """Checked when the address is unknown, so a failed login takes as long either way."""
    return generate_password_hash("not a real password", method=method)


class AccountExists(Exception):
    pass


def check_password(password: str) -> None:
    """The rule for a new password: 12 to 200 characters (a sentence is easy to remember)."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise RuleViolation("password", _l("A password has between 12 and 200 characters."))


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
    check_password(password)
    user = create_user(email, name, Role.COORDINATOR, password)
    audit.record("user.created", user, actor_label="cli", to_state=user.role.value)
    return user


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


def _reset_token(user: User) -> str:
    # The hash fragment makes the link single-use: it no longer matches once the password changes.
    return make_token(RESET_PURPOSE, {"id": user.id, "h": (user.password_hash or "")[-12:]})


def request_password_reset(email: str) -> None:
    """Mail a reset link when the address belongs to an active account; say nothing otherwise."""
    user = find_user(email)
    # An account without a password is activated only through its invitation.
    if user is None or not user.active or not user.password_hash:
        return
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
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
    """The user a reset link was made for; raises InvalidToken when tampered, used or expired."""
    data = read_token(RESET_PURPOSE, token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or not user.password_hash or user.password_hash[-12:] != data.get("h"):
        raise InvalidToken()
    return user


def reset_password(user: User, password: str) -> None:
    check_password(password)
    user.set_password(password)
    audit.record("user.password_reset", user, actor=user)
    db.session.flush()
