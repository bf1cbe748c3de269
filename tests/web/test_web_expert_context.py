"""The expert mode's context of a unit, in a real headless Chromium against the real server: a clicked
unit's series beside its parent's and the county's (a withheld value of the parent never drawn as a
number), the break in a series marked on every chart, and the map's position in the permalink, which
Back restores."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sync_server.domain.indicators.values import value_id
from tests.support import COUNTY

from .test_web_expert import open_expert
from .web_support import login, publish_values

pytestmark = pytest.mark.timeout(180)

SUPPRESSED = "nicht ausgewiesen (Geheimhaltung)"
THEME = {"key": "webparent", "name_de": "Webeltern", "name_en": "Web parents"}
PLACES = {"key": "w_plaetze", "name_de": "Plätze", "name_en": "Places", "theme": "webparent", "unit": "count",
          "kind": "count", "levels": ["gemeinde", "mitgliedsgemeinde"], "maintained_by": "county"}
YEARS = (2020, 2021, 2022)
PARENT = {2020: 2, 2021: 600, 2022: 610}  # the Samtgemeinde's own figures; 2 is below the minimum of 3
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
BREAK_YEAR = 2017  # the demo's care statistics (pflegequote): county only, every other year, a break in 2017


def _chart(page, canvas: str) -> dict[str, Any]:  # noqa: ANN001
    return page.evaluate("id => { const c = Chart.getChart(document.getElementById(id));"
                         " return {labels: c.data.labels, datasets: c.data.datasets.map("
                         "d => ({label: d.label, data: d.data}))}; }", canvas)


@pytest.fixture
def samtgemeinde(live_server) -> dict[str, Any]:  # noqa: ANN001
    """w_plaetze for the members of one Samtgemeinde (2020-2022) and the Samtgemeinde's own figures,
    2020 withheld; published. Returns the Samtgemeinde's key and name and its members' values."""
    base = live_server.url
    admin = login(base, "admin")
    for path, doc in (("indicator-themes", THEME), ("indicators", PLACES)):
        answer = requests.post(f"{base}/api/v1/{path}", json=doc, headers=admin, timeout=30)
        assert answer.status_code == 201, answer.text
    units = requests.get(f"{base}/api/v1/units?level=mitgliedsgemeinde", timeout=30).json()["features"]
    parent = min(f["properties"]["parent"] for f in units)
    members = sorted(f["id"] for f in units if f["properties"]["parent"] == parent)
    changes = [_change(parent, year, value) for year, value in PARENT.items()]
    changes += [_change(member, year, 50 + 10 * i + year % 10) for i, member in enumerate(members) for year in YEARS]
    publish_values(base, admin, changes)
    towns = requests.get(f"{base}/api/v1/indicators/w_plaetze/values?level=gemeinde", timeout=30).json()["values"]
    own = {v["year"]: v for v in towns if v["unit"] == parent}
    assert own[2020]["suppressed"] and own[2020]["value"] is None and not own[2021]["suppressed"]
    values = requests.get(f"{base}/api/v1/indicators/w_plaetze/values?level=mitgliedsgemeinde",
                          timeout=30).json()["values"]
    return {"key": parent, "name": own[2021]["name"], "own": own,
            "members": [v for v in values if v["unit"] in members]}


def _change(unit: str, year: int, value: float) -> dict[str, Any]:
    return {"op": "insert", "id": value_id("w_plaetze", unit, year),
            "properties": {"indicator": "w_plaetze", "unit": unit, "year": year, "value": value}}


def test_a_unit_beside_its_parent_and_the_parents_withheld_value(atlas, samtgemeinde) -> None:  # noqa: ANN001
    # A member with a number of its own in every year (the rule may withhold a sibling as well).
    by_unit: dict[str, dict[int, dict[str, Any]]] = {}
    for v in samtgemeinde["members"]:
        by_unit.setdefault(v["unit"], {})[v["year"]] = v
    member, years = next((u, ys) for u, ys in sorted(by_unit.items())
                         if all(not ys[y]["suppressed"] for y in YEARS))
    page = open_expert(atlas, f"?mode=expert&ind=w_plaetze&level=mitgliedsgemeinde&unit={member}")
    parent = samtgemeinde["key"]
    page.wait_for_selector(f"#expert-series th[data-unit='{parent}']")
    heads = page.eval_on_selector_all("#expert-series thead th", "els => els.map(e => e.textContent)")
    assert heads[:3] == ["Jahr", years[2020]["name"], samtgemeinde["name"]]
    own = samtgemeinde["own"]
    for year in YEARS:
        row = f"#expert-series tr[data-year='{year}']"
        assert page.inner_text(f"{row} td:nth-child(2)") == str(int(years[year]["value"]))
        expected = SUPPRESSED if own[year]["suppressed"] else str(int(own[year]["value"]))
        assert page.inner_text(f"{row} td[data-unit='{parent}']") == expected
    # In the chart the withheld year of the parent is a gap, never its number.
    chart = _chart(page, "expert-chart")
    lines = {d["label"]: d["data"] for d in chart["datasets"]}
    assert lines[samtgemeinde["name"]] == [None, PARENT[2021], PARENT[2022]]
    assert lines[years[2020]["name"]] == [years[y]["value"] for y in YEARS]
    assert str(PARENT[2020]) not in [str(x) for d in chart["datasets"] for x in d["data"]]


def _break_pixels(page, canvas: str, label: str) -> int:  # noqa: ANN001
    """How many pixels of the chart's plot area, in the column of ``label``, have the colour of the
    break mark (#6d4c41, allowing for anti-aliasing)."""
    return page.evaluate("""([id, label]) => {
      const chart = Chart.getChart(document.getElementById(id));
      const ratio = chart.currentDevicePixelRatio;
      const x = Math.round(chart.scales.x.getPixelForValue(chart.data.labels.indexOf(label)) * ratio);
      const top = Math.round(chart.chartArea.top * ratio);
      const height = Math.round((chart.chartArea.bottom - chart.chartArea.top) * ratio);
      const pixels = chart.ctx.getImageData(x - 1, top, 3, height).data;
      let count = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        if (Math.abs(pixels[i] - 109) < 30 && Math.abs(pixels[i + 1] - 76) < 30 && Math.abs(pixels[i + 2] - 65) < 30
            && pixels[i + 3] > 100) count += 1;
      }
      return count;
    }""", [canvas, label])


def test_the_break_in_a_series_is_marked_on_every_chart(atlas) -> None:  # noqa: ANN001
    answer = requests.get(f"{atlas.url}/api/v1/indicators/pflegequote/values?level=landkreis", timeout=30).json()
    breaks = [v["year"] for v in answer["values"] if v["series_break"]]
    assert breaks == [BREAK_YEAR], "the demo's care rate breaks in 2017"
    other = str(max(answer["years"]))
    page = open_expert(atlas, f"?mode=expert&ind=pflegequote&level=landkreis&unit={COUNTY}&cmp={COUNTY}")
    page.wait_for_selector("#expert-unit:not([hidden])")
    page.wait_for_selector("#expert-compare-chart-box:not([hidden])")
    for canvas in ("expert-chart", "expert-compare-chart"):
        assert str(BREAK_YEAR) in _chart(page, canvas)["labels"]
        # A dashed line down the plot at the break, none at a year without one.
        assert _break_pixels(page, canvas, str(BREAK_YEAR)) > 20, canvas
        assert _break_pixels(page, canvas, other) == 0, canvas
    # The charts' text alternatives say it too.
    assert page.inner_text(f"#expert-series tr[data-year='{BREAK_YEAR}'] th") == f"{BREAK_YEAR} (Reihenbruch)"
    about = page.inner_text("#expert-about-list")
    assert "Reihenbruch" in about
    # The description's last update: the day of the latest publication, in German.
    day = date.fromisoformat(answer["last_update"])
    assert f"Letzte Aktualisierung\n{day.day}. {MONTHS[day.month - 1]} {day.year}" in about


def _map(page) -> str:  # noqa: ANN001
    return parse_qs(urlsplit(page.url).query).get("map", [""])[0]


def test_the_map_position_is_in_the_permalink_and_back_restores_it(atlas) -> None:  # noqa: ANN001
    page = open_expert(atlas, "?mode=expert&ind=pflegequote&level=landkreis&year=2023&map=10/52.3/8.1")
    page.wait_for_selector("#expert-map[data-view='10/52.3000/8.1000']")
    assert _map(page) == "10/52.3000/8.1000"  # the link's position, not the units fitted
    entries = page.evaluate("history.length")
    # Zooming is a detail of the view: the address follows, no new history entry.
    page.click("#expert-map .leaflet-control-zoom-in")
    page.wait_for_selector("#expert-map[data-view^='11/']")
    zoomed = page.get_attribute("#expert-map", "data-view")
    page.wait_for_function("text => new URLSearchParams(location.search).get('map') === text", arg=zoomed)
    assert page.evaluate("history.length") == entries
    # Another year is another view; there the map moves again.
    page.focus("#expert-year")
    page.keyboard.press("ArrowLeft")
    page.wait_for_selector("body[data-expert-year='2021']")
    assert page.evaluate("history.length") == entries + 1 and _map(page) == zoomed
    page.click("#expert-map .leaflet-control-zoom-out")
    page.wait_for_selector("#expert-map[data-view^='10/']")
    page.click("#expert-map .leaflet-control-zoom-out")
    page.wait_for_selector("#expert-map[data-view^='9/']")
    moved = page.get_attribute("#expert-map", "data-view")
    page.wait_for_function("text => new URLSearchParams(location.search).get('map') === text", arg=moved)
    # Back: the year and the map as they were; Forward: the moved map again.
    page.go_back()
    page.wait_for_selector("body[data-expert-year='2023']")
    page.wait_for_selector(f"#expert-map[data-view='{zoomed}']")
    page.go_forward()
    page.wait_for_selector("body[data-expert-year='2021']")
    page.wait_for_selector(f"#expert-map[data-view='{moved}']")
    assert _map(page) == moved
