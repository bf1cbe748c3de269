"""The rights table of docs/architecture.md, cell by cell, through the push endpoint.

Each test id names one cell: layer, actor, target feature and operation. The targets are a Melle
feature and a Bramsche feature from the demo, and a county-owned feature the admin creates inside
Melle (so being inside one's territory never makes someone else's feature editable). A refused push
must leave pull and public output exactly as they were.
"""

from __future__ import annotations

import copy
import math
import time
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from shapely import affinity
from shapely.geometry import MultiPolygon, Point, box, mapping, shape
from shapely.geometry.base import BaseGeometry

from sync_server.domain.layers import INSTITUTIONS
from tests.support import BRAMSCHE, COUNTY, MELLE, Api

TOLERANCE_M = 25.0  # Settings.border_tolerance_m
BAND_M = 10.0  # inside the tolerance band
BEYOND_M = 100.0  # clearly beyond it
OUTSIDE_M = 2_000.0  # well outside the territory (still inside the county's area of interest)

ACTORS = ("admin", "melle.editor", "melle.reader", "bramsche.editor", "anonymous")
TARGETS = ("melle", "bramsche", "county")
OPS = ("insert", "update", "delete", "change_owner", "move_outside", "move_band", "move_beyond")
LAYERS = ("institutions", "spatial_units")

TARGET_OWNER = {"melle": MELLE, "bramsche": BRAMSCHE, "county": COUNTY}
NEW_OWNER = {MELLE: BRAMSCHE, BRAMSCHE: MELLE, COUNTY: MELLE}  # what change_owner hands a feature to
OWN_TARGET = {"melle.editor": "melle", "bramsche.editor": "bramsche"}


def expected(actor: str, target: str, op: str) -> tuple[int, str | None]:
    """The rights table: (HTTP status, refusal code) of one cell."""
    if actor == "anonymous":
        return 401, "missing_token"
    if actor == "admin":
        return 200, None  # everything, including owner changes and moves anywhere
    if actor.endswith(".reader"):
        return 403, "read_only_role"
    if OWN_TARGET[actor] != target:
        return 403, "foreign_owner" if op == "insert" else "not_owner"
    return {
        "insert": (200, None),
        "update": (200, None),
        "delete": (200, None),
        "change_owner": (403, "owner_change"),
        "move_outside": (403, "outside_territory"),
        "move_band": (200, None),
        "move_beyond": (403, "outside_territory"),
    }[op]


_LOGINS: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
LOGIN_REUSE_S = 300.0  # well inside the access token's lifetime


class ReusedLoginApi(Api):
    """Logs in once per database kind and user for the whole module. Every test gets a fresh copy of the
    same demo template (same users, nothing revoked), so a token stays valid across copies; the server
    still checks it on every request. This spares two argon2 verifications in each of the many cells."""

    def __init__(self, client, kind: str) -> None:  # noqa: ANN001
        super().__init__(client)
        self.kind = kind

    def login(self, username: str, password: str | None = None) -> dict[str, Any]:
        known = _LOGINS.get((self.kind, username))
        if password is None and known and time.monotonic() - known[0] < LOGIN_REUSE_S:
            return known[1]
        tokens = super().login(username, password)
        _LOGINS[(self.kind, username)] = (time.monotonic(), tokens)
        return tokens


@pytest.fixture
def api(app, db_url: str) -> Api:  # noqa: ANN001
    return ReusedLoginApi(app.test_client(), db_url.split(":", 1)[0])


CELLS = [pytest.param(layer, actor, target, op, id=f"{layer}-{actor}-{target}-{op}")
         for layer in LAYERS for actor in ACTORS for target in TARGETS for op in OPS]


# --- geometry helpers -----------------------------------------------------------------------------


def territories(api: Api) -> dict[str, BaseGeometry]:
    return {m["key"]: shape(m["territory"]) for m in api.get("/api/v1/municipalities").get_json()
            if m["territory"]}


def _outer_ring(geometry: BaseGeometry):  # noqa: ANN202
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    return max(polygons, key=lambda p: p.area).exterior


