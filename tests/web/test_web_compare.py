"""The expert mode's comparison of units, its ranking chart and the browser history of its views, in a
real headless Chromium against the real server, with the known indicator of the expert mode's tests
(w_quote per municipality 2020-2023, one municipality withheld). Figures are compared with the
public API's answers; the withheld value must be nowhere, not even in the charts' data."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .test_web_expert import YEARS, _publish, expected_fills, open_expert, page_fills

pytestmark = pytest.mark.timeout(180)

SUPPRESSED = "nicht ausgewiesen (Geheimhaltung)"


@pytest.fixture
def known(live_server) -> dict[str, Any]:  # noqa: ANN001
    facts = _publish(live_server.url)
    for name, level in (("values", "gemeinde"), ("county", "landkreis")):
        answer = requests.get(f"{live_server.url}/api/v1/indicators/w_quote/values?level={level}", timeout=30)
        facts[name] = answer.json()["values"]
    return facts


def _de(entry: dict[str, Any] | None) -> str:
    if entry is None or (entry["value"] is None and not entry["suppressed"]):
        return "kein Wert"
    if entry["suppressed"]:
        return SUPPRESSED
    text = f"{entry['value']:.1f}".replace(".", ",") + " %"
    return f"{text} (vorläufig)" if entry["provisional"] else text


def _query(page) -> dict[str, list[str]]:  # noqa: ANN001
    return parse_qs(urlsplit(page.url).query)


def _chart(page, canvas: str) -> dict[str, Any]:  # noqa: ANN001
    return page.evaluate("id => { const c = Chart.getChart(document.getElementById(id));"
                         " return {labels: c.data.labels, datasets: c.data.datasets.map("
                         "d => ({label: d.label, data: d.data}))}; }", canvas)


def test_compare_up_to_five_units_and_the_ranking(atlas, known) -> None:  # noqa: ANN001
    values = known["values"]
    small = known["small"]
    by = {(v["unit"], v["year"]): v for v in values}
    names = {v["unit"]: v["name"] for v in values}
    hidden = {v["unit"] for v in values if v["suppressed"]}  # the small one and whatever would give it away
    assert small["key"] in hidden
    others = sorted(k for k in names if k not in hidden)
    page = open_expert(atlas, "?mode=expert&ind=w_quote&level=gemeinde&year=2022")

    # The ranking: every unit with a number, highest first, in the map's classes; the withheld one is named.
    shown = [v for v in values if v["year"] == 2022 and v["value"] is not None]
    order = [v["unit"] for v in sorted(shown, key=lambda v: -v["value"])]
    assert page.get_attribute("#expert-ranking-chart", "data-order").split(",") == order
    ranking = _chart(page, "expert-ranking-chart")
    assert ranking["datasets"][0]["data"] == [by[(k, 2022)]["value"] for k in order]
    assert small["name"] not in ranking["labels"]
    withheld = ", ".join(sorted((names[k] for k in hidden if by[(k, 2022)]["suppressed"]), key=str.lower))
    assert f"Nicht ausgewiesen (Geheimhaltung): {withheld}." in page.inner_text("#expert-ranking-note")
    assert page.inner_text("#expert-ranking-heading") == "Rangfolge 2022"

    # Compare: the selected unit by its button, then the withheld one and three more by the picker (keyboard).
    page.click(f"#expert-table tr[data-unit='{others[0]}'] button")
    page.click("#expert-compare-toggle")
    page.wait_for_function("() => new URLSearchParams(location.search).get('cmp') !== null")
    assert _query(page)["cmp"] == [others[0]]
    assert page.inner_text("#expert-compare-toggle") == f"{names[others[0]]} aus dem Vergleich entfernen"
    for key in (small["key"], *others[1:4]):
        page.select_option("#expert-compare-unit", key)
        page.focus("#expert-compare-add")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#expert-compare-list li[data-unit='{key}']")
    compared = [others[0], small["key"], *others[1:4]]
    assert _query(page)["cmp"] == [",".join(compared)]
    assert page.is_disabled("#expert-compare-add") and page.is_disabled("#expert-compare-unit")
    assert "mehr gehen nicht" in page.inner_text("#expert-compare-hint")

    # The table: each unit's values of every year as the API's, the withheld unit's never a number.
    for key in compared:
        cells = page.eval_on_selector_all(f"#expert-compare-table tr[data-unit='{key}'] td",
                                          "els => els.map(e => e.textContent)")
        assert cells == [_de(by.get((key, y))) for y in YEARS]
    county = {v["year"]: v for v in known["county"]}
    assert page.eval_on_selector_all("#expert-compare-table tr[data-unit='county'] td",
                                     "els => els.map(e => e.textContent)") == [_de(county[y]) for y in YEARS]
    # The chart: the API's numbers, gaps (null) for the withheld unit.
    chart = _chart(page, "expert-compare-chart")
    series = {d["label"]: d["data"] for d in chart["datasets"]}
    assert series[names[others[0]]] == [by[(others[0], y)]["value"] for y in YEARS]
    assert series[small["name"]] == [None] * len(YEARS)
    assert series["Landkreis"] == [county[y]["value"] for y in YEARS]
    # Sort by a year's value (keyboard), numbers first, the withheld unit last.
    page.focus("#expert-compare-table th[data-column='2021'] button")
    page.keyboard.press("Enter")
    rows = page.eval_on_selector_all("#expert-compare-table tbody tr", "els => els.map(e => e.dataset.unit)")
    numbers = [k for k in [*compared, "county"] if k != small["key"]]
    value = {k: (county[2021]["value"] if k == "county" else by[(k, 2021)]["value"]) for k in numbers}
    assert rows == sorted(numbers, key=lambda k: value[k]) + [small["key"]]
    text = page.evaluate("() => document.body.innerText + ' ' + document.body.innerHTML")
    assert f"{known['small_share']:.1f}".replace(".", ",") + " %" not in text
    atlas.screenshot("web-expert-compare.png")

    # The year moves the ranking without a request.
    requests_made: list[str] = []
    page.on("request", lambda request: requests_made.append(request.url))
    page.focus("#expert-year")
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("body[data-expert-year='2021']")
    order = [v["unit"] for v in sorted((v for v in values if v["year"] == 2021 and v["value"] is not None),
                                       key=lambda v: -v["value"])]
    assert page.get_attribute("#expert-ranking-chart", "data-order").split(",") == order
    assert not [u for u in requests_made if "/api/" in u]

    # Removing a unit; Back brings it back (the comparison is part of the view's history).
    page.click(f"#expert-compare-list li[data-unit='{small['key']}'] button")
    page.wait_for_function("key => !new URLSearchParams(location.search).get('cmp').includes(key)", arg=small["key"])
    page.go_back()
    page.wait_for_selector(f"#expert-compare-list li[data-unit='{small['key']}']")
    assert _query(page)["cmp"] == [",".join(compared)]


def test_back_and_forward_restore_each_view(atlas, known) -> None:  # noqa: ANN001
    values = known["values"]
    unit = next(v["unit"] for v in values if not v["suppressed"])
    page = open_expert(atlas, "?mode=expert&ind=w_quote&level=gemeinde&year=2023")
    page.focus("#expert-year")
    page.keyboard.press("ArrowLeft")                                     # 2: year 2022
    page.wait_for_selector("body[data-expert-year='2022']")
    page.click(f"#expert-table tr[data-unit='{unit}'] button")           # 3: a unit
    page.wait_for_selector("#expert-unit:not([hidden])")
    page.select_option("#expert-indicator", "w_kinder")                  # 4: another indicator
    page.wait_for_function("() => new URLSearchParams(location.search).get('ind') === 'w_kinder'")
    page.select_option("#expert-level", "ortsteil")                      # 5: another level
    page.wait_for_function("() => new URLSearchParams(location.search).get('level') === 'ortsteil'")
    page.click(".mode-button[data-mode='offers']")                       # 6: the offers map
    page.wait_for_selector("#offers-mode:not([hidden])")

    page.go_back()
    page.wait_for_selector("#expert-mode:not([hidden])")
    assert page.input_value("#expert-level") == "ortsteil" and page.input_value("#expert-indicator") == "w_kinder"
    page.go_back()
    page.wait_for_function("() => document.getElementById('expert-level').value === 'gemeinde'")
    assert page.input_value("#expert-indicator") == "w_kinder"
    assert page.inner_text("#expert-unit-heading").startswith(next(v["name"] for v in values if v["unit"] == unit))
    page.go_back()
    page.wait_for_function("() => document.getElementById('expert-indicator').value === 'w_quote'")
    page.wait_for_selector("#expert-unit:not([hidden])")
    assert _query(page)["unit"] == [unit] and _query(page)["year"] == ["2022"]
    page.go_back()
    page.wait_for_selector("#expert-unit", state="hidden")
    assert "unit" not in _query(page)
    assert page_fills(page) == expected_fills(values, 2022)
    page.go_back()
    page.wait_for_selector("body[data-expert-year='2023']")
    assert page_fills(page) == expected_fills(values, 2023)
    assert page.get_attribute("#expert-year", "aria-valuetext") == "2023"
    page.go_forward()
    page.wait_for_selector("body[data-expert-year='2022']")
    assert page_fills(page) == expected_fills(values, 2022) and _query(page)["year"] == ["2022"]
