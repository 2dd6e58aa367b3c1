"""The region's status page keeps up with the planning (issue 18, item 8): with some dagdelen
booked it says how many, not "a coordinator plans the meeting"; withdrawing comes last."""
from __future__ import annotations

import re
from html import unescape

from ontwikkelbijeenkomsten.requests.services import status_token
from .test_services import book


def said(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_one_of_two_dagdelen_booked_shows_the_step_and_withdraw_comes_last(client, plan):
    page = client.get(f"/aanvraag/{status_token(plan.request)}").get_data(as_text=True)
    assert "Een coördinator plant de bijeenkomst met u en een expert." in said(page)

    book(plan)
    page = client.get(f"/aanvraag/{status_token(plan.request)}").get_data(as_text=True)
    text = said(page)
    assert "1 van 2 dagdelen ingepland." in text
    assert "Een coördinator plant de bijeenkomst met u en een expert." not in text
    assert page.index('id="withdraw-title"') > page.index('id="history-title"')
