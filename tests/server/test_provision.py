"""Derived provision indicators: offers per category and unit from the published institutions (spatial
join), offers per 1,000 of the target group, gaps as 0; on the demo database (both databases)."""

from __future__ import annotations

from collections import Counter

import pytest
from shapely.geometry import box
from sqlalchemy import select

from sync_server.demo import geodata
from sync_server.domain.indicators import provision, standard
from sync_server.domain.indicators.provision import Offer, ProvisionSpec, UnitArea, offer_counts, provision_values
from sync_server.domain.publish import public_rows
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import Municipality

MELLE = "034590024024"
ARTLAND = "034595401"
COUNTY = "03459"


def test_a_point_on_a_shared_border_counts_once_and_units_without_offers_show_zero():
    west, east = box(0, 0, 10, 10), box(10, 0, 20, 10)
    units = [UnitArea("b", "ortsteil", east), UnitArea("a", "ortsteil", west), UnitArea("all", "gemeinde", west | east)]
    offers = [Offer(10, 5, "kinderbetreuung", "krippe"), Offer(15, 5, "kinderbetreuung", "hort"),
              Offer(50, 50, "kinderbetreuung", "krippe")]  # the last one lies outside every unit
    counts = offer_counts(offers, units, ["kinderbetreuung", "krippe", "pflege"])
    assert counts["a"] == {"kinderbetreuung": 1, "krippe": 1, "pflege": 0}  # the border point: lower key
    assert counts["b"] == {"kinderbetreuung": 1, "krippe": 0, "pflege": 0}
    assert counts["all"] == {"kinderbetreuung": 2, "krippe": 1, "pflege": 0}


def test_rates_per_1000_use_the_latest_population_up_to_the_year():
    units = [UnitArea("a", "gemeinde", box(0, 0, 10, 10)), UnitArea("b", "gemeinde", box(10, 0, 20, 10)),
             UnitArea("c", "gemeinde", box(20, 0, 30, 10))]
    offers = [Offer(5, 5, "kinderbetreuung"), Offer(6, 5, "kinderbetreuung")]
    specs = [ProvisionSpec("kita_n", "kinderbetreuung", ("gemeinde",)),
             ProvisionSpec("kita_rate", "kinderbetreuung", ("gemeinde",), "bev_u6", 1000)]
    population = {("bev_u6", "a"): {2023: 400.0, 2024: 500.0, 2027: 9.0}, ("bev_u6", "b"): {2020: 250.0}}
    values = {(v.cell.indicator, v.cell.unit): v for v in provision_values(specs, offers, units, population, 2026)}
    assert values["kita_n", "a"].cell.value == 2 and values["kita_n", "c"].cell.value == 0
    rate = values["kita_rate", "a"]
    assert (rate.cell.value, rate.cell.numerator, rate.cell.denominator) == (4.0, 2, 500.0)
    assert rate.population_year == 2024 and rate.note == "Bevölkerung Stand 31.12.2024"
    assert values["kita_rate", "b"].cell.value == 0.0  # a gap: no offer for 250 children
    assert values["kita_rate", "c"].cell.value is None  # no population published: no rate
    assert {v.cell.year for v in values.values()} == {2026}


@pytest.fixture
def session(db_url: str):  # noqa: ANN201
    engine = make_engine(db_url)
    with session_scope(make_session_factory(engine)) as s:
        yield s
    engine.dispose()


def test_offers_per_unit_on_the_demo_match_the_published_institutions(session) -> None:
    published = Counter()
    by_owner: Counter[tuple[str, str]] = Counter()
    keys = {m.id: m.key for m in session.scalars(select(Municipality))}
    for _feature, rev in public_rows(session, "institutions"):
        published[rev.properties["category"]] += 1
        by_owner[keys[rev.owner_id], rev.properties["category"]] += 1
    specs = provision.specs_from_catalogue(i for i in standard.INDICATORS if i.provision)
    values = provision.published_provision(session, standard.INDICATORS, year=2026)
    got = {(v.cell.indicator, v.cell.unit): v for v in values}
    levels = {v.cell.unit: v.level for v in values}
    assert levels[COUNTY] == "landkreis" and levels[ARTLAND] == "gemeinde" and levels[MELLE] == "gemeinde"
    assert levels["034595401030"] == "mitgliedsgemeinde" and levels[f"{MELLE}-01"] == "ortsteil"
    assert len(levels) == 39 + 21
    assert len(values) == len(specs) * 60
    for category, total in published.items():
        assert got[f"angebote_{category}", COUNTY].cell.value == total
    # Demo institutions lie inside their owner's territory, away from its border: the join agrees.
    territories = geodata.build_territories()
    for t in geodata.gemeinden(territories):
        for category in published:
            assert got[f"angebote_{category}", t.key].cell.value == by_owner[t.key, category], (t.name, category)
    members = [t.key for t in territories if t.parent_key == ARTLAND]
    assert got["angebote_pflege", ARTLAND].cell.value == sum(got["angebote_pflege", k].cell.value for k in members)
    ortsteile = [f"{MELLE}-{n:02d}" for n in range(1, 10)]
    assert sum(got["angebote_beratung", k].cell.value for k in ortsteile) == got["angebote_beratung", MELLE].cell.value
    gaps = [k for k in ortsteile if got["angebote_pflege", k].cell.value == 0]
    assert gaps, "some Ortsteile of Melle have no care offer: a visible gap, value 0"


def test_the_confidentiality_rule_judges_a_rate_in_the_year_of_its_population():
    units = [UnitArea("a", "gemeinde", box(0, 0, 10, 10))]
    specs = [ProvisionSpec("kita_rate", "kinderbetreuung", ("gemeinde",), "bev_u6", 1000)]
    [value] = provision_values(specs, [Offer(5, 5, "kinderbetreuung")], units, {("bev_u6", "a"): {2024: 8.0}}, 2026)
    assert value.cell.key == ("kita_rate", "a", 2026)
    assert value.check_cell.key == ("kita_rate", "a", 2024)
    assert (value.check_cell.numerator, value.check_cell.denominator) == (1.0, 8.0)


def test_rates_per_1000_on_the_demo_use_published_and_summed_populations(session) -> None:
    from sync_server.demo.indicators import build_demo_values

    stored = {(r["unit"], r["year"]): r["value"] for r in build_demo_values().published if r["indicator"] == "bev_u6"}
    values = provision.published_provision(session, standard.INDICATORS, year=2026)
    got = {(v.cell.indicator, v.cell.unit): v for v in values}
    melle = got["angebote_kinderbetreuung_je_1000", MELLE]
    assert (melle.population_year, melle.cell.denominator) == (2024, stored[MELLE, 2024])
    assert melle.cell.value == pytest.approx(melle.cell.numerator / melle.cell.denominator * 1000)
    # Samtgemeinden and the county store no population: their members' sum is the denominator.
    county = got["angebote_kinderbetreuung_je_1000", COUNTY]
    municipalities = {t.key for t in geodata.gemeinden(geodata.build_territories())}
    assert county.cell.denominator == sum(v for (u, y), v in stored.items() if y == 2024 and u in municipalities)
    assert got["angebote_kinderbetreuung_je_1000", ARTLAND].cell.value is not None
