"""Every form that posts names its action. Without one the browser posts to the address in the
bar, which after a link of the error summary ends in "#field": the page that comes back then
opens at that field, and the browser skips `autofocus`, so the error summary does not get the
focus (tests/browser/test_coordinator_forms.py shows it on a theme's page)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>", re.IGNORECASE | re.DOTALL)


@pytest.mark.parametrize("template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")))
def test_every_post_form_names_its_action(template):
    text = re.sub(r"\{#.*?#\}", "", (TEMPLATES / template).read_text("utf-8"), flags=re.DOTALL)  # not the comments
    without = [tag for tag in POST_FORM.findall(text) if not re.search(r"\saction=\"[^\"]+\"", tag)]
    assert without == [], f"{template}: {without}"


def test_a_form_on_its_own_page_keeps_the_query_and_drops_nothing_else(client):
    html = client.get("/inloggen?next=%2Fcoordinatie%2Fthemas").get_data(as_text=True)
    assert 'action="/inloggen?next=%2Fcoordinatie%2Fthemas"' in html
    assert 'action="/inloggen"' in client.get("/inloggen").get_data(as_text=True)
