"""The bytes of an outgoing mail, written directly for the one structure our mails have:

    multipart/mixed
        multipart/alternative
            text/plain; charset="utf-8"
            text/html; charset="utf-8"
            text/calendar; charset="utf-8"; method="REQUEST"   (with an invite)
        text/calendar; method=REQUEST; charset=utf-8            (the same invite as invite.ics)

This is the structure flask-mail and Python's `email` package wrote before; writing it here
costs a fraction of their time (policy.SMTP parsed every header again while writing).

Bodies go as 7bit (ASCII) or 8bit (UTF-8), as before, unless a line is longer than the 998
octets RFC 5322 allows: then as quoted-printable. The attachment is base64. Headers outside
printable ASCII become RFC 2047 encoded-words of whole characters; long headers are folded
to lines of at most 78 characters where they can be.
"""
from __future__ import annotations

import base64
import binascii
import re
import secrets
from email.utils import formatdate, parseaddr
from functools import lru_cache

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LONGEST_LINE = 998
_FOLD_AT = 78
#: Characters that stand for themselves inside a Q encoded-word in any header (RFC 2047 5(3)).
_Q_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")
#: RFC 5322 atext and space: a display name of only these needs no quotes.
_PLAIN_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]*")
_BARE_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+\-/=?^_`{|}~]+@[A-Za-z0-9.\-]+")
_EMPTY_WORD = "=?utf-8?q??="
#: The encoded characters in one encoded-word: at most 75 characters in all (RFC 2047), and a
#: folded line (" " and the word) within 78.
_WORD_ROOM = min(75, _FOLD_AT - 1) - len(_EMPTY_WORD)


def write(*, subject: str, sender: str, recipient: str, date: float, message_id: str, text: str, html: str,
          calendar: str | None = None, method: str | None = None, reply_to: str | None = None) -> bytes:
    """The mail as it goes over SMTP (CRLF line ends). `calendar` is the invite's text, sent
    both as the last alternative and as the attachment invite.ics, each with `method`;
    `reply_to`: where an answer goes (the programme's contact address), when not the sender."""
    parts = [_text_part("plain", text), _text_part("html", html)]
    if calendar is not None:
        parts.append(_text_part("calendar", calendar, f'; method="{method}"'))
    mixed = [_multipart("alternative", parts, ())]
    if calendar is not None:
        mixed.append(_attachment(calendar.encode(), method))
    headers = [
        ("MIME-Version", "1.0"),
        *([("Subject", header_text(subject, len("Subject: ")))] if subject else []),
        ("From", address_header(sender, len("From: "))),
        ("To", address_header(recipient, len("To: "))),
        *([("Reply-To", address_header(reply_to, len("Reply-To: ")))] if reply_to else []),
        ("Date", formatdate(date, localtime=True)),
        ("Message-ID", message_id),
    ]
    return _multipart("mixed", mixed, headers)


# ---- parts --------------------------------------------------------------------------------------
def _part(headers, body: bytes) -> bytes:
    return b"".join(f"{name}: {value}\r\n".encode() for name, value in headers) + b"\r\n" + body


def _text_part(subtype: str, text: str, params: str = "") -> bytes:
    body = "\r\n".join(_LINE_BREAK.split(text)).encode()
    if body.isascii() and _fits(body):
        encoding = "7bit"
    elif _fits(body):
        encoding = "8bit"
    else:  # b2a_qp breaks lines as the text does: with CRLF, or with LF in a text of one line
        encoding, body = "quoted-printable", binascii.b2a_qp(body, istext=True)
        if b"\r\n" not in body:
            body = body.replace(b"\n", b"\r\n")
    return _part([("Content-Type", f'text/{subtype}; charset="utf-8"{params}'),
                  ("Content-Transfer-Encoding", encoding)], body)


def _fits(body: bytes) -> bool:
    return len(body) <= _LONGEST_LINE or max(map(len, body.split(b"\r\n"))) <= _LONGEST_LINE


def _attachment(calendar: bytes, method: str | None) -> bytes:
    return _part([("Content-Type", f"text/calendar; method={method}; charset=utf-8"),
                  ("Content-Transfer-Encoding", "base64"),
                  ("Content-Disposition", 'attachment; filename="invite.ics"')],
                 base64.encodebytes(calendar).replace(b"\n", b"\r\n"))


def _multipart(subtype: str, parts: list[bytes], headers) -> bytes:
    """`parts` between boundaries: one that occurs in none of them (a random one almost
    always does not; a body that happens to hold it gets another)."""
    while True:
        boundary = f"=_{secrets.token_hex(16)}"
        marker = f"--{boundary}".encode()
        if not any(marker in part for part in parts):
            break
    content_type = [("Content-Type", f'multipart/{subtype}; boundary="{boundary}"')]
    separator = b"\r\n" + marker + b"\r\n"
    body = marker + b"\r\n" + separator.join(parts) + b"\r\n" + marker + b"--\r\n"
    return _part([*content_type, *headers], body)


# ---- headers ------------------------------------------------------------------------------------
def header_text(value: str, taken: int) -> str:
    """An unstructured header value (Subject), folded; RFC 2047 encoded-words when it holds
    anything but printable ASCII, begins or ends with a space (which a reader drops) or could
    be read as an encoded-word. `taken`: the characters before it on the first line."""
    words = value.split(" ")
    if _plain(value) and value == value.strip() and all(len(word) < _LONGEST_LINE - taken for word in words):
        return _fold_words(words, taken)
    return _encoded_words(value, taken)


def _plain(value: str) -> bool:
    return value.isascii() and value.isprintable() and "=?" not in value


def _fold_words(words: list[str], taken: int) -> str:
    """Words joined by single spaces, a line break before a space wherever a line would pass
    78 characters (a single longer word stays whole: RFC 5322 allows up to 998)."""
    lines, line = [], words[0]
    used = taken + len(line)
    for word in words[1:]:
        if used + 1 + len(word) > _FOLD_AT and line.strip() and word:
            lines.append(line)
            line, used = " " + word, 1 + len(word)
        else:
            line += " " + word
            used += 1 + len(word)
    return "\r\n".join([*lines, line])


def _encoded_words(value: str, taken: int) -> str:
    """`value` as Q encoded-words (RFC 2047), whole characters in each, one per line, each
    line at most 78 characters. The spaces are inside the words: between two encoded-words
    a reader drops the white space."""
    words, chunk = [], ""
    room = min(_WORD_ROOM, _FOLD_AT - taken - len(_EMPTY_WORD))
    for char in value:
        encoded = _q(char)
        if len(chunk) + len(encoded) > room and chunk:
            words.append(f"=?utf-8?q?{chunk}?=")
            chunk, room = "", _WORD_ROOM
        chunk += encoded
    words.append(f"=?utf-8?q?{chunk}?=")
    return "\r\n ".join(words)


def _q(char: str) -> str:
    if char == " ":
        return "_"
    return "".join(chr(byte) if byte in _Q_SAFE else f"={byte:02X}" for byte in char.encode())


@lru_cache(maxsize=256)  # the sender, over and over
def address_header(value: str, taken: int) -> str:
    """An address ("Name <a@b.nl>" or "a@b.nl") as a header value: a plain, quoted or
    encoded display name, and an ASCII address (a domain outside ASCII in its IDNA form)."""
    name, address = ("", value) if _BARE_ADDRESS.fullmatch(value) else parseaddr(value)
    local, _, domain = address.rpartition("@")
    if not domain.isascii():
        domain = domain.encode("idna").decode("ascii")
    address = f"{local}@{domain}" if local else domain
    if not address or not address.isascii() or not address.isprintable() or " " in address:
        raise ValueError(f"The address {value!r} cannot be written in a mail header.")
    if not name:
        return address
    if _PLAIN_PHRASE.fullmatch(name) and "=?" not in name:
        phrase = name
    elif _plain(name):
        phrase = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    else:
        return f"{_encoded_words(name, taken)}\r\n <{address}>"
    return _fold_words([*phrase.split(" "), f"<{address}>"], taken)
