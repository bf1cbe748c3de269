"""Indicator values as a reader may see them: the one path every public reader of values goes through.

The public sees the **published** values, completed by aggregation (sums and recomputed rates for the
parents without a value of their own, marked ``computed``; ``incomplete`` where a member is missing)
and by the derived provision indicators, and then cut by the confidentiality rule: every cell that
:func:`.confidentiality.hidden_cells` names is answered as ``"value": null, "suppressed": true``,
without numerator and denominator. Staff (any logged-in account) may ask for the staff view: the
values they may read (their own and shared unpublished work as the head, the rest as published),
with the true numbers and ``"confidential": true`` where the public would see nothing.

Confidentiality links indicators (a rate with its numerator and denominator, a derived indicator with
what it is built on), so the rule is applied to the whole group of linked indicators, all units and
all years, and the answer is then cut to what was asked. The public answer of a group is cached by
the atlas's change number and the catalogue version, so a time slider costs one computation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ...storage.db import in_chunks
from ...storage.models import Feature, Revision
from .. import sequence
from ..answers import IndicatorValue, IndicatorValues, UnitValues
from ..errors import FieldError, Invalid, NotFound
from ..lifecycle import Op, State
from ..publish import public_columns, public_query
from ..rights import ANONYMOUS, Actor, may_read_unpublished
from .aggregation import aggregate
from .catalogue import VALUES_LAYER, IndicatorCatalogue, IndicatorDef
from .confidentiality import Cell, CellKey, Rule, hidden_cells
from .provision import published_provision
from .units import UnitIndex, load_units
from .values import FLAGS, number

if TYPE_CHECKING:
    from ..context import AtlasContext


def rules_of(catalogue: IndicatorCatalogue) -> dict[str, Rule]:
    """The catalogue as aggregation and confidentiality read it."""
    return {key: rule_of(ind) for key, ind in catalogue.indicators.items()}


def rule_of(ind: IndicatorDef) -> Rule:
    population = (ind.provision or {}).get("population") if isinstance(ind.provision, dict) else None
    return Rule(kind=ind.kind, unit=ind.unit, aggregation=ind.aggregation, min_count=ind.min_count,
                min_denominator=ind.min_denominator, numerator=ind.numerator, denominator=ind.denominator,
                based_on=(population,) if population else ())


def linked(catalogue: IndicatorCatalogue, keys: Iterable[str]) -> frozenset[str]:
    """``keys`` with every indicator linked to them through numerator, denominator or provision
    population, in both directions and transitively: the group the confidentiality rule must see."""
    edges: dict[str, set[str]] = {k: set() for k in catalogue.indicators}
    for key, rule in rules_of(catalogue).items():
        for other in (rule.numerator, rule.denominator, *rule.based_on):
            if other in edges:
                edges[key].add(other)
                edges[other].add(key)
    group: set[str] = set()
    todo = [k for k in keys if k in edges]
    while todo:
        key = todo.pop()
        if key not in group:
            group.add(key)
            todo.extend(edges[key] - group)
    return frozenset(group)


@dataclass
class _Row:
    """One value before it is shown: stored (with its flags) or computed."""

    cell: Cell
    level: str
    flags: dict[str, Any]
    computed: bool = False
    incomplete: bool = False
    missing: tuple[str, ...] = ()
    state: str | None = None  # pending | published | computed
    check_key: CellKey | None = None  # the key the confidentiality rule judged it under, if not cell.key
    hidden: str | None = None  # "primary" | "secondary": what the public may not see


def _stored_rows(session: Session, group: frozenset[str], units: UnitIndex, actor: Actor,
                 shares: dict[int, bool]) -> list[_Row]:
    """The stored values of ``group``: for the public (:data:`..rights.ANONYMOUS`) the published ones, for
    staff what they may read."""
    indicator = Revision.properties["indicator"].as_string()
    if actor.is_anonymous:
        return _published_rows(session, group, units)
    # Columns, not ORM objects: the properties are all a value needs (ten times faster on 10,000 values).
    pairs = []
    query = (select(Feature.owner_id, Feature.published_seq, Revision.op, Revision.state, Revision.properties)
             .join(Revision, and_(Revision.seq == Feature.head_seq))
             .where(Feature.layer == VALUES_LAYER, indicator.in_(sorted(group))))
    later: list[int] = []
    for owner_id, published_seq, op, state, props in session.execute(query):
        if may_read_unpublished(actor, owner_id, shares.get(owner_id, False)) and op != Op.DELETE and (
                state != State.REJECTED):
            pairs.append((props, state))
        elif published_seq is not None:
            later.append(published_seq)
    for part in in_chunks(later):
        pairs.extend((props, State.PUBLISHED.value) for op, props in session.execute(
            select(Revision.op, Revision.properties).where(Revision.seq.in_(part))) if op != Op.DELETE)
    rows = []
    for props, state in pairs:
        props = props or {}
        unit = units.get(props.get("unit"))
        if unit is None or not isinstance(props.get("year"), int):
            continue  # a unit the reader cannot see (withdrawn, deleted) takes its values with it
        cell = Cell(props["indicator"], unit.key, props["year"], number(props.get("value")),
                    number(props.get("numerator")), number(props.get("denominator")))
        rows.append(_Row(cell, unit.level, {**{f: bool(props.get(f)) for f in FLAGS}, "note": props.get("note")},
                         state=state))
    return rows


_PUBLIC_COLUMNS = ("indicator", "unit", "year", "value", "numerator", "denominator", *FLAGS, "note")


def _published_rows(session: Session, group: frozenset[str], units: UnitIndex) -> list[_Row]:
    """The published values of ``group``, read column-wise (:func:`..publish.public_columns`: only the
    properties a value needs, decoded in one go), 100,000 values in a fraction of the time whole records
    take."""
    indicator = Revision.properties["indicator"].as_string()
    published, (first, second, third) = State.PUBLISHED.value, FLAGS
    rows = []
    for key, unit_key, year, value, numerator, denominator, flag1, flag2, flag3, note in (
            public_columns(session, VALUES_LAYER, _PUBLIC_COLUMNS, indicator.in_(sorted(group)))):
        unit = units.get(unit_key)
        if unit is None or not isinstance(year, int):
            continue  # a unit the public cannot see (withdrawn, deleted) takes its values with it
        cell = Cell(key, unit.key, year, number(value), None if numerator is None else number(numerator),
                    None if denominator is None else number(denominator))
        rows.append(_Row(cell, unit.level, {first: bool(flag1), second: bool(flag2), third: bool(flag3),
                                            "note": note}, state=published))
    return rows


def _rows(session: Session, catalogue: IndicatorCatalogue, group: frozenset[str], units: UnitIndex,
          actor: Actor, shares: dict[int, bool]) -> list[_Row]:
    """Stored, derived (provision) and aggregated rows of ``group``, each with its confidentiality mark."""
    rules = {k: r for k, r in rules_of(catalogue).items() if k in group}
    rows = _stored_rows(session, group, units, actor, shares)
    provision = [catalogue.indicators[k] for k in sorted(group) if catalogue.indicators[k].provision]
    if provision:
        no_flags = {**{f: False for f in FLAGS}, "note": None}
        for pv in published_provision(session, provision):
            if pv.cell.unit in units.units:
                rows.append(_Row(pv.cell, pv.level, {**no_flags, "note": pv.note}, computed=True,
                                 state=State.PUBLISHED.value, check_key=pv.check_cell.key))
    tree = units.tree
    stored_keys = {r.cell.key for r in rows}
    for agg in aggregate([r.cell for r in rows if not r.computed], rules, tree):
        if agg.cell.key in stored_keys:
            continue
        unit = units.units[agg.cell.unit]
        rows.append(_Row(agg.cell, unit.level, {**{f: False for f in FLAGS}, "note": None}, computed=True,
                         incomplete=agg.incomplete, missing=agg.missing, state="computed"))
    judged = [Cell(*(r.check_key or r.cell.key), r.cell.value, r.cell.numerator, r.cell.denominator) for r in rows]
    hidden = hidden_cells(judged, rules, tree)
    for row in rows:
        row.hidden = hidden.get(row.check_key or row.cell.key)
    return rows


def _entry(row: _Row, units: UnitIndex, staff: bool, with_indicator: bool) -> IndicatorValue:
    """A value as the caller sees it: for the public, a hidden cell without its numbers."""
    hidden = row.hidden is not None
    c = row.cell
    withheld = hidden and not staff
    return IndicatorValue(
        unit=c.unit, name=units.units[c.unit].name, level=row.level, year=c.year,
        value=None if withheld else c.value, numerator=None if withheld else c.numerator,
        denominator=None if withheld else c.denominator, **row.flags, computed=row.computed,
        incomplete=row.incomplete, suppressed=withheld, indicator=c.indicator if with_indicator else None,
        missing=list(row.missing) if row.incomplete else None, confidential=hidden if staff else None,
        state=row.state if staff else None)


def stand(session: Session, key: str) -> date | None:
    """The day the latest published value of this indicator was published (its review, else its push)."""
    indicator = Revision.properties["indicator"].as_string()
    query = (public_query(VALUES_LAYER).where(indicator == key).order_by(None)
             .with_only_columns(func.max(func.coalesce(Revision.reviewed_at, Revision.created_at)),
                                maintain_column_froms=True))
    found = session.scalar(query)
    if isinstance(found, str):  # SQLite may hand back the text of the timestamp
        found = datetime.fromisoformat(found)
    return found.date() if found is not None else None


# --- the cache of public answers -------------------------------------------------------------------

_CACHE: OrderedDict[tuple, tuple[list[_Row], UnitIndex]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 16


def _stamp(session: Session, catalogue: IndicatorCatalogue) -> tuple:
    """Changes with every push, review decision and catalogue change (and with the year, for provision)."""
    from .provision import current_year

    return (str(session.get_bind().url), sequence.current(session), catalogue.version, current_year())


@dataclass(frozen=True)
class StaffView:
    """A logged-in caller's view of the values: who it is, which municipalities share their unpublished
    work, and the units it may know (:meth:`..context.AtlasContext.units_for`, the one place that
    decides them)."""

    actor: Actor
    shares: dict[int, bool]
    units: UnitIndex


def staff_view(ctx: AtlasContext) -> StaffView:
    """The view of the context's actor (a logged-in account)."""
    return StaffView(ctx.actor, {mid: m.shares_unpublished for mid, m in ctx.municipalities.items()},
                     ctx.units_for(ctx.actor))


