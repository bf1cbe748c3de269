"""Indicator values through the generic push, pull, review and publish, on both databases.

The rights grid for values, cell by cell: who may write a value depends on the unit's owner, the
unit's level (municipalities maintain only their own levels, here the Ortsteile) and on whether the
municipalities or only the county maintain the indicator. A refused push changes nothing.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest

from sync_server.domain.indicators.values import value_id
from tests.support import BRAMSCHE, COUNTY, MELLE, Api

LAYER = "indicator_values"
THEME = {"key": "testthema", "name_de": "Testthema", "name_en": "Test theme"}
INDICATORS = (
    {"key": "t_kinder_u6", "name_de": "Kinder unter 6", "name_en": "Children under 6", "theme": "testthema",
     "unit": "count", "kind": "count", "levels": ["landkreis", "gemeinde", "ortsteil"],
     "maintained_by": "municipalities"},
    {"key": "t_einwohner", "name_de": "Einwohner", "name_en": "Population", "theme": "testthema",
     "unit": "count", "kind": "count", "levels": ["landkreis", "gemeinde", "ortsteil"],
     "maintained_by": "municipalities"},
    {"key": "t_anteil_u6", "name_de": "Anteil unter 6", "name_en": "Share under 6", "theme": "testthema",
     "unit": "percent", "kind": "share", "numerator": "t_kinder_u6", "denominator": "t_einwohner", "decimals": 1,
     "levels": ["gemeinde", "ortsteil"], "maintained_by": "municipalities"},
    {"key": "t_sgb2_u15", "name_de": "Kinder in SGB II", "name_en": "Children on benefits", "theme": "testthema",
     "unit": "count", "kind": "count", "levels": ["gemeinde", "ortsteil"], "maintained_by": "county"},
)


def build_catalogue(api: Api) -> None:
    # Where the demo's values end: the tests pull from here on, so the 12,000 demo values are not
    # transferred again and again (``pulled`` below).
    ahead = api.get(f"/api/v1/sync/{LAYER}/pull?since={2**40}", "admin").get_json()
    api.values_base = ahead["params"]["server_cursor"]  # type: ignore[attr-defined]
    assert api.post("/api/v1/indicator-themes", THEME, "admin").status_code == 201
    for doc in INDICATORS:
        r = api.post("/api/v1/indicators", doc, "admin")
        assert r.status_code == 201, r.get_json()


def ortsteil(api: Api, owner: str) -> str:
    """The key of one published Ortsteil of ``owner``."""
    units = api.pull_all("spatial_units", "admin")
    return min(u["properties"]["key"] for u in units.values()
               if u["owner"] == owner and u["properties"]["level"] == "ortsteil" and not u["deleted"])


def props(indicator: str, unit: str, year: int, value: float, **more: Any) -> dict[str, Any]:
    return {"indicator": indicator, "unit": unit, "year": year, "value": value, **more}


def insert(indicator: str, unit: str, year: int, value: float, **more: Any) -> dict[str, Any]:
    return {"op": "insert", "id": value_id(indicator, unit, year), "properties": props(indicator, unit, year, value,
                                                                                        **more)}


def pulled(api: Api, user: str = "admin") -> dict[str, dict]:
    """The values of this module's test indicators the user sees: everything changed since the demo's
    values (``build_catalogue`` notes where they end), without tombstones, as a checkout holds them."""
    since, out, as_of = api.values_base, {}, ""  # type: ignore[attr-defined]
    while True:
        page = api.get(f"/api/v1/sync/{LAYER}/pull?since={since}&limit=5000{as_of}", user).get_json()
        if "features" not in page:  # what the user may see changed (sharing): a new checkout is asked for
            assert page["code"] == "checkout_required" and since and not as_of, page
            since, out = 0, {}
            continue
        as_of = f"&as_of={page['as_of']}"
        out.update({f["id"]: f for f in page["features"]})
        since = page["cursor"]
        if not page["more"]:
            return {fid: f for fid, f in out.items()
                    if not f["deleted"] and f["properties"]["indicator"].startswith("t_")}


def pending_values(api: Api) -> list[dict]:
    return [p for p in api.get(f"/api/v1/review/pending?layer={LAYER}", "admin").get_json()
            if p["after"] is None or p["after"]["properties"]["indicator"].startswith("t_")]


def publish(api: Api, answer: Any) -> None:
    assert answer.status_code == 200, answer.get_json()
    r = api.post("/api/v1/review/approve", {"push_id": answer.get_json()["push_id"]}, "admin")
    assert r.status_code == 200, r.get_json()


# --- the rights grid ---------------------------------------------------------------------------------

TARGETS = ("own_ortsteil", "other_ortsteil", "own_gemeinde", "county", "county_indicator")
ACTORS = ("admin", "melle.editor", "melle.reader", "anonymous")


def expected(actor: str, target: str, op: str) -> tuple[int, str | None]:
    if actor == "anonymous":
        return 401, "missing_token"
    if actor == "admin":
        return 200, None
    if actor == "melle.reader":
        return 403, "read_only_role"
    return {
        "own_ortsteil": (200, None),
        "other_ortsteil": (403, "foreign_owner" if op == "insert" else "not_owner"),
        "own_gemeinde": (403, "county_level"),  # Melle's own Gemeinde-level value: the county's
        "county": (403, "county_level" if op == "insert" else "not_owner"),
        "county_indicator": (403, "county_indicator"),
    }[target]


@pytest.mark.parametrize("actor", ACTORS)
def test_value_rights_grid(api: Api, actor: str) -> None:
    build_catalogue(api)
    melle_ot, bramsche_ot = ortsteil(api, MELLE), ortsteil(api, BRAMSCHE)
    where = {"own_ortsteil": ("t_kinder_u6", melle_ot), "other_ortsteil": ("t_kinder_u6", bramsche_ot),
             "own_gemeinde": ("t_kinder_u6", MELLE), "county": ("t_kinder_u6", COUNTY),
             "county_indicator": ("t_sgb2_u15", melle_ot)}
    # The admin publishes one value per target (2020); the cells insert 2021 and change/delete 2020.
    publish(api, api.push(LAYER, [insert(ind, unit, 2020, 40) for ind, unit in where.values()], "admin"))
    user = None if actor == "anonymous" else actor
    for target, (ind, unit) in where.items():
        for op in ("insert", "update", "delete"):
            before = pulled(api)
            if op == "insert":
                change = insert(ind, unit, 2021, 12)
            else:
                head = before[value_id(ind, unit, 2020)]
                change = {"op": op, "id": head["id"], "base_revision": head["revision"]}
                if op == "update":
                    change["properties"] = {**head["properties"], "value": 41, "provisional": True}
            status, code = expected(actor, target, op)
            r = api.push(LAYER, [change], user)
            doc = r.get_json()
            cell = f"{actor} {op} {target}"
            assert r.status_code == status, (cell, doc)
            if status == 200:
                after = pulled(api)
                if op == "delete":
                    assert change["id"] not in after, cell
                else:
                    assert after[change["id"]]["review"]["state"] == "pending", cell
                    owner = {MELLE: MELLE, COUNTY: COUNTY, bramsche_ot: BRAMSCHE}.get(unit, MELLE)
                    assert after[change["id"]]["owner"] == owner, cell
                continue
            if status == 401:
                assert doc["code"] == code, cell
            else:
                assert doc["code"] == "push_forbidden", cell
                assert doc["results"][0]["code"] == code, (cell, doc["results"])
                assert doc["results"][0]["message"], cell
            assert pulled(api) == before, cell


# --- the checks of a value -----------------------------------------------------------------------------


def test_bad_values_are_refused_with_the_rule(api: Api) -> None:
    build_catalogue(api)
    ot = ortsteil(api, MELLE)
    next_year = date.today().year + 1
    cases = [
        (insert("gibtsnicht", ot, 2020, 1), "indicator", "unknown_indicator"),
        (insert("t_kinder_u6", "0345999", 2020, 1), "unit", "unknown_unit"),
        (insert("t_anteil_u6", COUNTY, 2020, 1), "unit", "level_not_collected"),
        ({**insert("t_kinder_u6", ot, 2020, 1), "id": value_id("t_kinder_u6", ot, 2019)}, "id", "value_id_mismatch"),
        (insert("t_kinder_u6", ot, 1989, 1), "year", "out_of_range"),
        (insert("t_kinder_u6", ot, next_year + 1, 1), "year", "bad_year"),
        (insert("t_kinder_u6", ot, 2020, -1), "value", "negative"),
        (insert("t_kinder_u6", ot, 2020, 2.5), "value", "not_a_count"),
        (insert("t_kinder_u6", ot, 2020, "12"), "value", "wrong_type"),
        (insert("t_anteil_u6", ot, 2020, 100.5), "value", "share_above_100"),
        (insert("t_anteil_u6", ot, 2020, 50.0, numerator=30, denominator=20), "numerator",
         "numerator_above_denominator"),
        (insert("t_anteil_u6", ot, 2020, 12.0, numerator=10, denominator=40), "value", "value_inconsistent"),
        (insert("t_anteil_u6", ot, 2020, 25.0, numerator=10, denominator=0), "denominator", "zero_denominator"),
        (insert("t_kinder_u6", ot, 2020, 1, level="gemeinde"), "level", "level_mismatch"),
        (insert("t_kinder_u6", ot, 2020, 1, owner=BRAMSCHE), "owner", "value_owner"),
        ({**insert("t_kinder_u6", ot, 2020, 1), "geometry": {"type": "Point", "coordinates": [0, 0]}}, "geometry",
         "no_geometry"),
    ]
    before = pulled(api)
    for change, field, code in cases:
        body = {"idempotency_key": str(uuid.uuid4()), "schema_version": 1, "changes": [change]}
        r = api.post(f"/api/v1/sync/{LAYER}/push", body, "admin", headers={"Accept-Language": "en"})
        doc = r.get_json()
        assert r.status_code == 422, (field, code, doc)
        errors = doc["results"][0]["errors"]
        assert any(e["field"] == field and e["code"] == code for e in errors), (field, code, errors)
        assert all(e["message"] != e["code"] for e in errors)
    assert pulled(api) == before
    # Within the rounding of the indicator's decimals, value and its parts agree; flags default to False.
    ok = insert("t_anteil_u6", ot, 2020, 33.3, numerator=10, denominator=30)
    r = api.push(LAYER, [ok], "melle.editor")
    assert r.status_code == 200, r.get_json()
    stored = pulled(api, "melle.editor")[ok["id"]]["properties"]
    assert stored["level"] == "ortsteil" and stored["owner"] == MELLE
    assert (stored["provisional"], stored["estimated"], stored["series_break"]) == (False, False, False)


# --- review, publish, sharing, history --------------------------------------------------------------


def test_values_are_reviewed_published_and_shared_like_features(api: Api) -> None:
    build_catalogue(api)
    ot = ortsteil(api, MELLE)
    changes = [insert("t_kinder_u6", ot, year, 30 + year - 2020, note="Melderegister") for year in (2020, 2021)]
    r = api.push(LAYER, changes, "melle.editor")
    assert r.status_code == 200, r.get_json()
    push_id = r.get_json()["push_id"]

    pending = api.get(f"/api/v1/review/pending?layer={LAYER}&indicator=t_kinder_u6", "admin").get_json()
    assert {p["id"] for p in pending} == {c["id"] for c in changes}
    assert api.get(f"/api/v1/review/pending?layer={LAYER}&indicator=t_einwohner", "admin").get_json() == []
    assert all(p["after"]["properties"]["unit"] == ot and p["after"]["geometry"] is None for p in pending)

    # Unpublished values: the own municipality and (while Melle shares) the others see them; nobody public.
    assert set(pulled(api, "bramsche.editor")) == {c["id"] for c in changes}
    melle = api.municipality(MELLE)
    assert api.patch(f"/api/v1/municipalities/{melle['id']}", {"shares_unpublished": False},
                     "admin").status_code == 200
    assert pulled(api, "bramsche.editor") == {}
    assert set(pulled(api, "melle.reader")) == {c["id"] for c in changes}
    assert api.get(f"/api/v1/public/{LAYER}").status_code == 404
    collections = api.get("/ogcapi/collections?f=json").get_json()["collections"]
    assert LAYER not in {c["id"] for c in collections}

    # The admin rejects one with a reason and publishes the other; the editor sees both decisions.
    first, second = (r.get_json()["results"][i]["revision"] for i in (0, 1))
    assert api.post("/api/v1/review/reject", {"revisions": [first], "reason": "Zahl bitte prüfen"},
                    "admin").status_code == 200
    assert api.post("/api/v1/review/approve", {"revisions": [second]}, "admin").status_code == 200
    mine = pulled(api, "melle.editor")
    assert mine[changes[0]["id"]]["review"] == {"state": "rejected", "reason": "Zahl bitte prüfen",
                                                "published_revision": None}
    assert mine[changes[1]["id"]]["review"]["state"] == "published"
    # Others now see the published value only.
    assert set(pulled(api, "bramsche.editor")) == {changes[1]["id"]}
    assert pending_values(api) == []

    # A correction, then a restore of the published revision: history lists all three, through push.
    head = mine[changes[1]["id"]]
    fix = {"op": "update", "id": head["id"], "base_revision": head["revision"],
           "properties": {**head["properties"], "value": 35, "series_break": True, "note": "neue Abgrenzung"}}
    assert api.push(LAYER, [fix], "melle.editor").status_code == 200
    r = api.post(f"/api/v1/layers/{LAYER}/features/{head['id']}/restore", {"revision": head["revision"]},
                 "melle.editor")
    assert r.status_code == 200, r.get_json()
    history = api.get(f"/api/v1/layers/{LAYER}/features/{head['id']}/history", "melle.editor").get_json()
    assert [h["state"] for h in history] == ["published", "pending", "pending"]
    assert history[1]["changed_fields"]["value"] == [31, 35]
    assert pulled(api, "melle.editor")[head["id"]]["properties"]["value"] == 31
    assert push_id


def test_an_indicator_with_values_keeps_its_key_and_cannot_go(api: Api) -> None:
    build_catalogue(api)
    r = api.push(LAYER, [insert("t_kinder_u6", MELLE, 2020, 100)], "admin")
    assert r.status_code == 200, r.get_json()
    r = api.client.delete("/api/v1/indicators/t_sgb2_u15", headers=api.headers("admin"))
    assert r.status_code == 200
    r = api.patch("/api/v1/indicators/t_kinder_u6", {"key": "kinder_unter_6"}, "admin")
    assert r.status_code == 409 and r.get_json()["code"] == "indicator_key_has_values"
    assert api.patch("/api/v1/indicators/t_anteil_u6", {"numerator": None, "aggregation": "none"},
                     "admin").status_code == 200
    r = api.client.delete("/api/v1/indicators/t_kinder_u6", headers=api.headers("admin"))
    assert r.status_code == 409 and r.get_json()["code"] == "indicator_has_values"


def test_the_values_layer_is_described_without_geometry(api: Api) -> None:
    layer = api.get(f"/api/v1/layers/{LAYER}").get_json()
    assert layer["geometry_type"] is None
    assert {"indicator", "unit", "level", "year", "value", "numerator", "denominator", "provisional", "estimated",
            "series_break", "note"} <= {f["name"] for f in layer["fields"]}


def test_values_follow_the_state_of_their_units(api: Api) -> None:
    """Writes judge units in their head state (a pending Ortsteil takes values at once); the public sees
    values only of published units; a unit whose parent is unknown takes no values."""
    from shapely.geometry import mapping, shape

    build_catalogue(api)
    units = api.pull_all("spatial_units", "admin")
    base = next(u for u in units.values() if u["owner"] == MELLE and u["properties"]["level"] == "ortsteil")
    inner = mapping(shape(base["geometry"]).buffer(-60))
    new_unit = {"op": "insert", "id": str(uuid.uuid4()), "geometry": inner, "properties": {
        "owner": MELLE, "level": "ortsteil", "key": f"{MELLE}-99", "name": "Neubaugebiet", "parent_key": MELLE}}
    assert api.push("spatial_units", [new_unit], "melle.editor").status_code == 200
    r = api.push(LAYER, [insert("t_kinder_u6", f"{MELLE}-99", 2022, 25)], "melle.editor")
    assert r.status_code == 200, r.get_json()
    assert api.post("/api/v1/review/approve", {"push_id": r.get_json()["push_id"]}, "admin").status_code == 200
    public = api.get("/api/v1/indicators/t_kinder_u6/values?level=ortsteil").get_json()
    assert f"{MELLE}-99" not in {v["unit"] for v in public["values"]}
    staff = api.get("/api/v1/indicators/t_kinder_u6/values?level=ortsteil&view=staff", "melle.editor").get_json()
    assert {v["unit"]: v["value"] for v in staff["values"]}[f"{MELLE}-99"] == 25

    orphan = {**new_unit, "id": str(uuid.uuid4()), "properties": {**new_unit["properties"], "key": "verwaist",
                                                                    "parent_key": "gibtsnicht"}}
    assert api.push("spatial_units", [orphan], "admin").status_code == 200
    r = api.push(LAYER, [insert("t_kinder_u6", "verwaist", 2022, 5)], "admin")
    assert r.status_code == 422 and r.get_json()["results"][0]["errors"][0]["code"] == "unknown_unit"


def test_a_push_of_many_values_judges_each_as_it_is_judged_alone(api: Api) -> None:
    """The push checks a part of values a column at a time (the same units, indicators and years judged
    once): each change of a mixed push gets exactly the verdict, problems and order it gets pushed alone."""
    build_catalogue(api)
    ot, other = ortsteil(api, MELLE), ortsteil(api, BRAMSCHE)
    years = iter(range(1995, 2025))

    def value(indicator: str, unit: str, number: Any, **more: Any) -> dict[str, Any]:
        return insert(indicator, unit, next(years), number, **more)

    wrong_id = value("t_kinder_u6", ot, 1)
    wrong_id["id"] = value_id("t_kinder_u6", ot, 1990)
    no_year = value("t_einwohner", ot, 3)
    del no_year["properties"]["year"]
    no_year["id"] = str(uuid.uuid4())
    cases: list[tuple[dict, list[tuple[str, str]]]] = [
        (value("t_kinder_u6", ot, 5), []),
        (value("gibtsnicht", ot, 1), [("indicator", "unknown_indicator")]),
        (value("t_kinder_u6", "0345999", 1), [("unit", "unknown_unit")]),
        (value("gibtsnicht", "0345999", -1), [("indicator", "unknown_indicator"), ("unit", "unknown_unit")]),
        (value("t_anteil_u6", COUNTY, 1.0), [("unit", "level_not_collected")]),
        (wrong_id, [("id", "value_id_mismatch")]),
        (no_year, [("year", "required")]),
        (value("t_kinder_u6", ot, -1), [("value", "negative")]),
        (value("t_kinder_u6", ot, 2.5), [("value", "not_a_count")]),
        (value("t_kinder_u6", ot, "12", farbe="blau"), [("farbe", "unknown_field"), ("value", "wrong_type")]),
        (value("t_anteil_u6", ot, 100.5), [("value", "share_above_100")]),
        (value("t_anteil_u6", ot, 50.0, numerator=30, denominator=20), [("numerator", "numerator_above_denominator")]),
        (value("t_anteil_u6", ot, 12.0, numerator=10, denominator=40), [("value", "value_inconsistent")]),
        (value("t_anteil_u6", ot, 25.0, numerator=10, denominator=0), [("denominator", "zero_denominator")]),
        (value("t_anteil_u6", ot, 25.0, numerator=10, denominator=40), []),
        (value("t_kinder_u6", ot, 1, level="gemeinde", owner=BRAMSCHE),
         [("level", "level_mismatch"), ("owner", "value_owner")]),
        (value("t_kinder_u6", ot, 1, owner=7), [("owner", "value_owner")]),
        (value("t_kinder_u6", other, 4.0, provisional="ja"), [("provisional", "wrong_type")]),
        ({**value("t_kinder_u6", ot, 1), "geometry": {"type": "Point", "coordinates": [0, 0]}},
         [("geometry", "no_geometry")]),
        (value("t_sgb2_u15", ot, 3.0, estimated=True), []),
    ]
    before = pulled(api)
    r = api.push(LAYER, [change for change, _problems in cases], "admin")
    assert r.status_code == 422, r.get_json()
    together = r.get_json()["results"]
    for (change, problems), result in zip(cases, together, strict=True):
        assert [(e["field"], e["code"]) for e in result.get("errors") or []] == problems, (change, result)
        if problems:
            alone = api.push(LAYER, [change], "admin")
            assert alone.status_code == 422
            assert {**alone.get_json()["results"][0], "index": result["index"]} == result, change
        else:
            assert result["status"] == "not_applied", result
    assert pulled(api) == before
