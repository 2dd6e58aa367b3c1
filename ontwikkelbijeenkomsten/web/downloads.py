"""Files to download: CSV for Excel with Dutch settings."""
from __future__ import annotations

from flask import make_response

from ontwikkelbijeenkomsten.core.spreadsheets import csv_bytes


def csv_download(rows: list[list], filename: str):
    """`core.spreadsheets.csv_bytes` as an attachment; never cached: exports hold personal data."""
    response = make_response(csv_bytes(rows))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
