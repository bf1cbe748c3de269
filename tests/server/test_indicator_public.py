"""The public read API of indicator values, on both databases: published values only, aggregated up
the unit tree and cut by the confidentiality rule; staff see the true values marked as confidential.
"""

from __future__ import annotations

from typing import Any

from sync_server.domain.indicators.values import value_id
from tests.support import BRAMSCHE, COUNTY, MELLE, Api

LAYER = "indicator_values"
THEME = {"key": "testthema", "name_de": "Testthema", "name_en": "Test theme"}
KIDS = {"key": "t_kinder", "name_de": "Kinder", "name_en": "Children", "theme": "testthema", "unit": "count",
        "kind": "count", "levels": ["landkreis", "gemeinde", "ortsteil"], "maintained_by": "municipalities"}
PEOPLE = {**KIDS, "key": "t_einwohner", "name_de": "Einwohner", "name_en": "Population"}
SHARE = {"key": "t_anteil", "name_de": "Anteil Kinder", "name_en": "Share of children", "theme": "testthema",
         "unit": "percent", "kind": "share", "numerator": "t_kinder", "denominator": "t_einwohner", "decimals": 1,
         "levels": ["gemeinde", "ortsteil"], "maintained_by": "municipalities", "min_denominator": 50}


def ortsteile(api: Api, owner: str) -> list[str]:
    units = api.pull_all("spatial_units", "admin")
    return sorted(u["properties"]["key"] for u in units.values()
                  if u["owner"] == owner and u["properties"]["level"] == "ortsteil" and not u["deleted"])


def change(indicator: str, unit: str, year: int, value: float, **more: Any) -> dict[str, Any]:
    return {"op": "insert", "id": value_id(indicator, unit, year),
            "properties": {"indicator": indicator, "unit": unit, "year": year, "value": value, **more}}


def setup_values(api: Api) -> tuple[list[str], list[str]]:
    """Melle's Ortsteile all have counts (one of them small) for 2020 and 2021, with population and
    shares; Bramsche's lack one Ortsteil. Everything is published, except one pending correction."""
    assert api.post("/api/v1/indicator-themes", THEME, "admin").status_code == 201
    for doc in (KIDS, PEOPLE, SHARE):
        assert api.post("/api/v1/indicators", doc, "admin").status_code == 201
    melle, bramsche = ortsteile(api, MELLE), ortsteile(api, BRAMSCHE)
    changes = []
    for year in (2020, 2021):
        for i, unit in enumerate(melle):
            kids = 2 if i == 0 else 40 + i
            people = 400 + 10 * i
            changes += [change("t_kinder", unit, year, kids), change("t_einwohner", unit, year, people),
                        change("t_anteil", unit, year, round(kids / people * 100, 1), numerator=kids,
                               denominator=people, provisional=year == 2021)]
        changes += [change("t_kinder", unit, year, 30) for unit in bramsche[1:]]
    r = api.push(LAYER, changes, "admin")
    assert r.status_code == 200, r.get_json()
    assert api.post("/api/v1/review/approve", {"push_id": r.get_json()["push_id"]}, "admin").status_code == 200
    pending = change("t_kinder", melle[1], 2021, 99)
    pending = {**pending, "op": "update", "base_revision": api.pull_all(LAYER, "admin")[pending["id"]]["revision"]}
    assert api.push(LAYER, [pending], "melle.editor").status_code == 200
    return melle, bramsche


def by_unit(doc: dict[str, Any]) -> dict[tuple[str, int], dict[str, Any]]:
    return {(v["unit"], v["year"]): v for v in doc["values"]}


