"""Keeping e-mail addresses and private-link tokens out of logs.

Private links carry a signed token in their path (`/aanmelding/<token>`), and some errors quote
an address. `redact` masks both; the app's log handlers (`RedactFilter`) and gunicorn's access
log (gunicorn.conf.py) pass every line through it.
"""
from __future__ import annotations

import logging
import re

#: An itsdangerous token: base64url parts joined by dots (payload.timestamp.signature).
_TOKEN = re.compile(r"[A-Za-z0-9_=-]{2,}(?:\.[A-Za-z0-9_=-]{4,}){2,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def redact(text: str) -> str:
    return _TOKEN.sub("[token]", _EMAIL.sub("[e-mail]", text))


class RedactFilter(logging.Filter):
    """Masks addresses and tokens in a record's message and traceback before a handler writes it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


def protect(handler: logging.Handler) -> None:
    if not any(isinstance(f, RedactFilter) for f in handler.filters):
        handler.addFilter(RedactFilter())
