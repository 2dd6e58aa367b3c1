"""Files to download: CSV for Excel with Dutch settings."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import make_response

from ontwikkelbijeenkomsten.core.spreadsheets import csv_bytes


def csv_download(rows: list[list], filename: str):
    """`core.spreadsheets.csv_bytes` as an attachment; never cached: exports hold personal data."""
    response = make_response(csv_bytes(rows))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def session_filename(kind: str, day: date, title: str) -> str:
    """`deelnemers-2026-12-31-samen-leren.csv`: the date and the start of the title, so that the
    lists of two sessions on one day do not get the same name in the downloads folder."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:40].rstrip("-")
    return f"{kind}-{day.isoformat()}{'-' + words if words else ''}.csv"
