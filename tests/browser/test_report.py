"""The monitoring report in a real browser: from the start page, follow a count to its list,
open the report of the demo's past school year, download the CSV and the workbook, and axe on
a wide and a narrow screen and in print."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from .keyboard import log_in_as_coordinator
from .viewports import NARROW, WIDE


@pytest.mark.backends("sqlite")
def test_from_the_start_page_to_the_report_and_its_downloads(page, demo, axe_check):
    page.set_viewport_size(WIDE)
    log_in_as_coordinator(page, demo)
    page.wait_for_url("**/coordinatie")
    page.locator(".ob-todo__item a", has_text="nieuwe aanvraag").click()
    page.wait_for_url("**/coordinatie/aanvragen?state=submitted&order=oudste")
    expect(page.locator("tbody tr")).to_have_count(1)

    page.get_by_role("link", name="Rapportage", exact=True).click()
    page.wait_for_url("**/coordinatie/rapportage")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapportage")
    past = page.get_by_label("Programmaperiode").locator("option").last  # the school year before (latest first)
    page.get_by_label("Programmaperiode").select_option(past.get_attribute("value"))
    page.locator("form", has=page.get_by_label("Programmaperiode")).get_by_role("button", name="Tonen").click()
    page.wait_for_url("**/coordinatie/rapportage?period=*")
    total = page.locator("#table-regios tbody tr").last
    expect(total).to_contain_text("Totaal")
    held = int(total.locator("td").nth(5).inner_text())
    assert held > 0  # the demo's past year has held sessions
    expect(page.locator("#dagdelen-chart-desc")).to_contain_text(f"{held} uitgevoerd")
    expect(page.locator("#table-regios tbody tr")).to_have_count(43)  # 42 regions and the total

    with page.expect_download() as download:
        page.get_by_role("link", name="Download ‘Dagdelen per regio, gesorteerd op gebruik’ als CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Plaats", "Code", "Regio"] and rows[-1][2:] == ["Totaal", *rows[-1][3:]]
    assert int(rows[-1][6]) == held
    with page.expect_download() as download:
        page.get_by_role("link", name="Download de hele rapportage voor Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert "regios" in book.sheetnames and list(book["regios"].iter_rows(values_only=True))[-1][6] == held

    axe_check(page)
    page.set_viewport_size(NARROW)
    axe_check(page)
    page.emulate_media(media="print")
    axe_check(page)
    expect(page.locator(".ob-report__choice")).to_be_hidden()  # print: no forms, no downloads
    expect(page.locator("#table-regios")).to_be_visible()
