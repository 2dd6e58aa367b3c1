"""A page that shows the error summary after a refused form says so in its title ("Fout: …"),
also where the page's own title block does not (WCAG 3.3.1: the title is read first)."""
from __future__ import annotations

import re


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1).strip()


def test_a_refused_form_puts_error_first_in_the_title(coordinator_client, plan):
    assert title(coordinator_client.get("/coordinatie/periodes")).startswith("Programmaperiodes")
    refused = coordinator_client.post("/coordinatie/periodes", data={"name": ""})
    assert refused.status_code == 200 and 'id="error-summary"' in refused.get_data(as_text=True)
    assert title(refused).startswith("Fout: Programmaperiodes"), "BUG: the title hides that the form was refused"


def test_a_page_with_its_own_prefix_says_it_once(coordinator_client, plan):
    refused = coordinator_client.post("/coordinatie/themas", data={"name": ""})
    assert title(refused).startswith("Fout: Thema") and title(refused).count("Fout:") == 1
