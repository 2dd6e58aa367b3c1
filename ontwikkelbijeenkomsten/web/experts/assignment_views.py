"""The expert's assignments (accept or decline) and the personal calendar feed."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import absolute_url
from ontwikkelbijeenkomsten.meetings import assignments as services
from ontwikkelbijeenkomsten.meetings.models import MeetingExpert
from ontwikkelbijeenkomsten.web.access import acting_user
from ontwikkelbijeenkomsten.web.experts.access import expert_page
from ontwikkelbijeenkomsten.web.experts.blueprint import bp
from ontwikkelbijeenkomsten.web.forms import field_error, strip_filter

#: Larger ids overflow the database's integer column; the converter answers 404 for them.
ASSIGNMENTS_URL = "/experts/<int(max=2147483647):expert_id>/opdrachten"
ASSIGNMENT_URL = ASSIGNMENTS_URL + "/<int(max=2147483647):assignment_id>"
REASON_MAX = 2000


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Why do you decline?"),
        description=_l("The coordinator reads this and looks for another expert."),
        filters=[strip_filter],
        validators=[
            DataRequired(_l("Give the reason why you decline; the coordinator reads it.")),
            Length(max=REASON_MAX, message=_l("A reason has at most 2000 characters.")),
        ],
    )


def _decline_form(assignment_id: int, **kwargs) -> DeclineForm:
    """One form per assignment on the page; the prefix keeps their ids apart."""
    return DeclineForm(prefix=f"decline-{assignment_id}", **kwargs)


def _page(expert: User, failed: DeclineForm | None = None, failed_id: int | None = None):
    with unit_of_work():  # the first visit makes the feed token; before the rows, which a commit expires
        token = services.feed_token(expert)
    feed_url = absolute_url("experts.feed", token=token)
    sections = services.overview(expert)
    forms = {row.assignment.id: _decline_form(row.assignment.id, formdata=None)
             for row in sections.to_answer + sections.scheduled if row.can_decline}
    if failed is not None:
        forms[failed_id] = failed
    own = current_user.id == expert.id
    return render_template(
        "experts/assignments.html", expert=expert, own=own, failed=failed, forms=forms, sections=sections,
        title=_("My assignments") if own else _("Assignments of %(name)s", name=expert.name),
        feed_url=feed_url, webcal_url="webcal://" + feed_url.split("://", 1)[1],
    )


def _assignment(expert: User, assignment_id: int) -> MeetingExpert:
    return services.find_assignment(expert, assignment_id) or abort(404)


def _back(expert: User):
    return redirect(url_for(".assignments", expert_id=expert.id))


@bp.get(ASSIGNMENTS_URL)
@expert_page(erased_too=True)
def assignments(expert: User):
    return _page(expert)


@bp.post(ASSIGNMENT_URL + "/accepteren")
@expert_page
def accept(expert: User, assignment_id: int):
    item = _assignment(expert, assignment_id)
    try:
        with unit_of_work():
            services.accept(item, acting_user())
    except services.StateError as exc:
        flash(str(exc.message), "warning")
    else:
        flash(_("You have accepted the assignment for %(title)s. We have sent you the calendar invite.",
                title=item.meeting.title), "success")
    return _back(expert)


@bp.post(ASSIGNMENT_URL + "/afwijzen")
@expert_page
def decline(expert: User, assignment_id: int):
    item = _assignment(expert, assignment_id)
    form = _decline_form(item.id)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.decline(item, form.reason.data, acting_user())
        except services.StateError as exc:
            flash(str(exc.message), "warning")
        except RuleViolation as exc:
            field_error(form, exc)
            return _page(expert, form, item.id)
        else:
            flash(_("You have declined the assignment. The coordinator gets an e-mail about it."), "success")
        return _back(expert)
    return _page(expert, form, item.id)


@bp.post(ASSIGNMENTS_URL + "/agenda-link")
@expert_page
def renew_feed(expert: User):
    with unit_of_work():
        services.renew_feed_token(expert, acting_user())
    flash(_("There is a new calendar link. The old link no longer works: subscribe again with the new one."),
          "success")
    return redirect(url_for(".assignments", expert_id=expert.id, _anchor="calendar-title"))


@bp.get("/agenda/<token>.ics")
def feed(token: str):
    """The public feed: the secret token is the only key, so no login and 404 for a wrong one."""
    expert = services.expert_for_feed(token)
    if expert is None:
        abort(404)
    response = make_response(services.feed_for(expert))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
