"""The accounts layer's answers to signals of the layers below: coordinators hear of a mail that
cannot be built (mail/signals.py)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.urls import absolute_url
from ..mail import services as mail
from ..mail.models import OutboxMail
from ..mail.signals import unbuildable
from .services import coordinators_for

NOTICE_KIND = "mail_unbuildable"


@unbuildable.connect
def tell_coordinators(row: OutboxMail, **_kwargs) -> None:
    """Write every active coordinator a mail about it (not about a notice of this kind: one
    that fails is not announced by another)."""
    if row.kind == NOTICE_KIND:
        return
    for coordinator in coordinators_for(None):
        mail.enqueue(
            coordinator.email, NOTICE_KIND, _l("A mail could not be sent"), "mail_unbuildable",
            locale=coordinator.locale, coordinator=coordinator, mail=row,
            link=absolute_url("mail.show", mail_id=row.id),
        )