def group_rows(session: Session, catalogue: IndicatorCatalogue, group: frozenset[str], *,
               staff: StaffView | None = None) -> tuple[list[_Row], UnitIndex]:
    """The rows of a group of linked indicators as the public (``staff`` None) or a staff member sees
    them, with the unit index they refer to."""
    if staff is not None:
        return _rows(session, catalogue, group, staff.units, staff.actor, staff.shares), staff.units
    key = (*_stamp(session, catalogue), group)
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    units = load_units(session, published=True)
    answer = (_rows(session, catalogue, group, units, ANONYMOUS, {}), units)
    with _CACHE_LOCK:
        _CACHE[key] = answer
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return answer


def indicator_values(ctx: AtlasContext, key: str, *, level: str | None = None, year: int | None = None,
                     staff: bool = False) -> IndicatorValues:
    """All values of one indicator (one level, one year or all), as the public sees them, or with ``staff``
    as the context's actor may see them."""
    session, catalogue, view = ctx.session, ctx.indicators, staff_view(ctx) if staff else None
    if key not in catalogue.indicators:
        raise NotFound("indicator_not_found", key=key)
    rows, units = group_rows(session, catalogue, linked(catalogue, [key]), staff=view)
    if level is not None and level not in catalogue.indicators[key].levels and level not in {
            u.level for u in units.units.values()}:
        raise Invalid("invalid_query", errors=[FieldError("level", "unknown_choice", {"value": level})])
    mine = [r for r in rows if r.cell.indicator == key and (level is None or r.level == level)]
    years = sorted({r.cell.year for r in mine})
    shown = sorted((r for r in mine if year is None or r.cell.year == year),
                   key=lambda r: (r.cell.year, r.cell.unit))
    last = stand(session, key)
    return IndicatorValues(indicator=key, level=level, version=catalogue.version, years=years,
                           last_update=last.isoformat() if last else None,
                           values=[_entry(r, units, staff, False) for r in shown], view="staff" if staff else None)


