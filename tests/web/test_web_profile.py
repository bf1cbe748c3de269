"""Profiles of spatial units ("Steckbriefe") in a real headless Chromium against the real server.

The known indicators of the expert mode's tests are published (w_quote = w_kinder / w_einwohner per
municipality and Ortsteil of Melle, 2020-2023, one municipality withheld, 2023 provisional); every
figure the profile shows is compared with the public API's answer for the unit, its parent and the
county, and the withheld value must be nowhere in the page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .test_web_expert import SMALL, YEARS, _publish

pytestmark = pytest.mark.timeout(180)

SUPPRESSED = "nicht ausgewiesen (Geheimhaltung)"


def _api(base: str, unit: str) -> dict[str, dict[int, dict[str, Any]]]:
    """indicator -> year -> entry of /api/v1/units/<unit>/values."""
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for entry in requests.get(f"{base}/api/v1/units/{unit}/values", timeout=30).json()["values"]:
        out.setdefault(entry["indicator"], {})[entry["year"]] = entry
    return out


def _de(value: float, decimals: int, suffix: str = "") -> str:
    text = f"{value:,.{decimals}f}".replace(",", "#").replace(".", ",").replace("#", ".")
    return f"{text}{suffix}"


def _shown(entry: dict[str, Any], decimals: int = 1, suffix: str = " %") -> str:
    """What the page must show for an entry of the API (German)."""
    if entry["suppressed"]:
        return SUPPRESSED
    text = _de(entry["value"], decimals, suffix)
    return f"{text} (vorläufig)" if entry["provisional"] else text


def _row(page, indicator: str) -> dict[str, str]:  # noqa: ANN001
    """The cells of an indicator's row by column (indicator, year, value, previous, since, parent, county)."""
    columns = page.eval_on_selector_all(
        f"#profile-themes tr[data-indicator='{indicator}'] >> xpath=ancestor::table//thead//th",
        "els => els.map(e => e.dataset.column)")
    cells = page.eval_on_selector_all(f"#profile-themes tr[data-indicator='{indicator}'] > *",
                                      "els => els.map(e => e.textContent.trim())")
    return dict(zip(columns, cells, strict=True))


def _open_profile(atlas, unit: str, lang: str = "") -> object:  # noqa: ANN001
    page = atlas.open(f"?mode=profile&unit={unit}" + (f"&lang={lang}" if lang else ""))
    page.wait_for_selector("#profile-themes tr[data-indicator='w_quote']", timeout=30_000)
    return page


@pytest.fixture
def known(live_server) -> dict[str, Any]:  # noqa: ANN001
    facts = _publish(live_server.url)
    municipalities = requests.get(f"{live_server.url}/api/v1/municipalities", timeout=30).json()
    by_id = {m["id"]: m for m in municipalities}
    facts["county"] = next(m for m in municipalities if m["parent_id"] is None)
    facts["member"] = next(m for m in sorted(municipalities, key=lambda m: m["key"])
                           if m["parent_id"] and by_id[m["parent_id"]]["parent_id"] and m is not facts["small"])
    facts["samtgemeinde"] = by_id[facts["member"]["parent_id"]]
    return facts


