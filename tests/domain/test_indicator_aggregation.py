"""aggregate: sums and recomputed rates up the unit tree, incomplete instead of wrong (pure)."""

from __future__ import annotations

import pytest

from sync_server.domain.indicators.aggregation import Aggregate, aggregate
from sync_server.domain.indicators.confidentiality import Cell, Rule
from sync_server.domain.indicators.tree import UnitTree

# county K: Samtgemeinde SG (members m1, m2), Einheitsgemeinde E1 (Ortsteile o1, o2), Einheitsgemeinde E2
TREE = UnitTree.from_parents({"SG": "K", "m1": "SG", "m2": "SG", "E1": "K", "o1": "E1", "o2": "E1", "E2": "K"})
RULES = {
    "births": Rule(kind="count", aggregation="sum"),
    "children": Rule(kind="count", aggregation="sum"),
    "kita": Rule(kind="count", aggregation="sum"),
    "kita_rate": Rule(kind="share", unit="percent", aggregation="ratio", numerator="kita", denominator="children"),
    "unemp_rate": Rule(kind="rate", unit="per_1000", aggregation="ratio"),
    "mean_age": Rule(kind="mean", unit="years", aggregation="none"),
}


def by_unit(result: list[Aggregate], indicator: str) -> dict[str, Aggregate]:
    return {agg.cell.unit: agg for agg in result if agg.cell.indicator == indicator}


def counts(indicator: str, values: dict[str, float | None], year: int = 2024) -> list[Cell]:
    return [Cell(indicator, unit, year, value) for unit, value in values.items()]


def test_counts_are_summed_recursively_and_stored_parents_win() -> None:
    cells = counts("births", {"m1": 4, "m2": 6, "o1": 1, "o2": 2, "E2": 30})
    result = by_unit(aggregate(cells, RULES, TREE), "births")
    assert {unit: agg.cell.value for unit, agg in result.items()} == {"SG": 10, "E1": 3, "K": 43}
    assert all(agg.computed and not agg.incomplete for agg in result.values())
    # a stored Gemeinde value is kept and used for the county, its Ortsteile are not re-added
    stored = by_unit(aggregate([*cells, Cell("births", "E1", 2024, 5)], RULES, TREE), "births")
    assert "E1" not in stored and stored["K"].cell.value == 10 + 5 + 30
    # a stored county value is never overwritten by a sum
    assert "K" not in by_unit(aggregate([*cells, Cell("births", "K", 2024, 99)], RULES, TREE), "births")


def test_a_missing_member_makes_every_aggregate_above_incomplete() -> None:
    cells = counts("births", {"m1": 4, "m2": None, "o1": 1, "o2": 2, "E2": 30})
    result = by_unit(aggregate(cells, RULES, TREE), "births")
    assert result["SG"].incomplete and result["SG"].cell.value is None and result["SG"].missing == ("m2",)
    assert result["K"].incomplete and result["K"].cell.value is None and result["K"].missing == ("m2",)
    assert result["E1"].cell.value == 3 and not result["E1"].incomplete


def test_a_subtree_without_any_value_gets_no_aggregate_and_is_listed_as_missing() -> None:
    result = by_unit(aggregate(counts("births", {"o1": 1, "o2": 2}), RULES, TREE), "births")
    assert set(result) == {"E1", "K"}
    assert result["E1"].cell.value == 3
    assert result["K"].incomplete and result["K"].missing == ("E2", "SG")


def test_years_and_indicators_are_kept_apart() -> None:
    cells = counts("births", {"m1": 1, "m2": 2}, 2023) + counts("births", {"m1": 10, "m2": 20}, 2024)
    cells += counts("children", {"m1": 100, "m2": 200}, 2024)
    result = [(a.cell.indicator, a.cell.unit, a.cell.year, a.cell.value) for a in aggregate(cells, RULES, TREE)]
    assert ("births", "SG", 2023, 3) in result and ("births", "SG", 2024, 30) in result
    assert ("children", "SG", 2024, 300) in result
    assert result == sorted(result, key=lambda row: (row[0], row[1], row[2]))


def test_rates_are_recomputed_from_the_cells_numerators_and_denominators_never_averaged() -> None:
    cells = [
        Cell("unemp_rate", "m1", 2024, 10.0, numerator=1, denominator=100),
        Cell("unemp_rate", "m2", 2024, 100.0, numerator=90, denominator=900),
    ]
    sg = by_unit(aggregate(cells, RULES, UnitTree.from_parents({"m1": "SG", "m2": "SG"})), "unemp_rate")["SG"]
    assert sg.cell.value == pytest.approx(91 / 1000 * 1000)
    assert sg.cell.value != pytest.approx((10.0 + 100.0) / 2)
    assert (sg.cell.numerator, sg.cell.denominator) == (91, 1000)


def test_rates_use_the_numerator_and_denominator_indicators_and_their_sums() -> None:
    cells = counts("kita", {"m1": 30, "m2": 10, "o1": 5, "o2": 5, "E2": 50})
    cells += counts("children", {"m1": 60, "m2": 40, "o1": 10, "o2": 30, "E2": 60})
    cells += counts("kita_rate", {"m1": 50.0, "m2": 25.0, "o1": 50.0, "o2": 100 / 6, "E2": 83.3})
    result = by_unit(aggregate(cells, RULES, TREE), "kita_rate")
    assert result["SG"].cell.value == pytest.approx(40 / 100 * 100)
    assert result["E1"].cell.value == pytest.approx(10 / 40 * 100)
    assert result["K"].cell.value == pytest.approx(100 / 200 * 100)
    assert (result["K"].cell.numerator, result["K"].cell.denominator) == (100, 200)
    # without the denominator of one member, the rate above it is incomplete, not a guess
    partial = [c for c in cells if (c.indicator, c.unit) != ("children", "m2")]
    result = by_unit(aggregate(partial, RULES, TREE), "kita_rate")
    assert result["SG"].incomplete and result["SG"].missing == ("m2",)
    assert result["K"].incomplete and result["E1"].cell.value == pytest.approx(25.0)


def test_zero_denominator_gives_no_value_and_none_never_aggregates() -> None:
    cells = [Cell("unemp_rate", u, 2024, None, numerator=0, denominator=0) for u in ("m1", "m2")]
    cells += counts("mean_age", {"m1": 40.0, "m2": 42.0})
    result = aggregate(cells, RULES, TREE)
    sg = by_unit(result, "unemp_rate")["SG"]
    assert sg.cell.value is None and sg.reason == "zero_denominator" and not sg.incomplete
    assert by_unit(result, "mean_age") == {}


def test_include_stored_returns_the_stored_cells_marked_not_computed() -> None:
    cells = counts("births", {"m1": 4, "m2": 6})
    result = aggregate(cells, RULES, TREE, include_stored=True)
    flags = {agg.cell.unit: agg.computed for agg in result}
    assert flags == {"m1": False, "m2": False, "SG": True, "K": True}
    assert by_unit(result, "births")["K"].incomplete
