""""Zet in mijn agenda": links that open a new event in Google Calendar or Outlook on the web,
filled with a session, next to the .ics download (mail/calendar.download).

They are for a participant with a place, on their own page: an online session's link is the
place. Nobody else gets them (the training's public page has none), so the link stays private.
"""
from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode

from .models import Meeting, MeetingState

GOOGLE = "https://calendar.google.com/calendar/render?"
OUTLOOK_WORK = "https://outlook.office.com/calendar/0/deeplink/compose?"
OUTLOOK_PERSONAL = "https://outlook.live.com/calendar/0/deeplink/compose?"


def google_url(meeting: Meeting, details: str) -> str:
    utc = "%Y%m%dT%H%M%SZ"
    dates = f"{meeting.starts_at.astimezone(UTC):{utc}}/{meeting.ends_at.astimezone(UTC):{utc}}"
    return GOOGLE + urlencode({"action": "TEMPLATE", "text": meeting.title, "dates": dates, "details": details,
                               "location": meeting.location or meeting.online_url, "ctz": "Europe/Amsterdam"})


def outlook_urls(meeting: Meeting, details: str) -> tuple[str, str]:
    """For Microsoft 365 (work or school) and for Outlook.com (personal) accounts."""
    query = urlencode({
        "path": "/calendar/action/compose", "rru": "addevent", "subject": meeting.title,
        "startdt": meeting.starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": meeting.ends_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": details, "location": meeting.location or meeting.online_url,
    })
    return OUTLOOK_WORK + query, OUTLOOK_PERSONAL + query


def calendar_links(parts: list[Meeting], details: str) -> list[dict]:
    """Per part that is not cancelled: its Google and Outlook links (these add one event each)."""
    return [{"part": part, "google": google_url(part, details), "outlook": outlook_urls(part, details)}
            for part in parts if part.state is not MeetingState.CANCELLED]