def unit_values(ctx: AtlasContext, unit: str, *, staff: bool = False) -> UnitValues:
    """All indicators and years of one unit, as the public (or with ``staff`` the context's actor) sees them."""
    session, catalogue = ctx.session, ctx.indicators
    rows, units = group_rows(session, catalogue, frozenset(catalogue.indicators),
                             staff=staff_view(ctx) if staff else None)
    if units.get(unit) is None:
        raise NotFound("unit_not_found", key=unit)
    shown = sorted((r for r in rows if r.cell.unit == unit), key=lambda r: (r.cell.indicator, r.cell.year))
    info = units.units[unit]
    return UnitValues(unit=unit, name=info.name, level=info.level, version=catalogue.version,
                      values=[_entry(r, units, staff, True) for r in shown], view="staff" if staff else None)


def public_entries(session: Session, catalogue: IndicatorCatalogue, *,
                   level: str | None = None) -> tuple[list[IndicatorValue], UnitIndex]:
    """Every value of every indicator as the public sees it (one level or all), in the form of the
    public API (a suppressed value is ``None`` with ``"suppressed": True``), with the unit index. For
    readers that need everything at once: the OGC API's indicator collections and the benchmark."""
    rows, units = group_rows(session, catalogue, frozenset(catalogue.indicators))
    return [_entry(r, units, False, True) for r in rows if level is None or r.level == level], units
