import re

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.regions.models import (
    Organisation,
    OrganisationType,
    ProgrammePeriod,
    Region,
)
from tests.factories import PASSWORD
from tests.helpers import login

from .builders import add_request

LONG = "x" * 10_000
SCRIPT = "<script>alert(1)</script>"


def _pages(region, period, organisation):
    return [
        "/coordinatie/regios",
        f"/coordinatie/regios.csv?period={period.id}",
        "/coordinatie/regios/nieuw",
        f"/coordinatie/regios/{region.id}",
        "/coordinatie/periodes",
        f"/coordinatie/periodes/{period.id}",
    ], [
        f"/coordinatie/regios/{region.id}",
        f"/coordinatie/regios/{region.id}/organisaties",
        f"/coordinatie/regios/{region.id}/organisaties/{organisation.id}/verwijderen",
        f"/coordinatie/regios/{region.id}/quotum",
        "/coordinatie/regios/nieuw",
        "/coordinatie/periodes",
        f"/coordinatie/periodes/{period.id}",
    ]


@pytest.fixture
def organisation(region):
    member = Organisation(name="Gemeente Maastricht", type=OrganisationType.GEMEENTE)
    region.organisations.append(member)
    db.session.commit()
    return member


def _field_error(response, field_id: str) -> bool:
    html = response.get_data(as_text=True)
    control = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', html)
    return f'id="{field_id}-error"' in html and control is not None and 'aria-invalid="true"' in control.group(0)


# ---- access ------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_log_in(client, region, period, organisation):
    gets, posts = _pages(region, period, organisation)
    for path in gets:
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen" in response.location, path
    for path in posts:
        response = client.post(path)
        assert response.status_code == 302 and "/inloggen" in response.location, path
    assert db.session.scalars(select(Organisation)).all() == [organisation]


def test_experts_are_refused(client, region, period, organisation):
    create_user("expert@example.org", "Peter Bakker", Role.EXPERT, PASSWORD)
    db.session.commit()
    login(client, "expert@example.org")
    gets, posts = _pages(region, period, organisation)
    for path in gets:
        assert client.get(path).status_code == 403, path
    for path in posts:
        assert client.post(path).status_code == 403, path


def test_coordinators_see_every_page(coordinator_client, region, period, organisation):
    gets, _posts = _pages(region, period, organisation)
    for path in gets:
        assert coordinator_client.get(path).status_code == 200, path


@pytest.mark.parametrize("path", [
    "/coordinatie/regios/999",
    "/coordinatie/regios/99999999999999999999",
    "/coordinatie/periodes/999",
    "/coordinatie/regios?period=999",
    "/coordinatie/regios?period=abc",
    "/coordinatie/regios.csv?period=999",
])
def test_unknown_ids_are_404(coordinator_client, period, path):
    assert coordinator_client.get(path).status_code == 404


def test_unknown_or_foreign_organisations_are_404(coordinator_client, region, organisation):
    other = Region(code="JZ37", name="Noord-Limburg")
    db.session.add(other)
    db.session.commit()
    foreign = f"/coordinatie/regios/{other.id}/organisaties/{organisation.id}/verwijderen"
    assert coordinator_client.post(foreign).status_code == 404
    assert coordinator_client.post(f"/coordinatie/regios/{region.id}/organisaties/999/verwijderen").status_code == 404
    assert coordinator_client.post("/coordinatie/regios/999/quotum").status_code == 404


def test_posts_need_the_csrf_token(make_app, coordinator, region):
    email, region_id = coordinator.email, region.id
    db.session.rollback()  # SQLite: end the test's transaction, so the other app can write
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        client = app.test_client()
        page = client.get("/inloggen").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        logged_in = client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": token})
        assert logged_in.status_code == 302
        response = client.post(f"/coordinatie/regios/{region_id}/organisaties", data={
            "organisation-name": "Gemeente Heerlen", "organisation-type": "gemeente",
        })
    assert response.status_code == 400
    assert db.session.scalars(select(Organisation)).all() == []


# ---- the overview ------------------------------------------------------------------------------
def test_overview_sorts_with_aria_sort_on_the_sorted_column(coordinator_client, period, region):
    db.session.add_all([Region(code="JZ01", name="Groningen"), Region(code="JZ99", name="Weg", active=False)])
    db.session.commit()
    add_request(region, period, granted=3)
    html = coordinator_client.get("/coordinatie/regios?sort=granted&order=desc").get_data(as_text=True)
    assert html.count("aria-sort=") == 1
    assert re.search(r'aria-sort="descending">\s*<a[^>]*sort=granted', html)
    body = html[html.index("<tbody"):]
    assert body.index("Zuid-Limburg") < body.index("Groningen")
    assert "Weg (JZ99)" in html[html.index("</table>"):]  # inactive regions are listed apart
    # the bar: nothing scheduled yet, the 3 granted as an outline over the quota of 4
    assert 'ob-chart__target" x="0" y="0" width="75.0"' in body and "ob-chart__part--booked\" x" not in body
    ascending = coordinator_client.get(f"/coordinatie/regios?period={period.id}&sort=granted").get_data(as_text=True)
    assert 'aria-sort="ascending"' in ascending
    body = ascending[ascending.index("<tbody"):]
    assert body.index("Groningen") < body.index("Zuid-Limburg")