def point_outside(territory: BaseGeometry, distance: float, at: float = 0.37) -> Point:
    """A point ``distance`` metres outside ``territory`` (on its buffer's outer ring)."""
    point = _outer_ring(territory.buffer(distance)).interpolate(at, normalized=True)
    assert not territory.covers(point)
    assert distance * 0.95 <= territory.distance(point) <= distance * 1.01, territory.distance(point)
    return point


def translated_outward(geometry: BaseGeometry, territory: BaseGeometry, distance: float) -> BaseGeometry:
    """``geometry`` moved by ``distance`` metres in a direction that makes it stick out of ``territory``."""
    best = None
    for step in range(72):
        angle = math.radians(step * 5)
        moved = affinity.translate(geometry, distance * math.cos(angle), distance * math.sin(angle))
        outside = moved.difference(territory).area
        if best is None or outside > best[0]:
            best = (outside, moved)
    assert best is not None and best[0] > 100.0, "the unit does not lie at the territory's border"
    return best[1]


def square(centre: Point, half: float = 150.0) -> MultiPolygon:
    return MultiPolygon([box(centre.x - half, centre.y - half, centre.x + half, centre.y + half)])


def border_unit(units: dict[str, dict], owner: str, border: BaseGeometry) -> dict:
    """A pulled spatial unit of ``owner`` that shares an edge with the outer ring of ``border``."""
    ring = _outer_ring(border)
    touching = [u for u in units.values() if u["owner"] == owner and not u["deleted"]
                and shape(u["geometry"]).boundary.intersection(ring.buffer(0.5)).length > 500]
    assert touching, f"no unit of {owner} lies at the border"
    return max(touching, key=lambda u: shape(u["geometry"]).boundary.intersection(ring.buffer(0.5)).length)


# --- the cell ---------------------------------------------------------------------------------------


@dataclass
class Target:
    layer: str
    owner: str
    territory: BaseGeometry  # the owner's territory
    feature: dict  # as pulled by the admin (the base of every change)
    inside: Point  # a free spot inside the owner's territory (for inserts)


def snapshot(api: Api, layer: str) -> tuple[Any, ...]:
    page = api.get(f"/api/v1/sync/{layer}/pull?since=0&limit=5000", "admin").get_json()
    assert not page["more"]
    public = api.get(f"/api/v1/public/{layer}").get_json()
    return page["cursor"], {f["id"]: f for f in page["features"]}, {f["id"]: f for f in public["features"]}


def _new_properties(layer: str, owner: str, name: str) -> dict[str, Any]:
    if layer == "institutions":
        return {"owner": owner, "category": "beratung", "subcategory": "erziehungsberatung", "name": name}
    return {"owner": owner, "level": "ortsteil", "key": f"{owner}-T{uuid.uuid4().hex[:6]}", "name": name}


def _create_county_feature(api: Api, layer: str, territories_: dict[str, BaseGeometry],
                           units: dict[str, dict]) -> dict:
    """A published county-owned feature that lies inside Melle."""
    melle, county = territories_[MELLE], territories_[COUNTY]
    if layer == "institutions":
        geometry = mapping(Point(melle.representative_point().x + 321.0, melle.representative_point().y + 123.0))
    else:  # a copy of a Melle Ortsteil at the county border, so it can be moved across that border
        geometry = border_unit(units, MELLE, county)["geometry"]
    props = _new_properties(layer, COUNTY, "Kreisweites Angebot")
    if layer == "spatial_units":
        props["level"] = "landkreis"
    fid = str(uuid.uuid4())
    r = api.push(layer, [{"op": "insert", "id": fid, "properties": props, "geometry": geometry}], "admin")
    assert r.status_code == 200, r.get_json()
    r = api.post("/api/v1/review/approve", {"push_id": r.get_json()["push_id"]}, "admin")
    assert r.status_code == 200, r.get_json()
    return api.pull_all(layer, "admin")[fid]


_TEMPLATE_READS: dict[tuple[str, str], tuple[dict[str, BaseGeometry], dict[str, dict]]] = {}


