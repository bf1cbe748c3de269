"""Statistical confidentiality (Geheimhaltung): the one rule that decides which cells the public may
not see. Pure: cells, the catalogue's rules and the unit tree in, the hidden cells out.

The method (docs/indicators.md, section "Confidentiality", has the full text):

- **Primary rule** (frequency rule): a count with ``0 < value < min_count`` is hidden. Zero is shown,
  as in German official statistics ("-" = exactly nothing): an empty cell names nobody. A rate or
  share is hidden when its denominator is below ``min_denominator`` or its numerator count is
  ``0 < n < min_count`` (the numerator indicator's threshold).
- **Secondary rule**: hide further cells until no hidden cell can be recomputed or narrowed to an
  interval narrower than the protection width (``min_count`` of its indicator). The relations an
  attacker can use are modelled as linear relations between cells:

  * additivity: parent = sum of children, per additive indicator and year, at every level of the tree
    (a ratio indicator's numerators and denominators are additive too);
  * a rate = numerator / denominator x scale; a published rate also shows its numerator and
    denominator, so a hidden numerator or denominator hides the rate;
  * a derived indicator (``Rule.based_on``) is hidden when a cell it is built on is hidden, and one of
    its bases is hidden when the derived cell is hidden and all bases are public.

  A count with ``min_count`` 0 (offers, which are public with their addresses) is public knowledge:
  it is never hidden, so a hidden rate on it is protected through its denominator.

  The heuristic is the classic one of hierarchical tables (as in sdcTable's and tau-Argus's
  heuristics): in every additivity group (a parent with its children) with a hidden cell, (1) never
  leave exactly one unknown cell and (2) require the hidden children's *downward capacity* (how far
  they can fall while staying >= 0, following their own hidden children) to add up to at least the
  protection width: then every hidden child can move up or down by that much while its hidden
  siblings compensate, so the attacker's feasible interval is at least that wide. A group that fails
  hides its smallest non-zero published child (ties: a unit without children first, then the key),
  else its parent. Links between indicators: a relation with exactly one unknown cell hides another
  one. Everything is iterated to a fixed point with a work list, deepest groups first.

Cells with ``value`` None are absent: not published, but no protection is credited to them either,
since other relations (a derived indicator, a rate's numerator) may give them away. The answer only
depends on the cells, not on their order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .tree import UnitTree

CellKey = tuple[str, str, int]
"""(indicator key, unit key, year)."""

SCALES: dict[str, float] = {"percent": 100.0, "per_1000": 1000.0}
"""Factor of a rate's unit: value = numerator / denominator * scale (1 for every other unit)."""

RATE_KINDS = frozenset({"rate", "share"})

_SEP = "\x1f"  # pseudo indicator keys of a rate's own numerator and denominator: "<rate>\x1fnum"


@dataclass(frozen=True, slots=True)
class Cell:
    """One value of an indicator for a unit and year, as stored or as computed by aggregation."""

    indicator: str
    unit: str
    year: int
    value: float | None
    numerator: float | None = None
    denominator: float | None = None

    @property
    def key(self) -> CellKey:
        return (self.indicator, self.unit, self.year)


@dataclass(frozen=True)
class Rule:
    """What aggregation and confidentiality need to know of a catalogue indicator."""

    kind: str  # count | rate | share | mean | index
    unit: str = "count"  # count | percent | per_1000 | ... (scale of rates)
    aggregation: str = "none"  # sum | ratio | none
    min_count: int = 3
    min_denominator: float = 10
    numerator: str | None = None  # indicator key
    denominator: str | None = None  # indicator key
    based_on: tuple[str, ...] = ()  # indicators a derived one is computed from

    @property
    def scale(self) -> float:
        """The factor between numerator / denominator and the published value."""
        return SCALES.get(self.unit, 1.0)


def rate_parts(rule: Rule, indicator: str) -> tuple[str, str]:
    """The quantities a rate's numerator and denominator belong to: the catalogue's numerator and
    denominator indicators, else pseudo indicators private to the rate (additive when the rate
    aggregates as a ratio). Shared with the attacker test, so both model the same relations."""
    return (rule.numerator or f"{indicator}{_SEP}num", rule.denominator or f"{indicator}{_SEP}den")