def test_overview_ignores_an_unknown_sort(coordinator_client, period, region):
    html = coordinator_client.get("/coordinatie/regios?sort=drop+table&order=sideways").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and "Zuid-Limburg" in html


def test_overview_without_periods_says_so(coordinator_client, region):
    response = coordinator_client.get("/coordinatie/regios")
    assert response.status_code == 200 and "<table" not in response.get_data(as_text=True)
    assert coordinator_client.get(f"/coordinatie/regios/{region.id}").status_code == 200
    assert coordinator_client.get("/coordinatie/regios.csv").status_code == 404


def test_csv_export_has_the_same_rows_and_order(coordinator_client, period, region):
    db.session.add(Region(code="JZ01", name="Groningen"))
    db.session.commit()
    add_request(region, period, granted=2)
    response = coordinator_client.get(f"/coordinatie/regios.csv?period={period.id}&sort=remaining")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[1:] == ["JZ41;Zuid-Limburg;4;2;0;2", "JZ01;Groningen;4;0;0;4"]


# ---- regions -----------------------------------------------------------------------------------
def test_create_a_region(coordinator_client):
    response = coordinator_client.post("/coordinatie/regios/nieuw", data={"code": "jz14", "name": "Twente"})
    region = db.session.scalar(select(Region))
    assert response.status_code == 302 and response.location.endswith(f"/coordinatie/regios/{region.id}")
    assert region.code == "JZ14"
    assert db.session.scalar(select(AuditEvent.action)) == "region.created"


@pytest.mark.parametrize("data, field", [
    ({"code": "JZ41", "name": "Dubbel"}, "code"),
    ({"code": "JZ-28", "name": "Fout"}, "code"),
    ({"code": LONG, "name": "Lang"}, "code"),
    ({"code": "JZ14", "name": LONG}, "name"),
    ({"code": "JZ14", "name": "   "}, "name"),
    ({}, "code"),
])
def test_create_a_region_shows_errors_at_the_field(coordinator_client, region, data, field):
    response = coordinator_client.post("/coordinatie/regios/nieuw", data=data)
    assert response.status_code == 200 and _field_error(response, field)
    assert 'id="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Region.code)).all() == ["JZ41"]


def test_script_in_a_name_is_shown_as_text(coordinator_client, region):
    response = coordinator_client.post("/coordinatie/regios/nieuw", data={"code": "JZ41", "name": SCRIPT})
    html = response.get_data(as_text=True)
    assert SCRIPT not in html and "&lt;script&gt;" in html
    coordinator_client.post(f"/coordinatie/regios/{region.id}/organisaties", data={
        "organisation-name": SCRIPT, "organisation-type": "anders",
    })
    assert SCRIPT not in coordinator_client.get(f"/coordinatie/regios/{region.id}").get_data(as_text=True)


def test_rename_and_deactivate_a_region(coordinator_client, region, period):
    response = coordinator_client.post(f"/coordinatie/regios/{region.id}", data={"region-name": "Parkstad"})
    assert response.status_code == 302
    db.session.refresh(region)
    assert (region.name, region.active) == ("Parkstad", False)
    overview = coordinator_client.get("/coordinatie/regios").get_data(as_text=True)
    assert "<tbody" not in overview and "Parkstad (JZ41)" in overview  # listed apart as inactive


def test_rename_keeps_the_input_on_errors(coordinator_client, region):
    data = {"region-name": "", "region-active": "y"}
    response = coordinator_client.post(f"/coordinatie/regios/{region.id}", data=data)
    assert _field_error(response, "region-name")
    assert db.session.get(Region, region.id).name == "Zuid-Limburg"


