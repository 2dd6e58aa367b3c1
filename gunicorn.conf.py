"""gunicorn settings for production (README: "Deploying"): `gunicorn -c gunicorn.conf.py wsgi:app`.

gunicorn has no setting for its `Server: gunicorn` response header, so this file leaves the
header out of every response: it tells an attacker which server and parser to aim at.
"""
from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server_header(response) -> list[str]:
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_header


# ---- the access log: no private-link tokens or e-mail addresses ---------------------------------
# Private links carry a signed token in their path (/aanmelding/<token>), so the default access
# log would keep a working link to a person's data. This logger masks tokens and addresses in the
# request line, path, query and referrer (and every header atom) before the line is written.
from gunicorn.glogging import Logger  # noqa: E402

from ontwikkelbijeenkomsten.core.redact import redact  # noqa: E402


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}


logger_class = RedactingLogger
