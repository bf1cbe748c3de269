"""What the offers map's filters for parents read: opening hours in OpenStreetMap syntax (checked when
staff enter them), the service area of an offer, and the facet rows (ages, languages, wheelchair, hours).
"""

from __future__ import annotations

import re

from opening_hours import OpeningHours
from shapely.geometry import shape

from sync_server.demo import geodata
from sync_server.domain.layers import FORMATS, INSTITUTIONS
from sync_server.domain.offers import wheelchair_accessible
from tests.support import COUNTY, MELLE, Api, insert


def _inside_melle(api: Api) -> tuple[float, float]:
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    return p.x, p.y


def _rows(api: Api, path: str) -> dict[str, dict]:
    doc = api.get(path).get_json()
    return {row[0]: dict(zip(doc["fields"], row, strict=True)) for row in doc["offers"]}


def test_opening_hours_not_in_osm_syntax_are_refused_with_a_clear_422(api: Api) -> None:
    x, y = _inside_melle(api)
    before = api.pull_all("institutions", "admin")
    bad = insert(None, x, y, opening_hours="Mo-Fr 8-16 Uhr", service_area="Melle und Umgebung")
    for language, words in (("de", "OpenStreetMap-Format"), ("en", "OpenStreetMap syntax")):
        body = {"idempotency_key": f"oh-{language}", "schema_version": INSTITUTIONS.schema_version, "changes": [bad]}
        r = api.post("/api/v1/sync/institutions/push", body, "melle.editor", headers={"Accept-Language": language})
        assert r.status_code == 422, r.get_json()
        errors = {e["field"]: e for e in r.get_json()["results"][0]["errors"]}
        assert errors["opening_hours"]["code"] == "bad_opening_hours"
        assert words in errors["opening_hours"]["message"] and "Mo-Fr 8-16 Uhr" in errors["opening_hours"]["message"]
        assert errors["service_area"]["code"] == "bad_municipality_keys"
    assert api.pull_all("institutions", "admin") == before


def test_the_declared_opening_hours_subset_is_openstreetmap_syntax() -> None:
    """Every value the declared pattern accepts here, and every demo value, is read by an OpenStreetMap
    opening_hours parser; values people type in other ways are refused by the pattern."""
    pattern = FORMATS["opening_hours"].regex
    accepted = ["Mo-Fr 08:00-16:00", "Mo-Th 08:30-16:00; Fr 08:30-12:30", "24/7", "Mo-Fr 08:00-16:00; PH off",
                "Tu,Th 09:00-12:00,14:00-17:00", "Mo-Fr 08:00-16:00, Sa 09:00-12:00", "Sa,Su off",
                "10:00-18:00", "Mo-Fr 22:00-06:00"]
    seeds = geodata.build_institutions(geodata.build_territories())
    accepted += sorted({seed.opening_hours for seed in seeds})
    for value in accepted:
        assert pattern.match(value), value
        OpeningHours(value)  # raises on a syntax error
    for value in ("Mo-Fr 8-16 Uhr", "Mo-Do 08:00-17:00", "nach Vereinbarung", "Mo-Fr 08:00-25:00", "Mo-Fr"
                  " 08:00", "mo-fr 08:00-16:00"):
        assert not pattern.match(value), value


def test_a_service_area_is_stored_published_and_public(api: Api) -> None:
    x, y = _inside_melle(api)
    served = "034590014014, 034590019019"
    new = insert(None, x, y, name="Kreisweite Testberatung", service_area=served, opening_hours="Mo-Fr 08:00-16:00",
                 age_min=0, age_max=17, languages="Deutsch, Arabisch", accessibility="rollstuhlgerecht, Aufzug")
    answer = api.push("institutions", [new], "melle.editor")
    assert answer.status_code == 200, answer.get_json()
    assert new["id"] not in _rows(api, "/api/v1/public/offers")  # pending: not public yet
    assert api.post("/api/v1/review/approve", {"push_id": answer.get_json()["push_id"]}, "admin").status_code == 200

    assert api.pull_all("institutions", "melle.editor")[new["id"]]["properties"]["service_area"] == served
    assert api.public()[new["id"]]["properties"]["service_area"] == served
    assert _rows(api, "/api/v1/public/offers")[new["id"]]["service_area"] == served
    facets = _rows(api, "/api/v1/public/offers/facets")[new["id"]]
    assert facets == {"id": new["id"], "age_min": 0, "age_max": 17, "languages": "Deutsch, Arabisch",
                      "wheelchair": True, "opening_hours": "Mo-Fr 08:00-16:00"}
    ogc = api.get("/ogcapi/collections/institutions/items?service_area=" + served.replace(" ", "%20")).get_json()
    assert [f["id"] for f in ogc["features"]] == [new["id"]]


def test_demo_county_wide_offers_and_facets(api: Api) -> None:
    markers = _rows(api, "/api/v1/public/offers")
    county_wide = [m for m in markers.values() if m["service_area"] == COUNTY]
    assert county_wide and all(m["subcategory"] == "pflegestuetzpunkt" for m in county_wide)
    facets = _rows(api, "/api/v1/public/offers/facets")
    assert set(facets) <= set(markers)
    assert any(f["wheelchair"] for f in facets.values()) and not all(f["wheelchair"] for f in facets.values())
    assert any(re.search(r"\bArabisch\b", f["languages"]) for f in facets.values())


def test_wheelchair_is_read_from_the_accessibility_text() -> None:
    assert wheelchair_accessible("rollstuhlgerecht, Aufzug")
    assert wheelchair_accessible("Barrierefrei")
    assert not wheelchair_accessible("teilweise rollstuhlgerecht")
    assert not wheelchair_accessible("nicht rollstuhlgerecht")
    assert not wheelchair_accessible("stufenloser Zugang")
    assert not wheelchair_accessible(None)
