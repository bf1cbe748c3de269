"""hidden_cells: the primary and secondary rules case by case (pure; the attacker test proves them)."""

from __future__ import annotations

from sync_server.domain.indicators.confidentiality import Cell, Rule, hidden_cells
from sync_server.domain.indicators.tree import UnitTree

COUNT = Rule(kind="count", aggregation="sum")
RULES = {
    "births": COUNT,
    "deaths": Rule(kind="count", aggregation="sum", min_count=5),
    "kita": COUNT,
    "pop_u6": COUNT,
    "kita_share": Rule(kind="share", unit="percent", aggregation="ratio", numerator="kita", denominator="pop_u6"),
    "own_rate": Rule(kind="rate", unit="per_1000", aggregation="ratio"),
    "mean_age": Rule(kind="mean", unit="years"),
    "kita_per_pop": Rule(kind="rate", unit="per_1000", based_on=("pop_u6",)),
    "offers": Rule(kind="count", aggregation="sum", min_count=0),
    "offers_per_1000": Rule(
        kind="rate", unit="per_1000", aggregation="ratio", numerator="offers", denominator="pop_u6"
    ),
}
FLAT = UnitTree.from_parents({"a": None, "b": None, "c": None})
SG = UnitTree.from_parents({"m1": "SG", "m2": "SG", "m3": "SG", "m4": "SG"})


def cells(indicator: str, values: dict[str, float | None], year: int = 2024) -> list[Cell]:
    return [Cell(indicator, unit, year, value) for unit, value in values.items()]


def test_primary_frequency_rule_shows_zero_and_hides_one_and_two() -> None:
    data = cells("births", {"a": 0, "b": 1, "c": 2}) + cells("deaths", {"a": 3, "b": 4, "c": 5})
    data += cells("mean_age", {"a": 1.5}) + cells("births", {"a": 3}, 2023) + [Cell("unknown", "a", 2024, 1)]
    assert hidden_cells(data, RULES, FLAT) == {
        ("births", "b", 2024): "primary",
        ("births", "c", 2024): "primary",
        ("deaths", "a", 2024): "primary",
        ("deaths", "b", 2024): "primary",
    }


def test_rates_are_hidden_for_a_small_denominator_or_a_small_numerator() -> None:
    data = [
        Cell("own_rate", "a", 2024, 500.0, numerator=4, denominator=8),  # denominator below 10
        Cell("own_rate", "b", 2024, 10.0, numerator=1, denominator=100),  # numerator 1
        Cell("own_rate", "c", 2024, 0.0, numerator=0, denominator=100),  # 0 of 100 is shown
    ]
    assert hidden_cells(data, RULES, FLAT, secondary=False) == {
        ("own_rate", "a", 2024): "primary",
        ("own_rate", "b", 2024): "primary",
    }


def test_a_hidden_count_hides_its_rate_and_a_hidden_rate_its_numerator() -> None:
    data = cells("kita", {"a": 2, "b": 5}) + cells("pop_u6", {"a": 40, "b": 8})
    data += [Cell("kita_share", "a", 2024, 5.0), Cell("kita_share", "b", 2024, 62.5)]
    hidden = hidden_cells(data, RULES, FLAT)
    # a: the count is primary, so the share (which would show it with the denominator) is too
    assert hidden[("kita", "a", 2024)] == "primary" and hidden[("kita_share", "a", 2024)] == "primary"
    # b: the share is primary (8 children), its numerator would give it away with the public denominator
    assert hidden[("kita_share", "b", 2024)] == "primary" and hidden[("kita", "b", 2024)] == "secondary"
    assert ("pop_u6", "b", 2024) not in hidden and ("pop_u6", "a", 2024) not in hidden


def test_a_derived_indicator_on_a_hidden_cell_is_hidden() -> None:
    data = cells("pop_u6", {"a": 2, "b": 50}) + cells("kita_per_pop", {"a": 500.0, "b": 20.0})
    hidden = hidden_cells(data, RULES, FLAT)
    assert hidden == {("pop_u6", "a", 2024): "primary", ("kita_per_pop", "a", 2024): "secondary"}


