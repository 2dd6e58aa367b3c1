"""gunicorn settings for production (README: "Deploying"): `gunicorn -c gunicorn.conf.py wsgi:app`.

gunicorn has no setting for its `Server: gunicorn` response header, so this file leaves the
header out of every response: it tells an attacker which server and parser to aim at.
"""
from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server_header(response) -> list[str]:
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_header
