"""Accounts for coordinators and experts: login, password reset, roles."""
from flask_babel import lazy_gettext as _l

from ..core.extensions import db, login_manager


def init_app() -> None:
    from .models import User

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id)) if user_id.isdigit() else None
