""""Zet in mijn agenda": links that open a new event in Google Calendar or Outlook on the web,
filled with a session, next to the .ics download (mail/calendar.download).

They are for a participant with a place, on their own page: an online session's link is the
place, or with an address it opens the details, as in the invites. Nobody else gets them (the
training's public page has none), so the link stays private; `public_page` keeps it out.
"""
from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode

from ..mail.calendar import full_description
from .models import Meeting, MeetingState, calendar_entry

GOOGLE = "https://calendar.google.com/calendar/render?"
OUTLOOK_WORK = "https://outlook.office.com/calendar/0/deeplink/compose?"
OUTLOOK_PERSONAL = "https://outlook.live.com/calendar/0/deeplink/compose?"


def google_url(meeting: Meeting, details: str, *, public_page: str | None = None) -> str:
    entry, utc = calendar_entry(meeting, public_page=public_page), "%Y%m%dT%H%M%SZ"
    dates = f"{entry.starts_at.astimezone(UTC):{utc}}/{entry.ends_at.astimezone(UTC):{utc}}"
    return GOOGLE + urlencode({"action": "TEMPLATE", "text": entry.title, "dates": dates,
                               "details": full_description(entry, details), "location": entry.place,
                               "ctz": "Europe/Amsterdam"})


def outlook_urls(meeting: Meeting, details: str, *, public_page: str | None = None) -> tuple[str, str]:
    """For Microsoft 365 (work or school) and for Outlook.com (personal) accounts."""
    entry = calendar_entry(meeting, public_page=public_page)
    query = urlencode({
        "path": "/calendar/action/compose", "rru": "addevent", "subject": entry.title,
        "startdt": entry.starts_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": entry.ends_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "body": full_description(entry, details), "location": entry.place,
    })
    return OUTLOOK_WORK + query, OUTLOOK_PERSONAL + query


def calendar_links(parts: list[Meeting], details: str) -> list[dict]:
    """Per part that is not cancelled: its Google and Outlook links (these add one event each)."""
    return [{"part": part, "google": google_url(part, details), "outlook": outlook_urls(part, details)}
            for part in parts if part.state is not MeetingState.CANCELLED]