def template_reads(api: Api, layer: str) -> tuple[dict[str, BaseGeometry], dict[str, dict]]:
    """The territories and the admin's pull of ``layer`` as the demo has them, read once per database kind
    and layer for the whole module: every cell's database is a fresh copy of the same template, so these
    reads answer the same in each (like the reused logins). What a cell asserts, its snapshots before and
    after the push and the pull of what it applied, is still read from its own copy."""
    key = (getattr(api, "kind", ""), layer)
    if not key[0] or key not in _TEMPLATE_READS:
        reads = territories(api), api.pull_all(layer, "admin")
        if not key[0]:
            return reads
        _TEMPLATE_READS[key] = reads
    return _TEMPLATE_READS[key]


def make_target(api: Api, layer: str, name: str) -> Target:
    terr, features = template_reads(api, layer)
    owner = TARGET_OWNER[name]
    if name == "county":
        feature = _create_county_feature(api, layer, terr, features)
    elif layer == "institutions":
        feature = next(f for f in sorted(features.values(), key=lambda f: f["id"])
                       if f["owner"] == owner and f["review"]["state"] == "published")
    else:
        feature = border_unit(features, owner, terr[owner])
    feature = copy.deepcopy(feature)
    assert feature["owner"] == owner and feature["review"]["state"] == "published"
    inside = terr[owner].representative_point() if name != "county" else terr["034590019019"].representative_point()
    assert terr[owner].contains(inside)
    return Target(layer, owner, terr[owner], feature, inside)


def change_for(target: Target, op: str) -> dict[str, Any]:
    """The one change of a cell."""
    f, layer = target.feature, target.layer
    geometry = shape(f["geometry"])
    if op == "insert":
        new = target.inside if layer == "institutions" else square(target.inside)
        return {"op": "insert", "id": str(uuid.uuid4()),
                "properties": _new_properties(layer, target.owner, "Neu angelegt"), "geometry": mapping(new)}
    if op == "delete":
        return {"op": "delete", "id": f["id"], "base_revision": f["revision"]}
    props = dict(f["properties"])
    if op == "update":
        props["name"] = props["name"] + " (geändert)"
    elif op == "change_owner":
        props["owner"] = NEW_OWNER[target.owner]
    else:
        distance = {"move_outside": OUTSIDE_M, "move_band": BAND_M, "move_beyond": BEYOND_M}[op]
        if layer == "institutions":
            geometry = point_outside(target.territory, distance)
        else:
            geometry = translated_outward(geometry, target.territory, distance)
            sticks_out = geometry.difference(target.territory.buffer(TOLERANCE_M)).area
            assert (sticks_out > 0) == (distance > TOLERANCE_M)
    return {"op": "update", "id": f["id"], "base_revision": f["revision"], "properties": props,
            "geometry": mapping(geometry)}



def check_applied(api: Api, target: Target, op: str, change: dict, public_before: dict) -> None:
    """An accepted change is the new head (pending), and the public still shows the old state."""
    pulled = api.pull_all(target.layer, "admin", since=0)
    if op == "delete":
        incremental = api.get(f"/api/v1/sync/{target.layer}/pull?since={target.feature['revision']}",
                              "admin").get_json()
        tomb = next(f for f in incremental["features"] if f["id"] == change["id"])
        assert tomb["deleted"] is True and tomb["review"]["state"] == "pending"
        assert change["id"] not in pulled
    else:
        head = pulled[change["id"]]
        assert head["review"]["state"] == "pending"
        assert head["owner"] == change["properties"]["owner"]
        assert head["properties"]["name"] == change["properties"]["name"]
        assert shape(head["geometry"]).normalize().equals_exact(shape(change["geometry"]).normalize(), 0.01)
    public_after = {f["id"]: f for f in api.get(f"/api/v1/public/{target.layer}").get_json()["features"]}
    assert public_after == public_before  # accepted is not published


