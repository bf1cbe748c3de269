"""Three-way merge of one feature: the common base, my local state and the server's state.

The atlas's rule (docs/architecture.md, sync protocol) is that a stale base is a conflict, not "last wins": edits to
different fields of the same feature merge by themselves, and only the same field changed on both
sides to different values needs a person. Geometry counts as one field, ``"geometry"``.
A feature that one side deleted while the other changed it is a clash on the whole feature,
reported under the pseudo-field ``"__deleted__"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .wkb import rounded

GEOMETRY = "geometry"
DELETED = "__deleted__"

Side = Literal["mine", "theirs"]
Values = Mapping[str, Any]


def same_value(name: str, a: Any, b: Any) -> bool:
    """Equality as change detection sees it: geometries to the millimetre, '' equal to None."""
    if name == GEOMETRY:
        return rounded(a) == rounded(b)
    if a == "":
        a = None
    if b == "":
        b = None
    return a == b


@dataclass(frozen=True)
class Clash:
    """The same field changed on both sides to different values (or delete against change)."""

    field: str
    base: Any
    mine: Any
    theirs: Any
    uuid: str | None = None


@dataclass
class MergeResult:
    """The merged state (None = deleted) and the clashes a person has to decide.

    For clashed fields ``merged`` holds my value, so an unresolved merge never loses local work.
    """

    merged: dict[str, Any] | None
    clashes: list[Clash] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.clashes

    def resolve(self, choices: Mapping[str, Side], mine: Values | None,
                theirs: Values | None) -> dict[str, Any] | None:
        """The merged state with each clash decided by ``choices[field]``.

        Raises KeyError for a clash without a choice, so a caller cannot silently drop one.
        """
        merged = dict(self.merged) if self.merged is not None else None
        for clash in self.clashes:
            side = choices[clash.field]
            if clash.field == DELETED:
                chosen = mine if side == "mine" else theirs
                return dict(chosen) if chosen is not None else None
            if merged is None:
                continue
            source = mine if side == "mine" else theirs
            merged[clash.field] = source.get(clash.field) if source is not None else None
        return merged


def merge(base: Values | None, mine: Values | None, theirs: Values | None, *,
          uuid: str | None = None,
          equal: Callable[[str, Any, Any], bool] = same_value) -> MergeResult:
    """Merge ``mine`` and ``theirs`` against ``base``; ``None`` for a side means deleted.

    ``base`` is None when there is no common ancestor (both sides created the feature): then
    every field that differs between the sides is a clash.
    """
    if mine is None and theirs is None:
        return MergeResult(None)
    if mine is None or theirs is None:
        other = theirs if mine is None else mine
        if base is not None and _unchanged(base, other, equal):
            return MergeResult(None)
        return MergeResult(dict(mine) if mine is not None else None,
                           [Clash(DELETED, _copy(base), _copy(mine), _copy(theirs), uuid)])
    base = base or {}
    merged: dict[str, Any] = {}
    clashes: list[Clash] = []
    for name in _field_order(base, mine, theirs):
        b, m, t = base.get(name), mine.get(name), theirs.get(name)
        mine_changed = not equal(name, b, m)
        theirs_changed = not equal(name, b, t)
        if not theirs_changed:
            merged[name] = m
        elif not mine_changed or equal(name, m, t):
            merged[name] = t
        else:
            merged[name] = m
            clashes.append(Clash(name, b, m, t, uuid))
    return MergeResult(merged, clashes)


def _unchanged(base: Values, other: Values, equal: Callable[[str, Any, Any], bool]) -> bool:
    return all(equal(name, base.get(name), other.get(name)) for name in _field_order(base, other))


def _field_order(*dicts: Values) -> list[str]:
    seen: dict[str, None] = {}
    for values in dicts:
        for name in values:
            seen.setdefault(name)
    return list(seen)


def _copy(values: Values | None) -> dict[str, Any] | None:
    return dict(values) if values is not None else None
