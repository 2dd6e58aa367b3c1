from flask import Blueprint

from ontwikkelbijeenkomsten.requests.labels import action_label, session_moment
from ontwikkelbijeenkomsten.requests.models import REQUEST_STATES

bp = Blueprint("requests", __name__)
bp.add_app_template_filter(REQUEST_STATES.label, "request_state")
bp.add_app_template_filter(action_label, "request_action")
bp.add_app_template_filter(session_moment, "session_moment")
