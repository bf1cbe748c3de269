"""The demo's synthetic indicator values: consistent with the shipped populations, with each other and with
the standard catalogue; the states the demo must show (small counts, provisional, break, pending, rejected)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from sync_server.demo import geodata
from sync_server.demo.indicators import ORTSTEIL_INDICATORS, YEARS, build_demo_values
from sync_server.domain.indicators.standard import BY_KEY, THEMES

MELLE = "034590024024"
BRAMSCHE = "034590014014"
COUNTY = "03459"


@pytest.fixture(scope="module")
def demo():
    return build_demo_values()


@pytest.fixture(scope="module")
def cells(demo):
    out = {}
    for row in demo.published:
        key = (row["indicator"], row["unit"], row["year"])
        assert key not in out, f"duplicate value {key}"
        out[key] = row
    return out


def test_deterministic(demo):
    again = build_demo_values()
    assert again.published == demo.published and again.pending == demo.pending and again.rejected == demo.rejected
    assert build_demo_values(seed=1).published != demo.published


def test_population_matches_the_shipped_figures(cells):
    territories = {t.name: t for t in geodata.gemeinden(geodata.build_territories())}
    facts = geodata.load_municipality_facts().gemeinden
    assert len(facts) == 34
    inside = [f for f in facts if f.population_year in YEARS]
    assert len(inside) == 33  # one figure is of 2025: its series is anchored there, beyond the demo's years
    for fact in inside:
        assert cells["bev_gesamt", territories[fact.name].key, fact.population_year]["value"] == fact.population


def test_every_indicator_is_in_the_catalogue_on_its_levels_and_all_themes_have_values(demo):
    used = defaultdict(set)
    for row in (*demo.published, *demo.pending, *demo.rejected):
        ind = BY_KEY[row["indicator"]]
        assert row["level"] in ind.levels, row
        assert ind.provision is None  # provision indicators are computed, never stored
        used[row["indicator"]].add(row["year"])
    assert len(used) >= 30
    assert {BY_KEY[k].theme for k in used} == {t.key for t in THEMES} - {"infrastruktur"}  # that one is computed
    assert all(years == set(YEARS) for k, years in used.items() if k not in ("pflegebeduerftige", "pflegequote",
                                                                             "kita_plaetze"))


def test_units_cover_municipalities_and_the_ortsteile_of_melle_and_bramsche(demo):
    units = defaultdict(set)
    for row in demo.published:
        units[row["level"]].add(row["unit"])
    assert len(units["gemeinde"]) == 17 + 4 and len(units["mitgliedsgemeinde"]) == 17
    assert len(units["ortsteil"]) == 21 and units["landkreis"] == {COUNTY}
    assert {u.rsplit("-", 1)[0] for u in units["ortsteil"]} == {MELLE, BRAMSCHE}


def test_counts_nest_and_ortsteile_add_up_to_their_town(cells):
    for (ind, unit, year), row in cells.items():
        nested = {"bev_u3": "bev_u6", "bev_u6": "bev_u18", "bev_u18": "bev_gesamt", "kita_u3": "bev_u3",
                  "sgb2_u15": "bev_u18", "bev_65plus": "bev_gesamt", "tagespflege_u3": "kita_u3"}
        if ind in nested:
            assert row["value"] <= cells[nested[ind], unit, year]["value"], (ind, unit, year)
    for town, count in ((MELLE, 9), (BRAMSCHE, 12)):
        parts = [f"{town}-{n:02d}" for n in range(1, count + 1)]
        for ind in ORTSTEIL_INDICATORS:
            if BY_KEY[ind].kind != "count":
                continue
            for year in YEARS:
                assert sum(cells[ind, p, year]["value"] for p in parts) == cells[ind, town, year]["value"], (ind, year)


def test_rates_carry_the_counts_they_are_built_from(cells):
    checked = 0
    for (ind, unit, year), row in cells.items():
        definition = BY_KEY[ind]
        if definition.kind not in ("rate", "share"):
            continue
        for part in ("numerator", "denominator"):  # where the count is stored too, they agree
            count = getattr(definition, part)
            if unit == COUNTY and (count, unit, year) not in cells:  # aggregation sums the municipalities
                stored = [r["value"] for (i, _u, y), r in cells.items()
                          if (i, y) == (count, year) and r["level"] != "ortsteil"]
                assert not stored or row[part] == sum(stored), (ind, part)
            elif (count, unit, year) in cells:
                assert row[part] == cells[count, unit, year]["value"], (ind, unit, year, part)
        if definition.kind == "share":
            assert 0 <= row["numerator"] <= row["denominator"], (ind, unit, year)
        scale = 100 if definition.unit == "percent" else 1000
        assert row["value"] == round(row["numerator"] / row["denominator"] * scale, definition.decimals)
        checked += 1
    assert checked > 5000


def test_small_counts_provisional_year_and_series_break(cells, demo):
    small = {(u, y) for (ind, u, y), r in cells.items() if ind == "sgb2_u15" and r["level"] == "ortsteil"
             and r["value"] in (1, 2)}
    assert len({u for u, _y in small}) >= 2, "some Ortsteile have 1 or 2 children in SGB II"
    provisional = {(ind, y) for (ind, _u, y), r in cells.items() if r["provisional"]}
    assert provisional == {("sgb2_u15", 2024), ("sgb2_quote_u15", 2024)}
    breaks = {k: r for k, r in cells.items() if r["series_break"]}
    assert set(breaks) == {("pflegebeduerftige", COUNTY, 2017), ("pflegequote", COUNTY, 2017)}
    assert all("Pflegegrade" in r["note"] for r in breaks.values())
    assert [y for (ind, _u, y) in cells if ind == "pflegebeduerftige"] == [2015, 2017, 2019, 2021, 2023]


def test_pending_and_rejected_uploads(demo, cells):
    assert {r["unit"].rsplit("-", 1)[0] for r in demo.pending} == {MELLE}
    assert {(r["indicator"], r["year"]) for r in demo.pending} == {("kita_plaetze", 2024)}
    assert sum(r["value"] for r in demo.pending) == cells["kita_plaetze", MELLE, 2024]["value"]
    assert {r["unit"].rsplit("-", 1)[0] for r in demo.rejected} == {BRAMSCHE}
    wrong = sum(r["value"] for r in demo.rejected)
    assert wrong > 1.1 * cells["bev_gesamt", BRAMSCHE, 2024]["value"]
    assert "12 %" in demo.rejected_reason and "31.12." in demo.rejected_reason
