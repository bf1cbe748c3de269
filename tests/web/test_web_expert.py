"""The expert mode ("Indikatoren") of the web map in a real headless Chromium against the real server.

Each test publishes a small known indicator through the real push and review (a share with its
counts, one municipality with a count so small that the confidentiality rule withholds it, a
provisional year), then computes what the map must show from the public API's answer with the
same method the page uses (quantiles of all years' published values, numpy's linear method =
simple-statistics' quantileSorted; ColorBrewer YlGnBu). Each test also fails on any console error.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
import requests

from sync_server.domain.indicators.values import value_id
from tests.support import MELLE

from .web_support import login, publish_values

pytestmark = pytest.mark.timeout(180)

YEARS = (2020, 2021, 2022, 2023)
YLGNBU = {4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
          5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]}
HATCH = "url(#expert-hatch)"
MISSING = "#bdbdbd"
LEVELS = ["landkreis", "gemeinde", "mitgliedsgemeinde", "ortsteil"]
THEME = {"key": "webtest", "name_de": "Webtest", "name_en": "Web test"}
KIDS = {"key": "w_kinder", "name_de": "Kinder in Bedarfsgemeinschaften", "name_en": "Children in need",
        "theme": "webtest", "unit": "count", "kind": "count", "levels": LEVELS,
        "maintained_by": "county", "polarity": "higher_worse"}
PEOPLE = {**KIDS, "key": "w_einwohner", "name_de": "Kinder insgesamt", "name_en": "All children",
          "polarity": "neutral"}
SHARE = {"key": "w_quote", "name_de": "Kinderarmutsquote", "name_en": "Child poverty rate", "theme": "webtest",
         "unit": "percent", "kind": "share", "numerator": "w_kinder", "denominator": "w_einwohner", "decimals": 1,
         "polarity": "higher_worse", "levels": LEVELS,
         "maintained_by": "county", "definition_de": "Anteil der Kinder in Bedarfsgemeinschaften.",
         "definition_en": "Share of children in households on benefits.", "source": "Testquelle"}
SMALL = 2  # children of the withheld municipality: below the primary rule's minimum of 3


def _publish(base: str) -> dict[str, Any]:
    """Publish w_kinder, w_einwohner and w_quote for every lowest-level municipality, 2020-2023."""
    admin = login(base, "admin")
    for path, doc in (("indicator-themes", THEME), ("indicators", KIDS), ("indicators", PEOPLE),
                      ("indicators", SHARE)):
        answer = requests.post(f"{base}/api/v1/{path}", json=doc, headers=admin, timeout=30)
        assert answer.status_code == 201, answer.text
    municipalities = requests.get(f"{base}/api/v1/municipalities", timeout=30).json()
    parents = {m["parent_id"] for m in municipalities}
    leaves = sorted((m for m in municipalities if m["id"] not in parents), key=lambda m: m["key"])
    small = leaves[3]
    changes = []
    for y, year in enumerate(YEARS):
        for i, m in enumerate(leaves):
            people = 800 + 37 * i + 11 * y
            kids = SMALL if m is small else 40 + (i * 17 + y * 9) % 160
            props = {"provisional": year == YEARS[-1]}
            changes += [
                _change("w_kinder", m["key"], year, kids, **props),
                _change("w_einwohner", m["key"], year, people, **props),
                _change("w_quote", m["key"], year, round(kids / people * 100, 1), numerator=kids,
                        denominator=people, **props)]
    units = requests.get(f"{base}/api/v1/public/spatial_units", timeout=30).json()["features"]
    melle = sorted(u["properties"]["key"] for u in units if u["properties"]["level"] == "ortsteil"
                   and u["properties"]["owner"] == MELLE)
    for year in YEARS:
        for i, key in enumerate(melle):
            kids, people = 30 + 7 * i, 300 + 10 * i
            changes += [_change("w_kinder", key, year, kids), _change("w_einwohner", key, year, people),
                        _change("w_quote", key, year, round(kids / people * 100, 1), numerator=kids,
                                denominator=people)]
    publish_values(base, admin, changes)
    return {"small": small, "small_share": round(SMALL / (800 + 37 * 3) * 100, 1)}


def _change(indicator: str, unit: str, year: int, value: float, **more: Any) -> dict[str, Any]:
    return {"op": "insert", "id": value_id(indicator, unit, year),
            "properties": {"indicator": indicator, "unit": unit, "year": year, "value": value, **more}}


@pytest.fixture
def known(live_server) -> dict[str, Any]:  # noqa: ANN001
    facts = _publish(live_server.url)
    answer = requests.get(f"{live_server.url}/api/v1/indicators/w_quote/values?level=gemeinde", timeout=30).json()
    facts["values"] = answer["values"]
    facts["years"] = answer["years"]
    return facts


def expected_fills(values: list[dict[str, Any]], year: int, method: str = "quantile", k: int = 5) -> dict[str, str]:
    """unit -> fill colour, computed from the API's numbers as the page must (classes from all years)."""
    numbers = np.sort(np.array([v["value"] for v in values if not v["suppressed"] and v["value"] is not None]))
    n = min(k, len(set(numbers.tolist())))
    if method == "equal":
        inner = [numbers[0] + (numbers[-1] - numbers[0]) / n * i for i in range(1, n)]
    else:
        inner = [float(np.quantile(numbers, i / n)) for i in range(1, n)]
    colors = YLGNBU[n]  # higher_worse: dark = high
    fills = {}
    for v in values:
        if v["year"] != year:
            continue
        if v["suppressed"]:
            fills[v["unit"]] = HATCH
        elif v["value"] is None:
            fills[v["unit"]] = MISSING
        else:
            fills[v["unit"]] = colors[sum(1 for b in inner if v["value"] >= b)]
    return fills


