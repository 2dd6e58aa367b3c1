"""Outgoing mail: an outbox written in the caller's transaction and a delivery worker."""
from flask import Flask


def init_app(app: Flask) -> None:
    """With MAIL_BACKEND=console (development), print due mails right after each request."""
    if app.config["MAIL_BACKEND"] != "console" or app.testing:
        return
    from .delivery import deliver_due

    @app.after_request
    def _print_outbox(response):
        try:
            deliver_due()
        except Exception:  # printing mail must never break a page
            app.logger.exception("printing queued mails failed")
        return response
