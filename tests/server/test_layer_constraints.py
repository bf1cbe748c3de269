"""The layer schema declares every constraint, serves it, and the server's checker applies exactly that."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask
from shapely.geometry import shape

from sync_server.domain.layers import FORMATS, LAYERS, RULE_KINDS
from tests.support import MELLE, Api, insert

from .test_push_protocol import snapshot


def test_every_declared_rule_and_format_names_what_exists() -> None:
    for layer in LAYERS.values():
        for rule in layer.rules:
            assert rule.kind in RULE_KINDS, rule
            assert all(layer.field(name) is not None for name in rule.fields), rule
            assert rule.field in rule.fields, rule
        for spec in layer.fields:
            assert spec.format is None or (spec.format in FORMATS and spec.type == "string"), spec


def test_the_layer_description_serves_formats_ranges_and_rules(api: Api) -> None:
    served = api.get("/api/v1/layers/institutions").get_json()
    fields = {f["name"]: f for f in served["fields"]}
    assert fields["email"]["format"] == "email" and re.match(fields["email"]["pattern"], "info@melle.de")
    assert fields["website"]["format"] == "uri" and not re.match(fields["website"]["pattern"], "www.melle.de")
    assert fields["age_min"]["minimum"] == 0 and fields["age_max"]["maximum"] == 120
    assert fields["postcode"]["max_length"] == 10
    assert {(r["kind"], tuple(r["fields"]), r["field"], r["code"]) for r in served["rules"]} == {
        ("parent_choice", ("subcategory", "category"), "subcategory", "subcategory_mismatch"),
        ("not_greater", ("age_min", "age_max"), "age_max", "age_range"),
    }
    assert api.get("/api/v1/layers").get_json()[0]["rules"] == served["rules"]


def test_every_declared_constraint_is_refused_by_field_with_its_code(api: Api, app: Flask) -> None:
    """One push breaking each constraint once: all problems come at once, in German and English,
    each on its field with the code the layer declares, and nothing is stored."""
    served = api.get("/api/v1/layers/institutions").get_json()
    subcategories = next(f for f in served["fields"] if f["name"] == "subcategory")["choices"]
    foreign_sub = next(c["value"] for c in subcategories if c["parent"] != "beratung")
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    change = insert(None, p.x, p.y, category="beratung", subcategory=foreign_sub, email="info at melle.de",
                    website="www.melle.de", age_min=12, age_max=3, postcode="49324-49328", name="x" * 201)
    bad_range = insert(None, p.x + 10, p.y, age_min=-1, age_max=130)
    before = snapshot(api, app)
    answers: dict[str, Any] = {}
    for language in ("de", "en"):
        body = {"idempotency_key": str(uuid.uuid4()), "schema_version": 1, "changes": [change, bad_range]}
        r = api.post("/api/v1/sync/institutions/push", body, "melle.editor", headers={"Accept-Language": language})
        assert r.status_code == 422, r.get_json()
        answers[language] = r.get_json()
    results = answers["de"]["results"]
    assert {(e["field"], e["code"]) for e in results[0]["errors"]} == {
        ("subcategory", "subcategory_mismatch"), ("email", "bad_email"), ("website", "bad_url"),
        ("age_max", "age_range"), ("postcode", "too_long"), ("name", "too_long")}
    assert {(e["field"], e["code"]) for e in results[1]["errors"]} == {
        ("age_min", "out_of_range"), ("age_max", "out_of_range")}
    german = {e["code"]: e["message"] for e in results[0]["errors"]}
    english = {e["code"]: e["message"] for e in answers["en"]["results"][0]["errors"]}
    assert german["age_range"] == "Das Mindestalter ist größer als das Höchstalter."
    assert english["age_range"] == "The minimum age is above the maximum age."
    assert "info at melle.de" in german["bad_email"] and german["bad_email"] != english["bad_email"]
    assert snapshot(api, app) == before
