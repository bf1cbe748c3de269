"""The confidentiality attacker: every hidden cell must stay uncertain to someone who knows every
published number and every relation between them (method of sdcTable's ``attack()``).

For generated data sets (county -> Samtgemeinden -> members, Einheitsgemeinden, Ortsteile; counts, a
share with numerator and denominator indicators, a rate with its own numerator and denominator, a
derived count, public offers with a provision rate on them, two shares whose counts have no cells of
their own and share a denominator) everything not hidden is published, and
for every hidden cell two linear programs over all published numbers find the smallest and the
largest value the cell can have. The feasible interval must be at least the protection width wide:
``min_count`` of the indicator; a rate protects its numerator (in numerator units), or, when the
numerator is public, its denominator. The relations the attacker uses: parent = sum of children of
every additive quantity at every level, rate x denominator / scale = numerator where the denominator
is published, numerator <= denominator for shares, the derived count = the sum of its bases, all >= 0.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

import numpy as np
import pytest
from scipy.optimize import linprog

from sync_server.domain.indicators.aggregation import aggregate
from sync_server.domain.indicators.confidentiality import RATE_KINDS, Cell, CellKey, Rule, hidden_cells, rate_parts
from sync_server.domain.indicators.tree import UnitTree

YEARS = (2023, 2024)
RULES: dict[str, Rule] = {
    "pop_u6": Rule(kind="count", aggregation="sum"),
    "pop_6_18": Rule(kind="count", aggregation="sum"),
    "kita": Rule(kind="count", aggregation="sum"),
    "kita_share": Rule(kind="share", unit="percent", aggregation="ratio", numerator="kita", denominator="pop_u6"),
    "sgb2_rate": Rule(kind="rate", unit="per_1000", aggregation="ratio", min_count=3, min_denominator=20),
    "u18": Rule(kind="count", aggregation="sum", based_on=("pop_u6", "pop_6_18")),
    "births": Rule(kind="count", aggregation="sum", min_count=5),
    # offers are public with their addresses (min_count 0): a provision rate must hide its population
    "offers": Rule(kind="count", aggregation="sum", min_count=0),
    "offers_rate": Rule(kind="rate", unit="per_1000", aggregation="ratio", numerator="offers", denominator="pop_u6"),
    # school entry examination: counts that only ever appear as the parts of two shares on one denominator
    "exam": Rule(kind="count", aggregation="sum"),
    "vaccinated": Rule(kind="count", aggregation="sum"),
    "speech": Rule(kind="count", aggregation="sum"),
    "vaccinated_share": Rule(
        kind="share", unit="percent", aggregation="ratio", numerator="vaccinated", denominator="exam"
    ),
    "speech_share": Rule(kind="share", unit="percent", aggregation="ratio", numerator="speech", denominator="exam"),
}


def county_tree() -> UnitTree:
    parents: dict[str, str | None] = {"K": None}
    levels = {"K": "landkreis"}
    for sg in ("S1", "S2"):
        parents[sg], levels[sg] = "K", "gemeinde"
        for member in "abc":
            parents[sg + member], levels[sg + member] = sg, "mitgliedsgemeinde"
    for municipality in ("E1", "E2", "E3"):
        parents[municipality], levels[municipality] = "K", "gemeinde"
    for district in ("E1-01", "E1-02", "E1-03", "E1-04"):
        parents[district], levels[district] = "E1", "ortsteil"
    return UnitTree(parent=parents, level=levels)


def small(rng: random.Random) -> int:
    return rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, 7, 9, 14, 30])


def generate(seed: int, tree: UnitTree, missing: int = 0) -> tuple[list[Cell], list[Cell]]:
    """(the truth, what would be published): leaf values with many small counts, parents by the real
    aggregation, E1's births of 2024 stored next to its Ortsteile. ``missing`` leaf counts were never
    uploaded: the aggregates above them are incomplete and not published, the attacker knows neither."""
    rng = random.Random(seed)
    leaves = [unit for unit in tree.units if not tree.children(unit)]
    cells: list[Cell] = []
    for year in YEARS:
        for unit in leaves:
            pop = rng.choice([4, 8, 15, 40, 90, 200])
            kita = min(pop, small(rng))
            older = rng.choice([2, 6, 25, 120])
            sgb2_n, sgb2_d = small(rng), rng.choice([12, 60, 300, 900])
            cells += [
                Cell("pop_u6", unit, year, pop),
                Cell("pop_6_18", unit, year, older),
                Cell("kita", unit, year, kita),
                Cell("kita_share", unit, year, kita / pop * 100, numerator=kita, denominator=pop),
                Cell("sgb2_rate", unit, year, sgb2_n / sgb2_d * 1000, numerator=sgb2_n, denominator=sgb2_d),
                Cell("u18", unit, year, pop + older),
                Cell("births", unit, year, small(rng)),
            ]
            offers = rng.choice([0, 1, 2, 4])
            exam = rng.choice([6, 12, 30, 80])
            vaccinated, speech = max(0, exam - small(rng)), min(exam, small(rng))
            cells += [
                Cell("vaccinated_share", unit, year, vaccinated / exam * 100, numerator=vaccinated, denominator=exam),
                Cell("speech_share", unit, year, speech / exam * 100, numerator=speech, denominator=exam),
            ]
            cells += [
                Cell("offers", unit, year, offers),
                Cell("offers_rate", unit, year, offers / pop * 1000, numerator=offers, denominator=pop),
            ]
    districts = [c.value for c in cells if c.indicator == "births" and c.unit.startswith("E1-") and c.year == 2024]
    cells.append(Cell("births", "E1", 2024, sum(districts)))
    truth = [agg.cell for agg in aggregate(cells, RULES, tree, include_stored=True)]
    assert all(cell.value is not None for cell in truth)
    droppable = [c for c in cells if c.indicator in ("births", "pop_6_18") and not tree.children(c.unit)]
    dropped = set(rng.sample(droppable, missing))
    stored = [c for c in cells if c not in dropped]
    published = [agg.cell for agg in aggregate(stored, RULES, tree, include_stored=True) if agg.cell.value is not None]
    return truth, published


class Attacker:
    """All published numbers and every linear relation between the cells, as an LP over all cells."""

    def __init__(
        self,
        cells: list[Cell],
        hidden: Mapping[CellKey, str],
        tree: UnitTree,
        years: tuple[int, ...] = YEARS,
        published: set[CellKey] | None = None,
    ) -> None:
        """``cells``: the true values of every cell; ``published``: the keys that were offered to
        ``hidden_cells`` (default: all); the attacker knows those that are not hidden."""

        def public(key: CellKey) -> bool:
            return key not in hidden and (published is None or key in published)

        self.var: dict[CellKey, int] = {}
        self.truth: list[float] = []
        self.known: list[bool] = []
        rates: list[tuple[Cell, Rule]] = []
        for cell in cells:
            self._variable(cell.key, cell.value, public(cell.key))
        for cell in cells:
            rule = RULES[cell.indicator]
            if rule.kind in RATE_KINDS:
                rates.append((cell, rule))
                parts = zip(rate_parts(rule, cell.indicator), (cell.numerator, cell.denominator), strict=True)
                for quantity, own in parts:  # a published rate shows its numerator and denominator
                    self._variable((quantity, cell.unit, cell.year), own, public(cell.key))
        rows: list[dict[int, float]] = []
        upper: list[dict[int, float]] = []
        additive = {q for q, r in RULES.items() if r.aggregation == "sum"}
        additive |= {part for q, r in RULES.items() if r.aggregation == "ratio" for part in rate_parts(r, q)}
        for quantity in sorted(additive):
            for year in years:
                for parent in tree.parents_bottom_up():
                    if (quantity, parent, year) not in self.var:
                        continue
                    row = {self.var[(quantity, parent, year)]: 1.0}
                    for child in tree.children(parent):
                        row[self.var[(quantity, child, year)]] = -1.0
                    rows.append(row)
        for cell, rule in rates:
            n_key, d_key = (self.var[(q, cell.unit, cell.year)] for q in rate_parts(rule, cell.indicator))
            if self.known[d_key]:  # rate * denominator / scale = numerator
                rows.append({self.var[cell.key]: self.truth[d_key] / rule.scale, n_key: -1.0})
            if rule.kind == "share":
                upper.append({n_key: 1.0, d_key: -1.0})
        for cell in cells:
            bases = RULES[cell.indicator].based_on
            if bases:
                row = {self.var[cell.key]: 1.0}
                row.update({self.var[(base, cell.unit, cell.year)]: -1.0 for base in bases})
                rows.append(row)
        # the attacker substitutes every published number: the LP runs over the unknown cells only
        truth = np.array(self.truth)
        known = np.array(self.known)
        self.unknown = {int(j): col for col, j in enumerate(np.flatnonzero(~known))}
        a_eq, a_ub = self._matrix(rows), self._matrix(upper)
        assert np.allclose(a_eq @ truth, 0)  # the true values satisfy every relation the attacker uses
        self.a_eq, self.b_eq = a_eq[:, ~known], -a_eq[:, known] @ truth[known]
        self.a_ub, self.b_ub = a_ub[:, ~known], -a_ub[:, known] @ truth[known]
        self._intervals: dict[int, tuple[float, float]] = {}

    def _matrix(self, rows: list[dict[int, float]]) -> np.ndarray:
        matrix = np.zeros((len(rows), len(self.truth)))
        for r, row in enumerate(rows):
            for j, coefficient in row.items():
                matrix[r, j] = coefficient
        return matrix

    def _variable(self, key: CellKey, value: float | None, known: bool) -> None:
        if key in self.var:
            j = self.var[key]
            self.known[j] = self.known[j] or known
            return
        self.var[key] = len(self.truth)
        self.truth.append(float(value))  # type: ignore[arg-type]
        self.known.append(known)

    def interval(self, key: CellKey) -> tuple[float, float]:
        """The smallest and largest value of a cell consistent with everything published."""
        j = self.var[key]
        if j not in self.unknown:
            return self.truth[j], self.truth[j]
        if j not in self._intervals:
            bounds = []
            for sign in (1.0, -1.0):
                objective = np.zeros(len(self.unknown))
                objective[self.unknown[j]] = sign
                result = linprog(
                    objective,
                    A_ub=self.a_ub if len(self.a_ub) else None,
                    b_ub=self.b_ub if len(self.a_ub) else None,
                    A_eq=self.a_eq if len(self.a_eq) else None,
                    b_eq=self.b_eq if len(self.a_eq) else None,
                    bounds=(0, None),
                    method="highs",
                )
                assert result.status in (0, 3), result.message  # 3: unbounded
                bounds.append(math.inf if result.status == 3 else sign * result.fun)
            self._intervals[j] = (bounds[0], bounds[1])
        return self._intervals[j]

    def protection(self, key: CellKey) -> tuple[float, float]:
        """(width of the feasible interval of what the cell protects, the width required).

        A count protects itself. A rate protects its numerator (the numerator indicator's or its own,
        measured in counts); when the numerator is published, the rate is only safe while its
        denominator stays uncertain, so then the denominator's interval counts.
        """
        indicator, unit, year = key
        rule = RULES[indicator]
        if rule.kind in RATE_KINDS:
            n_quantity, d_quantity = rate_parts(rule, indicator)
            low, high = self.interval((n_quantity, unit, year))
            if high > low or self.var[(n_quantity, unit, year)] in self.unknown:
                return high - low, RULES.get(n_quantity, rule).min_count
            low, high = self.interval((d_quantity, unit, year))
            return high - low, rule.min_count
        low, high = self.interval(key)
        return high - low, rule.min_count


# (20, 8): a derived count once gave an absent (un-uploaded) count away, which a partner relied on
@pytest.mark.parametrize(("seed", "missing"), [(1, 0), (2, 0), (20, 8)])
def test_no_hidden_cell_can_be_narrowed_below_the_protection_width(seed: int, missing: int) -> None:
    tree = county_tree()
    truth, cells = generate(seed, tree, missing)
    hidden = hidden_cells(cells, RULES, tree)
    assert "primary" in hidden.values() and "secondary" in hidden.values()
    attacker = Attacker(truth, hidden, tree, published={cell.key for cell in cells})
    exposed = []
    for key in hidden:
        width, required = attacker.protection(key)
        if width < required - 1e-6:
            exposed.append((key, hidden[key], round(width, 3), required))
    assert exposed == []
    shuffled = list(cells)
    random.Random(seed).shuffle(shuffled)
    assert hidden_cells(shuffled, RULES, tree) == hidden


def test_without_secondary_suppression_the_attacker_recovers_a_count() -> None:
    tree = UnitTree.from_parents({"S1a": "S1", "S1b": "S1", "S1c": "S1"})
    cells = [Cell("births", unit, 2024, value) for unit, value in {"S1a": 1, "S1b": 12, "S1c": 7, "S1": 20}.items()]
    primary_only = hidden_cells(cells, RULES, tree, secondary=False)
    assert primary_only == {("births", "S1a", 2024): "primary"}
    attacker = Attacker(cells, primary_only, tree, years=(2024,))
    assert attacker.interval(("births", "S1a", 2024)) == pytest.approx((1, 1))
    protected = hidden_cells(cells, RULES, tree)
    assert protected == {("births", "S1a", 2024): "primary", ("births", "S1c", 2024): "secondary"}
    width, required = Attacker(cells, protected, tree, years=(2024,)).protection(("births", "S1a", 2024))
    assert width >= required == RULES["births"].min_count


def test_without_secondary_suppression_generated_data_leak() -> None:
    tree = county_tree()
    _truth, cells = generate(1, tree)
    primary_only = hidden_cells(cells, RULES, tree, secondary=False)
    attacker = Attacker(cells, primary_only, tree)
    assert any(width < required for width, required in map(attacker.protection, primary_only))