@pytest.mark.parametrize(("layer", "actor", "target_name", "op"), CELLS)
def test_push_rights_cell(api: Api, layer: str, actor: str, target_name: str, op: str) -> None:
    target = make_target(api, layer, target_name)
    change = change_for(target, op)
    status, code = expected(actor, target_name, op)
    before = snapshot(api, layer)

    r = api.push(layer, [change], None if actor == "anonymous" else actor)
    doc = r.get_json()
    assert r.status_code == status, doc

    if status == 200:
        assert doc["applied"] is True
        assert [x["status"] for x in doc["results"]] == ["accepted"]
        assert doc["results"][0]["id"] == change["id"]
        check_applied(api, target, op, change, before[2])
        return
    assert r.mimetype == "application/problem+json"
    assert doc["code"] == (code if status == 401 else "push_forbidden")
    if status == 403:
        assert doc["applied"] is False
        (result,) = doc["results"]
        assert result["status"] == "forbidden"
        assert result["code"] == code
        assert result["id"] == change["id"]
        assert result["message"]  # a sentence naming the rule
    assert snapshot(api, layer) == before


# --- rules around the cells -------------------------------------------------------------------------


def test_editor_insert_without_owner_belongs_to_own_municipality(api: Api) -> None:
    melle = territories(api)[MELLE]
    p = melle.representative_point()
    fid = str(uuid.uuid4())
    props = _new_properties("institutions", MELLE, "Ohne Eigentümer")
    del props["owner"]
    r = api.push("institutions", [{"op": "insert", "id": fid, "properties": props, "geometry": mapping(p)}],
                 "melle.editor")
    assert r.status_code == 200, r.get_json()
    assert api.pull_all("institutions", "admin")[fid]["owner"] == MELLE


@pytest.mark.parametrize(("layer", "distance", "status"), [
    ("institutions", BAND_M, 200), ("institutions", BEYOND_M, 403), ("institutions", OUTSIDE_M, 403),
    ("spatial_units", BAND_M, 200), ("spatial_units", BEYOND_M, 403),
])
def test_editor_insert_at_the_border(api: Api, layer: str, distance: float, status: int) -> None:
    """Inserts follow the territory rule too: the tolerance band holds, beyond it does not."""
    terr = territories(api)
    melle = terr[MELLE]
    if layer == "institutions":
        geometry = point_outside(melle, distance, at=0.61)
    else:
        units = api.pull_all("spatial_units", "admin")
        geometry = translated_outward(shape(border_unit(units, MELLE, melle)["geometry"]), melle, distance)
    before = snapshot(api, layer)
    change = {"op": "insert", "id": str(uuid.uuid4()), "properties": _new_properties(layer, MELLE, "Grenzfall"),
              "geometry": mapping(geometry)}
    r = api.push(layer, [change], "melle.editor")
    assert r.status_code == status, r.get_json()
    if status == 403:
        assert r.get_json()["results"][0]["code"] == "outside_territory"
        assert snapshot(api, layer) == before


def test_editor_insert_without_owner_in_foreign_territory_is_outside(api: Api) -> None:
    """Leaving out the owner does not let an editor place features in another municipality."""
    bramsche = territories(api)[BRAMSCHE]
    props = _new_properties("institutions", MELLE, "Verirrt")
    del props["owner"]
    change = {"op": "insert", "id": str(uuid.uuid4()), "properties": props,
              "geometry": mapping(bramsche.representative_point())}
    before = snapshot(api, "institutions")
    r = api.push("institutions", [change], "melle.editor")
    assert r.status_code == 403
    assert r.get_json()["results"][0]["code"] == "outside_territory"
    assert snapshot(api, "institutions") == before


def test_admin_insert_without_owner_takes_the_municipality_it_lies_in(api: Api) -> None:
    bramsche = territories(api)[BRAMSCHE]
    props = _new_properties("institutions", MELLE, "Vom Kreis angelegt")
    del props["owner"]
    fid = str(uuid.uuid4())
    r = api.push("institutions", [{"op": "insert", "id": fid, "properties": props,
                                   "geometry": mapping(bramsche.representative_point())}], "admin")
    assert r.status_code == 200, r.get_json()
    assert api.pull_all("institutions", "admin")[fid]["owner"] == BRAMSCHE


