"""Issue 18 item 13: a coordinator finds an expert's free dagdelen beside the booking and move
forms, and before the dagdelen of a new training, and picks them by keyboard, without JavaScript
doing the work; moving a session with its own times says they give way to the dagdeel's. Axe at
1280 and 390 px."""
from __future__ import annotations

from playwright.sync_api import expect

from .keyboard import check_box, tab_to
from .test_scheduling import COORDINATOR, ELSEWHERE, PREFERRED, choose, log_in, only_meeting, press, seed
from .test_trainings import trainings, type_time
from .viewports import each_width

PICK = 'form[aria-labelledby="free-title"] button[type="submit"]'


def free_link(moment) -> str:
    return f'a[href*="datum={moment[0].isoformat()}&dagdeel={moment[1].value}"]'


@each_width
def test_booking_and_moving_from_the_free_dagdelen_by_keyboard(page, live_server, axe_check, viewport):
    page.set_viewport_size(viewport)
    data = seed(live_server)
    log_in(page, COORDINATOR)
    page.goto(f"/coordinatie/aanvragen/{data.request_id}")
    press(page, 'form[action$="/toekennen"] button[type="submit"]')
    expect(page.get_by_role("status")).to_contain_text("U hebt 1 dagdeel toegekend.")
    page.goto(f"/coordinatie/aanvragen/{data.request_id}/inplannen")

    # pick the expert: the free dagdelen appear, each a link that fills in the form
    choose(page, "#deskundige", "Eva", str(data.expert_id))
    press(page, PICK)
    expect(page.locator("#free-summary")).to_contain_text("Eva Jansen is tussen")
    for moment in [*PREFERRED, ELSEWHERE]:
        expect(page.locator(free_link(moment))).to_have_count(1)
    axe_check(page)
    press(page, free_link(ELSEWHERE))
    page.wait_for_url("**dagdeel=avond*")
    expect(page.locator("#manual-day")).to_have_value(ELSEWHERE[0].isoformat())
    expect(page.locator("#manual-dagdeel")).to_have_value("avond")
    expect(page.locator("#manual-expert_id")).to_have_value(str(data.expert_id))
    axe_check(page)

    # book it (outside the region's wishes, so after confirming)
    press(page, 'form[action$="/handmatig"] button[type="submit"]')
    expect(page.get_by_role("heading", name="Controleer dit eerst")).to_be_visible()
    check_box(page, "#manual-confirmed")
    press(page, 'form[action$="/handmatig"] button[type="submit"]')
    expect(page.get_by_role("status")).to_contain_text("Ingepland:")
    meeting = only_meeting(live_server)

    # give it its own times; the move form then says moving replaces them
    page.goto(f"/coordinatie/bijeenkomsten/{meeting.id}")
    type_time(page, "#details-starts", "19:30")
    press(page, 'form[action$="/gegevens"] button[type="submit"]')
    expect(page.get_by_role("status")).to_contain_text("De wijzigingen zijn opgeslagen")
    expect(page.locator("#custom-times-notice")).to_contain_text("eigen tijden: 19:30 tot 21:30")
    expect(page.locator(free_link(ELSEWHERE))).to_have_count(0)  # booked now
    axe_check(page)

    # move it through a free dagdeel of the same expert
    press(page, free_link(PREFERRED[1]))
    page.wait_for_url("**dagdeel=middag*")
    expect(page.locator("#move-day")).to_have_value(PREFERRED[1][0].isoformat())
    expect(page.locator("#move-dagdeel")).to_have_value("middag")
    press(page, 'form[action$="/verplaatsen"] button[type="submit"]')
    expect(page.get_by_role("status")).to_contain_text("vervangen door de standaardtijden van het dagdeel: 13:00 tot 16:30")
    expect(page.locator("#custom-times-notice")).to_have_count(0)
    axe_check(page)


@each_width
def test_a_new_training_on_the_experts_free_dagdelen_by_keyboard(page, live_server, axe_check, viewport):
    page.set_viewport_size(viewport)
    data = seed(live_server)
    log_in(page, COORDINATOR)
    page.goto("/coordinatie/trainingen/nieuw")
    axe_check(page)

    choose(page, "#deskundige", "Eva", str(data.expert_id))
    press(page, PICK)
    expect(page.locator("#free-summary")).to_contain_text("Eva Jansen is tussen")
    axe_check(page)

    # each pick goes into the next row; the expert is ticked
    press(page, free_link(ELSEWHERE))
    page.wait_for_url("**#parts-0-date")
    press(page, free_link(PREFERRED[0]))
    page.wait_for_url("**#parts-1-date")
    expect(page.locator("#picked-summary")).to_contain_text("U hebt 2 dagdelen gekozen")
    expect(page.locator("#parts-0-date")).to_have_value(ELSEWHERE[0].isoformat())
    expect(page.locator("#parts-0-dagdeel")).to_have_value("avond")
    expect(page.locator("#parts-1-date")).to_have_value(PREFERRED[0][0].isoformat())
    expect(page.locator("#parts-1-dagdeel")).to_have_value("ochtend")
    expect(page.locator(f'input[name="expert_ids"][value="{data.expert_id}"]')).to_be_checked()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]
    axe_check(page)

    page.locator("#free-title").focus()  # back to the top of the form, as after the page opened
    tab_to(page, "#title")
    page.keyboard.type("Samen signaleren")
    check_box(page, "#theme_ids-0")
    press(page, 'form[method="post"][action="/coordinatie/trainingen/nieuw"] button[type="submit"]')
    page.wait_for_url("**/coordinatie/trainingen")
    expect(page.get_by_role("status")).to_contain_text("De training is aangemaakt")
    first, second = trainings(live_server)
    assert [(m.date, m.dagdeel) for m in (first, second)] == [PREFERRED[0], ELSEWHERE]

