"""Accept or decline an assignment from the e-mail: the link in "Nieuwe opdracht" is signed
for those assignments (one session, or every dagdeel of a series) and leads to a page that
shows them and asks to confirm.

No login: the link stands for the expert it was sent to, as the private links of regions and
participants do. Opening it changes nothing (mail scanners open links); only a button (a POST
with its CSRF token) accepts or declines, through the same services as the expert's own page.
A tampered or unknown link is a 404.
"""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import private_page
from ontwikkelbijeenkomsten.meetings import assignments as services
from ontwikkelbijeenkomsten.meetings.links import assignments_for_answer_token
from ontwikkelbijeenkomsten.meetings.models import MeetingExpert
from ontwikkelbijeenkomsten.web.experts.assignment_views import DeclineForm
from ontwikkelbijeenkomsten.web.experts.blueprint import bp
from ontwikkelbijeenkomsten.web.forms import field_error

ANSWER_URL = "/opdracht/<token>"


def _assignments_or_404(token: str) -> list[MeetingExpert]:
    return assignments_for_answer_token(token) or abort(404)


def _page(items: list[MeetingExpert], token: str, form: DeclineForm | None = None):
    parts = services.series_parts([item.meeting for item in items])
    rows = [services.row(item, part=parts.get(item.meeting_id))
            for item in sorted(items, key=lambda a: a.meeting.starts_at)]
    return private_page(make_response(render_template(
        "experts/answer.html", rows=rows, expert=items[0].expert, token=token,
        can_accept=any(r.can_accept for r in rows), can_decline=any(r.can_decline for r in rows),
        form=form or DeclineForm(prefix="decline", formdata=None))))


@bp.get(ANSWER_URL, endpoint="answer")
def answer(token: str):
    return _page(_assignments_or_404(token), token)


@bp.post(ANSWER_URL + "/accepteren", endpoint="answer_accept")
@limiter.limit("30 per hour")
def answer_accept(token: str):
    items = _assignments_or_404(token)
    open_items = [item for item in items if services.row(item).can_accept]
    if not open_items:
        flash(_("This assignment has already been answered or withdrawn."), "warning")
    else:
        try:
            with unit_of_work():
                services.accept_all(open_items, open_items[0].expert)
        except services.StateError as exc:
            flash(str(exc.message), "warning")
        else:
            flash(_("You have accepted the assignment for %(title)s. We have sent you the calendar invite.",
                    title=items[0].meeting.title), "success")
    return redirect(url_for(".answer", token=token))


@bp.post(ANSWER_URL + "/afzeggen", endpoint="answer_decline")
@limiter.limit("30 per hour")
def answer_decline(token: str):
    items = _assignments_or_404(token)
    form = DeclineForm(prefix="decline")
    if not form.validate_on_submit():
        return _page(items, token, form)
    open_items = [item for item in items if services.row(item).can_decline]
    if not open_items:
        flash(_("This assignment has already been answered or withdrawn."), "warning")
        return redirect(url_for(".answer", token=token))
    try:
        with unit_of_work():
            services.decline_all(open_items, form.reason.data, open_items[0].expert)
    except services.StateError as exc:
        flash(str(exc.message), "warning")
    except RuleViolation as exc:
        field_error(form, exc)
        return _page(items, token, form)
    else:
        flash(_("You have declined the assignment. The coordinator gets an e-mail about it."), "success")
    return redirect(url_for(".answer", token=token))
