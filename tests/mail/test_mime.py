"""The mail writer (`mail/mime.py`): what it writes, read back with Python's `email` parser,
says what the outbox row says, follows the line rules of RFC 5322 and RFC 2047, and has the
structure flask-mail and the `email` package wrote before (which calendar clients rely on:
the invite as the last alternative with the METHOD in its Content-Type, and as invite.ics)."""
from __future__ import annotations

import email
import re
from email import policy

import pytest
from flask import Flask
from flask_mail import Mail, Message

from ontwikkelbijeenkomsten.mail import mime

SENDER = "Ontwikkelbijeenkomsten <ontwikkelbijeenkomsten@example.org>"
NAME = "Zoë Çelik – ëï"
CALENDAR = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Zoë Çelik – ëï\r\nEND:VCALENDAR\r\n"
TEXT = f"Beste {NAME},\n\nU bent aangemeld.\n\nBekijk uw aanmelding:\nhttps://example.org/a/1"
HTML = f"<p>Beste {NAME},</p>\n<p>U bent aangemeld &amp; welkom.</p>"


def write(**changes) -> bytes:
    fields = dict(subject=f"Aanmelding bevestigd: {NAME}", sender=SENDER, recipient="zoe@example.org", date=0.0,
                  message_id="<outbox.1.2026@example.org>", text=TEXT, html=HTML, calendar=CALENDAR,
                  method="REQUEST")
    return mime.write(**{**fields, **changes})


def parse(data: bytes):
    return email.message_from_bytes(data, policy=policy.default)


def parts(message) -> list:
    """(content type, its parameters, disposition, filename, decoded content) of each leaf."""
    return [(part.get_content_type(), dict(part["Content-Type"].params), part.get_content_disposition(),
             part.get_filename(), part.get_payload(decode=True))
            for part in message.walk() if not part.is_multipart()]


def test_headers_are_read_back_decoded():
    message = parse(write())
    assert message["Subject"] == f"Aanmelding bevestigd: {NAME}"
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Ontwikkelbijeenkomsten", "ontwikkelbijeenkomsten@example.org")
    assert [a.addr_spec for a in message["To"].addresses] == ["zoe@example.org"]
    assert message["Message-ID"] == "<outbox.1.2026@example.org>"
    assert message["Date"].datetime.timestamp() == 0
    assert message["MIME-Version"] == "1.0"
    assert not message.defects and all(not part.defects for part in message.walk())


def test_the_parts_and_their_content():
    message = parse(write())
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    plain, html, invite = alternative.iter_parts()
    assert plain.get_content().replace("\r\n", "\n") == TEXT
    assert html.get_content().replace("\r\n", "\n") == HTML
    assert [p.get_content_charset() for p in (plain, html, invite, attachment)] == ["utf-8"] * 4
    assert (invite.get_content_type(), invite.get_param("method")) == ("text/calendar", "REQUEST")
    assert (attachment.get_content_type(), attachment.get_param("method")) == ("text/calendar", "REQUEST")
    assert (attachment.get_content_disposition(), attachment.get_filename()) == ("attachment", "invite.ics")
    assert invite.get_payload(decode=True) == attachment.get_payload(decode=True) == CALENDAR.encode()


def test_without_an_invite_there_are_two_alternatives():
    message = parse(write(calendar=None, method=None))
    (alternative,) = message.iter_parts()
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]


@pytest.fixture
def flask_mail_context():
    """What flask-mail needs to write a message (no database)."""
    app = Flask(__name__)
    Mail(app)
    with app.app_context():
        yield


def old_message(subject: str, text: str, html: str, calendar: str | None) -> bytes:
    """The mail as flask-mail and the `email` package wrote it before `mime`."""
    message = Message(subject=subject, recipients=["zoe@example.org"], body=text, html=html, sender=SENDER)
    message.msgId, message.date = "<outbox.1.2026@example.org>", 0.0
    if calendar:
        message.alts["calendar"] = calendar
        message.attach("invite.ics", "text/calendar; method=REQUEST; charset=utf-8", calendar.encode())
    built = message._message()
    for part in built.walk():
        if part.get_content_type() == "text/calendar" and part.get_filename() is None:
            part.set_param("method", "REQUEST")
    return built.as_bytes()


@pytest.mark.parametrize("calendar", [CALENDAR, None])
@pytest.mark.parametrize("text", [TEXT, "Only ASCII here.\n", "een regel\r\nmet CR LF en een losse\rCR"])
def test_the_structure_is_the_one_written_before(flask_mail_context, calendar, text):
    """Same headers, same tree of parts with the same parameters, encodings and content."""
    subject = f"Aanmelding bevestigd: {NAME}"
    new, old = parse(write(subject=subject, text=text, calendar=calendar)), parse(old_message(subject, text, HTML, calendar))
    for name in ("Subject", "From", "To", "Date", "Message-ID", "MIME-Version"):
        assert str(new[name]) == str(old[name]), name
    assert parts(new) == parts(old)
    assert ([p["Content-Transfer-Encoding"] for p in new.walk() if not p.is_multipart()]
            == [p["Content-Transfer-Encoding"] for p in old.walk() if not p.is_multipart()])
    assert [p.get_content_type() for p in new.walk()] == [p.get_content_type() for p in old.walk()]


