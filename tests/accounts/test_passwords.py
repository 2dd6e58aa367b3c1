"""The password rule (NIST SP 800-63B): long enough, and not common, a pattern, or personal."""
import re

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.passwords import check_password
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.demo.services import DEMO_COORDINATOR_EMAIL, DEMO_EXPERTS, DEMO_PASSWORD
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from tests.factories import PASSWORD

SANNE = {"name": "Sanne de Vries", "email": "s.devries@example.org"}
GUESSABLE = "makkelijk te raden"
PERSONAL = "bevat uw naam of e-mailadres"


@pytest.mark.parametrize("password", [
    "wachtwoord12", "password1234", "123456789012", "qwertyuiop12", "welkom123456",
    "wachtwoord2026", "aaaaaaaaaaaaaaaa", "abcdefghijkl", "x" * 200,
])
def test_common_and_patterned_passwords_are_refused(app, password):
    with pytest.raises(RuleViolation, match=GUESSABLE) as refused:
        check_password(password, **SANNE)
    assert refused.value.field == "password"


@pytest.mark.parametrize("password", [
    "sanne is de beste", "DeVries-2026-thuis", "s.devries@example.org", "sannedevries", "mijn devries code",
])
def test_the_persons_name_or_address_is_refused(app, password):
    with pytest.raises(RuleViolation, match=PERSONAL):
        check_password(password, **SANNE)


@pytest.mark.parametrize("password", [
    "een lang wachtwoord", "fietsen langs de vecht", "Koffie-met-3-klontjes", "ℌet ℒied van 1 ℨee",
])
def test_a_sentence_of_a_few_words_is_accepted_without_composition_rules(app, password):
    check_password(password, **SANNE)


def test_short_names_and_parts_do_not_refuse_ordinary_words(app):
    """"Jan" and "de" occur by chance; a name part counts from four letters."""
    check_password("januari aan de waddenkust", name="Jan de Wit", email="jan@example.org")


def test_length_is_checked_first(app):
    for password in ("kort", "x" * 201):
        with pytest.raises(RuleViolation, match="12 tot 200 tekens"):
            check_password(password, **SANNE)


def test_the_demo_and_test_passwords_pass_for_their_accounts(app):
    for email, name, *_rest in DEMO_EXPERTS:
        check_password(DEMO_PASSWORD, name=name, email=email)
    check_password(DEMO_PASSWORD, name="Sanne de Vries", email=DEMO_COORDINATOR_EMAIL)
    check_password(PASSWORD, name="Sanne de Vries", email="coordinator@example.org")


def test_the_reset_form_explains_the_refusal_at_the_field(client, coordinator):
    client.post("/wachtwoord-vergeten", data={"email": coordinator.email})
    body = db.session.scalars(select(OutboxMail.text_body)).one()
    path = re.search(r"http://localhost(/wachtwoord-herstellen/\S+)", body).group(1)
    for password, reason in (("password1234", GUESSABLE), ("sanne houdt van koffie", PERSONAL)):
        html = client.post(path, data={"password": password, "confirm": password}).get_data(as_text=True)
        assert reason in html
        assert re.search(r'id="password-error"[^>]*>.*' + reason, html, re.S)
    assert coordinator.check_password(PASSWORD)


def test_the_cli_refuses_a_password_with_the_coordinators_name(app):
    runner = app.test_cli_runner()
    typed = runner.invoke(args=["users", "create-coordinator", "nina@example.org", "--name", "Nina Nieuw"],
                          input="nina nieuw is hier\nnina nieuw is hier\n")
    assert typed.exit_code != 0 and "contains your name or e-mail address" in typed.output
    given = runner.invoke(args=["users", "create-coordinator", "nina@example.org", "--password",
                                "ninanieuw heeft een sleutel"], input="Nina Nieuw\n")
    assert given.exit_code == 2 and "contains your name or e-mail address" in given.output
    weak = runner.invoke(args=["users", "create-coordinator", "nina@example.org", "--name", "Nina Nieuw",
                               "--password", "wachtwoord12"])
    assert weak.exit_code == 2 and "easy to guess" in weak.output
