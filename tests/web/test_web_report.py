"""'Eintrag veraltet? Melden' in the offers map: a visitor opens an offer's details, reports it with the
accessible form (labels, focus, messages; German and English; axe-clean) and sees the confirmation; the
report reaches the staff through the API."""

from __future__ import annotations

import pytest
import requests

from sync_server.domain.reports import MIN_FILL_SECONDS

from .test_web_offers_a11y import AXE, axe_violations
from .web_support import login, wait_map_idle

pytestmark = pytest.mark.timeout(240)


def test_a_visitor_reports_an_outdated_entry(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas()
    atlas.context.add_init_script(path=str(AXE))
    page = atlas.open()
    wait_map_idle(page)
    page.locator("#result-list button.result").first.click()
    page.locator("#details").wait_for(state="visible")
    offer_id = page.get_attribute("#details", "data-id")
    name = page.inner_text("#details-name")

    opener = page.get_by_role("button", name="Eintrag veraltet? Melden")
    assert opener.get_attribute("aria-expanded") == "false"
    opener.click()
    text = page.get_by_label("Was stimmt nicht? (Pflichtfeld)")
    text.wait_for(state="visible")
    assert opener.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => document.activeElement.id") == "report-text"  # focus moves into the form
    assert name in page.inner_text("#report-heading")
    assert "90 Tagen gelöscht" in page.inner_text("#report-email-hint")
    assert page.locator("input[name='website']").is_hidden()  # the honeypot is no field for people
    assert axe_violations(page) == []

    page.get_by_role("button", name="Meldung senden").click()  # nothing written: said where, focus there
    assert page.get_attribute("#report-text", "aria-invalid") == "true"
    assert "Bitte beschreiben Sie" in page.get_by_role("alert").inner_text()
    assert page.evaluate("() => document.activeElement.id") == "report-text"
    assert axe_violations(page) == []

    text.fill("Die Sprechzeiten haben sich geändert: jetzt dienstags 9 bis 12 Uhr.")
    page.get_by_label("Ihre E-Mail-Adresse (freiwillig)").fill("mutter@example.org")
    page.wait_for_timeout(MIN_FILL_SECONDS * 1000 + 200)  # a person takes longer than the server's minimum
    page.get_by_role("button", name="Meldung senden").click()
    status = page.get_by_role("status").filter(has_text="Danke")
    status.wait_for()
    assert page.evaluate("() => document.activeElement.classList.contains('report-status')")
    assert not page.get_by_role("button", name="Eintrag veraltet? Melden").is_visible()
    assert axe_violations(page) == []

    listed = requests.get(f"{atlas.url}/api/v1/reports", headers=login(atlas.url, "admin"), timeout=30).json()
    assert [(r["offer_id"], r["offer_name"], r["email"]) for r in listed] == [(offer_id, name, "mutter@example.org")]
    assert listed[0]["text"].startswith("Die Sprechzeiten haben sich geändert")

    page.click(".lang-button[data-lang='en']")  # the details are drawn again, in English
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.get_by_role("button", name="Entry out of date? Report it").click()
    page.get_by_label("What is wrong? (required)").wait_for(state="visible")
    assert "deleted after 90 days" in page.inner_text("#report-email-hint")
    page.get_by_role("button", name="Cancel").click()  # closes the form, focus back on its button
    assert page.evaluate("() => document.activeElement.classList.contains('report-open')")
    assert page.locator("#report-text").count() == 0
