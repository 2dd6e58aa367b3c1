"""People with an account: coordinators and experts."""
from __future__ import annotations

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.db import enum_type, utcnow
from ..core.extensions import db


class Role(enum.Enum):
    COORDINATOR = "coordinator"
    EXPERT = "expert"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # An invitation link carries this nonce; a new invitation or a revocation replaces it.
    invitation_nonce: Mapped[str | None] = mapped_column(String(32))
    invited_at: Mapped[datetime | None]
    # A login session carries this version (see get_id); raising it ends every session of the account.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # A reset link carries this nonce; a newer reset request, a reset or a new password replaces it.
    reset_nonce: Mapped[str | None] = mapped_column(String(32))
    # When the account was closed (deactivated); its retention period counts from here.
    deactivated_at: Mapped[datetime | None]
    # When the person was removed from the account (on request or by the purge).
    anonymised_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_coordinator(self) -> bool:
        return self.role is Role.COORDINATOR

    @property
    def is_expert(self) -> bool:
        return self.role is Role.EXPERT

    def get_id(self) -> str:
        """What the login session stores: the id with the session version, checked on every request."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Every login session of this account, on every device, stops working."""
        self.session_version = (self.session_version or 0) + 1  # None before the first flush

    def set_password(self, password: str) -> None:
        """A new password ends every session and every reset link made for the old one."""
        self.password_hash = generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        )
        self.reset_nonce = None
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"
