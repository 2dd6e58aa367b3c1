"""Files to download: CSV for Excel with Dutch settings."""
from __future__ import annotations

import csv
import io

from flask import make_response


def csv_download(rows: list[list], filename: str):
    """Semicolons and a byte order mark: what Excel with Dutch settings opens as columns. Never
    cached: exports hold personal data."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    response = make_response(("\ufeff" + out.getvalue()).encode("utf-8"))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
