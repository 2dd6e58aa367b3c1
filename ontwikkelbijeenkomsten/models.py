"""Imports every model module so that SQLAlchemy and Alembic see the whole schema, and the
modules whose signal receivers must be connected whenever the app exists."""


def load_all() -> None:
    from .accounts import models as _accounts  # noqa: F401
    from .certificates import models as _certificates  # noqa: F401
    from .core import models as _core  # noqa: F401
    from .experts import models as _experts  # noqa: F401
    from .mail import models as _mail  # noqa: F401
    from .meetings import models as _meetings  # noqa: F401
    from .regions import models as _regions  # noqa: F401
    from .requests import models as _requests  # noqa: F401

    # The receivers of the signals that lower layers send: experts/signals.py (answered in
    # meetings), regions/signals.py (requests), requests/signals.py (scheduling),
    # mail/signals.py (accounts) and meetings/signals.py (certificates).
    from .accounts import hooks as _accounts_hooks  # noqa: F401
    from .certificates import hooks as _certificates_hooks  # noqa: F401
    from .meetings import assignments as _assignments  # noqa: F401
    from .meetings import bookings as _bookings  # noqa: F401
    from .requests import hooks as _requests_hooks  # noqa: F401
    from .scheduling import hooks as _scheduling_hooks  # noqa: F401
