"""Statistical confidentiality (Geheimhaltung): the one rule that decides which cells the public may
not see. Pure: cells, the catalogue's rules and the unit tree in, the hidden cells out.

See docs/indicators.md, section "Confidentiality", for the method (primary frequency rule, secondary
suppression, protection width) and the attacker test that checks it.
"""

from __future__ import annotations

from dataclasses import dataclass

CellKey = tuple[str, str, int]
"""(indicator key, unit key, year)."""

SCALES: dict[str, float] = {"percent": 100.0, "per_1000": 1000.0}
"""Factor of a rate's unit: value = numerator / denominator * scale (1 for every other unit)."""


@dataclass(frozen=True)
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
