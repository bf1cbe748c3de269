"""The contract machinery: a declaration gives the schema, the JSON and back, and they agree."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from sync_server.domain.answers import ChangeResult, FeatureView, PullPage, PushAnswer, ReviewView
from sync_server.domain.contract import Encoded, dump, encode, json_text, load, schema


def _validator(tp: Any) -> jsonschema.Draft7Validator:
    """A JSON Schema validator of ``tp`` (the OpenAPI 3.0 ``nullable`` read as JSON Schema's null type)."""

    def plain(node: Any) -> Any:
        if isinstance(node, dict):
            out = {k: plain(v) for k, v in node.items() if k not in ("nullable", "example", "format")}
            return {"anyOf": [out, {"type": "null"}]} if node.get("nullable") else out
        return [plain(v) for v in node] if isinstance(node, list) else node

    return jsonschema.Draft7Validator(plain(schema(tp)))


VIEW = FeatureView(id="6f1c", revision=7, deleted=False, owner="034590024",
                   properties={"name": "Familienbüro", "owner": "034590024"}, geometry=None,
                   review=ReviewView(state="pending", reason=None, published_revision=None))


def test_an_answer_dumps_to_what_its_schema_describes_and_loads_back() -> None:
    answer = PushAnswer(applied=False, layer="institutions", results=[
        ChangeResult(index=0, id="6f1c", op="update", status="conflict", code="stale_revision",
                     params={"base": 3, "current": 7}, current=VIEW),
        ChangeResult(index=1, id="77aa", op="insert", status="not_applied")])
    data = dump(answer)
    # keys declared omit_none are left out when None; None elsewhere is sent as null
    assert "push_id" not in data and "revision" not in data["results"][0]
    assert data["results"][1] == {"index": 1, "id": "77aa", "op": "insert", "status": "not_applied"}
    assert data["results"][0]["current"]["geometry"] is None
    assert not list(_validator(PushAnswer).iter_errors(data))
    assert load(PushAnswer, data) == answer


def test_the_schema_refuses_what_the_declaration_does_not_say() -> None:
    data = dump(VIEW)
    validator = _validator(FeatureView)
    assert not list(validator.iter_errors(data))
    assert list(validator.iter_errors({**data, "extra": 1}))  # no undeclared keys
    assert list(validator.iter_errors({k: v for k, v in data.items() if k != "review"}))  # required
    assert list(validator.iter_errors({**data, "revision": "7"}))  # types
    assert list(validator.iter_errors({**data, "review": {**data["review"], "state": "approved"}}))  # choices


def test_declarations_are_components_of_the_document_referred_to_once() -> None:
    components: dict[str, Any] = {}
    ref = schema(list[PushAnswer], components)
    assert ref == {"type": "array", "items": {"$ref": "#/components/schemas/PushAnswer"}}
    assert set(components) == {"PushAnswer", "ChangeResult", "FieldProblem", "FeatureView", "ReviewView"}
    current = components["ChangeResult"]["properties"]["current"]
    assert current["nullable"] is True and current["allOf"] == [{"$ref": "#/components/schemas/FeatureView"}]
    assert "current" not in components["ChangeResult"]["required"]


def test_encoded_text_has_the_schema_of_its_type_and_is_spliced_in_as_it_is() -> None:
    assert schema(Encoded[list[FeatureView]]) == schema(list[FeatureView])
    page = PullPage(layer="institutions", schema_version=2, cursor=9, more=False, as_of=9,
                    features=Encoded(f"[{json_text(dump(VIEW))}]"))
    text = encode(dump(page), json.dumps)
    assert json.loads(text) == {"layer": "institutions", "schema_version": 2, "cursor": 9, "more": False,
                                "as_of": 9, "features": [dump(VIEW)]}
    assert not list(_validator(PullPage).iter_errors(json.loads(text)))
    assert load(PullPage, json.loads(text)).features.text == f"[{json_text(dump(VIEW))}]"


def test_a_string_that_reads_like_the_splice_mark_is_no_splice() -> None:
    mark = "\x00encoded\x00"
    value = {"a": Encoded("[1]"), "b": mark, "c": [Encoded("{}")]}
    assert json.loads(encode(value, json.dumps)) == {"a": [1], "b": mark, "c": [{}]}
    assert encode({"a": Encoded("[1]"), "c": [Encoded("{}")]}, json.dumps) == '{"a": [1], "c": [{}]}'


def test_json_text_writes_what_json_dumps_writes() -> None:
    """json_text keeps one C encoder instead of json.dumps building one per call: the stored JSON (and every
    kept answer) must stay byte for byte what json.dumps with the same settings writes."""
    values = ["a", "Müller \u2028 \x00 \"q\" \\", "\ud800", 0, -7, 10**30, 1.5, 0.1 + 0.2, 1e300, -0.0, 1e-7,
              float("nan"), float("inf"), float("-inf"), True, False, None, [], {}, [1, [2, [3]]],
              {"indicator": "bench_001", "unit": "03459001", "year": 2010, "value": 1234.0, "numerator": None,
               "provisional": False, "note": "Schätzung; \"vorläufig\""},
              {"b": 1, "a": 2, 3: 4, 1.5: "x", True: 1, None: 2}]
    for value in values:
        assert json_text(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for unknown in (object(), {"set": {1}}):
        with pytest.raises(TypeError):
            json_text(unknown)
