"""OGC API - Features on the public side: the documents, the published state page by page, bbox and
CRS, the publish rule, no staff data, refused parameters, and GDAL's OAPIF driver as a real client.

Every test with ``api`` runs on SQLite and on PostgreSQL/PostGIS (where bbox is filtered in SQL).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from pyproj import Transformer
from shapely.geometry import Point, box, shape

from sync_server.domain.indicators.values import value_id
from sync_server.domain.layers import LAYERS
from tests.server.test_bad_input import assert_problem, db_digest
from tests.server.test_indicator_public import setup_values
from tests.support import BRAMSCHE, MELLE, Api, LiveServer, add_staff_editor, insert, json_keys, staff_texts, update_of

OGC = "/ogcapi"
BASE = "http://localhost" + OGC
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG25832 = "http://www.opengis.net/def/crs/EPSG/0/25832"
TO_UTM = Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
# Indicator values are no collection: the public reads them only through confidentiality.
# Indicator values are no layer collection: the public reads them per spatial level, through confidentiality.
LEVELS = ["landkreis", "gemeinde", "mitgliedsgemeinde", "ortsteil"]
COLLECTIONS = [*(name for name, spec in LAYERS.items() if spec.raw_public), "municipalities",
               *(f"indicators-{level}" for level in LEVELS)]


def get(api: Api, path: str, status: int = 200, media_type: str = "application/geo+json", **kw: Any) -> Any:
    """GET an OGC path (or an absolute link the API gave) and return its JSON, checking status and type."""
    r = api.get(path.removeprefix("http://localhost"), **kw)
    assert r.status_code == status, (path, r.status_code, r.get_data(as_text=True)[:1500])
    assert r.mimetype == media_type, (path, r.mimetype)
    return r.get_json()


def walk(api: Api, path: str) -> tuple[list[dict], list[dict]]:
    """Follow the ``next`` links from ``path``; return every feature and every page."""
    features: list[dict] = []
    pages: list[dict] = []
    url: str | None = path
    while url is not None:
        page = get(api, url)
        pages.append(page)
        features.extend(page["features"])
        nexts = [link for link in page["links"] if link["rel"] == "next"]
        assert len(nexts) <= 1
        assert all(link["type"] == "application/geo+json" for link in nexts)
        url = nexts[0]["href"] if nexts else None
        assert len(pages) < 1000
    return features, pages


def link(doc: dict, rel: str) -> dict:
    found = [entry for entry in doc["links"] if entry["rel"] == rel]
    assert len(found) == 1, (rel, doc["links"])
    return found[0]


def inside(api: Api, key: str) -> Point:
    return shape(api.municipality(key)["territory"]).representative_point()


def published_of(api: Api, owner: str) -> list[dict]:
    return [f for f in sorted(api.pull_all("institutions", "admin").values(), key=lambda f: f["id"])
            if f["owner"] == owner and f["review"]["state"] == "published"]


def pushed(api: Api, changes: list[dict], user: str = "melle.editor") -> dict:
    r = api.push("institutions", changes, user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def approve(api: Api, push_id: str) -> None:
    r = api.post("/api/v1/review/approve", {"push_id": push_id}, "admin")
    assert r.status_code == 200, r.get_json()


def municipality_features(api: Api) -> dict[str, dict]:
    """The municipalities as the admin API lists them, in the OGC API's form (territory in EPSG:25832)."""
    rows = api.get("/api/v1/municipalities").get_json()
    key_of = {m["id"]: m["key"] for m in rows}
    return {m["key"]: {"properties": {"key": m["key"], "name": m["name"], "kind": m["kind"],
                                      "parent_key": key_of.get(m["parent_id"])},
                       "geometry": m["territory"]} for m in rows}


# --- service metadata -----------------------------------------------------------------------------------


def test_landing_page_links_to_the_api_the_conformance_and_the_collections(api: Api) -> None:
    for path in (OGC, OGC + "/", OGC + "?f=json"):
        doc = get(api, path, media_type="application/json")
        assert doc["title"] == "Familienatlas Landkreis Osnabrück" and doc["description"]
        assert link(doc, "self")["href"] == BASE
        desc = link(doc, "service-desc")
        assert desc == {**desc, "href": BASE + "/api", "type": "application/vnd.oai.openapi+json;version=3.0"}
        assert link(doc, "conformance") == {**link(doc, "conformance"), "href": BASE + "/conformance",
                                            "type": "application/json"}
        assert link(doc, "data") == {**link(doc, "data"), "href": BASE + "/collections", "type": "application/json"}
    # Links are built from the URL the client used.
    r = api.get(OGC, headers={"Host": "atlas.landkreis.example"})
    assert link(r.get_json(), "data")["href"] == "http://atlas.landkreis.example/ogcapi/collections"
    r = api.get(OGC + "/api", headers={"Host": "atlas.landkreis.example"})
    assert r.get_json()["servers"] == [{"url": "http://atlas.landkreis.example/ogcapi"}]


def test_conformance_classes(api: Api) -> None:
    doc = get(api, OGC + "/conformance", media_type="application/json")
    assert set(doc["conformsTo"]) == {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    }