def test_add_and_remove_an_organisation(coordinator_client, region):
    url = f"/coordinatie/regios/{region.id}/organisaties"
    data = {"organisation-name": "Gemeente Heerlen", "organisation-type": "gemeente"}
    response = coordinator_client.post(url, data=data)
    assert response.status_code == 302
    member = db.session.scalar(select(Organisation))
    assert (member.name, member.type) == ("Gemeente Heerlen", OrganisationType.GEMEENTE)
    twice = coordinator_client.post(url, data={**data, "organisation-name": "gemeente heerlen"})
    assert _field_error(twice, "organisation-name") and 'value="gemeente heerlen"' in twice.get_data(as_text=True)
    response = coordinator_client.post(f"{url}/{member.id}/verwijderen")
    assert response.status_code == 302
    assert db.session.scalars(select(Organisation)).all() == []


@pytest.mark.parametrize("data, field", [
    ({"organisation-name": "Gemeente Heerlen", "organisation-type": "castle"}, "organisation-type"),
    ({"organisation-name": "Gemeente Heerlen", "organisation-type": ""}, "organisation-type"),
    ({"organisation-name": LONG, "organisation-type": "gemeente"}, "organisation-name"),
])
def test_add_organisation_errors(coordinator_client, region, data, field):
    response = coordinator_client.post(f"/coordinatie/regios/{region.id}/organisaties", data=data)
    assert response.status_code == 200 and _field_error(response, field)
    assert db.session.scalars(select(Organisation)).all() == []


# ---- quota -------------------------------------------------------------------------------------
def test_set_a_quota_with_a_reason(coordinator_client, region, period):
    response = coordinator_client.post(f"/coordinatie/regios/{region.id}/quotum", data={
        "quota-period": period.id, "quota-quota": "6", "quota-reason": "Pilot met extra dagdelen.",
    })
    assert response.status_code == 302
    assert quota.ledger(region, period).quota == 6
    history = coordinator_client.get(response.location).get_data(as_text=True).split("<h3")[2]
    assert "Pilot met extra dagdelen." in history and "coordinator@example.org" in history


@pytest.mark.parametrize("data, field", [
    ({"quota-quota": "6", "quota-reason": ""}, "quota-reason"),
    ({"quota-quota": "zes", "quota-reason": "Extra"}, "quota-quota"),
    ({"quota-quota": "", "quota-reason": "Extra"}, "quota-quota"),
    ({"quota-quota": "1", "quota-reason": "Minder dan toegekend"}, "quota-quota"),
    ({"quota-quota": "4", "quota-reason": "Hetzelfde"}, "quota-quota"),
    ({"quota-quota": "99999999999999999999", "quota-reason": "Veel"}, "quota-quota"),
    ({"quota-quota": "6", "quota-reason": LONG}, "quota-reason"),
])
def test_quota_errors_keep_the_input(coordinator_client, region, period, data, field):
    add_request(region, period, granted=2)
    url = f"/coordinatie/regios/{region.id}/quotum"
    response = coordinator_client.post(url, data={"quota-period": period.id, **data})
    assert response.status_code == 200 and _field_error(response, field)
    html = response.get_data(as_text=True)
    assert "<br>" not in re.search(rf'id="{field}-error">(.*?)</p>', html, re.S).group(1)  # one message
    if data["quota-quota"] and len(data["quota-quota"]) < 30:
        assert f'value="{data["quota-quota"]}"' in html
    assert quota.ledger(region, period).quota == 4


def test_quota_for_an_unknown_period_is_an_error(coordinator_client, region, period):
    response = coordinator_client.post(f"/coordinatie/regios/{region.id}/quotum", data={
        "quota-period": "999", "quota-quota": "6", "quota-reason": "Extra",
    })
    assert response.status_code == 200 and _field_error(response, "quota-period")


# ---- periods -----------------------------------------------------------------------------------
def test_create_and_edit_a_period(coordinator_client):
    response = coordinator_client.post("/coordinatie/periodes", data={
        "name": "Schooljaar 2030-2031", "starts_on": "2030-08-01", "ends_on": "2031-07-31", "default_quota": "4",
    })
    assert response.status_code == 302 and response.location.endswith("/coordinatie/periodes")
    period = db.session.scalar(select(ProgrammePeriod))
    page = coordinator_client.get(f"/coordinatie/periodes/{period.id}").get_data(as_text=True)
    assert 'value="2030-08-01"' in page and 'value="Schooljaar 2030-2031"' in page
    response = coordinator_client.post(f"/coordinatie/periodes/{period.id}", data={
        "name": "Schooljaar 2030-2031", "starts_on": "2030-08-01", "ends_on": "2031-08-31", "default_quota": "5",
    })
    assert response.status_code == 302
    db.session.refresh(period)
    assert (period.ends_on.isoformat(), period.default_quota) == ("2031-08-31", 5)


