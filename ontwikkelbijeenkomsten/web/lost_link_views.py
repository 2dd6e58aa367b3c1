"""'Stuur mijn link opnieuw' (/link-kwijt): a region contact or a participant who lost the mail
with their private link gets the links of their address mailed to it again.

The page answers the same whether or not the address has anything, and the links only ever go
to the address itself; the limits keep it from being used to flood an inbox.
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired

from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings.lost_links import send_lost_links
from ontwikkelbijeenkomsten.web.forms import email_validators, strip_filter
from ontwikkelbijeenkomsten.web.rate_limits import Wait, form_again_when_limited
from ontwikkelbijeenkomsten.web.site import bp


class LostLinkForm(FlaskForm):
    email = EmailField(
        _l("E-mail address"),
        description=_l("The address to which the request or the registration was sent."),
        filters=[strip_filter],
        validators=[DataRequired(_l("Enter your e-mail address.")), *email_validators()],
    )


def _address_key() -> str:
    return "lost-links:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/link-kwijt", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_address_key)
def lost_link():
    form = LostLinkForm()
    if form.validate_on_submit():
        with unit_of_work():
            send_lost_links(form.email.data, locale=str(get_locale() or "nl"))
        return render_template("core/lost_link_sent.html", email=form.email.data.strip().lower())
    return render_template("core/lost_link.html", form=form)


@form_again_when_limited("core.lost_link")
def _form_again(wait: Wait) -> str:
    return render_template("core/lost_link.html", form=LostLinkForm(), limited=wait)
