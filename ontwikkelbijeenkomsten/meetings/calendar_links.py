""""Zet in mijn agenda": links that open a new event in Google Calendar or Outlook on the web,
filled with a session, next to the .ics download (mail/calendar.download).

`public`: the links are for anyone, so an online session's link stays out of them (its
participants get it with their place) and the page's address (`details`) is the place.
"""
from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode

from .models import Meeting, MeetingState

GOOGLE = "https://calendar.google.com/calendar/render?"
OUTLOOK_WORK = "https://outlook.office.com/calendar/0/deeplink/compose?"
OUTLOOK_PERSONAL = "https://outlook.live.com/calendar/0/deeplink/compose?"


def _place(meeting: Meeting, details: str, public: bool) -> str:
    return meeting.location or (details if public else meeting.online_url)


def google_url(meeting: Meeting, details: str, public: bool = False) -> str:
    utc = "%Y%m%dT%H%M%SZ"
    dates = f"{meeting.starts_at.astimezone(UTC):{utc}}/{meeting.ends_at.astimezone(UTC):{utc}}"
    return GOOGLE + urlencode({"action": "TEMPLATE", "text": meeting.title, "dates": dates,
                               "details": details, "location": _place(meeting, details, public), "ctz": "Europe/Amsterdam"})


def outlook_urls(meeting: Meeting, details: str, public: bool = False) -> tuple[str, str]:
    """For Microsoft 365 (work or school) and for Outlook.com (personal) accounts."""
    query = urlencode({
        "path": "/calendar/action/compose", "rru": "addevent", "subject": meeting.title,
        "startdt": meeting.starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": meeting.ends_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": details, "location": _place(meeting, details, public),
    })
    return OUTLOOK_WORK + query, OUTLOOK_PERSONAL + query


def calendar_links(parts: list[Meeting], details: str, public: bool) -> list[dict]:
    """Per part that is not cancelled: its Google and Outlook links (these add one event each)."""
    return [{"part": part, "google": google_url(part, details, public), "outlook": outlook_urls(part, details, public)}
            for part in parts if part.state is not MeetingState.CANCELLED]
