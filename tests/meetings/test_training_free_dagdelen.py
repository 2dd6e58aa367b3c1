"""Issue 18 item 13: the new-training form shows the chosen expert's free dagdelen before its
date rows, as links that fill in the next row and tick the expert; plain GET parameters, no
JavaScript. The picker is the one of the booking and move forms (scheduling/_free_dagdelen.html)."""
from __future__ import annotations

import re

import pytest

from ontwikkelbijeenkomsten.core.time import Dagdeel
from tests.factories import AVOND, future_day

from .test_trainings import NEW, form_data, html_of


def link(day, dagdeel) -> str:
    return f"datum={day.isoformat()}&amp;dagdeel={dagdeel.value}"


def picked(*moments) -> str:
    return "".join(f"&gekozen={day.isoformat()}.{dagdeel.value}" for day, dagdeel in moments)


def row_value(html: str, index: int) -> tuple[str | None, str | None]:
    """The date and the selected dagdeel of row `index` of the form."""
    day = re.search(rf'<input[^>]*name="parts-{index}-date"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', day)
    select = html.split(f'name="parts-{index}-dagdeel"')[1].split("</select>")[0]
    chosen = re.search(r'<option selected value="([^"]*)"', select)
    return (value.group(1) if value else ""), (chosen.group(1) if chosen else "")


def ticked(html: str, expert_id: int) -> bool:
    return re.search(rf'<input[^>]*checked[^>]*name="expert_ids" value="{expert_id}"|'
                     rf'<input[^>]*name="expert_ids" value="{expert_id}"[^>]*checked', html) is not None


def test_without_a_chosen_expert_the_form_offers_the_picker_and_no_list(coordinator_client, plan):
    html = html_of(coordinator_client.get(NEW))
    assert 'id="free-picker"' in html and "Toon vrije dagdelen" in html and "datum=" not in html
    assert html.index('id="free-picker"') < html.index(f'<form method="post" action="{NEW}"')  # before the typing
    assert '<form method="get" action="/coordinatie/trainingen/nieuw#free-title"' in html
    assert '<h2 class="utrecht-heading-2" id="free-title">Wanneer is de expert vrij?</h2>' in html


def test_the_chosen_experts_free_dagdelen_are_listed_as_links(coordinator_client, plan):
    extra = (future_day(16), AVOND)
    plan.available(plan.expert, *extra)
    html = html_of(coordinator_client.get(f"{NEW}?deskundige={plan.expert.id}"))
    assert "Eva Jansen is tussen" in html
    for moment in [*plan.moments, extra]:
        assert link(*moment) in html
    assert link(plan.moments[0][0], Dagdeel.MIDDAG) not in html  # not available
    assert html.index(link(*plan.moments[0])) < html.index(link(*extra)) < html.index(link(*plan.moments[1]))
    assert f'href="{NEW}?deskundige={plan.expert.id}&amp;{link(*plan.moments[0])}#parts-0-date"' in html
    assert ticked(html, plan.expert.id) and not ticked(html, plan.other_expert.id)
    html = html_of(coordinator_client.get(f"{NEW}?deskundige={plan.other_expert.id}"))
    assert "Omar Bakker heeft tussen" in html and "geen vrije dagdelen" in html


def test_each_pick_fills_the_next_row_and_the_links_carry_the_picks_on(coordinator_client, plan):
    first, second = plan.moments
    html = html_of(coordinator_client.get(f"{NEW}?deskundige={plan.expert.id}&{link(*first).replace('&amp;', '&')}"))
    assert row_value(html, 0) == (first[0].isoformat(), "ochtend") and row_value(html, 1) == ("", "")
    assert "U hebt 1 dagdeel gekozen" in html and ticked(html, plan.expert.id)
    # the next link keeps the first pick and fills the second row
    onward = f'{NEW}?deskundige={plan.expert.id}&amp;{link(*second)}{picked(first).replace("&", "&amp;")}#parts-1-date'
    assert f'href="{onward}"' in html

    html = html_of(coordinator_client.get(f"{NEW}?deskundige={plan.expert.id}&{link(*second).replace('&amp;', '&')}"
                                          f"{picked(first)}"))
    assert row_value(html, 0) == (first[0].isoformat(), "ochtend")
    assert row_value(html, 1) == (second[0].isoformat(), "middag")
    assert "U hebt 2 dagdelen gekozen" in html


def test_the_picked_rows_create_the_training(coordinator_client, plan):
    first, second = plan.moments
    rows = ((first[0].isoformat(), first[1].value, "", ""), (second[0].isoformat(), second[1].value, "", ""))
    response = coordinator_client.post(NEW, data=form_data(plan, rows=rows))
    assert response.status_code == 302  # the expert is free then: no warning either
    assert "utrecht-alert--warning" not in html_of(coordinator_client.get(response.headers["Location"]))


def test_after_a_refused_post_the_list_shows_the_ticked_expert(coordinator_client, plan):
    html = html_of(coordinator_client.post(NEW, data=form_data(plan, title="")))
    assert "Er is een probleem" in html and "Eva Jansen is tussen" in html
    assert 'name="title"' in html and "Stadhuis Maastricht" in html  # what was typed stays


@pytest.mark.parametrize("query", [
    "deskundige=abc&datum=2030-01-01&dagdeel=ochtend", "deskundige=999999999", "gekozen=morgen.nacht",
    "deskundige=1&gekozen=2026-02-30.ochtend&gekozen=2026-03-01&datum=x&dagdeel=y",
])
def test_bad_parameters_are_ignored(coordinator_client, plan, query):
    response = coordinator_client.get(f"{NEW}?{query}")
    html = html_of(response)
    assert response.status_code == 200 and "U hebt" not in html and row_value(html, 0) == ("", "")
