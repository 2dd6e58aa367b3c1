"""Keeping e-mail addresses and private-link tokens out of logs.

Private links carry a signed token in their path (`/aanmelding/<token>`), and some errors quote
an address. `redact` masks both; the app's log handlers (`RedactFilter`), the development
server's request log (`flask run`, the `werkzeug` logger) and gunicorn's access log
(gunicorn.conf.py) pass every line through it. The README's nginx map masks the same
`PRIVATE_PATHS`.
"""
from __future__ import annotations

import logging
import re

#: An itsdangerous token: payload.timestamp.signature in base64url, the signature 27 characters
#: or more (a host name such as mail.example.org does not match).
_TOKEN = re.compile(r"[A-Za-z0-9_=-]+\.[A-Za-z0-9_=-]{4,}\.[A-Za-z0-9_-]{20,}")
#: The secret segment of a private link's path (also the experts' random feed token); a number
#: is a public page's id (/agenda/42) and stays.
_END = r"(?=\.ics\b|[/?#\s\"']|$)"
#: The paths whose next segment is a private link's token (every route with a token or code).
PRIVATE_PATHS = ("aanmelding", "aanvraag", "aanvragen/verzonden", "bijeenkomst", "uitnodiging",
                 "wachtwoord-herstellen", "agenda", "opdracht", "deelnamebewijs")
_PRIVATE_PATH = re.compile(r"(/(?:" + "|".join(PRIVATE_PATHS) + r")/)(?!\d+" + _END + r")[A-Za-z0-9_=.-]+?" + _END)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def redact(text: str) -> str:
    text = _PRIVATE_PATH.sub(r"\1[token]", _EMAIL.sub("[e-mail]", text))
    return _TOKEN.sub("[token]", text)


class RedactFilter(logging.Filter):
    """Masks addresses and tokens in a record's message and traceback before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def protect(target: logging.Handler | logging.Logger) -> None:
    """Pass every line of a handler, or every record logged to a logger, through `redact`."""
    if not any(isinstance(f, RedactFilter) for f in target.filters):
        target.addFilter(RedactFilter())
