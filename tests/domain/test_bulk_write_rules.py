"""The pieces the bulk push of indicator values is built from give the answers of the one-by-one forms.

``rights.write_refusals`` is the set-wise form of the ownership rule a push of 100,000 values asks:
for every (stored, new) pair it must answer exactly what ``write_refusal`` answers, in order. The value
id is written from the SHA-1 digest without UUID objects; it must stay the RFC 4122 version 5 UUID the
contract names (stored ids depend on it).
"""

from __future__ import annotations

import itertools
import uuid

from shapely.geometry import Point, box

from sync_server.domain.indicators.values import VALUES_NAMESPACE, value_id
from sync_server.domain.rights import Actor, OwnedState, write_refusal, write_refusals

MELLE, BRAMSCHE, COUNTY = 2, 3, 1
KEYS = {MELLE: "034590024024", BRAMSCHE: "034590014014", COUNTY: "03459"}
TERRITORY = {MELLE: box(0, 0, 100, 100), BRAMSCHE: box(200, 0, 300, 100)}


def _state(owner: int, *, level: str | None = None, indicator: str | None = None,
           geometry: Point | None = None) -> OwnedState:
    return OwnedState(owner, KEYS[owner], geometry, level, indicator)


STATES: list[OwnedState | None] = [
    None,
    _state(MELLE), _state(BRAMSCHE), _state(COUNTY),
    _state(MELLE, level="gemeinde"), _state(MELLE, indicator="einwohner"),
    _state(MELLE, geometry=Point(50, 50)), _state(MELLE, geometry=Point(250, 50)),
]
ACTORS = [
    Actor(1, "admin", "admin", COUNTY, KEYS[COUNTY]),
    Actor(2, "melle.editor", "editor", MELLE, KEYS[MELLE]),
    Actor(3, "melle.reader", "reader", MELLE, KEYS[MELLE]),
    Actor(4, "bramsche.editor", "editor", BRAMSCHE, KEYS[BRAMSCHE]),
]


def test_write_refusals_answers_like_write_refusal_for_every_pair_in_order() -> None:
    pairs = list(itertools.product(STATES, STATES)) * 3  # repeated pairs are looked up, not asked again
    for actor in ACTORS:
        expected = [write_refusal(actor, old, new, TERRITORY.get, 25.0) for old, new in pairs]
        answers = write_refusals(actor, pairs, TERRITORY.get, 25.0)
        assert answers == expected
        assert any(a is not None for a in answers) or actor.is_admin


def test_value_id_is_the_uuid5_of_indicator_unit_and_year() -> None:
    cases = [("einwohner", "03459", 2020), ("kita_quote", "034590024024-01", 1990), ("ü_ß", "Ortsteil Ä", 2031)]
    cases += [(f"ind_{i}", f"{i:012d}", 1990 + i % 40) for i in range(200)]
    for indicator, unit, year in cases:
        assert value_id(indicator, unit, year) == str(uuid.uuid5(VALUES_NAMESPACE, f"{indicator}/{unit}/{year}"))
