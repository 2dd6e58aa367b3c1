"""The outbox: mails are rows written in the caller's unit of work and delivered later by
the worker (`delivery.deliver_due`), so a mail exists exactly when the change that caused it does.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from flask import render_template
from flask_babel import force_locale
from markupsafe import escape

from ..core.bulk import insert_rows
from ..core.extensions import db
from .models import SUBJECT_MAX, OutboxMail

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def header_line(text) -> str:
    """`text` as one line of a mail header: line breaks and other control characters become
    single spaces, so that nothing typed in a title stops the mail being built."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())[:SUBJECT_MAX]


def enqueue(
    recipient: str, kind: str, subject, template: str, locale: str = "nl",
    calendar: bytes | None = None, calendar_method: str | None = None, **context,
) -> OutboxMail:
    """Render `templates/mail/<template>.txt|.html` in the recipient's language and queue it,
    with the calendar invite (`calendar`, its METHOD in `calendar_method`) when given."""
    row = build(recipient, kind, subject, template, locale, calendar, calendar_method, **context)
    db.session.add(row)
    return row


def build(
    recipient: str, kind: str, subject, template: str, locale: str = "nl",
    calendar: bytes | None = None, calendar_method: str | None = None, **context,
) -> OutboxMail:
    """The mail `enqueue` queues, rendered but not yet queued (for `enqueue_all`)."""
    text_body, html_body = render_bodies(template, locale, **context)
    with force_locale(locale):
        subject = header_line(subject)
    return OutboxMail(
        recipient=recipient, kind=kind, subject=subject, text_body=text_body, html_body=html_body,
        calendar=calendar.decode() if calendar else None, calendar_method=calendar_method if calendar else None,
        locale=locale,
    )


def enqueue_all(rows: list[OutboxMail]) -> None:
    """Queue mails made by `build` in one statement, however many (their ids are not read back)."""
    db.session.bulk_save_objects(rows)


#: Renderers for mails queued with `enqueue_snapshot`, by name: each fills a row's bodies
#: (and calendar) from its JSON snapshot, given a dict shared by a batch of mails or None.
RENDERERS: dict[str, Callable[[OutboxMail, dict | None], None]] = {}


def renderer(name: str):
    def register(func: Callable[[OutboxMail, dict | None], None]):
        RENDERERS[name] = func
        return func
    return register


def snapshot_values(
    recipient: str, kind: str, subject: str, template: str, locale: str, renderer_name: str,
    snapshot: dict, calendar_method: str | None = None,
) -> dict:
    """The columns of a mail that is rendered when it is delivered, from `snapshot` (JSON) taken now.

    What the mail says is fixed at the change, as with `enqueue`; only the rendering waits, so
    that booking thousands of sessions at once does not render thousands of mails and
    calendar invites inside the transaction.
    """
    return dict(
        recipient=recipient, kind=kind, subject=header_line(subject), text_body="", html_body="",
        template=template, context={"renderer": renderer_name, **snapshot}, locale=locale,
        calendar_method=calendar_method,
    )


def enqueue_snapshot(*args, **kwargs) -> OutboxMail:
    """Queue a mail that is rendered when it is delivered (see `snapshot_values`)."""
    return enqueue_values(snapshot_values(*args, **kwargs))


def enqueue_values(values: dict) -> OutboxMail:
    """Queue one mail made by `snapshot_values`."""
    row = OutboxMail(**values)
    db.session.add(row)
    return row


def enqueue_snapshots(rows: list[dict]) -> None:
    """Queue many mails made by `snapshot_values` in one statement (their ids are not read back)."""
    insert_rows(OutboxMail.__table__, rows)


#: Two or more empty lines in a row: the optional parts of a text template leave them behind.
_EMPTY_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def render_bodies(template: str, locale: str, **context) -> tuple[str, str]:
    """The text and HTML bodies; in the text, paragraphs are kept apart by one empty line."""
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", **context)
        return (_EMPTY_LINES.sub("\n\n", text), render_template(f"mail/{template}.html", **context))


def render_pending(rows, shared: dict | None = None) -> None:
    """Fill in the bodies of rows queued with a snapshot that have not been rendered yet.
    `shared`: see `render_for_person`."""
    for row in rows:
        if row.template and not row.text_body:
            RENDERERS[row.context["renderer"]](row, shared)


#: Two sets of stand-ins for a person's own values (`render_for_person`): characters of
#: Unicode's private use area, which neither escaping nor a translation changes.
_STAND_INS = ("\ue000a{}\ue001", "\ue002B{}{}\ue003")
_PRIVATE = re.compile("[\ue000-\ue003]")


def render_for_person(template: str, locale: str, own: dict[str, str | None], context: Callable[[dict], dict],
                      shared: dict | None, key: str) -> tuple[str, str]:
    """`render_bodies(template, locale, **context(own))`: a mail to one person, whose own values
    `own` (name, address, link) the templates only print.

    With `shared` (a dict for one batch of mails), the mails that differ in nothing but those
    values (the same `key`) are rendered once, with stand-ins in place of the values, and each
    mail gets its own values put in (escaped in the HTML as Jinja escapes them). The stand-ins
    are trusted only when the bodies rendered with two different sets of them, filled in with
    the first person's values, are exactly the bodies rendered for that person; if not (a
    template that looks at a value), every mail of that key is rendered whole.
    """
    if shared is None or any(_PRIVATE.search(value) for value in own.values() if value):
        return render_bodies(template, locale, **context(own))
    key = f"{template}|{locale}|{[bool(value) for value in own.values()]}|{key}"
    if key not in shared:
        shared[key] = _FirstMail(own, render_bodies(template, locale, **context(own)))
        return shared[key].bodies
    if isinstance(first := shared[key], _FirstMail):  # the second mail of this key: try the stand-ins
        shapes = [render_bodies(template, locale, **context(_stand_ins(own, form))) for form in _STAND_INS]
        trusted = all(_fill(shape, first.own, form) == first.bodies for shape, form in zip(shapes, _STAND_INS))
        shared[key] = shapes[0] if trusted else None
    if shared[key] is None:
        return render_bodies(template, locale, **context(own))
    return _fill(shared[key], own, _STAND_INS[0])


class _FirstMail(NamedTuple):
    own: dict[str, str | None]
    bodies: tuple[str, str]


def _stand_ins(own: dict[str, str | None], form: str) -> dict[str, str | None]:
    return {name: form.format(number, number) if value else value for number, (name, value) in enumerate(own.items())}


def _fill(bodies: tuple[str, str], own: dict[str, str | None], form: str) -> tuple[str, str]:
    """The bodies rendered with the stand-ins of `form`, with `own`'s values in their place."""
    values = {form.format(number, number): value for number, value in enumerate(own.values()) if value}
    if not values:
        return bodies
    stand_in = re.compile("|".join(map(re.escape, values)))
    text, html = bodies
    return (stand_in.sub(lambda found: values[found.group()], text),
            stand_in.sub(lambda found: str(escape(values[found.group()])), html))