def test_profile_shows_the_api_figures_with_parent_county_and_trends(atlas, known) -> None:  # noqa: ANN001
    # The withheld municipality (in English): its value and every trend from it are withheld, and the
    # number is nowhere in the page.
    small = known["small"]
    page = _open_profile(atlas, small["key"], lang="en")
    row = _row(page, "w_quote")
    assert row["value"] == "withheld (statistical confidentiality)"
    assert row["previous"] == "–" and row["since"] == "–"
    assert page.locator("#profile-themes tr[data-indicator='w_quote'] td.is-suppressed").count() >= 1
    assert page.inner_text("#profile-heading") == f"Profile of {small['name']}"
    secret = f"{known['small_share']:.1f}%"  # English: "0.2%"
    text = page.evaluate("() => document.body.innerText + ' ' + document.body.innerHTML")
    assert secret not in text
    withheld = page.inner_html("#profile-themes section[data-theme='webtest']")
    assert f">{SMALL}<" not in withheld and f">{SMALL} " not in withheld
    counts = _row(page, "w_kinder")
    assert counts["value"] == "withheld (statistical confidentiality)"
    atlas.screenshot("web-profile.png")

    # Another municipality (German): every figure as the API answers it.
    base = atlas.url
    member, samtgemeinde, county = known["member"], known["samtgemeinde"], known["county"]
    page = _open_profile(atlas, member["key"], lang="de")
    assert page.locator("#profile-mode").is_visible() and not page.locator("#expert-mode").is_visible()
    assert page.inner_text("#profile-heading") == f"Steckbrief {member['name']}"
    assert page.title().startswith(f"Steckbrief {member['name']} – ")
    own, parent, whole = _api(base, member["key"]), _api(base, samtgemeinde["key"]), _api(base, county["key"])
    latest = max(YEARS)
    row = _row(page, "w_quote")
    assert row["year"] == str(latest)
    assert row["value"] == _shown(own["w_quote"][latest])
    assert row["parent"] == _shown(parent["w_quote"][latest])
    assert row["county"] == _shown(whole["w_quote"][latest])
    headers = page.eval_on_selector_all("#profile-themes section[data-theme='webtest'] thead th",
                                        "els => els.map(e => e.innerText.trim())")
    assert headers[-2:] == [samtgemeinde["name"], "Landkreis"]
    # Trends: the difference of the published figures, in percentage points, against the year before
    # and against the first year; the arrow follows the sign.
    for column, year in (("previous", latest - 1), ("since", YEARS[0])):
        diff = round(own["w_quote"][latest]["value"] - own["w_quote"][year]["value"], 1)
        sign = "+" if diff > 0 else ""
        arrow = "▲" if diff > 0 else "▼" if diff < 0 else "▶"
        judgement = ", ungünstige Entwicklung" if diff > 0 else ", günstige Entwicklung" if diff < 0 else ""
        assert row[column] == f"{arrow} {sign}{_de(diff, 1)} Pp. ({year}){judgement}", row
    counts = _row(page, "w_kinder")
    assert counts["value"] == _shown(own["w_kinder"][latest], 0, "")
    assert counts["parent"] == _shown(parent["w_kinder"][latest], 0, "")
    assert counts["county"] == _shown(whole["w_kinder"][latest], 0, "")
    # Every theme of the unit's indicators, in the catalogue's order, each with its own table.
    themes = page.eval_on_selector_all("#profile-themes section h3", "els => els.map(e => e.textContent)")
    assert "Webtest" in themes
    # The outline map marks the unit; the offers per theme link to the filtered offers map.
    assert page.locator(f"#profile-map path[data-unit='{member['key']}']").count() == 1
    # The unit's indicator opens the expert map of that indicator with the unit selected.
    page.click("#profile-themes tr[data-indicator='w_quote'] th a")
    page.wait_for_selector("#expert-unit:not([hidden])", timeout=30_000)
    query = parse_qs(urlsplit(page.url).query)
    assert query["mode"] == ["expert"] and query["ind"] == ["w_quote"] and query["unit"] == [member["key"]]
    assert query["level"] == ["mitgliedsgemeinde"]
    # Back: the profile again.
    page.go_back()
    page.wait_for_selector("#profile-mode:not([hidden])")
    assert page.inner_text("#profile-heading") == f"Steckbrief {member['name']}"

    # Printing: the profile alone, without the controls (A4 print stylesheet).
    page.emulate_media(media="print")
    assert not page.locator("#profile-tools, .profile-tools").is_visible()
    assert not page.locator(".mode-switch").is_visible()
    assert page.locator("#profile-themes").is_visible()
    atlas.screenshot("web-profile-print.png")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")


def test_profiles_are_reached_from_both_maps_and_by_the_unit_picker(atlas, make_atlas, known) -> None:  # noqa: ANN001
    member = known["member"]
    # On a phone the profile fits the width (its tables scroll sideways inside their own boxes).
    phone = make_atlas(viewport={"width": 390, "height": 844})
    narrow = _open_profile(phone, member["key"])
    assert narrow.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    phone.screenshot("web-profile-phone.png")

    # From the offers map: choosing a municipality offers its profile.
    page = atlas.open(f"?gem={member['key']}")
    link = page.locator("#municipality-profile")
    assert link.is_visible() and link.inner_text() == f"Steckbrief {member['name']}"
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#profile-themes tr[data-indicator='w_quote']", timeout=30_000)
    assert page.evaluate("document.activeElement.id") == "profile-heading"
    # The unit picker (keyboard) switches to another unit: an Ortsteil of Melle, compared with Melle.
    ortsteil = next(u for u in requests.get(f"{atlas.url}/api/v1/public/spatial_units", timeout=30).json()["features"]
                    if u["properties"]["level"] == "ortsteil" and u["properties"]["key"].endswith("-01")
                    and u["properties"]["parent_key"] == "034590024024")
    page.select_option("#profile-unit", ortsteil["properties"]["key"])
    page.wait_for_function("name => document.getElementById('profile-heading').textContent.includes(name)",
                           arg=ortsteil["properties"]["name"])
    page.wait_for_selector("#profile-themes tr[data-indicator='w_quote']")
    own = _api(atlas.url, ortsteil["properties"]["key"])
    melle = _api(atlas.url, "034590024024")
    row = _row(page, "w_quote")
    assert row["value"] == _shown(own["w_quote"][max(YEARS)])
    assert row["parent"] == _shown(melle["w_quote"][max(YEARS)])
    # Back returns to the previous profile, Back again to the offers map with its municipality.
    page.go_back()
    page.wait_for_function("name => document.getElementById('profile-heading').textContent.endsWith(name)",
                           arg=member["name"])
    page.go_back()
    page.wait_for_selector("#offers-mode:not([hidden])")
    assert parse_qs(urlsplit(page.url).query).get("gem") == [member["key"]]
    # From the expert map: the selected unit's profile.
    page.goto(f"{atlas.url}/?mode=expert&ind=w_quote&level=gemeinde&year=2022&unit=034590024024")
    page.wait_for_selector("body[data-expert-ready='true']", timeout=30_000)
    page.click("#expert-profile-link")
    page.wait_for_selector("#profile-themes tr[data-indicator='w_quote']", timeout=30_000)
    assert page.inner_text("#profile-heading") == "Steckbrief Melle"
    # An unknown unit: a message and the picker, no error.
    page.goto(f"{atlas.url}/?mode=profile&unit=nowhere")
    page.wait_for_selector("#profile-status:not([hidden])", timeout=30_000)
    assert "gibt es im Atlas nicht" in page.inner_text("#profile-status")