def page_fills(page) -> dict[str, str]:  # noqa: ANN001
    return dict(page.eval_on_selector_all("#expert-map path[data-unit]",
                                          "els => els.map(e => [e.dataset.unit, e.getAttribute('fill')])"))


def open_expert(atlas, query: str):  # noqa: ANN001, ANN201
    page = atlas.page
    page.goto(f"{atlas.url}/{query}")
    page.wait_for_selector("body[data-expert-ready='true']", timeout=30_000)
    return page


def test_choropleth_classes_legend_and_withheld_values(atlas, known) -> None:  # noqa: ANN001
    year = 2022
    page = open_expert(atlas, f"?mode=expert&ind=w_quote&level=gemeinde&year={year}")
    assert page.locator("#expert-mode").is_visible() and not page.locator("#offers-mode").is_visible()
    fills = page_fills(page)
    expected = expected_fills(known["values"], year)
    assert fills == expected
    assert len(set(fills.values()) - {HATCH, MISSING}) == 5
    small = known["small"]["key"]
    suppressed = {v["unit"] for v in known["values"] if v["suppressed"]}
    assert small in suppressed and fills[small] == HATCH
    legend = page.inner_text("#expert-legend-list")
    assert "nicht ausgewiesen (Geheimhaltung)" in legend
    assert re.search(r"\d+,\d %", legend), legend  # German number and unit: "12,5 %"

    # The withheld municipality: hatched, and its value is nowhere as a number - not in the table,
    # not in its time series, not in any tooltip.
    row = page.locator(f"#expert-table tr[data-unit='{small}']")
    assert row.locator("td").inner_text() == "nicht ausgewiesen (Geheimhaltung)"
    row.locator("button").click()
    page.wait_for_selector("#expert-unit:not([hidden])")
    series = page.inner_text("#expert-series")
    assert series.count("nicht ausgewiesen (Geheimhaltung)") == len(YEARS)
    page.hover(f"#expert-map path[data-unit='{small}']", force=True)
    tooltips = page.evaluate("() => [...document.querySelectorAll('.leaflet-tooltip')].map(e => e.textContent)")
    secret = f"{known['small_share']:.1f}".replace(".", ",")
    text = page.evaluate("() => document.body.innerText + ' ' + document.body.innerHTML")
    assert secret not in text and all(secret not in tip for tip in tooltips)
    assert f"{SMALL / (800 + 37 * 3) * 100:.1f}" not in page.inner_text("#expert-mode")
    # The definition and the confidentiality rule of the indicator.
    about = page.inner_text("#expert-about-list")
    assert "Anteil der Kinder in Bedarfsgemeinschaften." in about and "Testquelle" in about
    assert "weniger als 3 Fällen" in about
    atlas.screenshot("web-expert-mode.png")


