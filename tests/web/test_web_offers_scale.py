"""The offers map at county scale: 5,000 published offers (the tests' own generator, tests/scale.py)
on a phone-sized and a desktop-sized page. Timings are the benchmark's (bench/bench_offers_map.py); this
asserts behaviour: every offer is on the map exactly once (clustered), the list builds its entries a page
at a time and says how many there are, filters still count right, details open.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from sync_server.app import create_app
from tests import conftest as root
from tests.scale import grow_offers
from tests.support import LiveServer

from .conftest import _atlas
from .web_support import markers_on_map, wait_map_idle, wait_matched

pytestmark = pytest.mark.timeout(300)

OFFERS = 5000
PAGE_SIZE = 100  # results.js PAGE_SIZE


@pytest.fixture(scope="module")
def big_server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    path = tmp_path_factory.mktemp("scale") / "atlas.sqlite"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    grow_offers(url, root.test_settings(url), OFFERS)
    application = create_app(root.test_settings(url))
    server = LiveServer(application)
    server.start()
    yield server
    server.stop()
    application.extensions["familienatlas"].engine.dispose()


def _built(page) -> list[str]:  # noqa: ANN001
    return page.eval_on_selector_all("#result-list button.result", "els => els.map(e => e.dataset.id)")


def test_five_thousand_offers_on_a_phone(browser, big_server) -> None:  # noqa: ANN001
    doc = requests.get(f"{big_server.url}/api/v1/public/offers", timeout=60).json()
    rows = [dict(zip(doc["fields"], row, strict=True)) for row in doc["offers"]]
    assert len(rows) == OFFERS
    atlas = _atlas(browser, big_server, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = atlas.open()
        count = page.locator("#result-count")
        assert count.get_attribute("data-matched") == str(OFFERS)
        listed = page.evaluate("() => window.familienatlas.listed()")
        assert len(listed) == int(count.get_attribute("data-visible"))
        # Only the first page of entries is built; each says its place in the whole list.
        built = _built(page)
        assert built == listed[:PAGE_SIZE]
        first = page.locator("#result-list li").first
        assert first.get_attribute("aria-setsize") == str(len(listed)) and first.get_attribute("aria-posinset") == "1"
        assert page.evaluate("document.getElementsByTagName('*').length") < 3000
        wait_map_idle(page)
        assert markers_on_map(page) == OFFERS, "every offer once, in a cluster or on its own"

        # The next page comes when the end of the list is reached, with the keyboard too.
        more = page.locator("#more-results")
        more.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("n => document.querySelectorAll('#result-list button.result').length >= n",
                               arg=2 * PAGE_SIZE)
        assert _built(page)[:2 * PAGE_SIZE] == listed[:2 * PAGE_SIZE]
        assert page.evaluate("document.activeElement.dataset.id") == listed[PAGE_SIZE]
        more.scroll_into_view_if_needed()
        page.wait_for_function("n => document.querySelectorAll('#result-list button.result').length >= n",
                               arg=3 * PAGE_SIZE)

        # A theme: list and map count the same offers as the marker rows say.
        page.locator("#themes summary").click()
        page.check("#cat-gesundheit")
        health = {r["id"] for r in rows if "gesundheit" in (r["category"], r["subcategory"])}
        wait_matched(page, len(health))
        assert set(page.evaluate("() => window.familienatlas.matched()")) == health
        wait_map_idle(page)
        page.wait_for_function("() => !document.body.dataset.filtering")
        assert markers_on_map(page) == len(health)
        atlas.screenshot("web-map-5000-phone.png")
    finally:
        atlas.context.close()
    assert not atlas.problems, atlas.problems


def test_five_thousand_offers_on_a_desktop(browser, big_server) -> None:  # noqa: ANN001
    doc = requests.get(f"{big_server.url}/api/v1/public/offers/facets", timeout=60).json()
    facets = [dict(zip(doc["fields"], row, strict=True)) for row in doc["offers"]]
    accessible = {str(f["id"]) for f in facets if f["wheelchair"]}
    assert 0 < len(accessible) < OFFERS
    atlas = _atlas(browser, big_server)  # 1280 x 800
    try:
        page = atlas.open()
        assert page.get_attribute("#result-count", "data-matched") == str(OFFERS)
        wait_map_idle(page)
        assert markers_on_map(page) == OFFERS, "every offer once, in a cluster or on its own"

        # A parents' filter (its facets load at first use): list and map narrow to the same offers.
        page.click("#more-filters summary")
        page.check("#facet-wheelchair")
        wait_matched(page, len(accessible))
        page.wait_for_function("() => !document.body.dataset.filtering")
        assert set(page.evaluate("() => window.familienatlas.matched()")) == accessible
        wait_map_idle(page)
        assert markers_on_map(page) == len(accessible)
        assert "wheelchair=1" in page.url

        # Details of a listed offer open beside the map, fetched on demand.
        entry = page.locator("#result-list button.result").first
        name = entry.locator(".result-name").text_content()
        entry.click()
        page.locator("#details").wait_for(state="visible")
        assert page.locator("#details-name").text_content() == name
        atlas.screenshot("web-map-5000-desktop.png")
    finally:
        atlas.context.close()
    assert not atlas.problems, atlas.problems