def test_openapi_document_describes_every_ogc_route_and_the_queryables(api: Api, app) -> None:  # noqa: ANN001
    r = api.get(OGC + "/api")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/vnd.oai.openapi+json;version=3.0; charset=utf-8"
    doc = json.loads(r.get_data(as_text=True))
    assert re.fullmatch(r"3\.0\.\d+", doc["openapi"]) and doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": BASE}]
    params = doc["components"]["parameters"]
    # QGIS takes its page size from here, GDAL too.
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 10000, "default": 100}

    def resolve(p: dict) -> dict:
        assert p["$ref"].startswith("#/components/parameters/")
        return params[p["$ref"].rsplit("/", 1)[1]]

    # Every route of the blueprint is documented, once per collection where it has a collection id.
    documented = set(doc["paths"])
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(OGC):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)[len(OGC):] or "/"
        paths = {path.replace("{collection_id}", c).replace("{feature_id}", "{featureId}") for c in COLLECTIONS}
        assert paths <= documented, (rule.rule, paths - documented)
    for name in COLLECTIONS:
        op = doc["paths"][f"/collections/{name}/items"]["get"]
        names = {resolve(p)["name"] for p in op["parameters"]}
        assert {"limit", "offset", "bbox", "bbox-crs", "crs", "f"} <= names
        if name in LAYERS:
            strings = {f.name for f in LAYERS[name].fields if f.type == "string"}
            assert strings <= names and "owner" in names and "description" not in names
        elif name.startswith("indicators-"):
            assert {"unit", "year"} <= names
        else:
            assert {"key", "name", "kind", "parent_key"} <= names
        assert {"200", "400"} <= set(op["responses"])
        item = doc["paths"][f"/collections/{name}/items/{{featureId}}"]["get"]
        assert "404" in item["responses"] and "featureId" in {resolve(p)["name"] for p in item["parameters"]}
    for path_item in doc["paths"].values():
        for p in path_item["get"]["parameters"]:
            resolve(p)


def test_collections_are_the_registry_layers_and_the_municipalities(api: Api) -> None:
    doc = get(api, OGC + "/collections", media_type="application/json")
    assert link(doc, "self")["href"] == BASE + "/collections"
    by_id = {c["id"]: c for c in doc["collections"]}
    assert list(by_id) == COLLECTIONS
    for name, c in by_id.items():
        assert c == get(api, f"{OGC}/collections/{name}", media_type="application/json")
        titles = {**{n: spec.title for n, spec in LAYERS.items()}, "municipalities": "Gemeindegebiete"}
        assert c["title"] == titles.get(name, c["title"]) and c["description"]
        assert c["itemType"] == "feature"
        assert c["crs"] == [CRS84, EPSG4326, EPSG25832] and c["storageCrs"] == EPSG25832
        items = link(c, "items")
        assert items["href"] == f"{BASE}/collections/{name}/items" and items["type"] == "application/geo+json"
        assert link(c, "self")["type"] == "application/json"
        # The extent is the data's, in CRS84, and encloses every feature.
        assert c["extent"]["spatial"]["crs"] == CRS84
        (west, south, east, north), = c["extent"]["spatial"]["bbox"]
        if name.startswith("indicators-"):
            continue  # the units' areas, not only those with values: see the indicator test below
        features, _ = walk(api, f"{OGC}/collections/{name}/items?limit=1000")
        bounds = [shape(f["geometry"]).bounds for f in features]
        assert west <= min(b[0] for b in bounds) and south <= min(b[1] for b in bounds)
        assert east >= max(b[2] for b in bounds) and north >= max(b[3] for b in bounds)
        assert max(b[2] for b in bounds) - east < 1e-5 and west - min(b[0] for b in bounds) < 1e-5
        assert 7.5 < west < east < 8.7 and 52.0 < south < north < 52.8
    assert_problem(api.get(OGC + "/collections/nicht_da"), 404, "collection_not_found")
    assert_problem(api.get(OGC + "/collections/nicht_da/items"), 404, "collection_not_found")


# --- features: exactly the published state --------------------------------------------------------------


