"""What the mail after registering tells the participant: that a coordinator registered them,
when one did (not "U bent aangemeld" as if they had done it themselves), and, on the waiting
list, where they are on it, in their own language and on their sector's list while places are
held for that sector."""
from __future__ import annotations

from ontwikkelbijeenkomsten.core.sectors import Sector
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import services
from tests.factories import applicant
from tests.meetings.test_lists import add_data, fill, url
from tests.meetings.test_public_pages import post_form, register_url, text
from tests.meetings.test_sector_places import J, O, hold, sign_up
from tests.meetings.test_services import outbox


def bodies(kind: str, email: str) -> list[str]:
    [mail] = [m for m in outbox(email) if m.kind == kind]
    return [" ".join(body.split()) for body in (mail.text_body, text(mail.html_body))]


def test_someone_a_coordinator_adds_reads_that_a_coordinator_registered_them(coordinator_client, training):
    coordinator_client.post(url(training, "deelnemers/toevoegen"), data=add_data())
    for body in bodies("registration_confirmed", "fatima@example.org"):
        assert "Een coördinator heeft u aangemeld voor de bijeenkomst hieronder. Uw plaats is bevestigd." in body
        assert "U bent aangemeld." not in body
        assert ("Klopt dit niet, of kunt u niet komen? Meld u dan af via de link hieronder, zodat iemand anders "
                "uw plaats kan krijgen.") in body


def test_someone_a_coordinator_puts_on_the_waiting_list_reads_that_too(coordinator_client, make_training):
    training = make_training(capacity=1)
    fill(training, 1)
    coordinator_client.post(url(training, "deelnemers/toevoegen"), data=add_data())
    for body in bodies("registration_waiting", "fatima@example.org"):
        assert "Een coördinator heeft u aangemeld voor de bijeenkomst hieronder." in body
        assert "Klopt dit niet, of hebt u geen interesse meer? Haal uzelf dan van de wachtlijst" in body
        assert "U hoeft niets te doen." not in body


def test_who_registers_themselves_still_reads_that_they_are_registered(client, training):
    assert post_form(client, register_url(training)).status_code == 302
    [mail] = [m for m in outbox() if m.kind == "registration_confirmed"]
    assert "U bent aangemeld. Uw plaats is bevestigd." in mail.text_body
    assert "coördinator" not in mail.text_body


def test_the_waiting_list_mail_gives_the_position_in_the_persons_language(make_training):
    training = make_training(capacity=1)
    fill(training, 1)
    with unit_of_work():
        services.register(training, applicant(20, locale="nl"))
        services.register(training, applicant(21, locale="en"))
    for body in bodies("registration_waiting", "deelnemer20@example.org"):
        assert "U staat op plaats 1 van de wachtlijst." in body
    for body in bodies("registration_waiting", "deelnemer21@example.org"):
        assert "You are number 2 on the waiting list." in body


def test_while_places_are_held_the_mail_gives_the_position_on_the_sectors_list(make_training, plan):
    training = make_training(capacity=3)
    hold(training, plan.coordinator, jeugdhulp=1)
    sign_up(training, O, O, J)
    waiting = sign_up(training, O, J, O, J, start=10)
    assert waiting[3].sector is Sector.JEUGDHULP
    for body in bodies("registration_waiting", waiting[3].email):
        assert "U staat op plaats 2 van de wachtlijst voor jeugdhulp." in body
    for body in bodies("registration_waiting", waiting[2].email):
        assert "U staat op plaats 3 van de wachtlijst." in body


def test_a_resent_waiting_list_mail_gives_the_position_too(make_training):
    training = make_training(capacity=1)
    fill(training, 1)
    with unit_of_work():
        waiting = services.register(training, applicant(20))
    with unit_of_work():
        services.resend_confirmation(waiting)
    mails = [m for m in outbox(waiting.email) if m.kind == "registration_waiting"]
    assert len(mails) == 2 and all("U staat op plaats 1 van de wachtlijst." in m.text_body for m in mails)
