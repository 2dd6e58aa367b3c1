"""The one chart macro file (templates/charts.html): shares are drawn against the whole, so a
small number never looks large, and targets are outlines, so a shortfall shows."""
from __future__ import annotations

import re

import pytest
from flask import render_template_string

from ontwikkelbijeenkomsten.scheduling.labels import RegionRow


def _render(app, source: str, **context) -> str:
    with app.test_request_context():
        return render_template_string('{% from "charts.html" import bar, share_table, stacked_bar %}' + source,
                                      **context)


def _parts(html: str, kind: str) -> list[str]:
    return re.findall(rf'ob-chart__part--{kind}" x="[\d.]+" y="0" width="([\d.]+)"', html)


@pytest.mark.backends("sqlite")
def test_a_share_of_one_in_three_draws_a_third(app):
    html = _render(app, '{{ share_table("mix", "Per sector", "Sector", rows) }}',
                   rows=[("Onderwijs", 1), ("Jeugdhulp", 2), ("Gemeente", 0)])
    assert _parts(html, "share") == ["33.33", "66.67"]  # the empty row draws nothing
    assert "(n = 3)" in html and ">33%<" in html and ">67%<" in html and ">0%<" in html
    assert 'style=' not in html and html.count('aria-hidden="true"') == 3


@pytest.mark.backends("sqlite")
def test_a_target_is_an_outline_on_the_same_scale(app):
    html = _render(app, '{{ stacked_bar("c", "Dagdelen", "Van 8 zijn er 4 toegekend.", parts, 8, 4, "toegekend") }}',
                   parts=[("held", "uitgevoerd", 1), ("booked", "ingepland", 1)])
    assert _parts(html, "held") == ["12.5"] and _parts(html, "booked") == ["12.5"]
    assert re.search(r'class="ob-chart__target" x="0" y="0" width="50.0"', html)
    assert 'role="img" aria-labelledby="c-title c-desc"' in html and "toegekend: 4" in html


@pytest.mark.backends("sqlite")
def test_the_planning_chart_shows_what_is_still_unbooked(app):
    """Zuid-Limburg was granted 4: 1 booked before, 1 in this plan, 2 the planner cannot book."""
    with app.test_request_context():
        html = render_template_string('{% include "scheduling/_batch_regions.html" %}',
                                      rows=[RegionRow(1, "Zuid-Limburg", 1, 1, 2), RegionRow(2, "Groningen", 2, 0)])
    zuid = html.split("Zuid-Limburg")[1].split("Groningen")[0]
    assert _parts(zuid, "before") == ["25.0"] and _parts(zuid, "planned") == ["25.0"]
    assert 'ob-chart__target" x="0" y="0" width="100.0"' in zuid
    assert re.search(r'data-label="Toegekend">4</td>\s*<td class="utrecht-table__cell ob-bar-table__chart"', zuid)
