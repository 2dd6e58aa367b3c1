"""Many rows in one INSERT: on both backends the rows read back as the ORM would have written them."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from ontwikkelbijeenkomsten.core import bulk
from ontwikkelbijeenkomsten.core.bulk import insert_rows
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail

from ..queries import count_queries

SUMMER = datetime(2031, 7, 3, 9, 30, tzinfo=ZoneInfo("Europe/Amsterdam"))


def mail_row(number: int) -> dict:
    return dict(recipient=f"deelnemer{number}@example.org", kind="test", subject='Aanmelding "bevestigd" \\ één',
                text_body="", html_body="", template="sessions/registration_confirmed", locale="en",
                context={"renderer": "session", "number": number, "person": {"name": "Eva \"E\" Jansen"},
                         "parts": [1, None, "\u00e9\n"]},
                calendar_method="REQUEST" if number % 2 else None, next_attempt_at=SUMMER)


def test_the_rows_go_in_with_one_statement_and_read_back_as_written(app):
    with count_queries() as statements:
        made = insert_rows(OutboxMail.__table__, [mail_row(n) for n in range(5)],
                           returning=(OutboxMail.id, OutboxMail.recipient))
    assert len(statements) == 1
    assert sorted(recipient for _, recipient in made) == [f"deelnemer{n}@example.org" for n in range(5)]
    db.session.expire_all()
    for mail_id, recipient in made:
        mail = db.session.get(OutboxMail, mail_id)
        number = int(recipient.removeprefix("deelnemer").split("@")[0])
        expected = mail_row(number)
        assert {name: getattr(mail, name) for name in expected} == expected
        assert mail.next_attempt_at.tzinfo is not None and mail.next_attempt_at == SUMMER.astimezone(timezone.utc)
        assert mail.state is MailState.QUEUED and mail.attempts == 0 and mail.created_at is not None  # defaults


def test_one_row_goes_in_as_written_too(app):
    with count_queries() as statements:
        [(mail_id,)] = insert_rows(OutboxMail.__table__, [mail_row(3)], returning=(OutboxMail.id,))
    assert len(statements) == 1
    db.session.expire_all()
    mail = db.session.get(OutboxMail, mail_id)
    assert {name: getattr(mail, name) for name in mail_row(3)} == mail_row(3)
    assert mail.state is MailState.QUEUED and mail.attempts == 0 and mail.created_at is not None


def test_nothing_to_insert_runs_no_statement(app):
    with count_queries() as statements:
        assert insert_rows(OutboxMail.__table__, [], returning=(OutboxMail.id,)) == []
    assert statements == []


def test_a_naive_datetime_is_refused_as_by_the_orm(app):
    with pytest.raises(Exception, match="naive"):
        insert_rows(OutboxMail.__table__, [{**mail_row(1), "next_attempt_at": datetime(2031, 7, 3, 9, 30)}])


def test_a_second_insert_of_the_same_columns_reuses_the_statement(app):
    """A registration for a series queues its mails as one document; building that statement
    anew for every POST cost more than running it."""
    built = bulk._from_document.cache_info().misses
    for first in (0, 2):
        insert_rows(OutboxMail.__table__, [mail_row(first), mail_row(first + 1)])
    expected = 1 if db.engine.dialect.name == "postgresql" else 0  # SQLite takes SQLAlchemy's INSERT
    assert bulk._from_document.cache_info().misses - built <= expected, "BUG: the INSERT is built per call"
