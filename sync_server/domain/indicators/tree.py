"""The tree of spatial units that indicator values belong to (pure: no database).

Aggregation sums children into parents and the confidentiality rule protects a hidden cell against
"parent total minus published siblings"; both need the same answer to "which units tile this unit".
The answer is: all children in the map. Whoever builds the tree (``units.py`` from the database)
decides what it includes, so a level whose units do not tile their parent must not be attached below
it. The tree is validated once on construction (known parents, no cycles) and keeps its derived maps,
so the hot loops of aggregation and suppression only do dictionary look-ups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class UnitTreeError(ValueError):
    """The parent map is not a tree (unknown parent, cycle)."""


@dataclass(frozen=True)
class UnitTree:
    """Parent and level of every unit; children are derived and sorted by key (deterministic)."""

    parent: Mapping[str, str | None]
    level: Mapping[str, str]
    _children: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _depth: Mapping[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parent = MappingProxyType(dict(self.parent))
        level = MappingProxyType({unit: self.level.get(unit, "") for unit in parent})
        unknown_levels = sorted(set(self.level) - set(parent))
        if unknown_levels:
            raise UnitTreeError(f"level given for units that are not in the tree: {unknown_levels[:5]}")
        children: dict[str, list[str]] = {unit: [] for unit in parent}
        for unit, up in parent.items():
            if up is None:
                continue
            if up == unit:
                raise UnitTreeError(f"unit {unit!r} is its own parent")
            if up not in children:
                raise UnitTreeError(f"unit {unit!r} has the unknown parent {up!r}")
            children[up].append(unit)
        depth: dict[str, int] = {}
        for start in parent:
            path: list[str] = []
            seen: set[str] = set()
            unit: str | None = start
            while unit is not None and unit not in depth:
                if unit in seen:
                    raise UnitTreeError(f"the parents form a cycle through {unit!r}")
                seen.add(unit)
                path.append(unit)
                unit = parent[unit]
            base = -1 if unit is None else depth[unit]
            for offset, node in enumerate(reversed(path), start=1):
                depth[node] = base + offset
        object.__setattr__(self, "parent", parent)
        object.__setattr__(self, "level", level)
        object.__setattr__(
            self, "_children", MappingProxyType({unit: tuple(sorted(kids)) for unit, kids in children.items()})
        )
        object.__setattr__(self, "_depth", MappingProxyType(depth))

    @classmethod
    def from_parents(
        cls,
        parents: Mapping[str, str | None] | Iterable[tuple[str, str | None]],
        levels: Mapping[str, str] | None = None,
    ) -> UnitTree:
        """Build a tree from ``unit -> parent`` (a mapping or pairs); a parent that is named only as
        a parent becomes a root. Levels default to "" for units without one."""
        pairs = list(parents.items()) if isinstance(parents, Mapping) else list(parents)
        parent: dict[str, str | None] = {}
        for unit, up in pairs:
            if unit in parent and parent[unit] != up:
                raise UnitTreeError(f"unit {unit!r} has two parents: {parent[unit]!r} and {up!r}")
            parent[unit] = up
        for _unit, up in pairs:
            if up is not None and up not in parent:
                parent[up] = None
        return cls(parent=parent, level=dict(levels or {}))

    def __contains__(self, unit: object) -> bool:
        return unit in self.parent

    def __len__(self) -> int:
        return len(self.parent)

    @property
    def units(self) -> tuple[str, ...]:
        """All units, sorted by key."""
        return tuple(sorted(self.parent))

    def children(self, unit: str) -> tuple[str, ...]:
        """The units that tile ``unit`` (sorted by key); () for a leaf or a unit not in the tree."""
        return self._children.get(unit, ())

    def ancestors(self, unit: str) -> tuple[str, ...]:
        """Parent, grandparent, ... up to the root (nearest first); () for a root or unknown unit."""
        out: list[str] = []
        up = self.parent.get(unit)
        while up is not None:
            out.append(up)
            up = self.parent[up]
        return tuple(out)

    def descendants(self, unit: str) -> tuple[str, ...]:
        """All units below ``unit``, depth first in key order."""
        out: list[str] = []
        stack = list(reversed(self.children(unit)))
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self._children[node]))
        return tuple(out)

    def roots(self) -> tuple[str, ...]:
        return tuple(sorted(unit for unit, up in self.parent.items() if up is None))

    def depth(self, unit: str) -> int:
        """0 for a root, 1 for its children, ..."""
        return self._depth[unit]

    def bottom_up(self) -> tuple[str, ...]:
        """Every unit, deepest first (then by key): children always come before their parent, the
        order in which sums move up the tree."""
        return tuple(sorted(self.parent, key=lambda unit: (-self._depth[unit], unit)))

    def parents_bottom_up(self) -> tuple[str, ...]:
        """The units that have children, deepest first: the groups "parent = sum of children"."""
        return tuple(unit for unit in self.bottom_up() if self._children[unit])
