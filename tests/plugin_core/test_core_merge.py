"""Three-way merge of one feature (docs/architecture.md, sync protocol: merge different fields, ask about
the same field)."""

from __future__ import annotations

import pytest

from qgis_plugin.core.merge import DELETED, Clash, merge

POINT = {"type": "Point", "coordinates": [434512.25, 5792301.75]}
MOVED = {"type": "Point", "coordinates": [434600.0, 5792400.0]}

BASE = {"name": "Kita Sonnenschein", "phone": "0541 1", "age_min": 1, "geometry": POINT}


def test_nothing_changed() -> None:
    result = merge(BASE, dict(BASE), dict(BASE))
    assert result.merged == BASE
    assert result.clean


def test_changes_on_different_fields_merge() -> None:
    mine = {**BASE, "phone": "0541 2"}
    theirs = {**BASE, "name": "Kita Regenbogen", "geometry": MOVED}
    result = merge(BASE, mine, theirs)
    assert result.clean
    assert result.merged == {"name": "Kita Regenbogen", "phone": "0541 2", "age_min": 1, "geometry": MOVED}


def test_same_change_on_both_sides_is_no_clash() -> None:
    mine = {**BASE, "phone": "0541 9", "geometry": MOVED}
    theirs = {**BASE, "phone": "0541 9", "geometry": {"type": "Point", "coordinates": [434600.0004, 5792399.9996]}}
    result = merge(BASE, mine, theirs)
    assert result.clean
    assert result.merged["phone"] == "0541 9"


def test_same_field_changed_differently_is_a_clash_and_keeps_mine() -> None:
    mine = {**BASE, "name": "Mine", "phone": "0541 2"}
    theirs = {**BASE, "name": "Theirs", "age_min": 2}
    result = merge(BASE, mine, theirs, uuid="u1")
    assert result.clashes == [Clash("name", "Kita Sonnenschein", "Mine", "Theirs", "u1")]
    assert result.merged == {**BASE, "name": "Mine", "phone": "0541 2", "age_min": 2}
    assert result.resolve({"name": "theirs"}, mine, theirs)["name"] == "Theirs"
    assert result.resolve({"name": "mine"}, mine, theirs)["name"] == "Mine"
    with pytest.raises(KeyError):
        result.resolve({}, mine, theirs)


def test_geometry_is_one_field() -> None:
    mine = {**BASE, "geometry": MOVED}
    theirs = {**BASE, "geometry": {"type": "Point", "coordinates": [1.0, 2.0]}}
    result = merge(BASE, mine, theirs)
    assert [c.field for c in result.clashes] == ["geometry"]


def test_moving_within_a_millimetre_is_no_change() -> None:
    mine = {**BASE, "geometry": {"type": "Point", "coordinates": [434512.2504, 5792301.7496]}}
    theirs = {**BASE, "geometry": MOVED}
    result = merge(BASE, mine, theirs)
    assert result.clean
    assert result.merged["geometry"] == MOVED


def test_empty_string_equals_null() -> None:
    base = {**BASE, "phone": None}
    mine = {**BASE, "phone": ""}
    theirs = {**BASE, "phone": "0541 3"}
    result = merge(base, mine, theirs)
    assert result.clean
    assert result.merged["phone"] == "0541 3"


def test_field_only_on_one_side_counts_as_null_elsewhere() -> None:
    result = merge(BASE, {**BASE, "email": "a@example.org"}, dict(BASE))
    assert result.merged["email"] == "a@example.org"


def test_deleted_on_both_sides() -> None:
    result = merge(BASE, None, None)
    assert result.merged is None and result.clean


def test_my_deletion_against_unchanged_theirs_stands() -> None:
    result = merge(BASE, None, dict(BASE))
    assert result.merged is None and result.clean


def test_their_deletion_against_my_unchanged_stands() -> None:
    result = merge(BASE, dict(BASE), None)
    assert result.merged is None and result.clean


def test_my_deletion_against_their_update_is_a_feature_clash() -> None:
    theirs = {**BASE, "name": "Neu"}
    result = merge(BASE, None, theirs, uuid="u2")
    assert result.clashes == [Clash(DELETED, BASE, None, theirs, "u2")]
    assert result.merged is None  # mine, until someone decides
    assert result.resolve({DELETED: "theirs"}, None, theirs) == theirs
    assert result.resolve({DELETED: "mine"}, None, theirs) is None


def test_their_deletion_against_my_update_is_a_feature_clash() -> None:
    mine = {**BASE, "phone": "0541 7"}
    result = merge(BASE, mine, None)
    assert [c.field for c in result.clashes] == [DELETED]
    assert result.merged == mine
    assert result.resolve({DELETED: "mine"}, mine, None) == mine
    assert result.resolve({DELETED: "theirs"}, mine, None) is None


def test_without_a_base_every_difference_clashes() -> None:
    mine = {"name": "A", "phone": "1", "geometry": POINT}
    theirs = {"name": "B", "phone": "1", "geometry": POINT}
    result = merge(None, mine, theirs)
    assert [c.field for c in result.clashes] == ["name"]
    assert result.merged == mine
