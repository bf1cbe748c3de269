"""The indicator catalogue: admin services through the API and the command line, on both databases.

Every change is admin only, audited and bumps the catalogue version; every refusal is a problem
document that names the field, and leaves the catalogue (and its version) exactly as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, update

from sync_server import cli
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import CatalogueVersion, Feature, Indicator, IndicatorTheme, Revision
from tests.support import Api

THEME = {"key": "bevoelkerung", "name_de": "Bevölkerung/Demographie", "name_en": "Population", "position": 1,
         "color": "#4477aa"}
CHILDREN = {"key": "bev_u6", "name_de": "Kinder unter 6 Jahren", "name_en": "Children under 6",
            "theme": "bevoelkerung", "unit": "count", "kind": "count", "levels": ["gemeinde", "ortsteil"],
            "maintained_by": "municipalities", "keywords": ["Kinder"]}
POPULATION = {**CHILDREN, "key": "bev_gesamt", "name_de": "Einwohner", "name_en": "Population",
              "keywords": []}
SHARE = {"key": "anteil_u6", "name_de": "Anteil Kinder unter 6", "name_en": "Share of children under 6",
         "theme": "bevoelkerung", "unit": "percent", "kind": "share", "numerator": "bev_u6",
         "denominator": "bev_gesamt", "decimals": 1, "polarity": "neutral", "levels": ["gemeinde"],
         "min_denominator": 20}


@pytest.fixture(autouse=True)
def empty_catalogue(db_url: str) -> None:
    """These tests build a catalogue from nothing, as a county without the standard one would; the demo
    database holds the standard catalogue and values of it, so both are emptied first (version 0 again)."""
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as session:
        session.execute(delete(Feature).where(Feature.layer == "indicator_values"))
        session.execute(delete(Revision).where(Revision.layer == "indicator_values"))
        session.execute(update(Indicator).values(numerator_id=None, denominator_id=None))
        session.execute(delete(Indicator))
        session.execute(delete(IndicatorTheme))
        session.execute(update(CatalogueVersion).values(version=0))
    engine.dispose()


def catalogue(api: Api) -> dict[str, Any]:
    r = api.get("/api/v1/indicators")
    assert r.status_code == 200
    return r.get_json()


def build(api: Api) -> dict[str, Any]:
    for path, doc in (("/api/v1/indicator-themes", THEME), ("/api/v1/indicators", CHILDREN),
                      ("/api/v1/indicators", POPULATION), ("/api/v1/indicators", SHARE)):
        r = api.post(path, doc, "admin")
        assert r.status_code == 201, r.get_json()
    return catalogue(api)


def test_admin_builds_a_catalogue_and_every_change_bumps_the_version(api: Api) -> None:
    assert catalogue(api) == {"version": 0, "themes": [], "indicators": []}
    doc = build(api)
    assert doc["version"] == 4
    assert doc["themes"] == [THEME]
    share = next(i for i in doc["indicators"] if i["key"] == "anteil_u6")
    assert share["numerator"] == "bev_u6" and share["denominator"] == "bev_gesamt"
    assert share["aggregation"] == "ratio"  # the default of a share with both parts
    assert (share["min_count"], share["min_denominator"], share["maintained_by"]) == (3, 20, "county")
    count = next(i for i in doc["indicators"] if i["key"] == "bev_u6")
    assert (count["aggregation"], count["decimals"], count["keywords"]) == ("sum", 0, ["Kinder"])

    r = api.patch("/api/v1/indicators/anteil_u6", {"name_en": "Children under 6 (share)"}, "admin")
    assert r.status_code == 200 and r.get_json()["version"] == 5
    assert r.get_json()["numerator"] == "bev_u6"  # untouched fields stay
    actions = [e["action"] for e in api.get("/api/v1/admin/audit?limit=10", "admin").get_json()]
    assert actions[:5] == ["indicator_saved"] * 4 + ["indicator_theme_saved"]


@pytest.mark.parametrize(("user", "status", "code"), [("melle.editor", 403, "admin_only"),
                                                      ("melle.reader", 403, "admin_only"),
                                                      (None, 401, "missing_token")])
def test_only_the_admin_changes_the_catalogue(api: Api, user: str | None, status: int, code: str) -> None:
    build(api)
    before = catalogue(api)
    for r in (api.post("/api/v1/indicator-themes", {**THEME, "key": "neu"}, user),
              api.patch("/api/v1/indicators/bev_u6", {"name_de": "x"}, user),
              api.client.delete("/api/v1/indicators/anteil_u6", headers=api.headers(user)),
              api.post("/api/v1/indicator-catalogue/import", before, user)):
        assert r.status_code == status and r.get_json()["code"] == code
    assert catalogue(api) == before


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"key": "Bad Key"}, "key", "bad_key"),
    ({"key": "year"}, "key", "reserved_key"),
    ({"key": "parent_key"}, "key", "reserved_key"),
    ({"theme": "gibtsnicht"}, "theme", "unknown_choice"),
    ({"levels": ["gemeinde", "stadtbezirk"]}, "levels", "unknown_choice"),
    ({"levels": []}, "levels", "empty"),
    ({"unit": "liters"}, "unit", "unknown_choice"),
    ({"numerator": "anteil_u6"}, "numerator", "reference_not_count"),
    ({"denominator": "gibtsnicht"}, "denominator", "unknown_indicator"),
    ({"kind": "count", "numerator": "bev_u6"}, "numerator", "only_for_ratios"),
    ({"numerator": None, "aggregation": "ratio"}, "aggregation", "ratio_needs_parts"),
    ({"aggregation": "sum"}, "aggregation", "sum_needs_count"),
    ({"decimals": 9}, "decimals", "out_of_range"),
    ({"name_de": "x" * 201}, "name_de", "too_long"),
    ({"keywords": ["ok", 5]}, "keywords", "bad_keywords"),
    ({"provision": {"category": "gibtsnicht"}}, "provision", "unknown_category"),
    ({"provision": {"category": "beratung", "population": "anteil_u6"}}, "provision", "reference_not_count"),
])
def test_bad_indicators_are_refused_with_the_field(api: Api, change: dict, field: str, code: str) -> None:
    build(api)
    before = catalogue(api)
    r = api.post("/api/v1/indicators", {**SHARE, "key": "neuer_anteil", **change}, "admin",
                 headers={"Accept-Language": "en"})
    doc = r.get_json()
    assert r.status_code == 422 and r.mimetype == "application/problem+json", doc
    assert any(e["field"] == field and e["code"] == code for e in doc["errors"]), doc["errors"]
    assert all(e["message"] != e["code"] for e in doc["errors"])  # a sentence, in English
    assert catalogue(api) == before


def test_deleting_what_others_build_on_is_refused(api: Api) -> None:
    build(api)
    r = api.client.delete("/api/v1/indicators/bev_u6", headers=api.headers("admin"))
    assert r.status_code == 409 and r.get_json()["code"] == "indicator_referenced"
    assert "anteil_u6" in r.get_json()["detail"]
    r = api.client.delete("/api/v1/indicator-themes/bevoelkerung", headers=api.headers("admin"))
    assert r.status_code == 409 and r.get_json()["code"] == "theme_in_use"
    r = api.client.delete("/api/v1/indicators/anteil_u6", headers=api.headers("admin"))
    assert r.status_code == 200 and r.get_json() == {"deleted": "anteil_u6", "version": 5}
    assert api.client.delete("/api/v1/indicators/bev_u6", headers=api.headers("admin")).status_code == 200
    assert api.get("/api/v1/indicators/anteil_u6").status_code == 404


def test_renaming_a_key_keeps_the_references(api: Api) -> None:
    build(api)
    r = api.patch("/api/v1/indicators/bev_u6", {"kind": "mean", "aggregation": "none"}, "admin")
    assert r.status_code == 422 and r.get_json()["errors"][0]["code"] == "count_in_use"
    r = api.patch("/api/v1/indicators/bev_gesamt", {"key": "bev_insgesamt"}, "admin")
    assert r.status_code == 200, r.get_json()
    assert api.get("/api/v1/indicators/anteil_u6").get_json()["denominator"] == "bev_insgesamt"
    r = api.patch("/api/v1/indicators/bev_u6", {"key": "bev_insgesamt"}, "admin")
    assert r.status_code == 409 and r.get_json()["code"] == "key_taken"


def test_import_is_all_or_nothing_and_export_round_trips(api: Api, db_url: str, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    exported = build(api)
    # An import that breaks in its last indicator changes nothing, and names the item.
    broken = {"themes": [{**THEME, "name_en": "Demography"}],
              "indicators": [{**SHARE, "name_en": "changed"}, {**CHILDREN, "key": "neu", "unit": "liters"}]}
    r = api.post("/api/v1/indicator-catalogue/import", broken, "admin")
    assert r.status_code == 422 and r.get_json()["errors"][0]["field"] == "indicators[1].unit"
    assert catalogue(api) == exported

    # The command line exports what the API serves and imports it into the same catalogue (updates).
    path = tmp_path / "katalog.json"
    assert cli.main(["--database", db_url, "--mode", "test", "catalogue", "export", str(path)]) == 0
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc == exported
    # Indicators in any order: the import puts numerator and denominator first.
    doc["indicators"] = list(reversed(doc["indicators"]))
    assert doc["indicators"][-1]["key"] == "anteil_u6"
    doc["indicators"][-1]["name_en"] = "Share of young children"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert cli.main(["--database", db_url, "--mode", "test", "catalogue", "import", str(path)]) == 0
    assert "indicators updated: 3" in capsys.readouterr().out
    after = catalogue(api)
    assert after["version"] == exported["version"] + 1
    assert next(i for i in after["indicators"] if i["key"] == "anteil_u6")["name_en"] == "Share of young children"
    # New indicators may come before the count they build on.
    r = api.post("/api/v1/indicator-catalogue/import", {"indicators": [
        {**SHARE, "key": "anteil_neu", "numerator": "neu_zaehler"}, {**CHILDREN, "key": "neu_zaehler"}]}, "admin")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["indicators_created"] == 2
    assert api.get("/api/v1/indicators/anteil_neu").get_json()["numerator"] == "neu_zaehler"
    assert cli.main(["--database", db_url, "--mode", "test", "catalogue", "list"]) == 0
    assert "anteil_u6" in capsys.readouterr().out


def test_the_catalogue_endpoints_are_documented(api: Api) -> None:
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/indicators/{key}"]) == {"get", "patch", "delete"}
    body = paths["/api/v1/indicators"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["properties"]["key"]["maxLength"] == 60 and "levels" in body["required"]
    assert "security" not in paths["/api/v1/indicators"]["get"]
