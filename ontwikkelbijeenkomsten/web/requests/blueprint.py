from flask import Blueprint

from ontwikkelbijeenkomsten.requests import labels

bp = Blueprint("requests", __name__)
bp.add_app_template_filter(labels.state_label, "request_state")
bp.add_app_template_filter(labels.action_label, "request_action")
