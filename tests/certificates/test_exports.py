"""The coordinators' accreditation page: the details (shown on the training page and the
certificates), one CSV per register with number, name, date and hours, and the attendees
without a number."""
from __future__ import annotations

import csv
import io
import re

from ontwikkelbijeenkomsten.certificates import services as certificates
from ontwikkelbijeenkomsten.meetings.registers import Register
from tests.meetings.test_public_pages import field_error, text

PEOPLE = [
    {"name": "Zoë Ïmkamp", "register": Register.SKJ, "register_number": "110012345"},
    {"name": "Bram Aksoy", "register": Register.BIG, "register_number": "19012345601"},
    {"name": "=Kwaadaardig", "register": Register.SKJ, "register_number": "987654"},
    {"name": "Noor Zonder"},
    {"name": "Afwezig", "register": Register.SKJ, "register_number": "555555"},
]


def url(lead, suffix: str = "") -> str:
    return f"/bijeenkomsten/{lead.id}/accreditatie{suffix}"


def rows(response) -> list[list[str]]:
    body = response.data.decode("utf-8")
    assert body.startswith("\ufeff") and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def test_one_csv_per_register_with_a_row_per_dagdeel_attended(coordinator_client, held):
    lead, people = held(parts=2, people=PEOPLE, present={0: [0, 1], 1: [1], 2: [0], 3: [0, 1]})
    first, second = [f"{p.starts_at.astimezone().strftime('%d-%m-%Y')}" for p in lead.all_parts]
    skj = rows(coordinator_client.get(url(lead, "/skj.csv")))
    assert skj[0] == ["Registratienummer", "Naam", "Datum", "Uren"]
    assert sorted(skj[1:]) == sorted([
        ["110012345", "Zoë Ïmkamp", first, "3,5"], ["110012345", "Zoë Ïmkamp", second, "3,5"],
        ["987654", "'=Kwaadaardig", first, "3,5"],
    ])
    assert rows(coordinator_client.get(url(lead, "/big.csv")))[1:] == [["19012345601", "Bram Aksoy", second, "3,5"]]
    assert rows(coordinator_client.get(url(lead, "/lerarenregister.csv")))[1:] == []
    assert coordinator_client.get(url(lead, "/onbekend.csv")).status_code == 404

    page = coordinator_client.get(url(lead)).get_data(as_text=True)
    missing = text(re.search(r'id="without-number".*?</table>', page, re.S).group(0))
    assert "Noor Zonder" in missing and people[3].email in missing and "Zoë" not in missing
    assert "Afwezig" not in missing
    exports = text(re.search(r'id="exports".*?</ul>', page, re.S).group(0))
    assert "SKJ (CSV) : 2 aanwezigen met een nummer" in exports and "BIG (CSV) : 1 aanwezige met een nummer" in exports


def test_the_coordinator_sets_accreditation_shown_on_the_training_page(coordinator_client, client, make_training):
    lead = make_training()
    form = {"registers": ["skj", "registerplein"], "activity_number": "A-118", "amount": "3,5", "unit": "points"}
    assert coordinator_client.post(url(lead), data=form).status_code == 302
    stored = certificates.accreditation_of(lead)
    assert stored.register_list == [Register.SKJ, Register.REGISTERPLEIN] and str(stored.amount) == "3.5"
    page = text(client.get(f"/agenda/{lead.id}").get_data(as_text=True))
    assert "Geaccrediteerd door SKJ, Registerplein; activiteitnummer A-118; 3,5 punten" in page


def test_wrong_accreditation_input_gives_errors_at_the_fields_and_keeps_it(coordinator_client, make_training):
    lead = make_training()
    html = coordinator_client.post(url(lead), data={"registers": ["nope"], "amount": "drie", "unit": "points",
                                                    "activity_number": "A-1"}).get_data(as_text=True)
    assert "Vul een getal in" in field_error(html, "amount") and 'value="drie"' in html
    assert field_error(html, "registers")
    html = coordinator_client.post(url(lead), data={"amount": "0", "unit": "hours"}).get_data(as_text=True)
    assert "boven 0" in field_error(html, "amount")
    assert certificates.accreditation_of(lead) is None


def test_only_coordinators(client, expert_client, make_training):
    lead = make_training()
    assert expert_client.get(url(lead)).status_code == 403
    assert expert_client.get(url(lead, "/skj.csv")).status_code == 403
    assert client.get(url(lead)).status_code == 302
    assert client.post(url(lead), data={"amount": "3"}).status_code in (302, 400)
