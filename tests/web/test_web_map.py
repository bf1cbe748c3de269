"""The public atlas web map at ``/`` in a real headless Chromium against the real server.

Every expectation is computed in Python from the public API (the GeoJSON of the published
institutions, the catalogue, the territories); each test also fails on any console error.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from pyproj import Transformer

from sync_server.domain.layers import INSTITUTIONS
from tests.support import BRAMSCHE, MELLE, insert

from .web_support import (
    PublicData,
    list_ids,
    login,
    map_bounds,
    markers_on_map,
    pending_ids,
    pending_inserts,
    wait_map_idle,
    wait_matched,
)

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def public(live_server) -> PublicData:  # noqa: ANN001
    return PublicData(live_server.url)


def test_all_published_offers_are_shown_and_nothing_pending(atlas, public) -> None:  # noqa: ANN001
    page = atlas.open()
    assert page.evaluate("document.documentElement.lang") == "de"
    count = page.locator("#result-count")
    assert count.get_attribute("data-matched") == str(len(public.features)) == count.get_attribute("data-visible")
    assert count.text_content() == f"{len(public.features)} Angebote"
    assert set(list_ids(page)) == public.ids and len(list_ids(page)) == len(public.features)
    wait_map_idle(page)
    assert markers_on_map(page) == len(public.features)

    pending = pending_ids(atlas.url)
    never_published = {row["id"] for row in pending_inserts(atlas.url)}
    assert never_published, "the demo keeps some institutions pending"
    assert not never_published & set(list_ids(page))
    shown_names = set(page.eval_on_selector_all("#result-list .result-name", "els => els.map(e => e.textContent)"))
    pending_names = {row["after"]["properties"]["name"] for row in pending_inserts(atlas.url)}
    assert not shown_names & pending_names
    assert pending - never_published, "the demo has pending updates of published offers too"

    # Category colours of the catalogue (the same palette the QGIS plugin uses) on the checkboxes.
    for key, category in public.categories.items():
        if category["parent_id"] is None and public.in_category(key):
            swatch = page.locator(f"#cat-{key} + label .swatch")
            rgb = swatch.evaluate("e => getComputedStyle(e).backgroundColor")
            hex_color = category["color"].lstrip("#")
            assert rgb == "rgb({}, {}, {})".format(*(int(hex_color[i:i + 2], 16) for i in (0, 2, 4)))
    atlas.screenshot("web-map-overview.png")


def test_pending_changes_stay_off_the_map(make_atlas, public, live_server) -> None:  # noqa: ANN001
    headers = login(live_server.url, "melle.editor")
    secret = f"Geheimes Testangebot {uuid.uuid4().hex[:6]}"
    melle = public.municipality("Melle")
    point = public.territory_wgs84("Melle").representative_point()
    # A pending insert and a pending rename of a published offer of Melle.
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True).transform(point.x, point.y)
    published = next(f for f in public.features if f["properties"]["owner"] == melle["key"])
    pull = requests.get(f"{live_server.url}/api/v1/sync/institutions/pull?since=0&limit=5000",
                        headers=headers, timeout=30).json()
    head = next(f for f in pull["features"] if f["id"] == published["id"])
    changes = [insert(MELLE, x, y, name=secret),
               {"op": "update", "id": head["id"], "base_revision": head["revision"],
                "properties": {**head["properties"], "name": secret + " (umbenannt)"}, "geometry": head["geometry"]}]
    answer = requests.post(f"{live_server.url}/api/v1/sync/institutions/push", headers=headers, timeout=30,
                           json={"idempotency_key": str(uuid.uuid4()), "schema_version": INSTITUTIONS.schema_version,
                                 "changes": changes})
    assert answer.status_code == 200, answer.text
    assert all(r["status"] == "accepted" for r in answer.json()["results"]), answer.json()
    assert {r["id"] for r in answer.json()["results"]} <= pending_ids(live_server.url)

    atlas = make_atlas()
    page = atlas.open()
    assert set(list_ids(page)) == public.ids
    page.fill("#search", "geheimes testangebot")
    wait_matched(page, 0)
    assert list_ids(page) == []
    assert page.locator("#result-count").text_content().startswith("Keine Angebote gefunden")
    # The published offer still shows its published name.
    page = atlas.open(f"?offer={published['id']}")
    assert page.locator("#details-name").text_content() == published["properties"]["name"]


@pytest.mark.parametrize("query", ["familienburo", "FAMILIENBUERO", "krippe bramsche", "Georgsmarienhütte hebamme"])
def test_search_narrows_the_list_to_the_matching_offers(atlas, public, query) -> None:  # noqa: ANN001
    expected = public.search(query)
    assert expected and len(expected) < len(public.features)
    page = atlas.open()
    page.fill("#search", query)
    wait_matched(page, len(expected))
    assert set(list_ids(page)) == expected
    assert parse_qs(urlsplit(page.url).query)["q"] == [query]
    if query == "familienburo":
        assert any("Familienbüro" in public.by_id[i]["properties"]["name"] for i in expected)
        atlas.screenshot("web-map-search.png")


def test_category_filter_with_counts_and_subcategories(atlas, public) -> None:  # noqa: ANN001
    page = atlas.open()
    health = public.in_category("gesundheit")
    assert page.locator("#cat-gesundheit + label .count").text_content() == str(len(health))
    page.check("#cat-gesundheit")
    wait_matched(page, len(health))
    assert set(list_ids(page)) == health
    wait_map_idle(page)
    assert markers_on_map(page) == len(health)

    # A single subcategory of another theme adds to the selection.
    page.click("li[data-key='kinderbetreuung'] button.expand")
    assert page.locator("#subs-kinderbetreuung").is_visible()
    krippe = public.in_category("krippe")
    assert page.locator("#cat-krippe + label .count").text_content() == str(len(krippe))
    page.check("#cat-krippe")
    wait_matched(page, len(health | krippe))
    assert set(list_ids(page)) == health | krippe
    assert page.locator("#cat-kinderbetreuung").evaluate("e => e.indeterminate")
    assert parse_qs(urlsplit(page.url).query)["cat"] == ["gesundheit,krippe"]

    # Counts follow the search: with a search, each checkbox counts the matching offers.
    page.fill("#search", "melle")
    expected = public.search("melle") & (health | krippe)
    wait_matched(page, len(expected))
    assert page.locator("#cat-gesundheit + label .count").text_content() == str(
        len(public.search("melle") & health))

    page.click("#reset")
    wait_matched(page, len(public.features))
    assert not page.locator("#cat-gesundheit").is_checked()
    assert page.input_value("#search") == ""


def test_municipality_filter_zooms_to_its_territory(atlas, public) -> None:  # noqa: ANN001
    page = atlas.open()
    wait_map_idle(page)
    west, south, east, north = map_bounds(page)
    county = public.territory_wgs84("Landkreis Osnabrück").bounds
    assert west <= county[0] and south <= county[1] and east >= county[2] and north >= county[3]

    expected = public.listed_in("Melle")  # with the county-wide offers
    assert expected > public.located_in("Melle")
    page.select_option("#municipality", MELLE)
    wait_matched(page, len(expected))
    assert set(page.evaluate("() => window.familienatlas.matched()")) == expected
    assert public.located_in("Melle") <= set(list_ids(page)) <= expected  # the list: the matches in view
    assert {public.by_id[i]["properties"]["owner"] for i in public.located_in("Melle")} == {MELLE}
    wait_map_idle(page)
    w, s, e, n = map_bounds(page)
    mw, ms, me, mn = public.territory_wgs84("Melle").bounds
    assert w <= mw and s <= ms and e >= me and n >= mn, "the whole of Melle is in view"
    assert (e - w) < (east - west) / 2.5, "the map zoomed in"
    assert parse_qs(urlsplit(page.url).query)["gem"] == [MELLE]
    atlas.screenshot("web-map-municipality.png")

    # A Samtgemeinde stands for its member municipalities.
    artland = public.municipality("Samtgemeinde Artland")
    expected = public.listed_in("Samtgemeinde Artland")
    members = {m["key"] for m in public.municipalities if m["parent_id"] == artland["id"]}
    assert {public.by_id[i]["properties"]["owner"] for i in public.located_in("Samtgemeinde Artland")} <= members
    page.select_option("#municipality", artland["key"])
    wait_matched(page, len(expected))
    assert set(page.evaluate("() => window.familienatlas.matched()")) == expected
    assert public.located_in("Samtgemeinde Artland") <= set(list_ids(page)) <= expected


def _tel(phone: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def test_details_from_the_list_and_from_a_marker(atlas, public) -> None:  # noqa: ANN001
    page = atlas.open()
    feature = next(f for f in sorted(public.features, key=lambda f: f["properties"]["name"])
                   if all(f["properties"].get(k) for k in ("phone", "email", "website", "opening_hours")))
    p = feature["properties"]
    page.fill("#search", p["name"])
    wait_matched(page, len(public.search(p["name"])))
    page.click(f"#result-list button[data-id='{feature['id']}']")
    details = page.locator("#details")
    details.wait_for(state="visible")
    assert page.locator("#result-view").is_hidden()
    assert page.locator("#details-name").text_content() == p["name"]
    assert page.evaluate("document.activeElement.id") == "details-name"
    assert details.locator(f"a[href='{_tel(p['phone'])}']").text_content() == p["phone"]
    assert details.locator(f"a[href='mailto:{p['email']}']").text_content() == p["email"]
    website = details.locator("a[target='_blank']").first
    assert website.get_attribute("href").rstrip("/") == p["website"].rstrip("/")
    assert website.get_attribute("rel") == "noopener noreferrer"
    facts = dict(zip(details.locator("dt").all_text_contents(), details.locator("dd").all_text_contents(),
                     strict=True))
    assert facts["Öffnungszeiten"] == p["opening_hours"]
    assert facts["Adresse"] == f"{p['street']}{p['postcode']} {p['city']}"
    if p.get("target_groups"):
        assert facts["Zielgruppen"] == p["target_groups"]
    if p.get("age_min") is not None and p.get("age_max") is not None:
        assert facts["Alter"] == f"{p['age_min']} bis {p['age_max']} Jahre"
    if p.get("languages"):
        assert facts["Sprachen"] == p["languages"]
    assert re.fullmatch(r"\d{1,2}\. \w+ \d{4}", facts["Zuletzt geprüft"]), facts["Zuletzt geprüft"]
    assert parse_qs(urlsplit(page.url).query)["offer"] == [feature["id"]]
    wait_map_idle(page)
    marker = page.locator(f"#map .offer-marker[data-id='{feature['id']}']")
    assert "is-selected" in marker.get_attribute("class")
    atlas.screenshot("web-map-details.png")

    # Escape goes back to the list, with focus on the entry.
    page.keyboard.press("Escape")
    page.locator("#result-view").wait_for(state="visible")
    assert page.evaluate("document.activeElement.dataset.id") == feature["id"]

    # The marker opens the same details, with the mouse and with the keyboard.
    page.click("#reset")
    wait_matched(page, len(public.features))
    lon, lat = feature["geometry"]["coordinates"]
    page.evaluate("([lat, lon]) => window.familienatlas.map.setView([lat, lon], 19, {animate: false})", [lat, lon])
    wait_map_idle(page)
    marker = page.locator(f"#map .offer-marker[data-id='{feature['id']}']")
    if marker.count() == 0:  # offers in one building: open the cluster (spiderfy)
        page.locator("#map .offer-cluster").first.click()
        wait_map_idle(page)
    assert marker.get_attribute("role") == "button" and marker.get_attribute("tabindex") == "0"
    assert marker.get_attribute("aria-label") == p["name"]
    marker.click()
    page.locator("#details").wait_for(state="visible")
    assert page.locator("#details-name").text_content() == p["name"]
    page.click("#details button.back")
    page.locator("#result-view").wait_for(state="visible")
    marker.focus()
    page.keyboard.press("Enter")
    page.locator("#details").wait_for(state="visible")
    assert page.locator("#details-name").text_content() == p["name"]


def test_english_switch(make_atlas, public) -> None:  # noqa: ANN001
    atlas = make_atlas()
    page = atlas.open()
    assert page.locator("label[for='search']").text_content() == "Suche"
    page.click(".lang-button[data-lang='en']")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.locator("label[for='search']").text_content() == "Search"
    assert page.locator("label[for='municipality']").text_content() == "Municipality"
    assert page.locator("#municipality option[value='']").text_content() == "All municipalities"
    assert page.locator("#result-count").text_content() == f"{len(public.features)} services"
    assert page.locator(".lang-button[data-lang='en']").get_attribute("aria-pressed") == "true"
    assert page.locator(".leaflet-control-zoom-in").get_attribute("title") == "Zoom in"
    assert "contributors" in page.locator(".leaflet-control-attribution").text_content()
    assert parse_qs(urlsplit(page.url).query)["lang"] == ["en"]
    # Category names come in English from the catalogue (test_web_search.py checks the details too).
    assert "Child day care" in page.locator("#cat-kinderbetreuung + label").text_content()
    page.locator("#result-list button.result").first.click()
    assert "Last checked" in page.locator("#details dl").text_content()
    atlas.screenshot("web-map-english.png")

    # The choice is kept for the next visit; ?lang= wins over it.
    other = atlas.new_page()
    other.goto(f"{atlas.url}/")
    other.wait_for_selector("body[data-ready='true']")
    assert other.evaluate("document.documentElement.lang") == "en"
    other.goto(f"{atlas.url}/?lang=de")
    other.wait_for_selector("body[data-ready='true']")
    assert other.evaluate("document.documentElement.lang") == "de"
    assert other.locator("label[for='search']").text_content() == "Suche"

    # Without a choice, the browser's language decides.
    english_browser = make_atlas(locale="en-GB")
    assert english_browser.open().evaluate("document.documentElement.lang") == "en"


def test_url_state_round_trips(make_atlas, public) -> None:  # noqa: ANN001
    atlas = make_atlas()
    page = atlas.open()
    page.select_option("#municipality", BRAMSCHE)
    page.check("#cat-kinderbetreuung")
    expected = public.search("krippe") & public.in_category("kinderbetreuung") & public.located_in("Bramsche")
    assert expected and len(expected) < len(public.in_category("kinderbetreuung") & public.located_in("Bramsche"))
    page.fill("#search", "krippe")
    wait_matched(page, len(expected))
    page.click(".lang-button[data-lang='en']")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    wait_map_idle(page)
    shared = page.url
    query = parse_qs(urlsplit(shared).query)
    zoom, lat, lng = (float(v) for v in query.pop("map")[0].split("/"))  # the map's position is in the link
    assert query == {"q": ["krippe"], "cat": ["kinderbetreuung"], "gem": [BRAMSCHE], "lang": ["en"]}

    fresh = make_atlas()  # another visitor opening the shared link
    page = fresh.open("?" + urlsplit(shared).query)
    wait_matched(page, len(expected))
    assert set(list_ids(page)) == expected
    assert page.input_value("#search") == "krippe"
    assert page.input_value("#municipality") == BRAMSCHE
    assert page.is_checked("#cat-kinderbetreuung")
    assert page.evaluate("document.documentElement.lang") == "en"
    wait_map_idle(page)
    w, s, e, n = map_bounds(page)
    bw, bs, be, bn = public.territory_wgs84("Bramsche").bounds
    assert w <= bw and s <= bs and e >= be and n >= bn
    view = page.evaluate("() => { const m = window.familienatlas.map, c = m.getCenter();"
                         " return [m.getZoom(), c.lat, c.lng]; }")
    assert view[0] == zoom and abs(view[1] - lat) < 1e-3 and abs(view[2] - lng) < 1e-3
    # A position of its own in the link wins over the municipality's outline.
    page = fresh.open(f"?gem={BRAMSCHE}&map=14/52.4/7.98")
    wait_map_idle(page)
    assert page.evaluate("() => window.familienatlas.map.getZoom()") == 14

    # An offer in the link opens its details.
    offer = sorted(expected)[0]
    page = fresh.open(f"?offer={offer}&lang=de")
    assert page.locator("#details-name").text_content() == public.by_id[offer]["properties"]["name"]
    # Unknown values in a link are ignored, not fatal.
    page = fresh.open("?cat=gibtsnicht&gem=000&lang=xx")
    assert page.locator("#result-count").get_attribute("data-matched") == str(len(public.features))


def test_works_without_background_tiles(make_atlas, public) -> None:  # noqa: ANN001
    atlas = make_atlas(tiles="refuse")
    page = atlas.open()
    page.locator("#map-note").wait_for(state="visible")
    assert "Hintergrundkarte" in page.locator("#map-note").text_content()
    assert page.locator("#result-count").get_attribute("data-matched") == str(len(public.features))
    assert page.locator("#map path.leaflet-interactive, #map .leaflet-outlines-pane path").count() >= 39
    page.select_option("#municipality", MELLE)
    wait_matched(page, len(public.listed_in("Melle")))
    wait_map_idle(page)
    assert page.locator(".muni-label", has_text="Melle").first.is_visible()
    atlas.screenshot("web-map-offline.png")


def test_phone_width(make_atlas, public) -> None:  # noqa: ANN001
    atlas = make_atlas(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = atlas.open()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#map").bounding_box()["width"] == pytest.approx(390, abs=1)
    assert page.locator("#search").is_visible()
    assert page.locator("#result-count").get_attribute("data-visible") == str(len(public.features))
    atlas.screenshot("web-map-phone.png")
    page.locator("#result-list button.result").first.click()
    page.locator("#details").wait_for(state="visible")
    page.wait_for_timeout(600)
    atlas.screenshot("web-map-phone-details.png")


def test_keyboard_and_labels(atlas) -> None:  # noqa: ANN001
    page = atlas.open()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#map"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.mode") == "offers"  # the switch to the indicators
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.lang") == "de"
    page.focus("#search")
    page.keyboard.type("hebamme")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('result-count').dataset.matched !== '288'")
    for selector in ("#search", "#municipality"):
        element_id = selector[1:]
        assert page.locator(f"label[for='{element_id}']").count() == 1
    assert page.get_attribute("#map", "aria-label") == "Karte der Angebote"
    assert page.get_attribute(".language", "aria-label") == "Sprache"
    assert page.get_attribute("li[data-key='schule'] button.expand", "aria-label") == \
        "Angebotsarten von Schule & Bildung zeigen"
    # Tab from the search field reaches the result entries; Enter opens one.
    first = page.locator("#result-list button.result").first
    first.focus()
    page.keyboard.press("Enter")
    page.locator("#details").wait_for(state="visible")


def test_static_routes(live_server) -> None:  # noqa: ANN001
    base = live_server.url
    index = requests.get(f"{base}/", timeout=10)
    assert index.status_code == 200 and "text/html" in index.headers["Content-Type"]
    csp = index.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "https://tile.openstreetmap.org" in csp
    for path, kind in (("/vendor/leaflet/leaflet.js", "javascript"), ("/vendor/leaflet/leaflet.css", "css"),
                       ("/vendor/supercluster/supercluster.min.js", "javascript"),
                       ("/assets/js/offers-worker.js", "javascript"),
                       ("/vendor/proj4/proj4.js", "javascript"), ("/assets/js/main.js", "javascript"),
                       ("/vendor/simple-statistics/simple-statistics.min.js", "javascript"),
                       ("/vendor/chart.js/chart.umd.min.js", "javascript"), ("/assets/js/expert.js", "javascript"),
                       ("/assets/i18n/en.json", "json"), ("/assets/css/atlas.css", "css"),
                       ("/assets/img/favicon.svg", "svg")):
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 200, path
        assert kind in response.headers["Content-Type"], (path, response.headers["Content-Type"])
    for path in ("/vendor/", "/vendor/leaflet/", "/vendor/leaflet/package.json", "/vendor/leaflet/leaflet-src.js",
                 "/vendor/leaflet/%2e%2e/package.json", "/vendor/leaflet/..%2f..%2fpackage.json",
                 "/vendor/nothing/x.js", "/vendor/chart.js/chart.js", "/vendor/chart.js/package.json",
                 "/assets/", "/assets/js/", "/assets/js/../../web.py",
                 "/assets/js/..%2f..%2findex.html", "/assets/node_modules/leaflet", "/assets/i18n/de.txt",
                 "/package.json", "/node_modules/leaflet/dist/leaflet.js", "/index.html/x"):
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"].startswith("application/problem+json"), path
