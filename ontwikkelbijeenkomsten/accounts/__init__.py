"""Accounts for coordinators and experts: login, password reset, roles."""
from flask_babel import lazy_gettext as _l

from ..core.extensions import db, login_manager


def init_app() -> None:
    from .models import User

    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        """The user of a login session, unless its version is an old one (logged out, new password)."""
        user_id, _sep, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.session_version == int(version) else None