def test_year_slider_and_play_redraw_without_a_request(atlas, known) -> None:  # noqa: ANN001
    page = open_expert(atlas, "?mode=expert&ind=w_quote&level=gemeinde&year=2023")
    assert page_fills(page) == expected_fills(known["values"], 2023)
    provisional = page.eval_on_selector_all("#expert-map path[data-provisional='true']", "els => els.length")
    assert provisional > 0, "2023 is provisional: dashed outlines"
    # The offers half of the page (its worker and that worker's modules) may still be loading once the expert
    # mode is drawn; only what the slider and play cause is counted, so the page must be whole first.
    page.wait_for_selector("body[data-ready='true']", timeout=30_000)
    requests_made: list[str] = []
    page.on("request", lambda request: requests_made.append(request.url))
    slider = page.locator("#expert-year")
    slider.focus()
    for year in (2022, 2021, 2020):
        page.keyboard.press("ArrowLeft")
        page.wait_for_selector(f"body[data-expert-year='{year}']")
        assert page_fills(page) == expected_fills(known["values"], year)
        assert page.inner_text("#expert-year-value") == str(year)
        assert page.get_attribute("#expert-year", "aria-valuetext") == str(year)
        assert parse_qs(urlsplit(page.url).query)["year"] == [str(year)]
    page.click("#expert-play")
    page.wait_for_selector("body[data-expert-year='2021']", timeout=5_000)
    page.click("#expert-play")  # pause
    assert page.get_attribute("#expert-play", "aria-pressed") == "false"
    # Chromium fetches the page icon again when the address changes; everything else must stay quiet.
    assert not [url for url in requests_made
                if not url.startswith("https://tile.openstreetmap.org/") and not url.endswith("/favicon.svg")], \
        requests_made


def test_permalink_restores_the_view_in_english(atlas, known) -> None:  # noqa: ANN001
    small = known["small"]["key"]
    unit = next(v["unit"] for v in known["values"] if not v["suppressed"] and v["unit"] != small)
    page = open_expert(atlas, f"?mode=expert&ind=w_quote&level=gemeinde&year=2021&unit={unit}&cls=equal&k=4&lang=en")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.input_value("#expert-indicator") == "w_quote"
    assert page.input_value("#expert-level") == "gemeinde"
    assert page.input_value("#expert-method") == "equal" and page.input_value("#expert-classes") == "4"
    assert page.get_attribute("#expert-year", "aria-valuetext") == "2021"
    assert page_fills(page) == expected_fills(known["values"], 2021, "equal", 4)
    assert page.get_attribute(".mode-button[data-mode='expert']", "aria-pressed") == "true"
    legend = page.inner_text("#expert-legend-list")
    assert "withheld (statistical confidentiality)" in legend and re.search(r"\d+\.\d%", legend), legend
    # The selected unit's time series beside the county's (chart and its table).
    heading = page.inner_text("#expert-unit-heading")
    name = next(v["name"] for v in known["values"] if v["unit"] == unit)
    assert heading == f"{name}: Child poverty rate"
    assert page.locator("#expert-chart").is_visible()
    assert page.eval_on_selector_all("#expert-series thead th", "els => els.map(e => e.textContent)") == \
        ["Year", name, "County"]
    county = requests.get(f"{atlas.url}/api/v1/indicators/w_quote/values?level=landkreis", timeout=30).json()
    first = next(v for v in county["values"] if v["year"] == YEARS[0])
    assert page.inner_text(f"#expert-series tr[data-year='{YEARS[0]}'] td:last-child") == f"{first['value']:.1f}%"

    # The table of the map sorts by value with the keyboard (no numbers last either way).
    page.focus("#expert-table th[data-column='value'] button")
    page.keyboard.press("Enter")
    values = [v["value"] for v in sorted((v for v in known["values"] if v["year"] == 2021 and not v["suppressed"]),
                                         key=lambda v: v["value"])]
    shown = page.eval_on_selector_all("#expert-table tbody td", "els => els.map(e => e.textContent)")
    assert shown[:len(values)] == [f"{v:.1f}%" for v in values]
    assert page.get_attribute("#expert-table th[data-column='value']", "aria-sort") == "ascending"

    # Back to the offers: the map of services and its URL; the switch returns to the same view.
    page.click(".mode-button[data-mode='offers']")
    assert page.locator("#offers-mode").is_visible() and "mode=" not in page.url
    page.click(".mode-button[data-mode='expert']")
    query = parse_qs(urlsplit(page.url).query)
    assert query["ind"] == ["w_quote"] and query["unit"] == [unit] and query["year"] == ["2021"]
    assert query["lang"] == ["en"]


def test_ortsteile_level(atlas, known) -> None:  # noqa: ANN001
    answer = requests.get(f"{atlas.url}/api/v1/indicators/w_quote/values?level=ortsteil", timeout=30).json()
    assert answer["values"], "the test publishes Melle's Ortsteile"
    page = open_expert(atlas, "?mode=expert&ind=w_quote&level=gemeinde&year=2020")
    assert page.eval_on_selector_all("#expert-level option", "els => els.map(e => e.value)") == LEVELS[1:] + LEVELS[:1]
    page.select_option("#expert-level", "ortsteil")
    page.wait_for_function("() => new URLSearchParams(location.search).get('level') === 'ortsteil'")
    page.wait_for_selector("#expert-map path[data-unit$='-01']")
    assert page_fills(page) == expected_fills(answer["values"], 2020)
