"""Mails of one batch that differ only in the person (name, address, link) are rendered once
and filled in per person (`services.render_for_person`): each mail is exactly the mail
rendered on its own, escaping included, and a template that looks at a value instead of
printing it is rendered whole for everyone. A batch runs the same statements however many
mails share a rendering."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from jinja2 import ChoiceLoader, DictLoader
from markupsafe import escape
from sqlalchemy import select

from ontwikkelbijeenkomsten.core.extensions import db, mailer
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.mail import calendar, delivery, services
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from ontwikkelbijeenkomsten.meetings import services as meetings
from tests.factories import applicant
from tests.queries import count_queries

NOW = datetime(2026, 12, 5, 14, 49, 49, tzinfo=UTC)
#: Names that need escaping or encoding, and one holding what looks like a stand-in.
NAMES = ["Zoë Çelik – ëï", 'Jan "de <b>Vries</b>" & Zn.', "Ann O'Brien", "Ünal", "Deelnemer \ue000a0\ue001"]


def queued(training, names: list[str]) -> list[OutboxMail]:
    with unit_of_work():
        for number, name in enumerate(names):
            meetings.register(training, applicant(number, name=name))
    return list(db.session.scalars(select(OutboxMail).where(OutboxMail.template.is_not(None)).order_by(OutboxMail.id)))


def rendered(rows: list[OutboxMail], shared: dict | None) -> list[tuple[str, str, str | None]]:
    for row in rows:
        row.text_body = row.html_body = ""
        row.calendar = None
        services.render_pending([row], shared)
    return [(row.text_body, row.html_body, row.calendar) for row in rows]


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_shared_bodies_are_the_bodies_rendered_one_by_one(make_training, monkeypatch, locale):
    monkeypatch.setattr(calendar, "utcnow", lambda: NOW)  # the invites' DTSTAMP
    rows = queued(make_training(parts=2), NAMES * 2)
    for row in rows:
        row.locale = locale
    alone, shared = rendered(rows, None), rendered(rows, {})
    assert shared == alone
    for (text, html, _), row in zip(shared, rows):
        person = row.context["person"]
        assert person["name"] in text and str(escape(person["name"])) in html
        assert person["link"] in text and str(escape(person["link"])) in html


@pytest.fixture
def templates(app, monkeypatch):
    """Mail templates of a test's own: {name: source}."""
    sources: dict[str, str] = {}
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([DictLoader(sources), app.jinja_env.loader]))
    return sources


def render_for(people: list[dict[str, str]], template: str) -> list[tuple[str, str]]:
    shared: dict = {}
    return [services.render_for_person(template, "nl", own, lambda values: {"person": values, "link": values["link"]},
                                       shared, "one session") for own in people]


PEOPLE = [{"name": name, "email": f"p{n}@example.org", "link": f"https://example.org/a/{n}?x=1&y=2"}
          for n, name in enumerate(NAMES[:4])]


def test_the_html_gets_each_value_escaped_as_jinja_escapes_it(templates):
    templates["mail/t/plain.txt"] = "Beste {{ person.name }}, {{ link }}"
    templates["mail/t/plain.html"] = '<p>{{ _("Dear %(name)s,", name=person.name) }} <a href="{{ link }}">{{ link }}</a></p>'
    shared = render_for(PEOPLE, "t/plain")
    assert shared == [services.render_bodies("t/plain", "nl", person=own, link=own["link"]) for own in PEOPLE]
    assert "&#34;de &lt;b&gt;Vries&lt;/b&gt;&#34; &amp; Zn." in shared[1][1] and "&amp;y=2" in shared[1][1]


@pytest.mark.parametrize("looks", ["{{ person.name|upper }}", "{{ person.name|length }}", "{{ person.name[:3] }}",
                                   "{% if person.name == 'Ünal' %}hoi{% endif %}{{ person.email|replace('@', ' at ') }}"])
def test_a_template_that_looks_at_a_value_is_rendered_whole(templates, looks):
    templates["mail/t/looks.txt"] = templates["mail/t/looks.html"] = f"<p>{looks}</p>"
    assert render_for(PEOPLE, "t/looks") == [
        services.render_bodies("t/looks", "nl", person=own, link=own["link"]) for own in PEOPLE]


def test_an_empty_value_is_not_shared_with_a_filled_one(templates):
    templates["mail/t/maybe.txt"] = templates["mail/t/maybe.html"] = "{% if link %}{{ link }}{% else %}geen link{% endif %}"
    people = [{**PEOPLE[0], "link": ""}, PEOPLE[1], {**PEOPLE[2], "link": None}, PEOPLE[3]]
    assert [text for text, _ in render_for(people, "t/maybe")] == [
        "geen link", PEOPLE[1]["link"], "geen link", PEOPLE[3]["link"]]


def _delivery_statements(make_training, count: int) -> tuple[int, int]:
    training = make_training(capacity=None, days_ahead=30 + count)
    with mailer.record_messages():
        delivery.deliver_due()  # what was queued before
    queued(training, [f"Deelnemer {n}" for n in range(count)])
    with mailer.record_messages() as sent, count_queries() as statements:
        report = delivery.deliver_due()
    assert report.sent == count == len(sent)
    assert {row.state for row in db.session.scalars(select(OutboxMail))} == {MailState.SENT}
    words = [statement.lstrip().split(None, 1)[0].upper() for statement in statements]
    return words.count("SELECT"), words.count("UPDATE")


def test_a_batch_of_invites_runs_no_statement_per_mail(make_training):
    """10 and 30 registration mails (rendered at delivery, sharing their rendering): the same
    SELECTs, and two more UPDATEs for two more groups of sent marks."""
    (selects_few, updates_few), (selects_many, updates_many) = (
        _delivery_statements(make_training, 10), _delivery_statements(make_training, 30))
    assert selects_many == selects_few
    assert updates_many - updates_few == 30 // delivery.SENT_GROUP - 10 // delivery.SENT_GROUP