def test_editor_cannot_touch_a_feature_the_admin_handed_to_another_municipality(api: Api) -> None:
    """Ownership is checked on the stored head: after the admin's (still pending) owner change, the
    Melle editor may no longer edit the feature, and the Bramsche editor may."""
    mine = next(f for f in api.pull_all("institutions", "melle.editor").values()
                if f["owner"] == MELLE and f["review"]["state"] == "published")
    handed = {**mine["properties"], "owner": BRAMSCHE}
    r = api.push("institutions", [{"op": "update", "id": mine["id"], "base_revision": mine["revision"],
                                   "properties": handed, "geometry": mine["geometry"]}], "admin")
    assert r.status_code == 200, r.get_json()
    head = api.pull_all("institutions", "admin")[mine["id"]]
    again = {"op": "update", "id": head["id"], "base_revision": head["revision"],
             "properties": {**head["properties"], "name": "Zurückgeholt", "owner": MELLE}, "geometry": head["geometry"]}
    r = api.push("institutions", [again], "melle.editor")
    assert r.status_code == 403
    assert r.get_json()["results"][0]["code"] == "not_owner"
    # Bramsche may edit it now, as long as it stays Bramsche's (and lies within the tolerance).
    terr = territories(api)
    inside = terr[BRAMSCHE].representative_point()
    ok = {**again, "properties": {**head["properties"], "name": "Bramscher Angebot"}, "geometry": mapping(inside)}
    r = api.push("institutions", [ok], "bramsche.editor")
    assert r.status_code == 200, r.get_json()


def test_refusals_name_the_municipalities_and_say_who_may_do_what(api: Api) -> None:
    """The refusal texts name municipalities by name (key in brackets) and say the right thing: the
    owner may change its feature, the person may change only their own municipality's."""
    foreign = next(f for f in api.pull_all("institutions", "melle.editor").values()
                   if f["owner"] == BRAMSCHE and f["review"]["state"] == "published")
    terr = territories(api)
    far = point_outside(terr[MELLE], OUTSIDE_M)
    changes = [
        {"op": "update", "id": foreign["id"], "base_revision": foreign["revision"],
         "properties": foreign["properties"], "geometry": foreign["geometry"]},
        {"op": "insert", "id": str(uuid.uuid4()), "properties": _new_properties("institutions", BRAMSCHE, "Neu"),
         "geometry": mapping(terr[BRAMSCHE].representative_point())},
        {"op": "insert", "id": str(uuid.uuid4()), "properties": _new_properties("institutions", MELLE, "Weit"),
         "geometry": mapping(far)},
    ]
    texts = {}
    for language in ("de", "en"):
        body = {"idempotency_key": str(uuid.uuid4()), "schema_version": INSTITUTIONS.schema_version,
                "changes": changes}
        r = api.post("/api/v1/sync/institutions/push", body, "melle.editor", headers={"Accept-Language": language})
        assert r.status_code == 403
        texts[language] = {x["code"]: x["message"] for x in r.get_json()["results"]}
    melle, bramsche = f"Melle ({MELLE})", f"Bramsche ({BRAMSCHE})"
    de, en = texts["de"], texts["en"]
    assert de["not_owner"] == (f"Das Objekt gehört {bramsche}; nur Bramsche darf es ändern oder löschen. "
                               f"Sie bearbeiten die Daten von {melle}.")
    assert en["not_owner"] == (f"The feature belongs to {bramsche}; only Bramsche may change or delete it. "
                               f"You edit the data of {melle}.")
    assert de["foreign_owner"].startswith(f"Neue Objekte dürfen nur für die eigene Kommune {melle} angelegt")
    assert f"nicht für {bramsche}" in de["foreign_owner"] and f"not for {bramsche}" in en["foreign_owner"]
    assert f"außerhalb des Gebiets von {melle}" in de["outside_territory"]
    assert f"outside the territory of {melle}" in en["outside_territory"]
    for text in [*de.values(), *en.values()]:
        assert "{" not in text
