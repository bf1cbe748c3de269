"""The synthetic demo geodata: keys, tiling, containment and determinism (no database, no Flask)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from collections import Counter
from datetime import date

import pytest
import shapely
from shapely.geometry import MultiPolygon, Point

from sync_server.demo import geodata
from sync_server.demo.geodata import (
    CATEGORIES,
    CRS,
    build_institutions,
    build_ortsteile,
    build_territories,
    from_wgs84,
    load_municipality_facts,
    to_wgs84,
)

MELLE = "034590024024"
BRAMSCHE = "034590014014"
QUAKENBRUECK = "034595401030"
ARTLAND = "034595401"
COUNTY = "03459"
AREA_TOLERANCE = 1e-4  # 0.01 %


@pytest.fixture(scope="module")
def facts():
    return load_municipality_facts()


@pytest.fixture(scope="module")
def territories():
    return build_territories()


@pytest.fixture(scope="module")
def by_key(territories):
    return {t.key: t for t in territories}


@pytest.fixture(scope="module")
def institutions(territories):
    return build_institutions(territories)


def test_crs_is_utm32n():
    assert CRS == "EPSG:25832"


def test_facts_are_read_from_both_files(facts):
    assert len(facts.gemeinden) == 34
    assert len(facts.samtgemeinden) == 4
    melle = next(g for g in facts.gemeinden if g.name == "Melle")
    assert melle.ags == "03459024" and melle.kind == "Stadt" and melle.samtgemeinde is None
    assert facts.samtgemeinde_by_name("Artland").ars == ARTLAND


def test_facts_can_be_read_from_another_folder(tmp_path):
    for name in (geodata.GEMEINDEN_CSV, geodata.SAMTGEMEINDEN_CSV):
        shutil.copy(geodata.DATA_DIR / name, tmp_path / name)
    (tmp_path / geodata.GEMEINDEN_CSV).write_text(
        "\n".join((tmp_path / geodata.GEMEINDEN_CSV).read_text(encoding="utf-8").splitlines()[:18]) + "\n",
        encoding="utf-8")
    assert len(load_municipality_facts(tmp_path).gemeinden) == 17


def test_reference_data_ships_inside_the_package():
    assert geodata.DATA_DIR.parent == geodata.Path(geodata.__file__).resolve().parent
    assert (geodata.DATA_DIR / geodata.GEMEINDEN_CSV).is_file()


def test_39_territories_with_official_keys(territories, by_key):
    assert len(territories) == 39
    assert len(by_key) == 39
    kinds = Counter(t.kind for t in territories)
    assert kinds == {"Landkreis": 1, "Samtgemeinde": 4, "Stadt": 8, "Gemeinde": 26}

    county = by_key[COUNTY]
    assert (county.name, county.kind, county.parent_key) == ("Landkreis Osnabrück", "Landkreis", None)
    assert by_key[MELLE].name == "Melle" and by_key[MELLE].parent_key == COUNTY
    assert by_key[QUAKENBRUECK].name == "Quakenbrück" and by_key[QUAKENBRUECK].parent_key == ARTLAND
    artland = by_key[ARTLAND]
    assert artland.name == "Samtgemeinde Artland"
    assert (artland.kind, artland.parent_key) == ("Samtgemeinde", COUNTY)

    for t in territories:
        if t.kind == "Samtgemeinde":
            assert re.fullmatch(r"03459540\d", t.key)
        elif t.kind in ("Stadt", "Gemeinde"):
            assert re.fullmatch(r"03459(0(\d{3})\2|540\d\d{3})", t.key), t.key


def test_parents_come_before_their_children(territories):
    seen: set[str] = set()
    for t in territories:
        assert t.parent_key is None or t.parent_key in seen, t.key
        seen.add(t.key)


def test_member_keys_follow_their_samtgemeinde(facts, by_key):
    for g in facts.gemeinden:
        if g.samtgemeinde:
            sg = facts.samtgemeinde_by_name(g.samtgemeinde)
            key = sg.ars + g.ags[-3:]
            assert by_key[key].parent_key == sg.ars
        else:
            assert by_key["034590" + g.ags[-3:] * 2].parent_key == COUNTY


def test_populations(by_key, territories):
    assert by_key[MELLE].population == 47387
    members = [t for t in territories if t.parent_key == ARTLAND]
    assert by_key[ARTLAND].population == sum(t.population for t in members)
    assert 300_000 < by_key[COUNTY].population < 400_000


def test_every_territory_is_a_valid_multipolygon(territories):
    for t in territories:
        assert isinstance(t.geometry, MultiPolygon), t.key
        assert t.geometry.is_valid, t.key
        assert not t.geometry.is_empty, t.key
        assert t.geometry.area > 5e6, t.key  # every municipality is at least a few km²


def test_geometries_are_in_utm32n(by_key):
    minx, miny, maxx, maxy = by_key[COUNTY].geometry.bounds
    assert 380_000 < minx < maxx < 480_000
    assert 5_750_000 < miny < maxy < 5_850_000


def test_county_area_is_plausible(by_key):
    assert 1_500e6 <= by_key[COUNTY].geometry.area <= 3_000e6


def test_gemeinden_tile_the_county(territories, by_key):
    county = by_key[COUNTY].geometry
    cells = [t.geometry for t in geodata.gemeinden(territories)]
    assert len(cells) == 34
    total = sum(c.area for c in cells)
    assert total == pytest.approx(county.area, rel=AREA_TOLERANCE)
    union = shapely.union_all(cells)
    assert union.area == pytest.approx(total, rel=AREA_TOLERANCE)  # no overlaps
    assert union.symmetric_difference(county).area < AREA_TOLERANCE * county.area


def test_members_tile_their_samtgemeinde(territories):
    samtgemeinden = [t for t in territories if t.kind == "Samtgemeinde"]
    assert len(samtgemeinden) == 4
    for sg in samtgemeinden:
        members = [t.geometry for t in territories if t.parent_key == sg.key]
        assert members, sg.name
        assert sum(m.area for m in members) == pytest.approx(sg.geometry.area, rel=AREA_TOLERANCE)
        gap = shapely.union_all(members).symmetric_difference(sg.geometry)
        assert gap.area < AREA_TOLERANCE * sg.geometry.area
    assert sum(len([t for t in territories if t.parent_key == sg.key]) for sg in samtgemeinden) == 17


def test_county_leaves_out_the_city_of_osnabrueck(territories, by_key):
    city_centre = from_wgs84(Point(*geodata.OSNABRUECK_CITY_CENTRE_WGS84))
    county = by_key[COUNTY].geometry
    assert not county.contains(city_centre)
    assert sum(len(p.interiors) for p in county.geoms) == 1
    # the hole is enclosed: the point is inside the county's outer shell
    assert shapely.Polygon(county.geoms[0].exterior).contains(city_centre)
    assert not any(t.geometry.intersects(city_centre) for t in territories)


def test_every_town_centre_lies_in_its_own_territory(facts, by_key):
    for g in facts.gemeinden:
        centre = from_wgs84(Point(g.lon, g.lat))
        territory = by_key[facts.gemeinde_key(g)]
        assert territory.geometry.contains(centre), g.name
        assert territory.centre.distance(centre) < 0.01
        if g.samtgemeinde:
            assert by_key[territory.parent_key].geometry.contains(centre), g.name
        assert by_key[COUNTY].geometry.contains(centre), g.name


def test_samtgemeinde_seats_lie_in_their_samtgemeinde(territories):
    for sg in (t for t in territories if t.kind == "Samtgemeinde"):
        assert sg.geometry.contains(sg.centre), sg.name
    assert next(t for t in territories if t.kind == "Landkreis").centre is None


def test_module_needs_neither_flask_nor_a_database():
    code = (
        "import sys, sync_server.demo.geodata; "
        "assert not {'flask', 'sqlalchemy'} & set(sys.modules), sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_territories_are_cached_and_deterministic(facts):
    first = build_territories(facts)
    geodata._build_territories_cached.cache_clear()
    second = build_territories(facts)
    assert [t.key for t in first] == [t.key for t in second]
    assert all(a.geometry.equals_exact(b.geometry, 0) for a, b in zip(first, second, strict=True))


def test_ortsteile_tile_melle_and_bramsche(territories, by_key):
    units = build_ortsteile(territories)
    for town_key, names in ((MELLE, geodata.ORTSTEILE[MELLE]), (BRAMSCHE, geodata.ORTSTEILE[BRAMSCHE])):
        own = [u for u in units if u.owner_key == town_key]
        assert [u.name for u in own] == list(names)
        assert [u.key for u in own] == [f"{town_key}-{i:02d}" for i in range(1, len(names) + 1)]
        town = by_key[town_key].geometry
        for u in own:
            assert u.level == "ortsteil" and u.parent_key == town_key
            assert isinstance(u.geometry, MultiPolygon) and u.geometry.is_valid and not u.geometry.is_empty
            assert u.geometry.area > 0.02 * town.area, u.name
        assert sum(u.geometry.area for u in own) == pytest.approx(town.area, rel=AREA_TOLERANCE)
        union = shapely.union_all([u.geometry for u in own])
        assert union.symmetric_difference(town).area < AREA_TOLERANCE * town.area
        assert own[0].geometry.contains(by_key[town_key].centre)  # Melle-Mitte / Bramsche
    assert len(units) == 9 + 12
    assert [u.geometry.wkb for u in units] == [u.geometry.wkb for u in build_ortsteile(territories)]


def test_category_catalogue():
    top = [c for c in CATEGORIES if c.parent_key is None]
    subs = [c for c in CATEGORIES if c.parent_key is not None]
    assert [c.key for c in top] == [
        "beratung", "kinderbetreuung", "schule", "familienzentrum", "gesundheit", "pflege", "freizeit",
    ]
    assert next(c for c in top if c.key == "beratung").name == "Beratung & Unterstützung"
    colors = [c.color for c in top]
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in colors)
    assert len(set(colors)) == len(colors)
    assert all(c.color is None for c in subs)
    keys = [c.key for c in CATEGORIES]
    assert len(set(keys)) == len(keys)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys)
    per_parent = Counter(c.parent_key for c in subs)
    assert set(per_parent) == {c.key for c in top}
    assert all(3 <= n <= 5 for n in per_parent.values())
    sub_keys = {c.key: c.parent_key for c in subs}
    assert sub_keys["erziehungsberatung"] == "beratung"
    assert sub_keys["krippe"] == "kinderbetreuung"
    assert sub_keys["grundschule"] == "schule"


def test_institutions_count_and_determinism(territories, institutions):
    assert len(institutions) == 320
    again = build_institutions(territories)
    assert [i.attributes() for i in again] == [i.attributes() for i in institutions]
    assert [i.id for i in again] == [i.id for i in institutions]
    assert [i.geometry.wkb for i in again] == [i.geometry.wkb for i in institutions]
    other = build_institutions(territories, seed=7)
    assert [i.name for i in other] != [i.name for i in institutions]


def test_institution_ids_are_unique_uuids(institutions):
    ids = [i.id for i in institutions]
    assert len(set(ids)) == len(ids)
    for value in ids:
        assert str(uuid.UUID(value)) == value


def test_institutions_lie_inside_their_owner(territories, by_key, institutions):
    gemeinde_keys = {t.key for t in geodata.gemeinden(territories)}
    per_owner = Counter(i.owner_key for i in institutions)
    assert set(per_owner) == gemeinde_keys
    assert min(per_owner.values()) >= 3
    assert per_owner[MELLE] > per_owner["034595402023"]  # Melle (47,000) > Kettenkamp (1,800)
    for inst in institutions:
        territory = by_key[inst.owner_key].geometry
        assert isinstance(inst.geometry, Point)
        assert territory.contains(inst.geometry), inst.name
        assert territory.boundary.distance(inst.geometry) >= 50.0, inst.name


def test_institutions_cluster_near_the_town_centre(by_key, institutions):
    distances = [by_key[i.owner_key].centre.distance(i.geometry) for i in institutions]
    distances.sort()
    assert distances[len(distances) // 2] < 3_000.0  # median within a few km


def test_every_category_and_subcategory_occurs(institutions):
    parent_of = {c.key: c.parent_key for c in CATEGORIES}
    assert {i.category for i in institutions} == {c.key for c in CATEGORIES if c.parent_key is None}
    assert {i.subcategory for i in institutions} == {c.key for c in CATEGORIES if c.parent_key}
    for inst in institutions:
        assert parent_of[inst.subcategory] == inst.category


def test_institution_attributes_are_plausible(by_key, institutions):
    assert len({i.name for i in institutions}) == len(institutions)
    for inst in institutions:
        owner = by_key[inst.owner_key]
        assert inst.city == owner.name
        assert re.fullmatch(r"49\d{3}", inst.postcode)
        assert re.fullmatch(r"0\d{3,4} \d{3,5}-\d{1,3}", inst.phone)
        assert re.fullmatch(r"info@[a-z0-9-]+\.example", inst.email)
        assert inst.website == "https://" + inst.email.split("@")[1]
        assert re.fullmatch(r".+ \d+", inst.street)
        assert inst.languages.startswith("Deutsch")
        assert inst.description.endswith(".")
        assert date.fromisoformat(inst.last_checked).year in (2025, 2026)
        if inst.age_min is not None and inst.age_max is not None:
            assert 0 <= inst.age_min <= inst.age_max <= 120
        for value in inst.attributes().values():
            assert value is None or isinstance(value, int) or len(value) <= 200
        assert "{" not in inst.name + inst.provider + inst.description


def test_small_counts_still_reach_every_gemeinde(territories):
    few = build_institutions(territories, count=40)
    assert len(few) == 40
    assert len({i.owner_key for i in few}) == 34


def test_wgs84_round_trip(by_key):
    melle = by_key[MELLE].centre
    lonlat = to_wgs84(melle)
    assert lonlat.x == pytest.approx(8.3361, abs=1e-6)
    assert lonlat.y == pytest.approx(52.2031, abs=1e-6)
    back = from_wgs84(lonlat)
    assert back.distance(melle) < 0.01
    polygon = by_key[MELLE].geometry
    wgs = to_wgs84(polygon)
    assert isinstance(wgs, MultiPolygon)
    assert from_wgs84(wgs).symmetric_difference(polygon).area < 1.0
