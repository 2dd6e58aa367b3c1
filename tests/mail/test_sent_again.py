"""A worker killed after the SMTP server accepted a mail but before it recorded that sends the
mail again (at-least-once); the copy has the same Message-ID, so mail systems can drop it."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail import delivery
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from ontwikkelbijeenkomsten.meetings import services as meetings
from tests.factories import applicant

from .smtp import deliver_all


@pytest.fixture
def app(smtp_app):
    return smtp_app


def test_a_mail_sent_again_after_a_kill_keeps_its_message_id(make_training, smtp):
    training = make_training()
    deliver_all()  # the plan's mails
    smtp.clear()
    meetings.register(training, applicant(1))
    db.session.commit()
    row = db.session.scalars(select(OutboxMail).where(OutboxMail.state == MailState.QUEUED)).one()
    assert delivery.deliver_due().sent == 1
    # the kill: the server had it, the commit that marks it sent never happened
    row.state, row.locked_at = MailState.SENDING, row.sent_at - delivery.SENDING_TIMEOUT
    db.session.commit()

    assert delivery.deliver_due().sent == 1
    first, again = smtp.received
    assert first.rcpt_tos == again.rcpt_tos == [row.recipient]
    assert first.message_id == again.message_id == delivery.message_id(row)
