"""E-mail everyone with a place in a session or training: write, preview, send (coordinators).

The first post ("Bekijk het voorbeeld") shows the mail as a participant gets it and how many
people get it; only the preview's own button sends, with what was previewed.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import ngettext

from ontwikkelbijeenkomsten.mail.services import render_bodies
from ontwikkelbijeenkomsten.meetings import messages
from ontwikkelbijeenkomsten.meetings.models import Meeting
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.changes import REFUSED, apply
from ontwikkelbijeenkomsten.web.meetings.access import series_or_404
from ontwikkelbijeenkomsten.web.meetings.blueprint import bp
from ontwikkelbijeenkomsten.web.meetings.message_forms import MessageForm

MESSAGE_URL = "/coordinatie/bijeenkomsten/<int(max=2147483647):meeting_id>/bericht"


def _page(meeting: Meeting, form: MessageForm, people: list, preview: tuple[str, str] | None = None):
    return render_template("meetings/message.html", meeting=meeting, form=form, people=people, preview=preview)


@bp.route(MESSAGE_URL, methods=["GET", "POST"], endpoint="message")
@coordinator_required
def message(meeting_id: int):
    meeting = series_or_404(meeting_id)
    people = messages.recipients(meeting)
    form = MessageForm() if request.method == "POST" else MessageForm(formdata=None)
    if request.method == "GET":
        return _page(meeting, form, people)
    if request.form.get("action") != "send":
        preview = None
        if apply(form, lambda: messages.check(form.subject.data, form.body.data, people)) is not REFUSED:
            text, _html = render_bodies(f"sessions/{messages.KIND}", str(get_locale() or "nl"),
                                        **messages.context(meeting, people[0], form.body.data))
            preview = (form.subject.data, text)
        return _page(meeting, form, people, preview)
    sent = apply(form, lambda: messages.send(meeting, form.subject.data, form.body.data, acting_user()))
    if sent is REFUSED:
        return _page(meeting, form, people)
    flash(ngettext("Your message is on its way to %(num)d participant.",
                   "Your message is on its way to %(num)d participants.", sent), "success")
    return redirect(url_for("scheduling.meeting", meeting_id=meeting.id, _anchor="messages-title"))
