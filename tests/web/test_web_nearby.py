"""The offers map's filters for parents (age, language, wheelchair, open now or on a weekday), "In meiner
Nähe" (the browser's location, sorted by distance), the nearest offers when nothing passes in the chosen
municipality, and offers that serve a whole area. Expectations come from the public API, the opening
hours' from a second OpenStreetMap parser (Python's), the clock is Playwright's."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
from opening_hours import OpeningHours

from .test_web_offers_a11y import AXE, axe_violations
from .web_support import PublicData, list_ids, wait_map_idle, wait_matched

pytestmark = pytest.mark.timeout(240)

TUESDAY_MORNING = datetime(2026, 12, 1, 10, 30)  # local time of a Tuesday that is no public holiday
BERLIN = "Europe/Berlin"


def facets(base_url: str) -> dict[str, dict]:
    doc = requests.get(f"{base_url}/api/v1/public/offers/facets", timeout=30).json()
    return {row[0]: dict(zip(doc["fields"], row, strict=True)) for row in doc["offers"]}


def matched(page) -> set[str]:  # noqa: ANN001
    return set(page.evaluate("() => window.familienatlas.matched()"))


def settle(page) -> None:  # noqa: ANN001
    """Wait until the newest filter has been applied."""
    page.wait_for_function("() => !document.body.dataset.filtering")


def open_filters(page) -> None:  # noqa: ANN001
    page.click("#more-filters summary")
    page.wait_for_function("() => document.querySelectorAll('#facet-language option').length > 1")


def km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p = math.pi / 180
    a = (math.sin((lat2 - lat1) * p / 2) ** 2
         + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lng2 - lng1) * p / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_age_language_and_wheelchair_filters(atlas) -> None:  # noqa: ANN001
    page = atlas.open()
    data, rows = PublicData(atlas.url), facets(atlas.url)
    open_filters(page)
    page.fill("#facet-age", "2")
    suits = {fid for fid in data.ids if fid not in rows or (
        (rows[fid]["age_min"] is None or rows[fid]["age_min"] <= 2)
        and (rows[fid]["age_max"] is None or rows[fid]["age_max"] >= 2))}
    assert 0 < len(suits) < len(data.ids)
    wait_matched(page, len(suits))
    assert matched(page) == suits

    page.select_option("#facet-language", "Arabisch")
    arabic = {fid for fid in suits if fid in rows and "Arabisch" in re.split(r",\s*", rows[fid]["languages"])}
    assert arabic
    wait_matched(page, len(arabic))
    assert matched(page) == arabic
    assert page.inner_text("#facets-active") == "2 gewählt"

    page.check("#facet-wheelchair")
    accessible = {fid for fid in arabic if rows[fid]["wheelchair"]}
    assert accessible and accessible < arabic
    wait_matched(page, len(accessible))
    assert matched(page) == accessible
    assert all(data.by_id[fid]["properties"]["accessibility"].startswith("rollstuhlgerecht") for fid in accessible)

    page.click("#reset")
    wait_matched(page, len(data.ids))
    assert page.input_value("#facet-age") == "" and not page.is_checked("#facet-wheelchair")


def test_open_now_and_on_a_weekday_with_a_fixed_clock(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas(timezone_id=BERLIN)
    atlas.page.clock.set_fixed_time(TUESDAY_MORNING.replace(tzinfo=ZoneInfo(BERLIN)))
    page = atlas.open()
    rows = facets(atlas.url)
    open_filters(page)
    page.select_option("#facet-open", "now")
    open_now = {fid for fid, r in rows.items() if r["opening_hours"]
                and OpeningHours(r["opening_hours"]).is_open(TUESDAY_MORNING)}
    assert 0 < len(open_now) < len(rows)
    wait_matched(page, len(open_now))
    assert matched(page) == open_now

    sunday = TUESDAY_MORNING.replace(hour=0, minute=0) + timedelta(days=5)
    quarters = [sunday + timedelta(minutes=15 * k) for k in range(96)]
    open_sunday = {fid for fid, r in rows.items() if r["opening_hours"]
                   and any(OpeningHours(r["opening_hours"]).is_open(t) for t in quarters)}
    assert 0 < len(open_sunday) < len(open_now)
    page.select_option("#facet-open", "su")
    wait_matched(page, len(open_sunday))
    assert matched(page) == open_sunday


def test_near_me_sorts_by_distance_and_shows_it(make_atlas) -> None:  # noqa: ANN001
    probe = make_atlas()
    data = PublicData(probe.url)
    here = data.territory_wgs84("Melle").representative_point()
    atlas = make_atlas(permissions=["geolocation"], geolocation={"latitude": here.y, "longitude": here.x})
    page = atlas.open()
    page.click("#nearby-locate")
    page.wait_for_function("() => document.getElementById('nearby-status').textContent.includes('Entfernung')")
    wait_map_idle(page)
    settle(page)
    listed = page.evaluate("() => window.familienatlas.listed()")
    assert len(listed) > 3
    distances = [km(here.y, here.x, *reversed(data.by_id[fid]["geometry"]["coordinates"])) for fid in listed]
    assert distances == sorted(distances)
    first_meta = page.locator("#result-list .result-meta").first.inner_text()
    shown = re.search(r"(\d+(?:,\d)?) (k?m)$", first_meta)
    assert shown, first_meta
    value = float(shown.group(1).replace(",", ".")) / (1 if shown.group(2) == "km" else 1000)
    assert abs(value - distances[0]) < 0.06
    assert not page.is_hidden("#nearby-clear")
    # The place is marked on the map by a pin named in words, not by colour alone.
    place = page.locator("#map .nearby-marker")
    assert place.count() == 1 and place.inner_text() == "Ihr Standort"
    atlas.screenshot("web-near-me.png")

    page.click("#nearby-clear")
    settle(page)
    assert "km" not in page.locator("#result-list .result-meta").first.inner_text()
    assert page.locator("#map .nearby-marker").count() == 0
    assert "near" not in page.url  # the visitor's own location is never put in the link

    refused = make_atlas()  # no permission: the browser refuses, the page says what to do instead
    other = refused.open()
    other.click("#nearby-locate")
    other.wait_for_function("() => document.getElementById('nearby-status').textContent.includes('Karte')")
    assert "nicht freigegeben" in other.inner_text("#nearby-status")


def test_an_empty_result_offers_the_nearest_elsewhere(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas()
    atlas.context.add_init_script(path=str(AXE))
    data = PublicData(atlas.url)
    theme = "schuldnerberatung"
    offers = data.in_category(theme)
    parents = {m["parent_id"] for m in data.municipalities}
    empty = next(m for m in data.municipalities if m["id"] not in parents and m["parent_id"] is not None
                 and not offers & data.located_in(m["name"]))
    page = atlas.open(f"?gem={empty['key']}&cat={theme}")
    wait_matched(page, 0)
    page.locator("#nearest").wait_for(state="visible")
    name = data.categories[theme]["name"]
    assert page.inner_text("#nearest-text") == f"Keine {name} in {empty['name']}. Die nächsten:"
    west, south, east, north = data.territory_wgs84(empty["name"]).bounds
    centre = ((south + north) / 2, (west + east) / 2)
    nearest = sorted(offers, key=lambda fid: km(*centre, *reversed(data.by_id[fid]["geometry"]["coordinates"])))[:3]
    entries = page.locator("#nearest-list button.result")
    assert [entries.nth(k).get_attribute("data-id") for k in range(entries.count())] == nearest
    for k, fid in enumerate(nearest):
        meta = entries.nth(k).locator(".result-meta").inner_text()
        distance = km(*centre, *reversed(data.by_id[fid]["geometry"]["coordinates"]))
        assert re.fullmatch(r".+ \(\d+(,\d)? km\)", meta), meta
        shown = float(re.search(r"\(([\d,]+) km\)", meta).group(1).replace(",", "."))
        assert abs(shown - distance) <= (0.5 if distance >= 10 else 0.05) + 1e-9  # 12 km, 1,2 km
    open_filters(page)
    assert axe_violations(page) == []
    atlas.screenshot("web-nearest-offers.png")
    entries.first.click()
    page.locator("#details").wait_for(state="visible")
    assert page.inner_text("#details-name") == data.by_id[nearest[0]]["properties"]["name"]


def test_a_county_wide_offer_is_listed_in_every_municipality(atlas) -> None:  # noqa: ANN001
    data = PublicData(atlas.url)
    theme = "pflegestuetzpunkt"
    county_wide = {fid for fid in data.in_category(theme)
                   if data.by_id[fid]["properties"].get("service_area") == "03459"}
    assert county_wide
    served = next(m for m in data.municipalities if m["parent_id"] is not None
                  and not county_wide & data.located_in(m["name"]))
    page = atlas.open(f"?gem={served['key']}&cat={theme}")
    wait_matched(page, len(data.in_category(theme)))
    assert county_wide <= matched(page)
    assert page.is_hidden("#nearest")


def on_a_weekday(hours: str | None, day: datetime) -> bool:
    """Open at some quarter of an hour of ``day`` (Python's OpenStreetMap parser)."""
    return bool(hours) and any(OpeningHours(hours).is_open(day + timedelta(minutes=15 * k)) for k in range(96))


def test_the_parents_filters_and_a_picked_place_are_in_the_link(make_atlas) -> None:  # noqa: ANN001
    atlas = make_atlas(timezone_id=BERLIN)
    atlas.page.clock.set_fixed_time(TUESDAY_MORNING.replace(tzinfo=ZoneInfo(BERLIN)))
    page = atlas.open()
    rows = facets(atlas.url)
    monday = TUESDAY_MORNING.replace(hour=0, minute=0) + timedelta(days=6)
    expected = {fid for fid, r in rows.items() if "Arabisch" in re.split(r",\s*", r["languages"] or "")
                and (r["age_min"] is None or r["age_min"] <= 3) and (r["age_max"] is None or r["age_max"] >= 3)
                and on_a_weekday(r["opening_hours"], monday)}
    assert expected
    open_filters(page)
    page.fill("#facet-age", "3")
    page.select_option("#facet-language", "Arabisch")
    page.select_option("#facet-open", "mo")
    wait_matched(page, len(expected))
    page.click("#nearby-pick")
    page.click("#nearby-pick")  # the second press takes the map's centre
    page.wait_for_function("() => document.getElementById('nearby-status').textContent.includes('gewählten Ort')")
    settle(page)
    wait_map_idle(page)
    # the map has zoomed to the place (at least zoom 12), and the link says so
    page.wait_for_function("() => /map=1[2-9]\\//.test(decodeURIComponent(location.search))")
    assert matched(page) == expected
    order = list_ids(page)
    assert page.locator("#map .nearby-marker").inner_text() == "Gewählter Ort"
    query = urlsplit(page.url).query
    params = parse_qs(query)
    assert (params["age"], params["spoken"], params["open"]) == (["3"], ["Arabisch"], ["mo"])
    assert re.fullmatch(r"-?\d+\.\d{5}/-?\d+\.\d{5}", params["near"][0])

    # The link in a fresh browser: the same offers in the same order, the controls show the filters.
    fresh = make_atlas(timezone_id=BERLIN)
    fresh.page.clock.set_fixed_time(TUESDAY_MORNING.replace(tzinfo=ZoneInfo(BERLIN)))
    other = fresh.open(f"?{query}")
    wait_matched(other, len(expected))
    settle(other)
    wait_map_idle(other)
    assert matched(other) == expected and list_ids(other) == order
    assert other.locator("#more-filters").get_attribute("open") is not None
    assert (other.input_value("#facet-age"), other.input_value("#facet-language"),
            other.input_value("#facet-open")) == ("3", "Arabisch", "mo")
    assert other.inner_text("#facets-active") == "3 gewählt"
    assert other.locator("#map .nearby-marker").inner_text() == "Gewählter Ort"
    assert not other.is_hidden("#nearby-clear")
    assert re.search(r"\d (k?m)$", other.locator("#result-list .result-meta").first.inner_text())

    # Back from an offer's details keeps the filters and the place; Forward opens the details again.
    other.locator("#result-list button.result").first.click()
    other.locator("#details").wait_for(state="visible")
    assert "offer=" in other.url and "spoken=Arabisch" in other.url
    other.go_back()
    other.locator("#details").wait_for(state="hidden")
    settle(other)
    assert matched(other) == expected and other.input_value("#facet-age") == "3"
    assert parse_qs(urlsplit(other.url).query)["near"] == params["near"]
    other.go_forward()
    other.locator("#details").wait_for(state="visible")
    assert other.input_value("#facet-language") == "Arabisch"
    other.click("#reset")
    wait_matched(other, len(PublicData(atlas.url).ids))
    assert other.locator("#map .nearby-marker").count() == 0
    assert not {"age", "spoken", "open", "near"} & set(parse_qs(urlsplit(other.url).query))