def test_the_list_of_periods_says_regions_can_already_request_for_one_to_come(coordinator_client, period):
    coordinator_client.post("/coordinatie/periodes", data={
        "name": "Schooljaar 2030-2031", "starts_on": "2030-08-01", "ends_on": "2031-07-31", "default_quota": "4",
    })
    page = " ".join(coordinator_client.get("/coordinatie/periodes").get_data(as_text=True).split())
    assert f"{period.name} <span class=\"ob-meta\">(huidige)</span>" in page
    assert "Schooljaar 2030-2031 <span class=\"ob-meta\">(begint nog; regio’s kunnen al aanvragen)</span>" in page
    assert "Als periodes elkaar overlappen" not in page


@pytest.mark.parametrize("data, field", [
    ({"ends_on": "2030-07-31"}, "ends_on"),
    ({"ends_on": "31-07-2031"}, "ends_on"),
    ({"starts_on": ""}, "starts_on"),
    ({"default_quota": "21"}, "default_quota"),
    ({"default_quota": "vier"}, "default_quota"),
    ({"name": ""}, "name"),
    ({"name": LONG}, "name"),
    ({"name": "schooljaar 2029-2030"}, "name"),
])
def test_period_errors(coordinator_client, coordinator, data, field):
    coordinator_client.post("/coordinatie/periodes", data={
        "name": "Schooljaar 2029-2030", "starts_on": "2029-08-01", "ends_on": "2030-07-31", "default_quota": "4",
    })
    values = {
        "name": "Schooljaar 2030-2031", "starts_on": "2030-08-01", "ends_on": "2031-07-31", "default_quota": "4",
        **data,
    }
    response = coordinator_client.post("/coordinatie/periodes", data=values)
    assert response.status_code == 200 and _field_error(response, field)
    assert len(db.session.scalars(select(ProgrammePeriod)).all()) == 1
    period = db.session.scalar(select(ProgrammePeriod))
    response = coordinator_client.post(f"/coordinatie/periodes/{period.id}", data=values)
    if field == "name" and data["name"].startswith("schooljaar"):
        assert response.status_code == 302  # a period may change the case of its own name
    else:
        assert response.status_code == 200 and _field_error(response, field)


def test_a_new_installation_adds_the_jeugdregios_of_cbs_from_the_overview(app, coordinator, period):
    client = login(app.test_client(), coordinator)
    page = client.get("/coordinatie/regios").get_data(as_text=True)
    assert "42 jeugdregio’s van het CBS zijn er nog niet" in page
    assert "Deze 42 regio’s toevoegen" in page and "flask regions import" not in page
    assert client.post("/coordinatie/regios/jeugdregios").status_code == 302
    page = client.get("/coordinatie/regios").get_data(as_text=True)
    assert "42 jeugdregio’s zijn toegevoegd." in page and "jeugdregios-title" not in page
    codes = set(db.session.scalars(select(Region.code).where(Region.active.is_(True))))
    assert len(codes) == 42 and {"JZ01", "JZ41", "JZ43"} <= codes
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "region.created")) == 42
    # a second press adds nothing
    client.post("/coordinatie/regios/jeugdregios")
    assert "Alle jeugdregio’s van het CBS zijn er al." in client.get("/coordinatie/regios").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Region)) == 42


def test_only_the_missing_jeugdregios_are_added_and_a_renamed_one_keeps_its_name(app, coordinator, period):
    db.session.add(Region(code="JZ01", name="Groningen (Stad en Ommeland)", active=False))
    db.session.commit()
    client = login(app.test_client(), coordinator)
    assert "41 jeugdregio’s van het CBS zijn er nog niet" in client.get("/coordinatie/regios").get_data(as_text=True)
    client.post("/coordinatie/regios/jeugdregios")
    db.session.expire_all()
    assert db.session.scalar(select(Region.name).where(Region.code == "JZ01")) == "Groningen (Stad en Ommeland)"
    assert db.session.scalar(select(func.count()).select_from(Region)) == 42


def test_only_coordinators_add_the_jeugdregios(app, expert_client, client):
    assert expert_client.post("/coordinatie/regios/jeugdregios").status_code == 403
    assert client.post("/coordinatie/regios/jeugdregios").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Region)) == 0


def test_a_regions_page_leads_to_its_requests(app, coordinator, region, period):
    """A region calls about its requests: from its page one link opens the queue for that region."""
    client = login(app.test_client(), coordinator)
    page = client.get(f"/coordinatie/regios/{region.id}").get_data(as_text=True)
    href = f'href="/coordinatie/aanvragen?region={region.id}">De aanvragen van deze regio</a>'
    assert href in page
    add_request(region, period)
    queue = client.get(f"/coordinatie/aanvragen?region={region.id}").get_data(as_text=True)
    assert queue.count('href="/coordinatie/aanvragen/') == 1
