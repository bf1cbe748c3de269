"""Accessibility of the offers map: axe-core (the npm dev dependency) finds no serious or critical
violation in any state, the keyboard focus and the Back button behave, the offline notice can be
closed and covers nothing, the county's legal pages are linked, and the list and details print."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from .web_support import WEB_DIR, wait_map_idle, wait_matched

pytestmark = pytest.mark.timeout(240)

AXE = WEB_DIR / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[str]:  # noqa: ANN001
    """Serious and critical violations of WCAG 2.1 A/AA rules on the page as it is now (axe-core runs
    as an init script of the context, so the page's Content Security Policy stays on)."""
    found = page.evaluate("""async () => {
      const result = await window.axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
      return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
        .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    }""")
    return found


def test_axe_finds_nothing_serious_in_any_state(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas()
    atlas.context.add_init_script(path=str(AXE))
    page = atlas.open()
    wait_map_idle(page)
    problems = {"start": axe_violations(page)}
    page.fill("#search", "hebamme")  # themes without matches are greyed
    page.wait_for_function("() => document.querySelector('.category-row.is-empty')")
    wait_matched(page, int(page.get_attribute("#result-count", "data-matched")))
    problems["search, greyed themes"] = axe_violations(page)
    page.locator("#result-list button.result").first.click()
    page.locator("#details").wait_for(state="visible")
    problems["details"] = axe_violations(page)
    page.click(".lang-button[data-lang='en']")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    problems["details, English"] = axe_violations(page)

    offline = make_atlas(tiles="refuse", viewport={"width": 390, "height": 844}, is_mobile=True)
    offline.context.add_init_script(path=str(AXE))
    phone = offline.open()
    phone.locator("#map-note").wait_for(state="visible")
    problems["phone, offline notice"] = axe_violations(phone)
    phone.goto(f"{offline.url}/barrierefreiheit")
    problems["accessibility statement"] = axe_violations(phone)
    assert not any(problems.values()), problems


def test_focus_and_back_button_around_the_details(atlas) -> None:  # noqa: ANN001
    page = atlas.open()
    wait_map_idle(page)
    start_zoom = page.evaluate("() => window.familienatlas.map.getZoom()")
    entry = page.locator("#result-list button.result").nth(3)
    offer = entry.get_attribute("data-id")
    entry.focus()
    page.keyboard.press("Enter")
    page.locator("#details").wait_for(state="visible")
    wait_map_idle(page)
    assert page.evaluate("() => window.familienatlas.map.getZoom()") > start_zoom, "the map zoomed to the offer"
    assert parse_qs(urlsplit(page.url).query)["offer"] == [offer]
    # Escape closes the details; the map goes back and the focus stays on the entry, also once the list
    # has followed the map.
    page.keyboard.press("Escape")
    page.locator("#result-view").wait_for(state="visible")
    wait_map_idle(page)
    assert page.evaluate("() => window.familienatlas.map.getZoom()") == start_zoom
    assert page.evaluate("document.activeElement.dataset.id") == offer

    # The browser's Back button closes the details instead of leaving the atlas.
    base = page.url.split("?")[0]
    page.locator(f"#result-list button.result[data-id='{offer}']").click()
    page.locator("#details").wait_for(state="visible")
    page.go_back()
    page.locator("#result-view").wait_for(state="visible")
    assert page.locator("#details").is_hidden()
    assert page.url.startswith(base) and "offer" not in parse_qs(urlsplit(page.url).query)
    wait_map_idle(page)
    assert page.evaluate("document.activeElement.dataset.id") == offer


def test_offline_notice_can_be_closed_and_covers_no_marker(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas(tiles="refuse")
    page = atlas.open()
    note = page.locator("#map-note")
    note.wait_for(state="visible")
    wait_map_idle(page)
    note_box, map_box = note.bounding_box(), page.locator("#map").bounding_box()
    assert note_box["y"] + note_box["height"] <= map_box["y"] + 1, "the notice is above the map, not over it"
    page.click("#map-note-close")
    assert note.is_hidden()
    assert page.locator("#map").bounding_box()["height"] > map_box["height"]
    english = page.get_attribute("#map-note-close", "aria-label")
    assert english == "Hinweis schließen"


def test_legal_pages_in_the_footer_and_printing(atlas) -> None:  # noqa: ANN001
    page = atlas.open("?lang=en")
    links = page.locator("a.legal-link")
    assert links.all_text_contents() == ["Legal notice", "Privacy", "Accessibility"]
    assert links.first.get_attribute("href") == "/impressum?lang=en"
    page.click(".lang-button[data-lang='de']")
    page.wait_for_function("() => document.querySelector('a.legal-link').getAttribute('href') === '/impressum?lang=de'")
    page.click("a.legal-link >> nth=2")
    # The atlas has an h1 of its own: wait for the page the link opens, not for any h1.
    page.wait_for_url(re.compile(r"/barrierefreiheit\?lang=de$"))
    assert page.locator("h1").text_content() == "Erklärung zur Barrierefreiheit"
    assert page.evaluate("document.documentElement.lang") == "de"

    page = atlas.open()
    page.emulate_media(media="print")
    assert page.locator("#map").is_hidden() and page.locator("#filter-form").is_hidden()
    assert page.locator("#result-list button.result").first.is_visible()
    page.locator("#result-list button.result").first.click()
    page.locator("#details").wait_for(state="visible")
    assert page.locator("#details .facts").is_visible() and page.locator("#details button.back").is_hidden()
    atlas.screenshot("web-map-print-details.png")
