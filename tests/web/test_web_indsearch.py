"""The keyword search of indicators in a real headless Chromium against the real server (the standard
catalogue of the demo): in the expert mode and beside the offers' results, German and English,
tolerant of case and umlauts, by keyboard. What must be found is computed from the public catalogue."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .web_support import fold

pytestmark = pytest.mark.timeout(180)


def expected_hits(catalogue: dict[str, Any], query: str) -> set[str]:
    """Indicators whose name, keywords, definition or theme (both languages) contain every word."""
    themes = {t["key"]: t for t in catalogue["themes"]}
    out = set()
    for i in catalogue["indicators"]:
        theme = themes.get(i["theme"], {})
        text = fold(" | ".join(str(v) for v in (i["name_de"], i["name_en"], *i["keywords"], i["definition_de"],
                                                i["definition_en"], theme.get("name_de"), theme.get("name_en")) if v))
        if i["levels"] and all(word in text for word in fold(query).split()):
            out.add(i["key"])
    return out


def shown(page, selector: str) -> list[str]:  # noqa: ANN001
    return page.eval_on_selector_all(f"{selector} li", "els => els.map(e => e.dataset.indicator)")


def test_indicator_search_in_expert_mode_and_beside_the_offers(atlas) -> None:  # noqa: ANN001
    catalogue = requests.get(f"{atlas.url}/api/v1/indicators", timeout=30).json()
    kinds = {i["key"]: i["kind"] for i in catalogue["indicators"]}
    page = atlas.open("?mode=expert")
    page.wait_for_selector("body[data-expert-ready='true']", timeout=30_000)
    start = page.input_value("#expert-indicator")
    search = page.locator("#expert-search")
    search.fill("KITA")
    page.wait_for_selector("#expert-search-results li")
    hits = shown(page, "#expert-search-results")
    assert set(hits) == expected_hits(catalogue, "kita") and len(hits) >= 5
    assert {"betreuungsquote_u3", "betreuungsquote_3_6"} <= set(hits[:3])  # the childcare rates first
    assert page.inner_text("#expert-search-count") == f"{len(hits)} Indikatoren gefunden"
    # Umlauts: "Ubergang" and "Übergang" find the same; two words must both match.
    search.fill("Ubergang Gymnasium")
    page.wait_for_function("() => document.querySelectorAll('#expert-search-results li').length === 2")
    assert set(shown(page, "#expert-search-results")) == expected_hits(catalogue, "Übergang Gymnasium")
    search.fill("Armut")
    page.wait_for_function("n => document.querySelectorAll('#expert-search-results li').length === n",
                           arg=len(expected_hits(catalogue, "armut")))
    hits = shown(page, "#expert-search-results")
    assert set(hits) == expected_hits(catalogue, "armut") and kinds[hits[0]] != "count"
    # Keyboard: down into the list, Enter opens the indicator's map (a history entry); Back returns.
    search.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.activeElement.closest('li').dataset.indicator")
    assert chosen == hits[1]
    page.keyboard.press("Enter")
    page.wait_for_function("key => document.getElementById('expert-indicator').value === key", arg=chosen)
    assert parse_qs(urlsplit(page.url).query)["ind"] == [chosen]
    assert search.input_value() == "" and page.locator("#expert-search-results").is_hidden()
    page.go_back()
    page.wait_for_function("key => document.getElementById('expert-indicator').value === key", arg=start)

    # English: the English names and definitions are searched too.
    page.click(".lang-button[data-lang='en']")
    search.fill("poverty")
    page.wait_for_selector("#expert-search-results li")
    assert set(shown(page, "#expert-search-results")) == expected_hits(catalogue, "poverty")
    assert "indicators found" in page.inner_text("#expert-search-count")

    # The offers' search shows the matching indicators beside the offers, as links to their maps.
    page.goto(f"{atlas.url}/?q=Kita&lang=de")
    page.wait_for_selector("#indicator-hits:not([hidden]) li", timeout=30_000)
    offers = shown(page, "#indicator-hit-list")
    assert 0 < len(offers) <= 4 and set(offers) <= expected_hits(catalogue, "kita")
    assert "betreuungsquote_u3" in offers
    page.click("#indicator-hit-list li[data-indicator='betreuungsquote_u3'] a")
    page.wait_for_selector("body[data-expert-ready='true']", timeout=30_000)
    assert page.input_value("#expert-indicator") == "betreuungsquote_u3"
    page.go_back()
    page.wait_for_selector("#offers-mode:not([hidden])")
    assert page.input_value("#search") == "Kita"
