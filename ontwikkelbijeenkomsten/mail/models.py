from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import JSON, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import enum_type, utcnow
from ..core.extensions import db


SUBJECT_MAX = 300


class MailState(enum.Enum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


def mail_state_label(state: MailState) -> str:
    """The word for a mail's state, in the reader's language: the one place it is written (the
    outbox pages read it through the `mail_state` filter)."""
    return {
        MailState.QUEUED: _("in the queue"),
        MailState.SENDING: _("being sent"),
        MailState.SENT: _("sent"),
        MailState.FAILED: _("failed"),
    }[state]


class OutboxMail(db.Model):
    __tablename__ = "outbox_mails"
    __table_args__ = (
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint(
            "calendar_method IS NULL OR calendar_method IN ('REQUEST', 'CANCEL')",
            name="calendar_method_known",
        ),
        Index("ix_outbox_mails_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    calendar: Mapped[str | None] = mapped_column(Text)
    calendar_method: Mapped[str | None] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(60))
    # A mail queued to be rendered at delivery: its template, a JSON snapshot taken at the
    # change, and the language. The bodies stay empty until then.
    template: Mapped[str | None] = mapped_column(String(120))
    context: Mapped[dict | None] = mapped_column(JSON)
    locale: Mapped[str] = mapped_column(String(5), default="nl")
    state: Mapped[MailState] = mapped_column(enum_type(MailState, "mail_state"), default=MailState.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the body was deleted and the recipient masked (privacy/): that it was sent stays.
    anonymised_at: Mapped[datetime | None]
