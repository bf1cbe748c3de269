"""Synthetic but plausible indicator values for the Landkreis Osnabrück demo, 2015 to 2024.

Why this exists: the atlas's indicator half needs numbers to be tried out, tested and shown: time
series with trends, Ortsteile that sum to their town, small counts that the confidentiality rule must
hide, a provisional year, a break in a series, an editor's upload waiting for review and one the
county rejected. None of the numbers is real. The only real facts are the municipalities' populations
in ``data/`` (each municipality's value of ``bev_gesamt`` in the CSV's year is exactly the CSV's
figure; a figure of a later year anchors the trend that leads to it); everything else is drawn
from a seeded generator around rates typical for a rural Lower Saxon county, so the same seed
always gives the same values.

How the numbers hang together:

* every municipality's population is split into age groups (components that add up to the total),
  and the published age-group indicators are sums of components (``bev_u6 = bev_u3 + bev_3_6``...);
* counts of a town's Ortsteile are an exact integer split of the town's counts (largest remainder),
  so they add up; the town's own value is stored too (the statistical office delivers it);
* Samtgemeinden and the county are not stored for summed indicators: aggregation computes them from
  their members (marked as computed), as it would for any county; means (average age) and the
  county-only care statistics are stored where they apply;
* rates and shares carry their numerator and denominator and are rounded to the catalogue's decimals;
* ``sgb2_u15`` / ``sgb2_quote_u15`` of 2024 are provisional (the Federal Employment Agency's data
  are provisional for three months); ``pflegebeduerftige`` / ``pflegequote`` have a break in 2017
  (new definition of need for care, PSG II), with a note;
* two small Ortsteile have 1 or 2 children in SGB II: the primary confidentiality rule hides them.

The module is pure (no database): :func:`build_demo_values` returns rows in the properties layout of
the ``indicator_values`` layer (docs/indicators.md); ``loader.py`` pushes them through the real
services.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..domain.indicators.standard import BY_KEY
from . import geodata

YEARS = tuple(range(2015, 2025))
SEED = 20241231

PROVISIONAL = {("sgb2_u15", 2024), ("sgb2_quote_u15", 2024)}
PROVISIONAL_NOTE = "Vorläufige Daten der Bundesagentur für Arbeit (Wartezeit drei Monate)."
BREAK_YEAR = 2017
BREAK_INDICATORS = ("pflegebeduerftige", "pflegequote")
BREAK_NOTE = ("Ab 2017 neuer Pflegebedürftigkeitsbegriff (Pflegegrade statt Pflegestufen, PSG II): mit den "
              "Vorjahren nur eingeschränkt vergleichbar.")

# The counts the demo stores for the municipalities: the ones people look up directly and the target
# populations of the provision indicators. The other counts of the catalogue stay empty (every rate
# carries its own numerator and denominator), which keeps the demo quick to load.
MUNICIPAL_COUNTS = (
    "bev_gesamt", "bev_u3", "bev_u6", "bev_u18", "bev_65plus", "geburten", "arbeitslose", "kita_u3",
    "tagespflege_u3", "kita_plaetze", "sgb2_u15",
)
# Indicators the demo fills for the Ortsteile of Melle and Bramsche (besides the municipalities).
ORTSTEIL_INDICATORS = (
    "bev_gesamt", "bev_u3", "bev_u6", "bev_u18", "bev_65plus", "anteil_65plus", "kita_u3", "betreuungsquote_u3",
    "sgb2_u15", "sgb2_quote_u15",
)

# Age components: shares of the population in the base year, and their yearly drift (demographic change).
_COMPONENTS = ("a_u3", "a_3_6", "a_6_10", "a_10_15", "a_15_18", "a_18_65", "a_65_80", "a_80plus")
_SHARE = {"a_u3": 0.029, "a_3_6": 0.030, "a_6_10": 0.039, "a_10_15": 0.050, "a_15_18": 0.031,
          "a_65_80": 0.150, "a_80plus": 0.063}
_DRIFT = {"a_u3": 0.0003, "a_3_6": 0.0002, "a_6_10": 0.0, "a_10_15": -0.0003, "a_15_18": -0.0002,
          "a_65_80": 0.0022, "a_80plus": 0.0011}


@dataclass(frozen=True)
class DemoValues:
    """What the demo loader pushes: published base data (by the county and, for Ortsteile, by the
    towns' editors), an editor's upload left pending, and an upload the county rejects."""

    county: list[dict[str, Any]]
    ortsteile: dict[str, list[dict[str, Any]]]  # town key -> its Ortsteile's values
    pending: list[dict[str, Any]]  # Melle's editor: Kita places per Ortsteil 2024, not yet reviewed
    rejected: list[dict[str, Any]]  # Bramsche's editor: Ortsteil populations 2024 that do not add up
    rejected_reason: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def published(self) -> list[dict[str, Any]]:
        return [*self.county, *(v for rows in self.ortsteile.values() for v in rows)]


def _split(total: int, weights: np.ndarray) -> np.ndarray:
    """``total`` split in proportion to ``weights`` into integers that add up exactly (largest remainder)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=np.int64)
    quotas = total * weights / weights.sum()
    parts = np.floor(quotas).astype(np.int64)
    rest = int(total - parts.sum())
    order = np.lexsort((np.arange(len(quotas)), -(quotas - parts)))
    parts[order[:rest]] += 1
    return parts