def test_public_values_are_published_aggregated_and_protected(api: Api) -> None:
    melle, bramsche = setup_values(api)
    doc = api.get("/api/v1/indicators/t_kinder/values?level=ortsteil").get_json()
    assert doc["indicator"] == "t_kinder" and doc["years"] == [2020, 2021] and doc["version"] > 0
    values = by_unit(doc)
    assert {u for u, _y in values} == set(melle) | set(bramsche[1:])
    # The small count is hidden, and so is at least one more Ortsteil (Melle's total is published).
    for year in (2020, 2021):
        hidden = [u for u in melle if values[(u, year)]["suppressed"]]
        assert melle[0] in hidden and len(hidden) >= 2
        for unit in hidden:
            assert values[(unit, year)]["value"] is None and values[(unit, year)]["numerator"] is None
    # The pending correction is not public; the published value is.
    assert values[(melle[1], 2021)]["value"] in (41, None)
    assert 99 not in {v["value"] for v in doc["values"]}

    towns = by_unit(api.get("/api/v1/indicators/t_kinder/values?level=gemeinde&year=2020").get_json())
    assert set(towns) >= {(MELLE, 2020), (BRAMSCHE, 2020)}
    total = towns[(MELLE, 2020)]
    assert total["computed"] and not total["incomplete"]
    assert total["value"] == 2 + sum(40 + i for i in range(1, len(melle)))
    # Bramsche misses an Ortsteil: its total is incomplete, never a partial sum.
    assert towns[(BRAMSCHE, 2020)]["incomplete"] and towns[(BRAMSCHE, 2020)]["value"] is None
    assert bramsche[0] in towns[(BRAMSCHE, 2020)]["missing"]

    # A hidden share carries neither its numerator nor its denominator; flags are shown.
    shares = by_unit(api.get("/api/v1/indicators/t_anteil/values?level=ortsteil&year=2021").get_json())
    small = shares[(melle[0], 2021)]
    assert small["suppressed"] and small["numerator"] is None and small["denominator"] is None
    assert all(v["provisional"] for v in shares.values())

    # By unit: all indicators and years of one Ortsteil in one answer.
    unit = api.get(f"/api/v1/units/{melle[-1]}/values").get_json()
    assert unit["level"] == "ortsteil"
    assert {(v["indicator"], v["year"]) for v in unit["values"] if v["indicator"].startswith("t_")} == {
        (k, y) for k in ("t_kinder", "t_einwohner", "t_anteil") for y in (2020, 2021)}
    # The derived provision indicators (offers per unit) are there too, computed.
    assert any(v["indicator"].startswith("angebote_") and v["computed"] for v in unit["values"])


def test_staff_see_true_values_marked_confidential(api: Api) -> None:
    melle, _bramsche = setup_values(api)
    r = api.get("/api/v1/indicators/t_kinder/values?level=ortsteil&year=2021&view=staff", "melle.editor")
    assert r.status_code == 200, r.get_json()
    values = by_unit(r.get_json())
    small = values[(melle[0], 2021)]
    assert small["value"] == 2 and small["confidential"] and not small["suppressed"]
    assert values[(melle[1], 2021)]["value"] == 99 and values[(melle[1], 2021)]["state"] == "pending"
    # The rule judges the state the caller sees (here with the pending 99): secondary cells may differ.
    assert len([v for v in values.values() if v["confidential"]]) >= 2
    r = api.get("/api/v1/indicators/t_kinder/values?view=staff")
    assert r.status_code == 401 and r.get_json()["code"] == "missing_token"
    r = api.get(f"/api/v1/units/{melle[0]}/values?view=staff", "melle.reader")
    assert r.status_code == 200 and all("confidential" in v for v in r.get_json()["values"])


def test_bad_requests_are_problem_documents(api: Api) -> None:
    cases = [("/api/v1/indicators/gibtsnicht/values", 404, "indicator_not_found"),
             ("/api/v1/units/0345999/values", 404, "unit_not_found"),
             ("/api/v1/indicators/bev_gesamt/values?level=stadtbezirk", 422, "invalid_query"),
             ("/api/v1/indicators/bev_gesamt/values?year=1800", 422, "invalid_query"),
             ("/api/v1/indicators/bev_gesamt/values?year=abc", 422, "invalid_query"),
             ("/api/v1/indicators/bev_gesamt/values?view=all", 422, "invalid_query")]
    for path, status, code in cases:
        r = api.get(path, headers={"Accept-Language": "en"})
        assert r.status_code == status and r.mimetype == "application/problem+json", (path, r.get_json())
        assert r.get_json()["code"] == code and r.get_json()["detail"], path
    doc = api.get(f"/api/v1/units/{COUNTY}/values").get_json()
    assert doc["level"] == "landkreis" and isinstance(doc["values"], list)
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    params = {p["name"] for p in paths["/api/v1/indicators/{key}/values"]["get"]["parameters"]}
    assert params == {"key", "level", "year", "view"}
    assert "/api/v1/units/{key}/values" in paths
