"""UnitTree: the parent/children structure aggregation and confidentiality share (pure, no database)."""

from __future__ import annotations

import pytest

from sync_server.domain.indicators.tree import UnitTree, UnitTreeError

PARENTS = {
    "03459": None,
    "sg_a": "03459",
    "sg_a_1": "sg_a",
    "sg_a_2": "sg_a",
    "melle": "03459",
    "melle-02": "melle",
    "melle-01": "melle",
}
LEVELS = {
    "03459": "landkreis",
    "sg_a": "gemeinde",
    "melle": "gemeinde",
    "sg_a_1": "mitgliedsgemeinde",
    "sg_a_2": "mitgliedsgemeinde",
    "melle-01": "ortsteil",
    "melle-02": "ortsteil",
}


def test_children_ancestors_and_order() -> None:
    tree = UnitTree(parent=PARENTS, level=LEVELS)
    assert tree.children("03459") == ("melle", "sg_a")
    assert tree.children("melle") == ("melle-01", "melle-02")
    assert tree.children("melle-01") == ()
    assert tree.children("not-there") == ()
    assert tree.ancestors("sg_a_2") == ("sg_a", "03459")
    assert tree.ancestors("03459") == ()
    assert tree.roots() == ("03459",)
    assert tree.depth("melle-02") == 2 and tree.depth("03459") == 0
    assert tree.level["sg_a_1"] == "mitgliedsgemeinde"
    order = tree.bottom_up()
    assert all(order.index(unit) < order.index(up) for unit, up in PARENTS.items() if up is not None)
    assert tree.parents_bottom_up() == ("melle", "sg_a", "03459")
    assert tree.descendants("03459") == ("melle", "melle-01", "melle-02", "sg_a", "sg_a_1", "sg_a_2")
    assert "melle" in tree and len(tree) == 7


def test_from_parents_adds_roots_and_default_levels() -> None:
    tree = UnitTree.from_parents([("a", "root"), ("b", "root"), ("a1", "a")], {"root": "landkreis"})
    assert tree.parent["root"] is None
    assert tree.children("root") == ("a", "b")
    assert tree.level["a1"] == "" and tree.level["root"] == "landkreis"
    assert UnitTree.from_parents(PARENTS, LEVELS) == UnitTree(parent=PARENTS, level=LEVELS)


def test_the_tree_is_immutable() -> None:
    source = dict(PARENTS)
    tree = UnitTree(parent=source, level=LEVELS)
    source["melle-03"] = "melle"
    assert tree.children("melle") == ("melle-01", "melle-02")
    with pytest.raises(TypeError):
        tree.parent["x"] = None  # type: ignore[index]


@pytest.mark.parametrize(
    ("parents", "message"),
    [
        ({"a": "b", "b": "a"}, "cycle"),
        ({"r": None, "a": "b", "b": "c", "c": "a"}, "cycle"),
        ({"a": "a"}, "own parent"),
        ({"a": "ghost"}, "unknown parent"),
    ],
)
def test_invalid_parent_maps_are_refused(parents: dict[str, str | None], message: str) -> None:
    with pytest.raises(UnitTreeError, match=message):
        UnitTree(parent=parents, level={})


def test_two_parents_and_stray_levels_are_refused() -> None:
    with pytest.raises(UnitTreeError, match="two parents"):
        UnitTree.from_parents([("a", "r"), ("a", "s")])
    with pytest.raises(UnitTreeError, match="not in the tree"):
        UnitTree(parent={"a": None}, level={"b": "gemeinde"})
