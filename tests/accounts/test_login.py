import re

from ontwikkelbijeenkomsten.core.extensions import db
from tests.factories import PASSWORD
from tests.helpers import post_login as login


def test_login_page_is_dutch_and_labelled(client):
    html = client.get("/inloggen").get_data(as_text=True)
    assert 'lang="nl"' in html
    assert re.search(r'<label[^>]*for="email"', html)
    assert re.search(r'<label[^>]*for="password"', html)
    assert "Inloggen" in html


def test_coordinator_logs_in_with_any_case_of_the_address(client, coordinator):
    response = login(client, "  coordinator@EXAMPLE.org ")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sanne de Vries" in page
    assert coordinator.last_login_at is not None


def test_wrong_password_gives_a_dutch_error_and_keeps_the_address(client, coordinator):
    response = login(client, "coordinator@example.org", "niet goed")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Het e-mailadres of het wachtwoord klopt niet." in html
    assert 'value="coordinator@example.org"' in html
    assert 'aria-invalid="true"' in html
    assert "Er is een probleem" in html
    assert 'href="#password"' in html


def test_empty_form_names_each_missing_field(client):
    html = client.post("/inloggen", data={}).get_data(as_text=True)
    assert "Vul uw e-mailadres in." in html
    assert "Vul uw wachtwoord in." in html


def test_malformed_and_oversized_input_never_breaks_the_page(client):
    for data in (
        {"email": "geen-adres", "password": "x"},
        {"email": "a" * 10_000 + "@example.org", "password": "x" * 10_000},
        {"email": "<script>alert(1)</script>", "password": "x"},
    ):
        response = client.post("/inloggen", data=data)
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_an_inactive_account_cannot_log_in(client, coordinator):
    coordinator.active = False
    db.session.commit()
    assert login(client, "coordinator@example.org").status_code == 200


def test_next_goes_only_to_local_paths(client, coordinator):
    assert login(client, "coordinator@example.org", next="/privacy").headers["Location"] == "/privacy"
    client.post("/uitloggen")
    assert login(client, "coordinator@example.org", next="//evil.example").headers["Location"] == "/coordinatie"


def test_without_next_a_coordinator_lands_on_the_start_page(client, coordinator):
    assert login(client, "coordinator@example.org").headers["Location"] == "/coordinatie"


def test_logout_needs_a_post(client, coordinator):
    login(client, "coordinator@example.org")
    assert client.get("/uitloggen").status_code == 405
    assert client.post("/uitloggen").status_code == 302


def test_login_form_refuses_a_post_without_csrf_token(make_app, coordinator):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post(
        "/inloggen", data={"email": "coordinator@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400


def test_failed_logins_are_limited_per_address(make_app, coordinator):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    for _ in range(5):
        assert login(client, "coordinator@example.org", "fout").status_code == 200
    response = login(client, "coordinator@example.org", "fout")
    assert response.status_code == 429
    assert "Te veel pogingen" in response.get_data(as_text=True)
    # the right password is refused too while the address is locked
    assert login(client, "coordinator@example.org").status_code == 429


def test_failed_logins_are_limited_per_ip(make_app, coordinator):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    for i in range(20):
        assert login(client, f"iemand{i}@example.org", "fout").status_code == 200
    assert login(client, "nog-iemand@example.org", "fout").status_code == 429


def test_successful_logins_do_not_count_against_the_limit(make_app, coordinator):
    client = make_app(RATELIMIT_ENABLED=True).test_client()
    for _ in range(7):
        assert login(client, "coordinator@example.org").status_code == 302
        client.post("/uitloggen")
