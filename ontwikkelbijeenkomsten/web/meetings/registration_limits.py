"""Rate limits on registering for a session.

Colleagues of one school or municipality register from one IP address, so saved registrations
are not counted per IP address but per e-mail address (nobody's inbox fills with confirmations)
and per session (no session fills with made-up sign-ups from many addresses). Every POST still
counts towards a ceiling per IP address, against floods.
"""
from __future__ import annotations

from flask import request

from ontwikkelbijeenkomsten.core.extensions import limiter
from ontwikkelbijeenkomsten.core.tokens import InvalidToken, read_token
from ontwikkelbijeenkomsten.meetings.links import MEETING_PURPOSE

PER_IP = "60 per hour"
PER_ADDRESS = "10 per hour"
PER_SESSION = "100 per hour"


def _saved(response) -> bool:
    return response.status_code == 302


def _address_key() -> str:
    # The address as the registration stores it; only saved registrations count, so only valid ones.
    return "registration-address:" + request.form.get("email", "").strip().lower()[:254]


def _session_key() -> str:
    """The session from the URL: /agenda/<id>/aanmelden or the signed private link (read
    without the database; an invalid link saves nothing, so it never counts)."""
    meeting_id = request.view_args.get("meeting_id")
    if meeting_id is None:
        try:
            meeting_id = read_token(MEETING_PURPOSE, request.view_args.get("token", ""))
        except InvalidToken:
            meeting_id = "invalid"
    return f"registration-session:{meeting_id}"


def registration_limits(view):
    """Decorate a view that registers on POST with the three limits."""
    for limit in (
        limiter.limit(PER_IP, methods=["POST"]),
        limiter.limit(PER_ADDRESS, methods=["POST"], key_func=_address_key, deduct_when=_saved),
        limiter.limit(PER_SESSION, methods=["POST"], key_func=_session_key, deduct_when=_saved),
    ):
        view = limit(view)
    return view