@pytest.mark.parametrize("layer", [name for name in COLLECTIONS if name in LAYERS])
def test_items_are_exactly_the_published_state_page_by_page(api: Api, layer: str) -> None:
    public = api.public(layer)
    features, pages = walk(api, f"{OGC}/collections/{layer}/items?limit=7")
    assert len(pages) == -(-len(public) // 7)
    ids = [f["id"] for f in features]
    assert len(ids) == len(set(ids)) == len(public)
    assert {f["id"]: f for f in features} == {i: {"type": "Feature", **f} for i, f in public.items()}
    for number, page in enumerate(pages):
        assert page["type"] == "FeatureCollection"
        assert page["numberMatched"] == len(public)
        assert page["numberReturned"] == len(page["features"]) == (7 if number < len(pages) - 1 else
                                                                  len(public) - 7 * number)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", page["timeStamp"])
        assert link(page, "self")["type"] == "application/geo+json"
        assert [entry["rel"] for entry in page["links"]].count("prev") == (1 if number else 0)
    # The default page has 100 features; one page can hold every feature.
    first = get(api, f"{OGC}/collections/{layer}/items")
    assert first["numberReturned"] == min(100, len(public))
    whole = get(api, f"{OGC}/collections/{layer}/items?limit=10000")
    assert [f["id"] for f in whole["features"]] == ids  # paging is stable: ordered by id
    assert not [entry for entry in whole["links"] if entry["rel"] == "next"]
    # prev goes back exactly one page
    third = pages[2]
    assert get(api, link(third, "prev")["href"])["features"] == pages[1]["features"]
    beyond = get(api, f"{OGC}/collections/{layer}/items?offset={len(public) + 5}")
    assert beyond["features"] == [] and beyond["numberMatched"] == len(public)


def test_institutions_carry_the_public_properties(api: Api) -> None:
    r = api.get(f"{OGC}/collections/institutions/items?limit=3")
    assert r.headers["Content-Crs"] == f"<{CRS84}>"
    feature = r.get_json()["features"][0]
    assert set(feature["properties"]) == {f.name for f in LAYERS["institutions"].fields} | {"published_revision"}
    assert re.fullmatch(r"[0-9a-f-]{36}", feature["id"])


def test_municipalities_are_the_atlas_configuration(api: Api) -> None:
    expected = municipality_features(api)
    features, _ = walk(api, f"{OGC}/collections/municipalities/items?limit=10&crs={EPSG25832}")
    assert len(features) == len(expected) == 39
    for f in features:
        assert f["properties"] == expected[f["id"]]["properties"]
        assert shape(f["geometry"]).equals_exact(shape(expected[f["id"]]["geometry"]), 0.001)
    melle = get(api, f"{OGC}/collections/municipalities/items/{MELLE}")
    assert melle["properties"] == {"key": MELLE, "name": "Melle", "kind": "Stadt", "parent_key": "03459"}
    artland = get(api, f"{OGC}/collections/municipalities/items?parent_key=034595401")
    assert sorted(f["properties"]["name"] for f in artland["features"]) == [
        "Badbergen", "Menslage", "Nortrup", "Quakenbrück"]
    towns = get(api, f"{OGC}/collections/municipalities/items?kind=Stadt&limit=1000")
    assert towns["numberMatched"] == sum(1 for m in expected.values() if m["properties"]["kind"] == "Stadt")
    assert get(api, f"{OGC}/collections/municipalities/items?name=Quakenbr%C3%BCck")["numberMatched"] == 1


def test_equality_filters_on_text_properties(api: Api) -> None:
    public = list(api.public().values())
    for query, keep in (
        ("category=beratung", lambda p: p["category"] == "beratung"),
        (f"owner={MELLE}", lambda p: p["owner"] == MELLE),
        (f"category=beratung&owner={MELLE}", lambda p: p["category"] == "beratung" and p["owner"] == MELLE),
        ("city=Bad%20Laer&subcategory=sport", lambda p: p["city"] == "Bad Laer" and p["subcategory"] == "sport"),
        ("owner=000000000000", lambda p: False),
    ):
        expected = {f["id"] for f in public if keep(f["properties"])}
        features, pages = walk(api, f"{OGC}/collections/institutions/items?limit=10&{query}")
        assert {f["id"] for f in features} == expected, query
        assert pages[0]["numberMatched"] == len(expected)
        for page in pages[1:]:  # the next links keep the filter
            assert dict(parse_qsl(urlsplit(link(page, "self")["href"]).query)).items() >= \
                dict(parse_qsl(query)).items()
    assert {f["properties"]["category"] for f in public if f["properties"]["owner"] == MELLE} >= {"beratung"}


def test_datetime_filters_on_the_date_last_checked(api: Api) -> None:
    public = list(api.public().values())
    dates = sorted({f["properties"]["last_checked"] for f in public if f["properties"]["last_checked"]})
    assert len(dates) > 3
    middle = dates[len(dates) // 2]
    for query, keep in (
        (f"datetime={middle}", lambda d: d == middle),
        (f"datetime={middle}T12:30:00Z", lambda d: d == middle),
        (f"datetime={middle}/..", lambda d: d >= middle),
        (f"datetime=../{middle}", lambda d: d <= middle),
        (f"datetime={dates[1]}/{middle}", lambda d: dates[1] <= d <= middle),
        # QGIS's open interval for "last_checked" <= ...
        (f"datetime=0000-01-01T00:00:00Z%2F{middle}T00:00:00Z", lambda d: d <= middle),
    ):
        expected = {f["id"] for f in public
                    if f["properties"]["last_checked"] and keep(f["properties"]["last_checked"])}
        doc = get(api, f"{ITEMS}?limit=10000&{query}")
        assert {f["id"] for f in doc["features"]} == expected and doc["numberMatched"] == len(expected), query
    # Collections without a date property are not filtered by it (Part 1).
    assert get(api, f"{OGC}/collections/municipalities/items?datetime=2025-01-01")["numberMatched"] == 39


# --- bbox and CRS ---------------------------------------------------------------------------------------


BOX = (8.0, 52.1, 8.25, 52.3)  # lon/lat; holds part of the demo's institutions and spatial units


@pytest.mark.parametrize("layer", ["institutions", "spatial_units"])
def test_bbox_in_crs84_epsg4326_and_utm(api: Api, layer: str) -> None:
    public = api.public(layer)
    area = box(*BOX)
    expected = {i for i, f in public.items() if shape(f["geometry"]).intersects(area)}
    assert 0 < len(expected) < len(public)
    west, south, east, north = BOX
    queries = [f"bbox={west},{south},{east},{north}",
               f"bbox={west},{south},{east},{north}&bbox-crs={CRS84}",
               f"bbox={south},{west},{north},{east}&bbox-crs={EPSG4326}",  # latitude first, by definition
               f"bbox={west},{south},0,{east},{north},100"]  # with heights
    for query in queries:
        features, pages = walk(api, f"{OGC}/collections/{layer}/items?limit=5&{query}")
        assert {f["id"] for f in features} == expected, query
        assert pages[0]["numberMatched"] == len(expected)
    # A box in metres (about the same area), compared with the coordinates in EPSG:25832.
    utm = (*TO_UTM.transform(west, south), *TO_UTM.transform(east, north))
    in_utm = get(api, f"{OGC}/collections/{layer}/items?limit=10000&crs={EPSG25832}")["features"]
    expected_utm = {f["id"] for f in in_utm if shape(f["geometry"]).intersects(box(*utm))}
    assert 0 < len(expected_utm) < len(public)
    features, pages = walk(api, f"{OGC}/collections/{layer}/items?limit=6&bbox-crs={EPSG25832}&bbox="
                                + ",".join(map(str, utm)))
    assert {f["id"] for f in features} == expected_utm and pages[0]["numberMatched"] == len(expected_utm)
    # Far away, or across the antimeridian (Part 1 allows west > east): nothing of the county.
    assert get(api, f"{OGC}/collections/{layer}/items?bbox=170,-10,-170,10")["numberMatched"] == 0
    assert get(api, f"{OGC}/collections/{layer}/items?bbox=100,20,120,40")["numberMatched"] == 0
    # The whole world holds everything; a box around the antimeridian that includes 8° E too.
    assert get(api, f"{OGC}/collections/{layer}/items?bbox=-180,-90,180,90")["numberMatched"] == len(public)
    assert get(api, f"{OGC}/collections/{layer}/items?bbox=5,-90,4.9,90")["numberMatched"] == len(public)


def test_a_box_without_area_asks_what_lies_at_a_place(api: Api) -> None:
    """Clients ask "what is here?" with a box of no width and height: the territories around the point."""
    p = inside(api, MELLE)
    lon, lat = Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True).transform(p.x, p.y)
    municipalities = f"{OGC}/collections/municipalities/items"
    for query in (f"bbox={lon},{lat},{lon},{lat}", f"bbox={p.x},{p.y},{p.x},{p.y}&bbox-crs={EPSG25832}",
                  f"bbox={lon},{lat},{lon},{lat + 0.0001}"):
        doc = get(api, f"{municipalities}?{query}")
        assert {f["id"] for f in doc["features"]} == {MELLE, "03459"}, query  # Melle and the county


def test_crs_gives_metres_or_latitude_first(api: Api) -> None:
    wgs = get(api, f"{OGC}/collections/institutions/items?limit=50")["features"]
    r = api.get(f"{OGC}/collections/institutions/items?limit=50&crs={EPSG25832}")
    assert r.status_code == 200 and r.headers["Content-Crs"] == f"<{EPSG25832}>"
    utm = r.get_json()["features"]
    assert [f["id"] for f in utm] == [f["id"] for f in wgs]
    for a, b in zip(wgs, utm, strict=True):
        assert a["properties"] == b["properties"]
        x, y = TO_UTM.transform(*a["geometry"]["coordinates"])
        bx, by = b["geometry"]["coordinates"]
        assert abs(bx - x) < 0.02 and abs(by - y) < 0.02  # CRS84 is rounded to 1e-7 degrees
        assert 400_000 < bx < 470_000 and 5_760_000 < by < 5_850_000
    r = api.get(f"{OGC}/collections/institutions/items?limit=50&crs={EPSG4326}")
    assert r.headers["Content-Crs"] == f"<{EPSG4326}>"
    for a, b in zip(wgs, r.get_json()["features"], strict=True):
        assert b["geometry"]["coordinates"] == list(reversed(a["geometry"]["coordinates"]))
    # Polygons too, and the output CRS is kept in the next link.
    page = get(api, f"{OGC}/collections/spatial_units/items?limit=2&crs={EPSG25832}")
    assert dict(parse_qsl(urlsplit(link(page, "next")["href"]).query))["crs"] == EPSG25832
    ring = page["features"][0]["geometry"]["coordinates"][0][0]
    assert all(400_000 < x < 470_000 and 5_760_000 < y < 5_850_000 for x, y in ring)
    # Shorter spellings are read as the same CRS; the answer names the URI.
    r = api.get(f"{OGC}/collections/institutions/items?limit=1&crs=EPSG:25832")
    assert r.headers["Content-Crs"] == f"<{EPSG25832}>"
    fid = wgs[0]["id"]
    r = api.get(f"{OGC}/collections/institutions/items/{fid}?crs={EPSG25832}")
    assert r.headers["Content-Crs"] == f"<{EPSG25832}>"
    assert r.get_json()["geometry"] == utm[0]["geometry"]


# --- single features and the publish rule ----------------------------------------------------------------


def test_one_feature_and_the_publish_rule(api: Api) -> None:
    own = published_of(api, MELLE)
    p = inside(api, MELLE)
    new = insert(None, p.x, p.y, name="Neu und noch geheim")
    answer = pushed(api, [new, update_of(own[0], name="Neuer Name, noch nicht frei"),
                          {"op": "delete", "id": own[1]["id"], "base_revision": own[1]["revision"]}])
    public = api.public()
    items = f"{OGC}/collections/institutions/items"

    def one(fid: str) -> dict:
        doc = get(api, f"{items}/{fid}")
        assert link(doc, "self")["href"] == f"{BASE}/collections/institutions/items/{fid}"
        assert link(doc, "collection")["href"] == f"{BASE}/collections/institutions"
        return {k: v for k, v in doc.items() if k != "links"}

    # A pending insert is not public, a pending update shows the published state, a pending delete is public.
    assert_problem(api.get(f"{items}/{new['id']}"), 404, "item_not_found")
    assert one(own[0]["id"]) == {"type": "Feature", **public[own[0]["id"]]}
    assert one(own[0]["id"])["properties"]["name"] == own[0]["properties"]["name"]
    assert one(own[1]["id"]) == {"type": "Feature", **public[own[1]["id"]]}
    listed = {f["id"] for f in walk(api, f"{items}?limit=1000")[0]}
    assert new["id"] not in listed and own[1]["id"] in listed
    before = get(api, items)["numberMatched"]
    assert before == len(public)

    approve(api, answer["push_id"])
    assert one(new["id"])["properties"]["name"] == "Neu und noch geheim"
    assert one(own[0]["id"])["properties"]["name"] == "Neuer Name, noch nicht frei"
    assert_problem(api.get(f"{items}/{own[1]['id']}"), 404, "item_not_found")
    assert get(api, items)["numberMatched"] == before  # one more, one less
    listed = {f["id"] for f in walk(api, f"{items}?limit=1000")[0]}
    assert new["id"] in listed and own[1]["id"] not in listed
    assert {f["id"]: f for f in walk(api, f"{items}?limit=1000")[0]} == {
        i: {"type": "Feature", **f} for i, f in api.public().items()}
    assert_problem(api.get(f"{items}/{uuid.uuid4()}"), 404, "item_not_found")
    assert_problem(api.get(f"{OGC}/collections/municipalities/items/99999"), 404, "item_not_found")


# --- indicator values per spatial level ------------------------------------------------------------------


def public_values(api: Api, indicator: str, level: str) -> dict[tuple[str, int], dict]:
    """What the public read API answers for one indicator on one level, by (unit, year)."""
    doc = api.get(f"/api/v1/indicators/{indicator}/values?level={level}").get_json()
    return {(v["unit"], v["year"]): v for v in doc["values"]}


def test_no_indicator_can_take_the_name_of_a_fixed_property() -> None:
    from sync_server.domain.indicators.catalogue import RESERVED_KEYS
    from sync_server.ogcapi.indicators import FIXED

    assert set(FIXED) == RESERVED_KEYS  # the catalogue refuses exactly the names the collections need


def test_indicator_collections_are_the_public_values_with_suppressed_ones_null(api: Api) -> None:
    melle, bramsche = setup_values(api)
    indicators = ("t_kinder", "t_einwohner", "t_anteil")
    for level, units in (("ortsteil", set(melle) | set(bramsche)), ("gemeinde", {MELLE, BRAMSCHE})):
        items = f"{OGC}/collections/indicators-{level}/items"
        expected = {ind: public_values(api, ind, level) for ind in indicators}
        cells = {key for values in expected.values() for key in values}
        features, pages = walk(api, f"{items}?limit=5")
        by_id = {f["id"]: f for f in features}
        # One feature per unit and year that has a public cell (the computed provision indicators of the
        # standard catalogue have the current year); counts and pages right.
        assert len(by_id) == len(features) == pages[0]["numberMatched"] and len(pages) == -(-len(features) // 5)
        assert cells <= {(f["properties"]["unit"], f["properties"]["year"]) for f in features}
        assert {u for u, _y in cells} <= units
        for f in features:
            assert (f["properties"]["unit"], f["properties"]["year"]) in cells or all(
                f["properties"][ind] is None for ind in indicators)
        suppressed = 0
        for (unit, year), feature in ((k, by_id[f"{k[0]}_{k[1]}"]) for k in cells):
            props = feature["properties"]
            assert props["level"] == level and feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
            hidden = set((props["hidden"] or "").split(",")) - {""}
            for ind in indicators:
                entry = expected[ind].get((unit, year))
                if entry is None:
                    assert props[ind] is None and ind not in hidden
                elif entry["suppressed"]:  # never the number, and said why
                    suppressed += 1
                    assert props[ind] is None and ind in hidden
                else:
                    assert props[ind] == entry["value"] and ind not in hidden
            share = expected["t_anteil"].get((unit, year))
            assert (props["provisional"] == "t_anteil") == bool(share and share["provisional"])
        assert suppressed > 0 or level != "ortsteil"
        # Only published values: Melle's pending correction (99) is nowhere.
        assert 99 not in {f["properties"]["t_kinder"] for f in features}
    # The small count: null in the list and as a single item, in every CRS.
    secret = f"{melle[0]}_2020"
    for crs in (CRS84, EPSG25832):
        one = get(api, f"{OGC}/collections/indicators-ortsteil/items/{secret}?crs={crs}")
        assert one["properties"]["t_kinder"] is None and "t_kinder" in one["properties"]["hidden"].split(",")
    area = next(shape(f["geometry"]) for f in api.public("spatial_units").values()
                if f["properties"]["key"] == melle[0])
    assert shape(get(api, f"{OGC}/collections/indicators-ortsteil/items/{secret}")["geometry"]).equals_exact(
        area, 1e-6)
    assert_problem(api.get(f"{OGC}/collections/indicators-ortsteil/items/{melle[0]}_1999"), 404, "item_not_found")
    # Filters: year and unit by equality, bbox by the unit's area; the extent holds every feature.
    items = f"{OGC}/collections/indicators-ortsteil/items"
    only = get(api, f"{items}?year=2021&limit=1000")
    assert only["numberMatched"] == len(only["features"]) > 0
    assert {f["properties"]["year"] for f in only["features"]} == {2021}
    series = get(api, f"{items}?unit={melle[1]}")["features"]
    assert [f["properties"]["year"] for f in series if f["properties"]["t_einwohner"] is not None] == [2020, 2021]
    assert {f["properties"]["unit"] for f in series} == {melle[1]}
    west, south, east, north = area.bounds
    boxed = get(api, f"{items}?bbox={west},{south},{east},{north}&year=2020&limit=1000")["features"]
    assert melle[0] in {f["properties"]["unit"] for f in boxed} and len(boxed) < only["numberMatched"]
    (x0, y0, x1, y1), = get(api, f"{OGC}/collections/indicators-ortsteil",
                             media_type="application/json")["extent"]["spatial"]["bbox"]
    for f in walk(api, f"{items}?limit=1000")[0]:
        b = shape(f["geometry"]).bounds
        assert x0 <= b[0] and y0 <= b[1] and b[2] <= x1 and b[3] <= y1
    # Publishing Melle's correction shows at once (the features are cached per state of the atlas).
    fid = f"{melle[1]}_2021"
    assert get(api, f"{items}/{fid}")["properties"]["t_kinder"] != 99
    pending = api.pull_all("indicator_values", "admin")[value_id("t_kinder", melle[1], 2021)]["revision"]
    assert api.post("/api/v1/review/approve", {"revisions": [pending]}, "admin").status_code == 200
    assert public_values(api, "t_kinder", "ortsteil")[(melle[1], 2021)]["value"] == 99
    assert get(api, f"{items}/{fid}")["properties"]["t_kinder"] == 99


def test_no_staff_data_in_any_ogc_answer(api: Api) -> None:
    add_staff_editor(api, "k.koordinatorin", "Karla Koordinatorin-Quast", "karla.koordinatorin@melle.example",
                     MELLE)
    p = inside(api, MELLE)
    new = insert(None, p.x, p.y, name="Familienzentrum am Markt")
    approve(api, pushed(api, [new], "k.koordinatorin")["push_id"])
    names, emails = staff_texts(api)
    secrets = names | emails
    assert "Karla Koordinatorin-Quast" in secrets
    paths = [OGC, OGC + "/api", OGC + "/collections", *(f"{OGC}/collections/{c}" for c in COLLECTIONS),
             *(f"{OGC}/collections/{c}/items?limit=10000" for c in COLLECTIONS),
             f"{OGC}/collections/institutions/items/{new['id']}"]
    for path in paths:
        r = api.get(path)
        assert r.status_code == 200, path
        text = r.get_data(as_text=True)
        for secret in secrets:
            assert not re.search(rf"(?<![\w.-]){re.escape(secret)}(?![\w-])", text), (path, secret)
        assert not json_keys(json.loads(text)) & {"author", "author_id", "reviewed_by", "reviewer", "email_of_author",
                                               "push_id", "password_hash", "username", "display_name"}, path


# --- refused parameters ---------------------------------------------------------------------------------


ITEMS = f"{OGC}/collections/institutions/items"
BAD = [
    (f"{ITEMS}?limit=0", "invalid_query", "limit"),
    (f"{ITEMS}?limit=10001", "invalid_query", "limit"),
    (f"{ITEMS}?limit=-3", "invalid_query", "limit"),
    (f"{ITEMS}?limit=zehn", "invalid_query", "limit"),
    (f"{ITEMS}?limit=1.5", "invalid_query", "limit"),
    (f"{ITEMS}?limit=1_0", "invalid_query", "limit"),
    (f"{ITEMS}?limit=99999999999999999999999", "invalid_query", "limit"),
    (f"{ITEMS}?offset=-1", "invalid_query", "offset"),
    (f"{ITEMS}?offset=1e3", "invalid_query", "offset"),
    (f"{ITEMS}?offset=99999999999999999999999", "invalid_query", "offset"),
    (f"{ITEMS}?limit=5&limit=6", "invalid_query", "limit"),
    (f"{ITEMS}?bbox=1,2,3", "invalid_query", "bbox"),
    (f"{ITEMS}?bbox=1,2,3,4,5", "invalid_query", "bbox"),
    (f"{ITEMS}?bbox=a,b,c,d", "invalid_query", "bbox"),
    (f"{ITEMS}?bbox=nan,52,8,53", "invalid_query", "bbox"),
    (f"{ITEMS}?bbox=7,52,inf,53", "invalid_query", "bbox"),
    (f"{ITEMS}?bbox=7,53,8,52", "invalid_query", "bbox"),  # south above north
    (f"{ITEMS}?bbox=7,52,8,91", "invalid_query", "bbox"),
    (f"{ITEMS}?bbox=-181,52,8,53", "invalid_query", "bbox"),
    (f"{ITEMS}?bbox=440000,5790000,430000,5800000&bbox-crs={EPSG25832}", "invalid_query", "bbox"),
    (f"{ITEMS}?bbox=7,52,8,53&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857", "invalid_query", "bbox-crs"),
    (f"{ITEMS}?crs=http://www.opengis.net/def/crs/EPSG/0/31467", "invalid_query", "crs"),
    (f"{ITEMS}?crs=EPSG:4258", "invalid_query", "crs"),
    (f"{ITEMS}?f=html", "unsupported_format", "f"),
    (f"{ITEMS}?nonsense=1", "unknown_parameters", "nonsense"),
    (f"{ITEMS}?age_min=3", "unknown_parameters", "age_min"),  # a number, not a queryable text
    (f"{ITEMS}?datetime=gestern", "invalid_query", "datetime"),
    (f"{ITEMS}?datetime=2025-02-30", "invalid_query", "datetime"),
    (f"{ITEMS}?datetime=2025-01-01T25:00:00Z", "invalid_query", "datetime"),
    (f"{ITEMS}?datetime=2025-03-01/2025-01-01", "invalid_query", "datetime"),
    (f"{ITEMS}?datetime=../..", "invalid_query", "datetime"),
    (f"{ITEMS}?datetime=2025-01-01/2025-02-01/2025-03-01", "invalid_query", "datetime"),
    (f"{ITEMS}?category=beratung&category=bildung", "invalid_query", "category"),
    (f"{ITEMS}/some-id?bbox=7,52,8,53", "unknown_parameters", "bbox"),
    (f"{ITEMS}/some-id?crs=EPSG:31467", "invalid_query", "crs"),
    (f"{OGC}/collections/municipalities/items?owner={MELLE}", "unknown_parameters", "owner"),
    (f"{OGC}/collections/indicators-gemeinde/items?year=2020.5", "invalid_query", "year"),
    (f"{OGC}/collections/indicators-gemeinde/items?year=zwanzig", "invalid_query", "year"),
    (f"{OGC}?f=xml", "unsupported_format", "f"),
    (f"{OGC}/collections?f=xml", "unsupported_format", "f"),
    (f"{OGC}/collections/institutions?f=geojson", "unsupported_format", "f"),
    (f"{OGC}/api?f=yaml", "unsupported_format", "f"),
]


@pytest.mark.parametrize(("path", "code", "field"), BAD, ids=[b[0].removeprefix(OGC) for b in BAD])
def test_bad_parameters_are_a_400_problem_and_change_nothing(api: Api, app, path: str, code: str,  # noqa: ANN001
                                                             field: str) -> None:
    before = db_digest(app)
    doc = assert_problem(api.get(path), 400, code)
    assert field in {e["field"] for e in doc.get("errors", [])}, doc
    assert field in doc["detail"]
    english = api.get(path, headers={"Accept-Language": "en"}).get_json()
    assert english["code"] == code and english["detail"] != doc["detail"]
    assert db_digest(app) == before


def test_the_unknown_parameters_are_all_named(api: Api) -> None:
    doc = assert_problem(api.get(f"{ITEMS}?foo=1&limit=2&bar=2"), 400, "unknown_parameters")
    assert {e["field"] for e in doc["errors"]} == {"foo", "bar"}
    assert "foo, bar" in doc["detail"] and "category" in doc["detail"]  # and which ones are allowed
    doc = api.get(f"{ITEMS}?foo=1", headers={"Accept-Language": "en"}).get_json()
    assert doc["detail"].startswith("Unknown parameters: foo")


def test_extra_arguments_do_not_break_the_metadata_documents(api: Api) -> None:
    """Clients may append their own query parameters to every URL; metadata documents ignore them."""
    for path in (OGC, f"{OGC}/conformance", f"{OGC}/api", f"{OGC}/collections", f"{OGC}/collections/institutions"):
        assert api.get(path + "?token=abc&f=json").status_code == 200, path


# --- GDAL's OAPIF driver as an independent client -----------------------------------------------------------


# pyogrio keeps the GIL while GDAL downloads pages, so the server (a thread of this process) could not
# answer: the client runs in its own process and reports what it read as JSON.
GDAL_CLIENT = r"""
import json, sys
import pyogrio
url, layer, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if "bbox" in options:
    options["bbox"] = tuple(options["bbox"])
df = pyogrio.read_dataframe("OAPIF:" + url + "/ogcapi", layer=layer, **options)
info = pyogrio.read_info("OAPIF:" + url + "/ogcapi", layer=layer)
def plain(name, value):
    if value != value:  # NaN, NaT
        return None
    return value.strftime("%Y-%m-%d") if name == "last_checked" else value
point = lambda g: g if g.geom_type == "Point" else g.representative_point()
rows = [{**{k: plain(k, v) for k, v in record.items()}, "x": point(geometry).x, "y": point(geometry).y}
        for record, geometry in zip(df.drop(columns="geometry").to_dict("records"), df.geometry)]
print(json.dumps({"crs": df.crs.to_string(), "count": info["features"], "rows": rows}, default=str))
"""


def gdal_read(server: LiveServer, layer: str = "institutions", **options: Any) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", GDAL_CLIENT, server.url, layer, json.dumps(options)],
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def test_gdal_oapif_driver_reads_the_published_state(live_server: LiveServer) -> None:
    api = Api(live_server.app.test_client())
    public = api.public()
    read = gdal_read(live_server)
    # GDAL asks for the storage CRS (storageCrs) and gets metres; every published feature, once.
    assert read["crs"] == "EPSG:25832"
    assert read["count"] == len(read["rows"]) == len(public)
    by_id = {row["id"]: row for row in read["rows"]}
    assert set(by_id) == set(public)
    for fid, feature in public.items():
        row, props = by_id[fid], feature["properties"]
        for name in ("name", "category", "subcategory", "owner", "city", "published_revision", "age_min"):
            assert row[name] == props[name], (fid, name)
        assert row["last_checked"] == props["last_checked"]
        x, y = TO_UTM.transform(*feature["geometry"]["coordinates"])
        assert abs(row["x"] - x) < 0.02 and abs(row["y"] - y) < 0.02

    # A where clause on a queryable goes to the server as category=beratung (see the API document).
    owner = min(f["properties"]["owner"] for f in public.values() if f["properties"]["category"] == "beratung")
    beratung = gdal_read(live_server, where=f"category = 'beratung' AND owner = '{owner}'")
    expected = {i for i, f in public.items()
                if f["properties"]["category"] == "beratung" and f["properties"]["owner"] == owner}
    assert expected and {row["id"] for row in beratung["rows"]} == expected

    # A bbox (GDAL sends it in the layer's CRS, with bbox-crs).
    utm = (420000.0, 5770000.0, 440000.0, 5800000.0)
    inside_box = gdal_read(live_server, bbox=utm)
    expected = {i for i, f in public.items() if box(*utm).contains(Point(TO_UTM.transform(
        *f["geometry"]["coordinates"])))}
    assert 0 < len(expected) < len(public)
    assert {row["id"] for row in inside_box["rows"]} == expected

    # Asked for WGS84 GDAL takes CRS84 from the collection's list (it prefers it to EPSG:4326).
    wgs = gdal_read(live_server, CRS="EPSG:4326", where=f"owner = '{MELLE}'")
    assert wgs["crs"] == "OGC:CRS84"
    assert {row["id"] for row in wgs["rows"]} == {i for i, f in public.items() if f["properties"]["owner"] == MELLE}
    for row in wgs["rows"]:
        lon, lat = public[row["id"]]["geometry"]["coordinates"]
        assert abs(row["x"] - lon) < 1e-6 and abs(row["y"] - lat) < 1e-6


def test_gdal_oapif_driver_reads_the_indicator_values_of_a_level(live_server: LiveServer) -> None:
    api = Api(live_server.app.test_client())
    melle, _bramsche = setup_values(api)
    expected = {unit: entry for (unit, year), entry in public_values(api, "t_kinder", "ortsteil").items()
                if year == 2020}
    read = gdal_read(live_server, "indicators-ortsteil", where="year = 2020")
    assert read["crs"] == "EPSG:25832"
    rows = {row["unit"]: row for row in read["rows"]}
    # GDAL sends the where clause as ?year=2020 (the OpenAPI document names it); read_info counts the layer.
    assert len(rows) == len(read["rows"]) and {row["year"] for row in rows.values()} == {2020}
    assert read["count"] == get(api, f"{OGC}/collections/indicators-ortsteil/items?limit=1")["numberMatched"]
    assert set(expected) <= set(rows)
    for unit, entry in expected.items():  # a suppressed value is empty (null), never a number
        assert rows[unit]["t_kinder"] == (None if entry["suppressed"] else entry["value"]), unit
        assert ("t_kinder" in (rows[unit]["hidden"] or "")) == entry["suppressed"]
    assert rows[melle[0]]["t_kinder"] is None and rows[melle[0]]["name"]