def hidden_cells(
    cells: Iterable[Cell], rules: Mapping[str, Rule], tree: UnitTree, *, secondary: bool = True
) -> dict[CellKey, str]:
    """Every cell the public may not see, mapped to ``"primary"`` or ``"secondary"``.

    ``cells`` are all cells that would be published: stored values and aggregation's computed ones
    (one cell per key). ``secondary=False`` applies the primary rule only; it exists for the attacker
    test, which proves that the secondary rule is needed. The answer is sorted by key.
    """
    model = _Model(rules, tree)
    primary = model.load(cells)
    for key in primary:
        model.hidden[key] = "primary"
    if secondary:
        model.protect(primary)
    virtual = model.virtual
    return {key: model.hidden[key] for key in sorted(model.hidden) if key not in virtual}


_RATE, _REST, _DERIVED = range(3)


class _Model:
    """Values by cell key and the relations between cells, derived on demand from the rules and the
    tree: work is proportional to the hidden cells and their neighbourhoods, not to all relations."""

    def __init__(self, rules: Mapping[str, Rule], tree: UnitTree) -> None:
        self.rules = rules
        self.tree = tree
        self.value: dict[CellKey, float] = {}
        self.virtual: set[CellKey] = set()  # a rate's numerator, denominator, rest: no cells of their own
        self.hidden: dict[CellKey, str] = {}
        # quantity -> protection width, for every quantity that adds up the tree
        self.additive: dict[str, float] = {
            key: rule.min_count for key, rule in rules.items() if rule.aggregation == "sum"
        }
        # rate -> (numerator quantity, denominator quantity, rest quantity or None)
        self.rates: dict[str, tuple[str, str, str | None]] = {}
        # quantity -> (role, indicator) of every relation it takes part in besides additivity
        self.users: dict[str, list[tuple[int, str]]] = {}
        for key, rule in sorted(rules.items()):
            if rule.kind in RATE_KINDS:
                n_quantity, d_quantity = rate_parts(rule, key)
                rest = f"{key}{_SEP}rest" if rule.kind == "share" else None
                self.rates[key] = (n_quantity, d_quantity, rest)
                if rule.aggregation == "ratio":
                    for part in (n_quantity, d_quantity):
                        if _SEP in part:
                            self.additive[part] = rule.min_count
                self.users.setdefault(n_quantity, []).append((_RATE, key))
                self.users.setdefault(d_quantity, []).append((_RATE, key))
                if rest is not None:
                    self.users.setdefault(rest, []).append((_REST, key))
            for base in rule.based_on:
                self.users.setdefault(base, []).append((_DERIVED, key))
        for key, (n_quantity, d_quantity, rest) in self.rates.items():
            if rest is not None and n_quantity in self.additive and d_quantity in self.additive:
                self.additive[rest] = self._numerator_min(key)
        self.derived = {key for key, rule in rules.items() if rule.based_on}
        # counts that are public knowledge anyway (min_count 0, e.g. offers, published with their
        # addresses): never hidden, so never relied on as a partner either
        self.public = {k for k, r in rules.items() if r.kind == "count" and r.min_count <= 0 and not r.based_on}
        self._dcap: dict[CellKey, float] = {}
        depth = max(map(tree.depth, tree.units), default=0)
        self._buckets: list[list[tuple[str, int, str]]] = [[] for _ in range(depth + 1)]
        self._queued: set[tuple[str, int, str]] = set()

    def _numerator_min(self, rate: str) -> int:
        rule = self.rules[rate]
        numerator_rule = self.rules.get(rule.numerator) if rule.numerator else None
        return numerator_rule.min_count if numerator_rule else rule.min_count

    # -- loading and the primary rule -----------------------------------------------------------

    def load(self, cells: Iterable[Cell]) -> list[CellKey]:
        """Read the cells; answer the primary cells, sorted."""
        value = self.value
        rules = self.rules
        rates = self.rates
        counts = {key: rule.min_count for key, rule in rules.items() if rule.kind == "count"}
        isfinite = math.isfinite
        primary: list[CellKey] = []
        rate_cells: list[Cell] = []
        for cell in cells:
            v = cell.value
            if v is None or v - v:  # v - v is 0 for a number, NaN (true) for infinity and NaN
                continue
            indicator = cell.indicator
            key = (indicator, cell.unit, cell.year)
            value[key] = v
            if indicator in rates:
                rate_cells.append(cell)
            else:
                limit = counts.get(indicator)
                if limit is not None and 0 < v < limit:
                    primary.append(key)
        virtual = self.virtual
        for cell in rate_cells:  # a rate's own numerator and denominator, where no indicator cell has them
            n_quantity, d_quantity, _rest = rates[cell.indicator]
            for quantity, own in ((n_quantity, cell.numerator), (d_quantity, cell.denominator)):
                key = (quantity, cell.unit, cell.year)
                if own is not None and isfinite(own) and key not in value:
                    value[key] = own
                    virtual.add(key)
                    limit = counts.get(quantity)  # a count indicator seen only through rates: same rule
                    if limit is not None and 0 < own < limit:
                        primary.append(key)
        for cell in rate_cells:
            indicator, unit, year = cell.indicator, cell.unit, cell.year
            rule = rules[indicator]
            n_quantity, d_quantity, rest = rates[indicator]
            n = value.get((n_quantity, unit, year))
            d = value.get((d_quantity, unit, year))
            if (d is not None and d < rule.min_denominator) or (
                n is not None and 0 < n < self._numerator_min(indicator)
            ):
                primary.append((indicator, unit, year))
            if rest is not None and n is not None and d is not None and n <= d:
                # the rest (denominator - numerator, e.g. children without a place) is a count too: with
                # a public denominator, a hidden numerator can only rise as far as the rest can fall
                key = (rest, unit, year)
                value[key] = d - n
                virtual.add(key)
        primary.sort()
        return primary

    # -- the secondary rule ---------------------------------------------------------------------

    def protect(self, primary: list[CellKey]) -> None:
        """Hide further cells until every relation is safe. Additivity groups wait in one work list
        per tree depth and the deepest are checked first, so a hidden parent's capacity is known
        before its own group is judged; links between indicators are local and checked at once."""
        for key in primary:
            self._touch(key)
        for key in primary:
            self._follow(key)
        buckets = self._buckets
        queued = self._queued
        depth = len(buckets) - 1
        while depth >= 0:
            bucket = buckets[depth]
            if not bucket:
                depth -= 1
                continue
            group = bucket.pop()
            queued.discard(group)
            self._check_group(*group)
            depth = len(buckets) - 1  # a check may have queued deeper groups

    def _hide(self, key: CellKey) -> None:
        if key in self.hidden or key not in self.value or key[0] in self.public:
            return
        self.hidden[key] = "secondary"
        self._touch(key)
        self._follow(key)

    def _queue(self, quantity: str, year: int, parent: str) -> None:
        group = (quantity, year, parent)
        if group not in self._queued:
            self._queued.add(group)
            self._buckets[self.tree.depth(parent)].append(group)

    def _touch(self, key: CellKey) -> None:
        """Re-check every relation ``key`` takes part in; forget the capacities that depended on it."""
        quantity, unit, year = key
        tree = self.tree
        if quantity in self.additive and unit in tree:
            parent = tree.parent[unit]
            if parent is not None:
                self._queue(quantity, year, parent)
            if tree.children(unit):
                self._queue(quantity, year, unit)
            dcap = self._dcap
            if dcap:
                dcap.pop(key, None)
                for up in tree.ancestors(unit):
                    dcap.pop((quantity, up, year), None)
        rates = self.rates
        if quantity in rates:
            self._check_link(_RATE, quantity, unit, year)
            if rates[quantity][2] is not None:
                self._check_link(_REST, quantity, unit, year)
        elif quantity in self.derived:
            self._check_link(_DERIVED, quantity, unit, year)
        for kind, indicator in self.users.get(quantity, ()):
            self._check_link(kind, indicator, unit, year)
            if kind == _RATE and rates[indicator][2] is not None:
                self._check_link(_REST, indicator, unit, year)

    def _follow(self, key: CellKey) -> None:
        """What hiding ``key`` hides at once: a rate shows its numerator and denominator, so a hidden
        numerator or denominator hides every rate on it (and the rest of a share); a hidden rate
        hides its private numerator and denominator (those of the catalogue's numerator and
        denominator indicators stay: other rates or their own cells may show them); a derived cell
        built on a hidden cell is hidden."""
        quantity, unit, year = key
        if quantity in self.rates:
            n_quantity, d_quantity, _rest = self.rates[quantity]
            for part in (n_quantity, d_quantity):
                if _SEP in part:
                    self._hide((part, unit, year))
        for kind, indicator in self.users.get(quantity, ()):
            if kind == _RATE:
                self._hide((indicator, unit, year))
                rest = self.rates[indicator][2]
                if rest is not None:
                    self._hide((rest, unit, year))
            elif kind == _DERIVED:
                self._hide((indicator, unit, year))

    def _capacity(self, key: CellKey) -> float:
        """How far a hidden cell can fall: its value, or less when its own children can only give way
        by less (absent children are credited nothing)."""
        cached = self._dcap.get(key)
        if cached is not None:
            return cached
        quantity, unit, year = key
        result = self.value[key]
        kids = [(quantity, child, year) for child in self.tree.children(unit)]
        if any(kid in self.value for kid in kids):
            result = min(result, sum(self._capacity(kid) for kid in kids if kid in self.hidden))
        self._dcap[key] = result
        return result

    def _check_group(self, quantity: str, year: int, parent: str) -> None:
        """Parent = sum of children: never exactly one unknown, and enough capacity among the hidden
        children that each of them can move by the protection width."""
        value = self.value
        hidden = self.hidden
        kids = [(quantity, child, year) for child in self.tree.children(parent)]
        present = [kid for kid in kids if kid in value]
        if not present:
            return
        p = (quantity, parent, year)
        p_known = p in value and p not in hidden
        hid = [kid for kid in present if kid in hidden]
        if not hid and p not in hidden:
            return
        # absent cells do not count as unknown: another relation (a derived indicator, a rate's
        # fields) may give them away, so only hidden cells are relied on
        single = len(hid) + (1 if p in hidden else 0) == 1
        if not single and (not hid or sum(self._capacity(kid) for kid in hid) >= self.additive[quantity]):
            return
        if quantity in self.public:
            return
        open_kids = [kid for kid in present if kid not in hidden]
        candidates = [kid for kid in open_kids if value[kid] > 0] or (open_kids if single else [])
        if candidates:
            tree = self.tree
            self._hide(min(candidates, key=lambda kid: (value[kid], bool(tree.children(kid[1])), kid[1])))
        elif p_known:
            self._hide(p)

    def _check_link(self, kind: int, indicator: str, unit: str, year: int) -> None:
        """A relation between indicators with exactly one unknown cell gives it away: hide another."""
        if kind == _DERIVED:
            bases = [(base, unit, year) for base in self.rules[indicator].based_on]
            members = [(indicator, unit, year), *bases]
            prefer = [(indicator, unit, year), *sorted(bases, key=lambda key: (self.value.get(key, 0), key))]
        else:
            n_quantity, d_quantity, rest = self.rates[indicator]
            parts = [(n_quantity, unit, year), (d_quantity, unit, year)]
            head = (indicator if kind == _RATE else rest, unit, year)
            members = prefer = [head, *parts]  # type: ignore[list-item]
        value = self.value
        hidden = self.hidden
        if members[0] not in value:
            return  # no rate, rest or derived cell here: no relation
        if sum(key in hidden for key in members) != 1:  # absent members count as known (see groups)
            return
        public = self.public
        for key in prefer:
            if key in value and key not in hidden and key[0] not in public:
                self._hide(key)
                return

