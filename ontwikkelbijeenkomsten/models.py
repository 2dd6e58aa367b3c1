"""Imports every model module so that SQLAlchemy and Alembic see the whole schema."""


def load_all() -> None:
    from .accounts import models as _accounts  # noqa: F401
    from .core import models as _core  # noqa: F401
    from .experts import models as _experts  # noqa: F401
    from .mail import models as _mail  # noqa: F401
    from .regions import models as _regions  # noqa: F401
    from .requests import models as _requests  # noqa: F401
    from .meetings import models as _meetings  # noqa: F401
