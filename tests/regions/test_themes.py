"""The coordinators' theme page (`/coordinatie/themas`): add, rename, stop or start offering a
theme, and give a new installation the work programme's themes."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent, Theme
from ontwikkelbijeenkomsten.core.themes import THEMES, add_programme_themes, theme_choices
from tests import factories

from ..queries import queries_for
from .test_views import _field_error

PAGE = "/coordinatie/themas"


def html(response) -> str:
    return response.get_data(as_text=True)


def names() -> list[str]:
    return list(db.session.scalars(select(Theme.name).order_by(Theme.position)))


def test_only_coordinators_open_the_pages(client, expert_client, coordinator_client, plan):
    theme = plan.themes[0]
    for path in (PAGE, f"{PAGE}/{theme.id}"):
        assert client.get(path).status_code == 302 and "/inloggen" in client.get(path).location
        assert expert_client.get(path).status_code == 403
        assert coordinator_client.get(path).status_code == 200
    for path in (PAGE, f"{PAGE}/{theme.id}", f"{PAGE}/werkprogramma"):
        assert expert_client.post(path, data={"name": "Inbraak"}).status_code == 403
    assert names() == [t.name for t in plan.themes]
    assert coordinator_client.get(f"{PAGE}/999999").status_code == 404
    assert coordinator_client.get(f"{PAGE}/99999999999999999999").status_code == 404


def test_the_page_lists_each_theme_with_what_uses_it(coordinator_client, plan):
    page = html(coordinator_client.get(PAGE))
    row = page[page.index(f">{plan.themes[0].name}</th>"):]
    row = row[:row.index("</tr>")]
    # OOGO: offered, on the plan's request and on Eva's profile, on no session yet
    cells = re.findall(r'data-label="[^"]*">([^<]*)<', row)
    assert cells[:4] == ["ja", "1", "1", "0"]
    assert 'href="/coordinatie/themas"' in page  # in the menu, under Programma


def test_a_new_theme_is_added_and_offered_at_once(coordinator_client, plan):
    response = coordinator_client.post(PAGE, data={"name": "  Thuiszitters  "})
    assert response.status_code == 302
    assert "Het thema Thuiszitters is toegevoegd en is nu te kiezen." in html(coordinator_client.get(PAGE))
    assert names()[-1] == "Thuiszitters"
    assert "Thuiszitters" in [name for _id, name in theme_choices()]
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "theme.created")) == 1


@pytest.mark.parametrize("typed, message", [
    ("", "Vul de naam van het thema in."),
    ("  oogo ", "Er is al een thema met deze naam."),
    ("x" * 201, "Gebruik maximaal 200 tekens."),
])
def test_a_bad_name_is_shown_at_the_field_and_kept(coordinator_client, plan, typed, message):
    before = names()
    response = coordinator_client.post(PAGE, data={"name": typed})
    page = html(response)
    assert response.status_code == 200 and _field_error(response, "name") and message in page
    assert f'value="{typed.strip()}"' in page
    assert names() == before


def test_renaming_shows_the_new_name_on_what_has_the_theme(coordinator_client, plan):
    theme = plan.themes[0]
    edit = html(coordinator_client.get(f"{PAGE}/{theme.id}"))
    assert "In gebruik bij 1 aanvraag, 1 expert en 0 bijeenkomsten." in edit
    response = coordinator_client.post(f"{PAGE}/{theme.id}", data={"name": "Overleg gemeente en onderwijs",
                                                                     "offered": "y"})
    assert response.status_code == 302 and response.location.endswith(PAGE)
    request_page = html(coordinator_client.get(f"/coordinatie/aanvragen/{plan.request.id}"))
    assert "Overleg gemeente en onderwijs" in request_page
    again = coordinator_client.post(f"{PAGE}/{theme.id}", data={"name": "Overleg gemeente en onderwijs",
                                                                 "offered": "y"})
    assert "Er is niets veranderd." in html(coordinator_client.get(again.location))


def test_a_theme_no_longer_offered_stays_on_what_has_it(coordinator_client, plan):
    theme = plan.themes[0]
    response = coordinator_client.post(f"{PAGE}/{theme.id}", data={"name": theme.name})  # offered unticked
    assert response.status_code == 302
    db.session.expire_all()
    assert not db.session.get(Theme, theme.id).active
    assert theme.id not in [i for i, _name in theme_choices()]
    assert theme.id in [i for i, _name in theme_choices(keep=[theme.id])]  # an expert who has it keeps it
    form = html(coordinator_client.get("/aanvragen/nieuw"))
    assert theme.name not in form
    assert "niet meer" in html(coordinator_client.get(PAGE))
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "theme.withdrawn")) == 1


def test_renaming_to_another_themes_name_is_refused_at_the_field(coordinator_client, plan):
    first, second = plan.themes[:2]
    response = coordinator_client.post(f"{PAGE}/{first.id}", data={"name": second.name.upper(), "offered": "y"})
    assert response.status_code == 200 and _field_error(response, "name")
    assert "Er is al een thema met deze naam." in html(response)
    db.session.expire_all()
    assert db.session.get(Theme, first.id).name == first.name


def test_a_new_installation_gets_the_work_programmes_themes_from_the_page(coordinator_client, coordinator):
    page = html(coordinator_client.get(PAGE))
    assert 'id="no-themes"' in page and f"{len(THEMES)} thema’s van het werkprogramma" in page
    response = coordinator_client.post(f"{PAGE}/werkprogramma")
    assert response.status_code == 302
    assert names() == [name for _slug, name in THEMES]
    page = html(coordinator_client.get(PAGE))
    assert f"{len(THEMES)} thema’s van het werkprogramma zijn toegevoegd." in page
    assert "programme-themes-title" not in page
    assert add_programme_themes() == 0  # nothing twice


def test_only_the_missing_programme_themes_are_added(coordinator_client, coordinator):
    factories.themes(3)
    db.session.commit()
    page = html(coordinator_client.get(PAGE))
    assert f"{len(THEMES) - 3} thema’s van het werkprogramma onderwijs–jeugd zijn er nog niet" in page
    coordinator_client.post(f"{PAGE}/werkprogramma")
    slugs = list(db.session.scalars(select(Theme.slug)))
    assert sorted(slugs) == sorted(slug for slug, _name in THEMES) and len(slugs) == len(THEMES)


def test_the_page_takes_as_many_queries_for_40_themes_as_for_4(coordinator_client, coordinator):
    factories.themes(4)
    db.session.commit()
    few = queries_for(coordinator_client, PAGE)
    db.session.add_all(Theme(slug=f"extra-{n}", name=f"Extra {n}", position=10 + n) for n in range(36))
    db.session.commit()
    assert queries_for(coordinator_client, PAGE) == few
