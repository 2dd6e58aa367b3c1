"""Page weight (issue 18, item 17): one minified stylesheet without the unused Utrecht components,
under 60 KiB gzipped, linked by its hashed name and cached for a year."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "static" / "dist"


def built(name: str) -> Path:
    return ROOT / "static" / json.loads((DIST / "manifest.json").read_text("utf-8"))[name]


def test_the_stylesheet_is_minified_and_under_60_kib_over_the_wire():
    css = built("app.css").read_bytes()
    assert len(gzip.compress(css)) < 60 * 1024
    assert b"\n  " not in css and b"/*" not in css  # no indentation, no comments
    assert b".utrecht-button{" in css and b".ob-nav" in css
    # No page uses the Utrecht accordion or the breadcrumb nav: the build leaves them out.
    assert b".utrecht-accordion" not in css and b".utrecht-breadcrumb-nav" not in css


def test_pages_link_the_hashed_names_which_are_cached_for_a_year(client, plan):
    html = client.get("/aanvragen").get_data(as_text=True)
    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/dist/app\.[0-9a-f]{12}\.css)">', html)
    script = re.search(r'<script src="(/static/dist/js/request-form\.[0-9a-f]{12}\.js)" defer>', html)
    assert stylesheet and script
    for url in (stylesheet[1], script[1]):
        response = client.get(url)
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
        response.close()


def test_files_without_a_hash_in_their_name_are_not_cached_for_long(client):
    response = client.get("/static/js/request-form.js")
    assert response.status_code == 200 and "immutable" not in response.headers.get("Cache-Control", "")
    response.close()
