"""The expert's profile: who may open it, saving it, and bad input."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import create_user
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.models import AuditEvent
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.experts import services
from ontwikkelbijeenkomsten.experts.models import ExpertProfile
from tests.helpers import login


def url(user) -> str:
    return f"/experts/{user.id}/profiel"


def form_data(themes, regions, **overrides) -> dict:
    return {
        "organisation": "Kennispunt Jeugd", "bio": "Twintig jaar ervaring met OOGO.",
        "theme_ids": [str(themes[0].id), str(themes[2].id)], "region_ids": [str(regions[1].id)],
        "max_dagdelen_per_month": "6", **overrides,
    }


# ---- access ------------------------------------------------------------------------------------
def test_anonymous_visitors_are_sent_to_log_in(client, expert):
    response = client.get(url(expert))
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_an_expert_sees_only_their_own_profile(app, expert, other_expert, coordinator, themes, regions):
    client = login(app.test_client(), expert)
    assert client.get(url(expert)).status_code == 200
    for forbidden in (other_expert, coordinator):
        assert client.get(url(forbidden)).status_code == 404
    response = client.post(url(other_expert), data=form_data(themes, regions))
    assert response.status_code == 404
    assert db.session.get(ExpertProfile, other_expert.id).organisation == ""


def test_a_coordinator_may_open_and_edit_every_experts_profile(coordinator_client, expert, themes, regions):
    html = coordinator_client.get(url(expert)).get_data(as_text=True)
    assert "Profiel van Eva Jansen" in html
    assert f'href="/coordinatie/experts/{expert.id}"' in html
    response = coordinator_client.post(url(expert), data=form_data(themes, regions))
    assert response.status_code == 302
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "expert.profile_updated")).one()
    assert event.actor_label == "coordinator@example.org"


@pytest.mark.parametrize("path", ["/experts/999/profiel", "/experts/99999999999/profiel", "/experts/-1/profiel",
                                  "/experts/abc/profiel"])
def test_unknown_ids_give_404(coordinator_client, path):
    assert coordinator_client.get(path).status_code == 404


# ---- saving ------------------------------------------------------------------------------------
def test_the_form_shows_the_saved_profile(expert_client, expert, themes):
    html = expert_client.get(url(expert)).get_data(as_text=True)
    assert html.count("<h1") == 1 and "Mijn profiel" in html
    for theme in themes[:2]:
        assert f'value="{theme.id}" checked' in html
    assert f'value="{themes[2].id}" checked' not in html
    assert "checked" in re.search(r'<input[^>]*id="serves_all_regions"[^>]*>', html).group(0)


def test_an_expert_saves_their_profile(expert_client, expert, themes, regions):
    response = expert_client.post(url(expert), data=form_data(themes, regions))
    assert response.status_code == 302 and response.headers["Location"] == url(expert)
    profile = db.session.get(ExpertProfile, expert.id)
    db.session.refresh(profile)
    assert profile.organisation == "Kennispunt Jeugd"
    assert profile.bio == "Twintig jaar ervaring met OOGO."
    assert [t.id for t in profile.themes] == [themes[0].id, themes[2].id]
    assert [r.id for r in profile.regions] == [regions[1].id]
    assert not profile.serves_all_regions
    assert profile.max_dagdelen_per_month == 6
    assert "Het profiel is opgeslagen." in expert_client.get(url(expert)).get_data(as_text=True)

    expert_client.post(url(expert), data=form_data(themes, regions))
    assert "Er is niets veranderd." in expert_client.get(url(expert)).get_data(as_text=True)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions == ["expert.profile_updated"]


def test_an_empty_maximum_means_no_maximum(expert_client, expert, themes, regions):
    expert_client.post(url(expert), data=form_data(themes, regions, max_dagdelen_per_month=""))
    assert db.session.get(ExpertProfile, expert.id).max_dagdelen_per_month is None


def test_all_of_the_netherlands_clears_the_regions(expert_client, expert, themes, regions):
    expert_client.post(url(expert), data=form_data(themes, regions))
    expert_client.post(url(expert), data=form_data(themes, regions, serves_all_regions="y"))
    profile = db.session.get(ExpertProfile, expert.id)
    db.session.refresh(profile)
    assert profile.serves_all_regions and profile.regions == []


def test_script_is_stored_as_text_and_shown_escaped(expert_client, expert, themes, regions):
    script = "<script>alert(1)</script>"
    expert_client.post(url(expert), data=form_data(themes, regions, organisation=script, bio=script))
    assert db.session.get(ExpertProfile, expert.id).bio == script
    html = expert_client.get(url(expert)).get_data(as_text=True)
    assert script not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("overrides, field", [
    ({"theme_ids": []}, "theme_ids"),
    ({"theme_ids": ["999"]}, "theme_ids"),
    ({"theme_ids": ["abc"]}, "theme_ids"),
    ({"region_ids": []}, "region_ids"),
    ({"region_ids": ["999"]}, "region_ids"),
    ({"max_dagdelen_per_month": "-1"}, "max_dagdelen_per_month"),
    ({"max_dagdelen_per_month": "94"}, "max_dagdelen_per_month"),
    ({"max_dagdelen_per_month": "zes"}, "max_dagdelen_per_month"),
    ({"max_dagdelen_per_month": "9" * 10_000}, "max_dagdelen_per_month"),
    ({"organisation": "x" * 10_000}, "organisation"),
    ({"bio": "x" * 10_000}, "bio"),
])
def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(expert_client, expert, themes, regions,
                                                              overrides, field):
    response = expert_client.post(url(expert), data=form_data(themes, regions, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Er is een probleem" in html and "<title>Fout: Mijn profiel" in html
    assert f'id="{field}-error"' in html
    assert db.session.get(ExpertProfile, expert.id).organisation == ""
    if field != "organisation":
        assert 'value="Kennispunt Jeugd"' in html  # what was typed stays


def test_the_service_refuses_what_the_form_cannot_catch(app, expert, themes):
    with pytest.raises(RuleViolation) as caught:
        services.update_profile(expert, "", "", [themes[0].id], [], False, None, expert)
    assert caught.value.field == "region_ids"
    with pytest.raises(RuleViolation) as caught:
        services.update_profile(expert, "", "", [themes[0].id], [], True, 1000, expert)
    assert caught.value.field == "max_dagdelen_per_month"


def test_an_inactive_theme_the_expert_has_stays_available(expert_client, expert, themes, regions):
    themes[0].active = False
    db.session.commit()
    html = expert_client.get(url(expert)).get_data(as_text=True)
    assert themes[0].name in html
    response = expert_client.post(url(expert), data=form_data(themes, regions))
    assert response.status_code == 302


def test_an_expert_without_a_profile_can_create_one(app, themes, regions):
    bare = create_user("kaal@example.org", "Kees Kaal", Role.EXPERT, "een lang wachtwoord")
    db.session.commit()
    client = login(app.test_client(), bare)
    assert client.get(url(bare)).status_code == 200
    assert client.post(url(bare), data=form_data(themes, regions)).status_code == 302
    assert db.session.get(ExpertProfile, bare.id).organisation == "Kennispunt Jeugd"