def test_parent_minus_siblings_hides_the_smallest_non_zero_sibling() -> None:
    data = cells("births", {"m1": 1, "m2": 0, "m3": 9, "m4": 4, "SG": 14})
    hidden = hidden_cells(data, RULES, SG)
    assert hidden == {("births", "m1", 2024): "primary", ("births", "m4", 2024): "secondary"}
    # a zero sibling protects nothing; two small ones are not enough either (1 + 1 < 3)
    data = cells("births", {"m1": 1, "m2": 1, "m3": 0, "m4": 9, "SG": 11})
    hidden = hidden_cells(data, RULES, SG)
    assert set(hidden) == {("births", u, 2024) for u in ("m1", "m2", "m4")}
    assert hidden[("births", "m4", 2024)] == "secondary"


def test_a_hidden_parent_with_public_children_hides_a_child() -> None:
    data = cells("births", {"m1": 0, "m2": 2, "m3": 0, "m4": 0, "SG": 2})
    hidden = hidden_cells(data, RULES, SG)
    # the total 2 is primary, its only non-zero member too; nothing else could protect them
    assert hidden == {("births", "m2", 2024): "primary", ("births", "SG", 2024): "primary"}


def test_secondary_suppression_climbs_the_levels() -> None:
    tree = UnitTree.from_parents(
        {"o1": "G", "o2": "G", "G": "K", "H": "K", "S": "K", "s1": "S", "s2": "S"},
    )
    data = cells("births", {"o1": 1, "o2": 40, "G": 41, "H": 30, "s1": 20, "s2": 25, "S": 45, "K": 116})
    hidden = hidden_cells(data, RULES, tree)
    # o1 is recomputable from G - o2, so o2 goes; nothing at the upper levels is needed
    assert hidden == {("births", "o1", 2024): "primary", ("births", "o2", 2024): "secondary"}
    # without the Ortsteile's partner available, the Gemeinde total goes and protection moves up
    data = cells("births", {"o1": 1, "o2": 1, "G": 2, "H": 30, "s1": 20, "s2": 25, "S": 45, "K": 77})
    hidden = hidden_cells(data, RULES, tree)
    assert hidden[("births", "G", 2024)] == "primary"
    assert hidden[("births", "H", 2024)] == "secondary"  # the smallest non-zero sibling without children


def test_cells_without_value_are_ignored_and_the_answer_is_sorted() -> None:
    data = cells("births", {"c": 1, "a": None, "b": 2})
    assert list(hidden_cells(data, RULES, FLAT)) == [("births", "b", 2024), ("births", "c", 2024)]


def test_absent_cells_are_no_protection_and_no_relation_without_its_cell() -> None:
    # the Samtgemeinde total is absent (not uploaded, an incomplete aggregate): one hidden member
    # still gets a partner, since another relation could reveal the total
    data = cells("births", {"m1": 1, "m2": 9, "m3": 30, "m4": 12})
    hidden = hidden_cells(data, RULES, SG)
    assert hidden == {("births", "m1", 2024): "primary", ("births", "m2", 2024): "secondary"}
    # a hidden count without a share cell for its unit hides no denominator
    data = cells("kita", {"a": 2}) + cells("pop_u6", {"a": 40})
    assert hidden_cells(data, RULES, FLAT) == {("kita", "a", 2024): "primary"}


def test_public_counts_are_never_hidden_so_a_provision_rate_hides_its_population() -> None:
    data = cells("offers", {"a": 1, "b": 2, "c": 0}) + cells("pop_u6", {"a": 8, "b": 400, "c": 300})
    data += [Cell("offers_per_1000", "a", 2024, 125.0), Cell("offers_per_1000", "b", 2024, 5.0)]
    hidden = hidden_cells(data, RULES, FLAT)
    # a: 8 children is below min_denominator; the offer is on the map anyway, so the 8 must go
    assert hidden == {("offers_per_1000", "a", 2024): "primary", ("pop_u6", "a", 2024): "secondary"}