def _level(territory: geodata.Territory, by_key: dict[str, geodata.Territory]) -> str:
    if territory.parent_key is None:
        return "landkreis"
    parent = by_key[territory.parent_key]
    return "gemeinde" if parent.parent_key is None else "mitgliedsgemeinde"


class _Builder:
    """Collects value rows; the only place that knows the row layout."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(self, indicator: str, unit: str, level: str, year: int, value: float | None, *,
            numerator: float | None = None, denominator: float | None = None, note: str | None = None,
            series_break: bool = False, estimated: bool = False) -> None:
        provisional = (indicator, year) in PROVISIONAL
        self.rows.append({
            "indicator": indicator, "unit": unit, "level": level, "year": year, "value": value,
            "numerator": numerator, "denominator": denominator, "provisional": provisional,
            "estimated": estimated, "series_break": series_break,
            "note": note if note is not None else (PROVISIONAL_NOTE if provisional else None)})

    def counts(self, unit: str, level: str, year: int, values: dict[str, int], keys: Iterable[str]) -> None:
        for key in keys:
            self.add(key, unit, level, year, float(values[key]))

    def ratio(self, key: str, unit: str, level: str, year: int, num: float, den: float, **extra: Any) -> None:
        ind = BY_KEY[key]
        scale = {"percent": 100.0, "per_1000": 1000.0}.get(ind.unit, 1.0)
        if not den:
            return  # no base, no rate: a real upload leaves such a cell empty
        value = round(num / den * scale, ind.decimals)
        self.add(key, unit, level, year, value, numerator=float(num), denominator=float(den), **extra)


def _age_groups(c: dict[str, int]) -> dict[str, int]:
    """The published age-group counts from the components (so they nest exactly)."""
    u6 = c["a_u3"] + c["a_3_6"]
    u15 = u6 + c["a_6_10"] + c["a_10_15"]
    return {"bev_gesamt": sum(c[k] for k in _COMPONENTS), "bev_u3": c["a_u3"], "bev_3_6": c["a_3_6"], "bev_u6": u6,
            "bev_6_10": c["a_6_10"], "bev_u15": u15, "bev_u18": u15 + c["a_15_18"],
            "bev_15_65": c["a_15_18"] + c["a_18_65"], "bev_65plus": c["a_65_80"] + c["a_80plus"],
            "bev_80plus": c["a_80plus"]}


def _municipality_series(rng: np.random.Generator, fact: geodata.GemeindeFact, town: bool) -> dict[int, dict[str, int]]:
    """Every count of one municipality for every year (the CSV's population in the CSV's year)."""
    growth = rng.normal(0.003, 0.004)
    age_bias = rng.normal(0.0, 0.08)  # younger (negative) or older (positive) than the county
    poverty = rng.lognormal(0.35 if town else -0.15, 0.3)  # towns have more SGB II than villages
    foreign = rng.lognormal(np.log(0.075 if town else 0.05), 0.35)
    kita_u3_base, kita_step = rng.uniform(0.24, 0.32), rng.uniform(0.008, 0.014)
    daycare_3_6 = rng.uniform(0.89, 0.96)
    full_day = rng.uniform(0.30, 0.45)
    gym = rng.uniform(0.33, 0.50)
    employment = rng.uniform(0.60, 0.66)
    unemployment = rng.uniform(0.022, 0.035) * (1.25 if town else 1.0)
    series: dict[int, dict[str, int]] = {}
    for year in YEARS:
        t = year - fact.population_year
        total = int(round(fact.population * (1 + growth) ** t))
        elapsed = year - YEARS[0]
        shares = {k: _SHARE[k] * (1 + (age_bias if k in ("a_65_80", "a_80plus") else -age_bias / 2))
                  + _DRIFT[k] * elapsed * rng.uniform(0.8, 1.2) for k in _SHARE}
        comp = {k: int(round(total * max(s, 0.001))) for k, s in shares.items()}
        comp["a_18_65"] = total - sum(comp.values())
        v = _age_groups(comp)
        pop = v["bev_gesamt"]
        v["frauen_15_45"] = int(round(pop * rng.uniform(0.170, 0.180) * (1 - 0.004 * elapsed)))
        v["frauen_15_65"] = int(round(v["bev_15_65"] * rng.uniform(0.485, 0.50)))
        refugees = 1.25 if year >= 2022 else (1.15 if year >= 2016 else 1.0)
        v["bev_nichtdeutsch"] = int(round(pop * foreign * refugees * (1 + 0.03 * elapsed)))
        v["geburten"] = int(round(v["frauen_15_45"] * rng.uniform(0.050, 0.062)))
        v["svb_wohnort"] = int(round(v["bev_15_65"] * (employment + 0.004 * elapsed)))
        v["svb_frauen_wohnort"] = int(round(v["frauen_15_65"] * (employment - 0.06 + 0.006 * elapsed)))
        crisis = 1.2 if year in (2020, 2021) else 1.0
        v["arbeitslose"] = int(round(v["bev_15_65"] * unemployment * crisis * (1 - 0.015 * elapsed)))
        v["arbeitslose_langzeit"] = int(round(v["arbeitslose"] * rng.uniform(0.30, 0.40)))
        v["kita_u3"] = min(v["bev_u3"], int(round(v["bev_u3"] * (kita_u3_base + kita_step * elapsed))))
        v["tagespflege_u3"] = int(round(v["kita_u3"] * rng.uniform(0.18, 0.30)))
        v["kita_3_6"] = min(v["bev_3_6"], int(round(v["bev_3_6"] * daycare_3_6)))
        v["kita_ganztag_3_6"] = int(round(v["bev_3_6"] * (full_day + 0.012 * elapsed)))
        v["kita_plaetze"] = int(round((v["kita_u3"] - v["tagespflege_u3"] + v["kita_3_6"]) * rng.uniform(1.02, 1.12)))
        v["schueler_jg5"] = int(round(v["bev_6_10"] / 4 * rng.uniform(0.95, 1.05)))
        v["schueler_jg5_gym"] = int(round(v["schueler_jg5"] * (gym + rng.normal(0, 0.02))))
        v["schulabgaenger"] = int(round(v["bev_6_10"] / 4 * rng.uniform(0.95, 1.08)))
        v["abgaenger_ohne_abschluss"] = int(round(v["schulabgaenger"] * rng.uniform(0.03, 0.08)))
        v["seu_untersucht"] = int(round(v["bev_3_6"] / 3 * rng.uniform(0.97, 1.02)))
        v["seu_sprachfoerderung"] = int(round(v["seu_untersucht"] * rng.uniform(0.14, 0.24) * poverty ** 0.5))
        v["seu_uebergewicht"] = int(round(v["seu_untersucht"] * rng.uniform(0.08, 0.13)))
        v["seu_masern2"] = min(v["seu_untersucht"], int(round(v["seu_untersucht"] * rng.uniform(0.91, 0.97))))
        wave = {2016: 1.08, 2017: 1.12, 2018: 1.06, 2019: 1.0, 2020: 1.05, 2021: 1.02, 2022: 1.15, 2023: 1.12,
                2024: 1.1}.get(year, 1.0)
        v["sgb2_u15"] = min(v["bev_u15"], int(round(v["bev_u15"] * 0.065 * poverty * wave)))
        v["sgb2_bg"] = int(round(pop * 0.028 * poverty * wave))
        v["sgb2_bg_alleinerziehend"] = int(round(v["sgb2_bg"] * rng.uniform(0.15, 0.20)))
        wohngeld = 2.1 if year >= 2023 else 1.0  # Wohngeld-Plus: about twice as many households from 2023
        v["wohngeld_haushalte"] = int(round(pop * 0.009 * wohngeld * rng.uniform(0.9, 1.1)))
        v["grusi_alter"] = int(round(v["bev_65plus"] * 0.022 * poverty ** 0.5 * (1 + 0.03 * elapsed)))
        age = 43.0 + 8 * age_bias + 0.17 * elapsed + rng.normal(0, 0.05)
        v["durchschnittsalter_x10"] = int(round(age * 10))
        series[year] = v
    return series


def _ratios(b: _Builder, unit: str, level: str, year: int, v: dict[str, int], keys: Iterable[str]) -> None:
    for key in keys:
        ind = BY_KEY[key]
        b.ratio(key, unit, level, year, v[ind.numerator], v[ind.denominator])


def _ortsteil_split(rng: np.random.Generator, town: dict[int, dict[str, int]],
                    count: int) -> list[dict[int, dict[str, int]]]:
    """Each Ortsteil's counts per year: exact integer splits of the town's counts."""
    base = rng.dirichlet(np.full(count, 2.0))
    base[0] += 0.6  # the centre holds the most people
    base /= base.sum()
    young = rng.lognormal(0.0, 0.12, count)  # Ortsteile with more or fewer young families
    old = rng.lognormal(0.0, 0.12, count)
    deprivation = rng.lognormal(0.0, 0.5, count)
    deprivation[0] = 2.5  # SGB II concentrates in the town centre
    deprivation[-2:] = 0.06  # two small outlying Ortsteile with very few children in SGB II
    weights = {"a_u3": base * young, "a_3_6": base * young, "a_6_10": base * young, "a_10_15": base * young,
               "a_15_18": base, "a_18_65": base, "a_65_80": base * old, "a_80plus": base * old}
    out: list[dict[int, dict[str, int]]] = [{} for _ in range(count)]
    for year, v in town.items():
        comp_town = {"a_u3": v["bev_u3"], "a_3_6": v["bev_3_6"], "a_6_10": v["bev_6_10"],
                     "a_10_15": v["bev_u15"] - v["bev_u6"] - v["bev_6_10"], "a_15_18": v["bev_u18"] - v["bev_u15"],
                     "a_65_80": v["bev_65plus"] - v["bev_80plus"], "a_80plus": v["bev_80plus"]}
        comp_town["a_18_65"] = v["bev_gesamt"] - sum(comp_town.values())
        parts = {k: _split(comp_town[k], weights[k]) for k in _COMPONENTS}
        kita_u3 = _split(v["kita_u3"], parts["a_u3"] * rng.uniform(0.9, 1.1, count))
        kita_3_6 = _split(v["kita_3_6"], parts["a_3_6"].astype(float))
        tagespflege = _split(v["tagespflege_u3"], kita_u3 * rng.uniform(0.7, 1.3, count))
        u15 = parts["a_u3"] + parts["a_3_6"] + parts["a_6_10"] + parts["a_10_15"]
        sgb2 = _split(v["sgb2_u15"], u15 * deprivation)
        for i in range(count):
            groups = _age_groups({k: int(parts[k][i]) for k in _COMPONENTS})
            kita = (min(int(kita_u3[i]), groups["bev_u3"]), min(int(kita_3_6[i]), groups["bev_3_6"]))
            groups.update(kita_u3=kita[0], kita_3_6=kita[1], tagespflege_u3=min(int(tagespflege[i]), kita[0]),
                          sgb2_u15=min(int(sgb2[i]), groups["bev_u15"]))
            out[i][year] = groups
    return out


def build_demo_values(territories: Sequence[geodata.Territory] | None = None,
                      ortsteile: Sequence[geodata.SpatialUnitSeed] | None = None, seed: int = SEED) -> DemoValues:
    """All demo values; the same arguments always give the same rows."""
    territories = list(territories) if territories is not None else geodata.build_territories()
    ortsteile = list(ortsteile) if ortsteile is not None else geodata.build_ortsteile(territories)
    facts = {g.name: g for g in geodata.load_municipality_facts().gemeinden}
    by_key = {t.key: t for t in territories}
    rng = np.random.default_rng(seed)
    county = _Builder()
    series: dict[str, dict[int, dict[str, int]]] = {}
    municipal_counts = list(MUNICIPAL_COUNTS)
    municipal_ratios = [i.key for i in BY_KEY.values()
                        if i.provision is None and i.aggregation == "ratio" and "gemeinde" in i.levels]
    for t in sorted(geodata.gemeinden(territories), key=lambda t: t.key):
        level = _level(t, by_key)
        s = series[t.key] = _municipality_series(rng, facts[t.name], t.kind == geodata.KIND_TOWN)
        for year, v in s.items():
            county.counts(t.key, level, year, v, municipal_counts)
            _ratios(county, t.key, level, year, v, municipal_ratios)
            county.add("durchschnittsalter", t.key, level, year, v["durchschnittsalter_x10"] / 10)
    # Means do not aggregate: the statistical office delivers them for Samtgemeinden and the county too.
    for t in territories:
        if t.kind not in (geodata.KIND_SAMTGEMEINDE, geodata.KIND_COUNTY):
            continue
        members = [k for k in series if t.kind == geodata.KIND_COUNTY or by_key[k].parent_key == t.key]
        for year in YEARS:
            people = sum(series[k][year]["bev_gesamt"] for k in members)
            age = sum(series[k][year]["durchschnittsalter_x10"] / 10 * series[k][year]["bev_gesamt"]
                      for k in members) / people
            county.add("durchschnittsalter", t.key, _level(t, by_key), year, round(age, 1))
    # The care statistics: county only, every other year, with the break of 2017.
    for year in YEARS[::2]:
        people = sum(s[year]["bev_gesamt"] for s in series.values())
        elderly = sum(s[year]["bev_65plus"] for s in series.values())
        rate = 0.19 * (1.22 if year >= BREAK_YEAR else 1.0) * (1 + 0.02 * (year - YEARS[0]))
        care = int(round(elderly * rate))
        extra = {"series_break": True, "note": BREAK_NOTE} if year == BREAK_YEAR else {}
        county.add("pflegebeduerftige", geodata.COUNTY_KEY, "landkreis", year, float(care), **extra)
        county.ratio("pflegequote", geodata.COUNTY_KEY, "landkreis", year, care, people, **extra)

    own: dict[str, list[dict[str, Any]]] = {}
    ortsteil_series: dict[str, dict[int, dict[str, int]]] = {}
    for town_key in geodata.ORTSTEILE:
        units = sorted((u for u in ortsteile if u.parent_key == town_key), key=lambda u: u.key)
        split = _ortsteil_split(rng, series[town_key], len(units))
        b = _Builder()
        counts = [k for k in ORTSTEIL_INDICATORS if BY_KEY[k].kind == "count"]
        ratios = [k for k in ORTSTEIL_INDICATORS if BY_KEY[k].kind != "count"]
        for unit, s in zip(units, split, strict=True):
            ortsteil_series[unit.key] = s
            for year, v in s.items():
                b.counts(unit.key, "ortsteil", year, v, counts)
                _ratios(b, unit.key, "ortsteil", year, v, ratios)
        own[town_key] = b.rows

    # Melle's editor sends the Kita places per Ortsteil for 2024: waiting for the county's review.
    melle = sorted(u for u in ortsteil_series if u.startswith("034590024024-"))
    places = _split(series["034590024024"][2024]["kita_plaetze"],
                    np.array([ortsteil_series[u][2024]["bev_u6"] for u in melle], dtype=float))
    pending = _Builder()
    for unit, n in zip(melle, places, strict=True):
        pending.add("kita_plaetze", unit, "ortsteil", 2024, float(n), note="Kita-Bedarfsplanung 2024/25")
    # Bramsche's editor sends Ortsteil populations for 2024 from another reference date: 12 % too many.
    bramsche = sorted(u for u in ortsteil_series if u.startswith("034590014014-"))
    rejected = _Builder()
    for unit in bramsche:
        wrong = float(round(ortsteil_series[unit][2024]["bev_gesamt"] * 1.12))
        rejected.add("bev_gesamt", unit, "ortsteil", 2024, wrong, note="Melderegister, Stand 30.06.2025")
    town = series["034590014014"][2024]["bev_gesamt"]
    reason = (f"Die Summe der Ortsteile ({int(sum(r['value'] for r in rejected.rows)):,} Einw.) weicht um 12 % von "
              f"der Einwohnerzahl der Stadt zum 31.12.2024 ({town:,}) ab. Bitte den Stichtag 31.12. verwenden."
              ).replace(",", ".")
    values = DemoValues(county.rows, own, pending.rows, rejected.rows, reason)
    values.counts.update(published=len(values.published), pending=len(pending.rows), rejected=len(rejected.rows))
    return values
