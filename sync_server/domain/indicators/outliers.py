"""Outliers among submitted indicator values, flagged for the admin's review of an upload.

A typing error in a spreadsheet (a missing decimal comma, a value in the wrong row) shows as a jump
against the unit's previous year or as a value far outside what the other units of the same level
have in that year. Both are flags for a person to look at, never a refusal: real numbers jump too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from statistics import quantiles
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...storage.models import Feature, Revision
from ..answers import Outlier, PendingChange
from ..contract import load
from ..lifecycle import Op
from .values import LAYER, number

YEAR_CHANGE_LIMIT = 0.5  # a change of more than 50 % against the previous year
FENCE = 3.0  # Tukey's far-out fence: beyond 3 interquartile ranges from the quartiles
MIN_PEERS = 5  # fewer units of a level and year say nothing about a distribution


def flags(value: float | None, previous: float | None, peers: Sequence[float]) -> list[dict[str, Any]]:
    """Why ``value`` deserves a second look: its change against ``previous`` (the same unit's value of
    the year before) and its place among ``peers`` (the values of every unit of the level that year)."""
    found: list[dict[str, Any]] = []
    if value is None:
        return found
    if previous is not None and previous != 0:
        change = (value - previous) / abs(previous)
        if abs(change) > YEAR_CHANGE_LIMIT:
            found.append({"code": "year_change", "previous": previous, "change_percent": round(change * 100)})
    if len(peers) >= MIN_PEERS:
        q1, _median, q3 = quantiles(peers, n=4, method="inclusive")
        low, high = q1 - FENCE * (q3 - q1), q3 + FENCE * (q3 - q1)
        if not low <= value <= high:
            found.append({"code": "far_from_peers", "low": round(low, 6), "high": round(high, 6)})
    return found


def _current_values(session: Session, indicators: Iterable[str]) -> list[dict[str, Any]]:
    """The head state of every stored value of ``indicators`` (what the admin sees), as properties."""
    indicator = Revision.properties["indicator"].as_string()
    rows = session.execute(
        select(Revision.op, Revision.properties).join(Feature, Feature.head_seq == Revision.seq)
        .where(Feature.layer == LAYER, indicator.in_(sorted(set(indicators)))))
    return [props for op, props in rows if op != Op.DELETE and props]


def flag_pending(session: Session, entries: list[PendingChange]) -> list[PendingChange]:
    """``entries`` with ``outliers`` (a list, empty when nothing stands out) on every pending value."""
    submitted = [(i, e.after.properties if e.after else {}) for i, e in enumerate(entries) if e.layer == LAYER]
    if not submitted:
        return entries
    by_cell: dict[tuple[str, str, int], float] = {}
    by_level: dict[tuple[str, str, int], list[float]] = defaultdict(list)
    for props in _current_values(session, {p.get("indicator") for _i, p in submitted if p.get("indicator")}):
        value = number(props.get("value"))
        if value is None or not isinstance(props.get("year"), int):
            continue
        by_cell[(props.get("indicator"), props.get("unit"), props["year"])] = value
        by_level[(props.get("indicator"), props.get("level"), props["year"])].append(value)
    out = list(entries)
    for index, props in submitted:
        year = props.get("year")
        found: list[dict[str, Any]] = []
        if isinstance(year, int):
            previous = by_cell.get((props.get("indicator"), props.get("unit"), year - 1))
            peers = by_level.get((props.get("indicator"), props.get("level"), year), [])
            found = flags(number(props.get("value")), previous, peers)
        out[index] = replace(entries[index], outliers=[load(Outlier, f) for f in found])
    return out
