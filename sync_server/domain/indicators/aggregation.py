"""Aggregation of indicator values up the unit tree (pure: no database).

Ortsteile add up to their Gemeinde, members to their Samtgemeinde, Gemeinden to the county. A parent
that has a stored value keeps it; a parent without one gets a computed value:

- ``aggregation == "sum"`` (counts): the sum of its children's values, stored or themselves computed,
  recursively up the tree.
- ``aggregation == "ratio"`` (rates, shares): summed numerator / summed denominator x scale (100 for
  percent, 1,000 for per_1000). A child's numerator and denominator are its cell's own ``numerator``
  and ``denominator``, else the values of the rule's numerator and denominator indicators for that
  unit and year, else the sums of its own children. Rates are never averaged: the mean of two rates is
  a wrong number whenever the denominators differ.
- ``aggregation == "none"`` (means, indices): never aggregated.

A child without a value makes its parent's aggregate *incomplete*: value None and the units lacking a
value listed in ``missing`` (the deepest units that could not be filled), never a partial sum that
would look like a true total. A parent none of whose descendants has a value gets no aggregate at all.
The years aggregated are the years in which the indicator has at least one cell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .confidentiality import Cell, Rule
from .tree import UnitTree


@dataclass(frozen=True)
class Aggregate:
    """A value computed for a parent unit (or, with ``include_stored``, a stored one)."""

    cell: Cell  # value None when incomplete
    computed: bool = True
    incomplete: bool = False
    missing: tuple[str, ...] = ()  # member units without a value
    reason: str | None = None  # why the value is None: "missing" or "zero_denominator"


@dataclass
class _Partial:
    """Work state of one unit while summing: value (or numerator/denominator) or what is missing."""

    value: float = 0.0
    denominator: float = 0.0
    missing: tuple[str, ...] = ()
    contributed: bool = False  # at least one descendant had a value


def _present(cell: Cell | None) -> bool:
    return cell is not None and cell.value is not None


def aggregate(
    cells: Iterable[Cell],
    rules: Mapping[str, Rule],
    tree: UnitTree,
    *,
    include_stored: bool = False,
) -> list[Aggregate]:
    """Compute the aggregates of every parent unit without a stored value.

    Sorted by (indicator, unit, year). With ``include_stored`` the stored cells are returned as well
    (``computed=False``), so a caller gets the complete picture in one list.
    """
    stored: dict[tuple[str, int], dict[str, Cell]] = defaultdict(dict)
    for cell in cells:
        stored[(cell.indicator, cell.year)][cell.unit] = cell
    parents = tree.parents_bottom_up()
    out: list[Aggregate] = []
    sums: dict[tuple[str, int], dict[str, float]] = {}

    for (indicator, year), group in stored.items():
        rule = rules.get(indicator)
        if rule is None or rule.aggregation != "sum":
            continue
        partial = _sum_up(group, tree, parents)
        complete = {unit: cell.value for unit, cell in group.items() if cell.value is not None}
        for unit, part in partial.items():
            if unit in complete or not part.contributed:
                continue
            if part.missing:
                out.append(_incomplete(indicator, unit, year, part.missing))
            else:
                complete[unit] = part.value
                out.append(Aggregate(cell=Cell(indicator, unit, year, part.value)))
        sums[(indicator, year)] = complete  # type: ignore[assignment]

    for (indicator, year), group in stored.items():
        rule = rules.get(indicator)
        if rule is None or rule.aggregation != "ratio":
            continue
        numerators = _values(rule.numerator, year, stored, sums)
        denominators = _values(rule.denominator, year, stored, sums)
        partial = _ratio_up(group, numerators, denominators, tree, parents)
        for unit, part in partial.items():
            if _present(group.get(unit)) or not part.contributed:
                continue
            if part.missing:
                out.append(_incomplete(indicator, unit, year, part.missing))
            elif part.denominator == 0:
                cell = Cell(indicator, unit, year, None, part.value, 0.0)
                out.append(Aggregate(cell=cell, reason="zero_denominator"))
            else:
                value = part.value / part.denominator * rule.scale
                out.append(Aggregate(cell=Cell(indicator, unit, year, value, part.value, part.denominator)))

    if include_stored:
        out.extend(Aggregate(cell=cell, computed=False) for group in stored.values() for cell in group.values())
    out.sort(key=lambda agg: (agg.cell.indicator, agg.cell.unit, agg.cell.year))
    return out


def _incomplete(indicator: str, unit: str, year: int, missing: tuple[str, ...]) -> Aggregate:
    return Aggregate(
        cell=Cell(indicator, unit, year, None), incomplete=True, missing=tuple(sorted(set(missing))), reason="missing"
    )


def _values(
    indicator: str | None,
    year: int,
    stored: Mapping[tuple[str, int], Mapping[str, Cell]],
    sums: Mapping[tuple[str, int], Mapping[str, float]],
) -> Mapping[str, float]:
    """The values of a numerator or denominator indicator: stored and complete sums."""
    if indicator is None:
        return {}
    if (indicator, year) in sums:
        return sums[(indicator, year)]
    return {unit: cell.value for unit, cell in stored.get((indicator, year), {}).items() if cell.value is not None}


def _sum_up(group: Mapping[str, Cell], tree: UnitTree, parents: tuple[str, ...]) -> dict[str, _Partial]:
    """Sum every parent from its children, bottom up (children before parents)."""
    partial: dict[str, _Partial] = {}
    for parent in parents:
        part = _Partial()
        missing: list[str] = []
        for child in tree.children(parent):
            cell = group.get(child)
            if cell is not None and cell.value is not None:
                part.value += cell.value
                part.contributed = True
                continue
            sub = partial.get(child)
            if sub is None or not sub.contributed:
                missing.append(child)
                continue
            part.contributed = True
            if sub.missing:
                missing.extend(sub.missing)
            else:
                part.value += sub.value
        part.missing = tuple(missing)
        partial[parent] = part
    return partial


def _ratio_up(
    group: Mapping[str, Cell],
    numerators: Mapping[str, float],
    denominators: Mapping[str, float],
    tree: UnitTree,
    parents: tuple[str, ...],
) -> dict[str, _Partial]:
    """Summed numerators (``value``) and denominators of every parent, bottom up."""

    def own(unit: str) -> tuple[float, float] | None:
        cell = group.get(unit)
        if cell is not None and cell.numerator is not None and cell.denominator is not None:
            return cell.numerator, cell.denominator
        if unit in numerators and unit in denominators:
            return numerators[unit], denominators[unit]
        return None

    partial: dict[str, _Partial] = {}
    for parent in parents:
        part = _Partial()
        missing: list[str] = []
        for child in tree.children(parent):
            pair = own(child)
            sub = partial.get(child)
            if pair is None and sub is not None and sub.contributed and not sub.missing:
                pair = (sub.value, sub.denominator)
            if pair is not None:
                part.value += pair[0]
                part.denominator += pair[1]
                part.contributed = True
            elif sub is not None and sub.contributed:
                part.contributed = True
                missing.extend(sub.missing)
            else:
                missing.append(child)
                part.contributed = part.contributed or _present(group.get(child))
        part.missing = tuple(missing)
        pair = own(parent)
        if pair is not None:  # the parent's own numerator and denominator beat summing its children
            part = _Partial(value=pair[0], denominator=pair[1], contributed=True)
        partial[parent] = part
    return partial
