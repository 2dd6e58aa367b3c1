"""The web layer: blueprints, views, forms and the site pages, on top of every service.

Views check the role, let a form check the shape of the input, call one service inside one
unit of work, and render; the rules and the queries live in the layers below.
"""
from types import SimpleNamespace

from flask import Flask

from ..meetings.models import ASSIGNMENT_STATES, MEETING_STATES, REGISTRATION_STATES
from ..requests.models import REQUEST_STATES

#: The state machines, for templates: `{{ states.meeting.label(meeting.state) }}`.
STATES = SimpleNamespace(request=REQUEST_STATES, meeting=MEETING_STATES, assignment=ASSIGNMENT_STATES,
                         registration=REGISTRATION_STATES)


def register(app: Flask) -> None:
    from . import assets, errors, rate_limits, security_headers
    from .accounts.views import bp as accounts_bp
    from .experts import answer_views, assignment_views, availability_views, coordinator_views, profile_views  # noqa: F401
    from .experts.blueprint import bp as experts_bp
    from .mail.views import bp as mail_bp
    from .meetings import (  # noqa: F401  (routes on meetings_bp)
        certificate_views, details_views, list_views, message_views, public_views, training_views,
    )
    from .meetings.blueprint import bp as meetings_bp
    from .regions import nudge_views, theme_views  # noqa: F401  (routes on regions_bp)
    from .regions.views import bp as regions_bp
    from .requests import coordinator_views, public_views  # noqa: F401,F811  (routes on requests_bp)
    from .requests.blueprint import bp as requests_bp
    from .scheduling import batch_views, views  # noqa: F401  (routes on scheduling_bp)
    from .scheduling.blueprint import bp as scheduling_bp
    from .privacy.views import bp as privacy_bp
    from .reports.views import bp as reports_bp
    from . import lost_link_views  # noqa: F401  (routes on site_bp)
    from .site import bp as site_bp
    from .start import bp as start_bp

    for blueprint in (site_bp, accounts_bp, requests_bp, regions_bp, experts_bp, scheduling_bp,
                      meetings_bp, mail_bp, start_bp, reports_bp, privacy_bp):
        app.register_blueprint(blueprint)
    assets.init_app(app)
    errors.init_app(app)
    rate_limits.init_app(app)
    security_headers.init_app(app)
    app.jinja_env.globals["states"] = STATES
