"""Links to the built static files by their hashed names, served with a one-year cache lifetime.

`npm run build` writes `static/dist/manifest.json` ("app.css" → "dist/app.<hash>.css"). A hashed
name changes with its content, so browsers and proxies may keep it for a year (`immutable`):
a release links new names instead of waiting for caches to expire. Other static files keep
Flask's default (revalidate on each use).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask, Response, request, url_for

#: A file the build named after its content: `app.0123456789ab.css`.
HASHED_NAME = re.compile(r"^dist/.+\.[0-9a-f]{12}\.[a-z]+$")
ONE_YEAR = 365 * 24 * 3600


class Manifest:
    """The build's map from source names to hashed names, read again when the build rewrites it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: float | None = None
        self._names: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        try:
            stamp = self.path.stat().st_mtime
        except FileNotFoundError:
            raise RuntimeError(f"{self.path} is missing: build the assets with `npm run build`.") from None
        if stamp != self._stamp:
            self._names, self._stamp = json.loads(self.path.read_text("utf-8")), stamp
        return self._names[name]


def _cache_hashed_files(response: Response) -> Response:
    if request.endpoint == "static" and HASHED_NAME.match(request.view_args.get("filename", "")):
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.public = True
        response.cache_control.immutable = True
        response.cache_control.no_cache = None
    return response


def init_app(app: Flask) -> None:
    manifest = Manifest(Path(app.static_folder) / "dist" / "manifest.json")
    app.jinja_env.globals["asset_url"] = lambda name: url_for("static", filename=manifest[name])
    app.after_request(_cache_hashed_files)