def raw_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines), "a line break that is not CRLF"
    return lines


def header_lines(data: bytes) -> list[bytes]:
    return raw_lines(data.partition(b"\r\n\r\n")[0] + b"\r\n")


def test_a_long_subject_is_folded_and_read_back_whole():
    for subject in [f"Aanmelding bevestigd: {NAME} " + "en een hele lange titel " * 12,
                    "Registration confirmed: " + "a long English title " * 12]:
        data = write(subject=subject.strip())
        assert all(len(line) <= 78 for line in header_lines(data)), subject
        assert parse(data)["Subject"] == subject.strip()


def test_encoded_words_hold_whole_characters_and_are_at_most_75_long():
    subject = "ë" * 40 + "😀" * 20 + " " + "Ç" * 30
    data = write(subject=subject)
    words = re.findall(rb"=\?utf-8\?q\?[^?]*\?=", data.partition(b"\r\n\r\n")[0])
    assert len(words) > 3 and all(len(word) <= 75 for word in words)
    for word in words:  # each decodes on its own: no character is split over two words
        assert str(email.header.make_header(email.header.decode_header(word.decode())))
    assert parse(data)["Subject"] == subject


@pytest.mark.parametrize("subject", ["=?utf-8?q?nep?= titel", "Tab\there", "a  b   c", " leading and trailing "])
def test_a_subject_is_read_back_as_it_was_written(subject):
    assert parse(write(subject=subject))["Subject"] == subject


@pytest.mark.parametrize("sender, name", [
    (f"{NAME} <ontwikkelbijeenkomsten@example.org>", NAME),
    ('"Team \\"Jeugd\\", Utrecht" <ontwikkelbijeenkomsten@example.org>', 'Team "Jeugd", Utrecht'),
    ("Onderwijs & Jeugd (Utrecht) <ontwikkelbijeenkomsten@example.org>", "Onderwijs & Jeugd (Utrecht)"),
    ("ontwikkelbijeenkomsten@example.org", ""),
])
def test_display_names_outside_plain_words_are_quoted_or_encoded(sender, name):
    (address,) = parse(write(sender=sender))["From"].addresses
    assert (address.display_name, address.addr_spec) == (name, "ontwikkelbijeenkomsten@example.org")


def test_a_domain_outside_ascii_is_written_in_its_idna_form():
    (address,) = parse(write(recipient="zoe@bücher.example"))["To"].addresses
    assert address.addr_spec == "zoe@xn--bcher-kva.example"
    with pytest.raises(ValueError):
        write(recipient="zoë@example.org")


def test_lines_longer_than_998_octets_go_quoted_printable():
    long_line = ("Zoë " * 400).strip()
    data = write(text=f"Kort\n{long_line}\nkort", html=long_line)
    assert all(len(line) <= 998 for line in raw_lines(data))
    alternative = next(parse(data).iter_parts())
    plain, html, _ = alternative.iter_parts()
    assert plain["Content-Transfer-Encoding"] == html["Content-Transfer-Encoding"] == "quoted-printable"
    assert plain.get_content().replace("\r\n", "\n") == f"Kort\n{long_line}\nkort"
    assert html.get_content() == long_line


def test_short_lines_stay_7bit_or_8bit_as_before():
    alternative = next(parse(write(text="Only ASCII.")).iter_parts())
    plain, html, invite = alternative.iter_parts()
    assert [p["Content-Transfer-Encoding"] for p in (plain, html, invite)] == ["7bit", "8bit", "8bit"]


def test_a_body_holding_the_boundary_gets_another_boundary(monkeypatch):
    tokens = iter(["aaaa", "bbbb", "cccc", "dddd"])
    monkeypatch.setattr(mime.secrets, "token_hex", lambda _n: next(tokens))
    text = "Een regel\n--=_aaaa\nnog een"
    message = parse(write(text=text, calendar=None, method=None))
    assert message.get_boundary() != "=_aaaa"
    (alternative,) = message.iter_parts()
    assert next(alternative.iter_parts()).get_content().replace("\r\n", "\n") == text


def test_a_reply_to_is_written_only_when_given():
    assert "Reply-To" not in parse(write())
    message = parse(write(reply_to="programma@example.org"))
    assert [a.addr_spec for a in message["Reply-To"].addresses] == ["programma@example.org"]
