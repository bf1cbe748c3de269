"""Synthetic but plausible demo geodata for Landkreis Osnabrück.

Why this exists: the atlas needs municipalities with territories, spatial units, a category catalogue
and a few hundred institutions to be tried out, tested and shown, but official boundaries and real
address data are neither needed nor wanted for that. Everything here is derived from the small table
of public town-centre facts in ``data/`` (see its README) and from a seeded random generator:

* the county outline is a smoothed, buffered concave hull of the 34 town centres (about 2,100 km²,
  like the real county) with a hole where the kreisfreie Stadt Osnabrück lies;
* the 34 Gemeinden are the Voronoi cells of their town centres clipped to that outline, so they tile
  the county exactly; a Samtgemeinde is the union of its members;
* Ortsteile of Melle and Bramsche are Voronoi cells of evenly spread seed points in the town;
* institutions are invented (names, providers, addresses, phone numbers, e-mail on ``.example``).

None of it is official: the boundaries, addresses and numbers are made up and must not be read as
real. The keys (AGS/ARS), names, populations and the usual postcodes and dialling codes are the real
public facts, so the demo looks familiar to people from the county.

The module is pure Python on shapely 2, pyproj and numpy (no Flask, no database) so the server's
seeding command, tests and notebooks can all use it. All geometries are in ETRS89 / UTM 32N
(EPSG:25832) with coordinates on a 1 cm grid. Every result is deterministic: the random parts come
from seeded numpy generators, the institution ids from uuid5.
"""

from __future__ import annotations

import csv
import re
import unicodedata
import uuid
from dataclasses import dataclass, fields
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from ..domain.indicators.standard import CATEGORIES, CategoryDef

CRS = "EPSG:25832"
"""The storage CRS of the atlas: ETRS89 / UTM zone 32N."""

WGS84 = "EPSG:4326"

"""Environment variable that points to another folder with the two reference CSV files."""

GEMEINDEN_CSV = "landkreis_osnabrueck_gemeinden.csv"
SAMTGEMEINDEN_CSV = "landkreis_osnabrueck_samtgemeinden.csv"

COUNTY_KEY = "03459"
COUNTY_NAME = "Landkreis Osnabrück"

OSNABRUECK_CITY_CENTRE_WGS84 = (8.0472, 52.2790)
"""(lon, lat) of the kreisfreie Stadt Osnabrück, which the county surrounds but does not contain."""

OSNABRUECK_CITY_RADIUS_M = 6_000.0
"""Radius of the synthetic city area (about 113 km²; the real city has about 120 km²).

Belm's centre lies about 6.3 km from the city centre, so a larger hole would swallow it.
"""

KIND_COUNTY = "Landkreis"
KIND_TOWN = "Stadt"
KIND_MUNICIPALITY = "Gemeinde"
KIND_SAMTGEMEINDE = "Samtgemeinde"
GEMEINDE_KINDS = (KIND_TOWN, KIND_MUNICIPALITY)

ORTSTEIL_LEVEL = "ortsteil"

GRID_SIZE = 0.01
"""All overlay operations run on a 1 cm grid, so shared borders are bit-identical and unions clean."""

_HULL_RATIO = 0.3  # concave hull: follows the spread of the centres without spiky bays
_HULL_BUFFER_M = 5_000.0  # outermost town centres lie a few km inside the county border
_SMOOTHING_M = 2_000.0  # closing (buffer out, then in) removes narrow notches of the hull
_CITY_RING_M = 3_000.0  # the county always encloses the city with at least this much land

DEFAULT_INSTITUTION_COUNT = 320
DEFAULT_INSTITUTION_SEED = 20250603
DEFAULT_ORTSTEIL_SEED = 41459
_MIN_BORDER_DISTANCE_M = 60.0  # institutions keep >= 50 m from the border, with a margin for rounding
_ID_NAMESPACE = uuid.UUID("6f1c1a52-3d0e-5b8e-9a51-4c1b2f0e7a31")


# --------------------------------------------------------------------------------------------------
# Reference facts


@dataclass(frozen=True)
class GemeindeFact:
    """One row of ``landkreis_osnabrueck_gemeinden.csv``: a municipality's public facts."""

    ags: str
    name: str
    kind: str  # "Stadt" or "Gemeinde"
    samtgemeinde: str | None  # name of the Samtgemeinde, None for an Einheitsgemeinde
    lat: float
    lon: float
    population: int
    population_year: int

    @property
    def ggg(self) -> str:
        """The municipality's three-digit number within the county (last digits of the AGS)."""
        return self.ags[-3:]


@dataclass(frozen=True)
class SamtgemeindeFact:
    """One row of ``landkreis_osnabrueck_samtgemeinden.csv``."""

    ars: str  # 9-digit Verbandsschlüssel, 03459540x
    name: str  # e.g. "Artland"
    seat: str
    lat: float
    lon: float


@dataclass(frozen=True)
class MunicipalityFacts:
    """Both reference tables, hashable so results derived from them can be cached."""

    gemeinden: tuple[GemeindeFact, ...]
    samtgemeinden: tuple[SamtgemeindeFact, ...]

    def samtgemeinde_by_name(self, name: str) -> SamtgemeindeFact:
        for sg in self.samtgemeinden:
            if sg.name == name:
                return sg
        raise KeyError(f"unknown Samtgemeinde {name!r}")

    def gemeinde_key(self, gemeinde: GemeindeFact) -> str:
        """The 12-digit ARS of a municipality (see the data README for the rule)."""
        if gemeinde.samtgemeinde:
            return self.samtgemeinde_by_name(gemeinde.samtgemeinde).ars + gemeinde.ggg
        return COUNTY_KEY + "0" + gemeinde.ggg + gemeinde.ggg


DATA_DIR = Path(__file__).resolve().parent / "data"
"""The reference CSVs ship with the package (see ``data/README.md``), so the demo builds anywhere."""


def load_municipality_facts(data_dir: Path | None = None) -> MunicipalityFacts:
    """Read the two reference CSVs (UTF-8, comma-separated) and check that they fit together."""
    folder = Path(data_dir) if data_dir is not None else DATA_DIR
    with (folder / GEMEINDEN_CSV).open(encoding="utf-8", newline="") as handle:
        gemeinden = tuple(
            GemeindeFact(
                ags=row["ags"].strip(),
                name=row["name"].strip(),
                kind=row["kind"].strip(),
                samtgemeinde=row["samtgemeinde"].strip() or None,
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(row["population"]),
                population_year=int(row["population_year"]),
            )
            for row in csv.DictReader(handle)
        )
    with (folder / SAMTGEMEINDEN_CSV).open(encoding="utf-8", newline="") as handle:
        samtgemeinden = tuple(
            SamtgemeindeFact(
                ars=row["ars"].strip(),
                name=row["name"].strip(),
                seat=row["seat"].strip(),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
            )
            for row in csv.DictReader(handle)
        )
    facts = MunicipalityFacts(gemeinden=gemeinden, samtgemeinden=samtgemeinden)
    for g in gemeinden:
        if not re.fullmatch(COUNTY_KEY + r"\d{3}", g.ags):
            raise ValueError(f"{GEMEINDEN_CSV}: AGS {g.ags!r} of {g.name} is not 03459ggg")
        if g.kind not in GEMEINDE_KINDS:
            raise ValueError(f"{GEMEINDEN_CSV}: kind {g.kind!r} of {g.name} is not Stadt or Gemeinde")
        if g.samtgemeinde:
            facts.samtgemeinde_by_name(g.samtgemeinde)  # raises for an unknown name
    for sg in samtgemeinden:
        if not re.fullmatch(COUNTY_KEY + r"540\d", sg.ars):
            raise ValueError(f"{SAMTGEMEINDEN_CSV}: ARS {sg.ars!r} of {sg.name} is not 03459540x")
    return facts


# --------------------------------------------------------------------------------------------------
# Coordinate transformation


@lru_cache(maxsize=8)
def _transformer(source: str, target: str) -> Transformer:
    # Building a Transformer costs milliseconds; using one is cheap (and thread-safe since pyproj 3.1).
    return Transformer.from_crs(source, target, always_xy=True)


def _reproject(geom: BaseGeometry, source: str, target: str) -> BaseGeometry:
    transformer = _transformer(source, target)
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def to_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """A geometry from EPSG:25832 to WGS84 (lon/lat order, as GeoJSON and Leaflet expect)."""
    return _reproject(geom, CRS, WGS84)


def from_wgs84(geom: BaseGeometry) -> BaseGeometry:
    """A geometry from WGS84 lon/lat to EPSG:25832."""
    return _reproject(geom, WGS84, CRS)


def lonlat_to_xy(lon: float, lat: float) -> tuple[float, float]:
    """One WGS84 position in EPSG:25832 metres."""
    x, y = _transformer(WGS84, CRS).transform(lon, lat)
    return float(x), float(y)


def osnabrueck_city_area() -> Polygon:
    """The synthetic area of the kreisfreie Stadt Osnabrück: the hole in the county outline."""
    x, y = lonlat_to_xy(*OSNABRUECK_CITY_CENTRE_WGS84)
    return shapely.set_precision(Point(x, y).buffer(OSNABRUECK_CITY_RADIUS_M, quad_segs=16), GRID_SIZE)


# --------------------------------------------------------------------------------------------------
# Territories


@dataclass(frozen=True)
class Territory:
    """A municipality (or the county) with its synthetic territory.

    ``key`` is the official key: "03459" for the county, the 9-digit ARS for a Samtgemeinde and the
    12-digit ARS for a municipality. ``centre`` is the town centre (for a Samtgemeinde its seat) from
    the reference data, None for the county, whose seat lies in the city of Osnabrück.
    """

    key: str
    name: str
    kind: str
    parent_key: str | None
    geometry: MultiPolygon
    population: int | None
    centre: Point | None = None


def _as_multipolygon(geom: BaseGeometry) -> MultiPolygon:
    """Keep only the polygonal parts (overlays may add stray lines or points) as a MultiPolygon."""
    polygons: list[Polygon] = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
    multi = MultiPolygon([p for p in polygons if p.area > 1.0])  # drops empty parts and overlay crumbs
    if not multi.is_valid:
        multi = _as_multipolygon(shapely.make_valid(multi))
    return multi


def _county_outline(centres: np.ndarray) -> Polygon:
    """A smooth polygon around all town centres with the city of Osnabrück cut out as a hole."""
    city = osnabrueck_city_area()
    hull = shapely.concave_hull(shapely.multipoints(centres), ratio=_HULL_RATIO)
    body = shapely.union(hull.buffer(_HULL_BUFFER_M, quad_segs=8), city.buffer(_CITY_RING_M, quad_segs=8))
    body = body.buffer(_SMOOTHING_M, quad_segs=8).buffer(-_SMOOTHING_M, quad_segs=8)
    outline = shapely.difference(body, city, grid_size=GRID_SIZE)
    if not isinstance(outline, Polygon) or len(outline.interiors) != 1:
        raise RuntimeError("county outline is not one polygon with the city of Osnabrück as its hole")
    return outline


def _voronoi_cells(seeds: np.ndarray, region: BaseGeometry) -> list[MultiPolygon]:
    """Voronoi cells of ``seeds`` clipped to ``region``, in the order of the seeds.

    Each seed inside ``region`` lies inside its own cell, and the cells tile the region.
    """
    points = shapely.points(seeds)
    frame = shapely.box(*region.bounds).buffer(10_000.0)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame))
    tree = shapely.STRtree(cells)
    ordered = []
    for point in points:
        hits = tree.query(point, predicate="within")
        if len(hits) != 1:
            raise RuntimeError(f"no unique Voronoi cell for seed {point.wkt}")
        cell = cells[int(hits[0])]
        ordered.append(_as_multipolygon(shapely.intersection(cell, region, grid_size=GRID_SIZE)))
    return ordered


def build_territories(
    facts: MunicipalityFacts | None = None, data_dir: Path | None = None
) -> list[Territory]:
    """The county, its 21 Einheitsgemeinden and Samtgemeinden, and the 17 member municipalities.

    The list is ordered parents first (county; Einheitsgemeinden and Samtgemeinden by key; member
    municipalities by key) so it can be inserted in order when rows refer to their parent. The
    result is cached, since the geometry work is the same every time.
    """
    return list(_build_territories_cached(facts if facts is not None else load_municipality_facts(data_dir)))


@lru_cache(maxsize=4)
def _build_territories_cached(facts: MunicipalityFacts) -> tuple[Territory, ...]:
    gemeinden = sorted(facts.gemeinden, key=facts.gemeinde_key)
    centres = np.array([lonlat_to_xy(g.lon, g.lat) for g in gemeinden])
    outline = _county_outline(centres)
    cells = _voronoi_cells(centres, outline)

    county = Territory(
        key=COUNTY_KEY,
        name=COUNTY_NAME,
        kind=KIND_COUNTY,
        parent_key=None,
        geometry=_as_multipolygon(outline),
        population=sum(g.population for g in gemeinden),
    )
    upper: list[Territory] = []
    members: list[Territory] = []
    for gemeinde, (x, y), cell in zip(gemeinden, centres, cells, strict=True):
        centre = Point(round(x, 2), round(y, 2))
        if not cell.contains(centre):
            raise RuntimeError(f"the town centre of {gemeinde.name} lies outside its synthetic territory")
        parent = COUNTY_KEY
        if gemeinde.samtgemeinde:
            parent = facts.samtgemeinde_by_name(gemeinde.samtgemeinde).ars
        territory = Territory(
            key=facts.gemeinde_key(gemeinde),
            name=gemeinde.name,
            kind=gemeinde.kind,
            parent_key=parent,
            geometry=cell,
            population=gemeinde.population,
            centre=centre,
        )
        (members if gemeinde.samtgemeinde else upper).append(territory)
    for sg in facts.samtgemeinden:
        own = [t for t in members if t.parent_key == sg.ars]
        if not own:
            raise ValueError(f"Samtgemeinde {sg.name} has no member municipalities")
        upper.append(
            Territory(
                key=sg.ars,
                name=f"Samtgemeinde {sg.name}",
                kind=KIND_SAMTGEMEINDE,
                parent_key=COUNTY_KEY,
                geometry=_as_multipolygon(shapely.union_all([t.geometry for t in own], grid_size=GRID_SIZE)),
                population=sum(t.population or 0 for t in own),
                centre=Point(*(round(v, 2) for v in lonlat_to_xy(sg.lon, sg.lat))),
            )
        )
    upper.sort(key=lambda t: t.key)
    return (county, *upper, *members)


def gemeinden(territories: list[Territory]) -> list[Territory]:
    """The lowest-level municipalities (Stadt/Gemeinde): the owners of points and Ortsteile."""
    return [t for t in territories if t.kind in GEMEINDE_KINDS]


# --------------------------------------------------------------------------------------------------
# Ortsteile


@dataclass(frozen=True)
class SpatialUnitSeed:
    """A spatial unit below the municipality level, owned by the municipality it lies in."""

    key: str
    name: str
    level: str
    owner_key: str
    parent_key: str
    geometry: MultiPolygon


ORTSTEILE: dict[str, tuple[str, ...]] = {
    # Melle: the Stadtteil that holds the town centre comes first.
    "034590024024": (
        "Melle-Mitte", "Bruchmühlen", "Buer", "Eicken", "Gesmold", "Neuenkirchen", "Oldendorf",
        "Riemsloh", "Wellingholzhausen",
    ),
    # Bramsche
    "034590014014": (
        "Bramsche", "Achmer", "Engter", "Epe", "Evinghausen", "Hesepe", "Kalkriese", "Lappenberg",
        "Pente", "Schleptrup", "Sögeln", "Ueffeln-Balkum",
    ),
}
"""Ortsteile per municipality key. Their names are real; their synthetic areas are not."""


def _prepared_copy(geom: BaseGeometry) -> BaseGeometry:
    """A prepared copy for fast point tests; the cached territories themselves are left untouched."""
    copy = shapely.from_wkb(shapely.to_wkb(geom))
    shapely.prepare(copy)
    return copy


def _sample_inside(rng: np.random.Generator, region: BaseGeometry, count: int) -> np.ndarray:
    """``count`` uniformly random points inside ``region`` (rejection sampling in its bounds)."""
    region = _prepared_copy(region)
    minx, miny, maxx, maxy = region.bounds
    found: list[np.ndarray] = []
    total = 0
    while total < count:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(count, 2))
        xy = xy[shapely.contains_xy(region, xy[:, 0], xy[:, 1])]
        found.append(xy)
        total += len(xy)
    return np.concatenate(found)[:count]


def _spread_seeds(rng: np.random.Generator, region: BaseGeometry, first: np.ndarray, k: int) -> np.ndarray:
    """``k`` evenly spread points in ``region``; the first one is fixed (the town centre).

    Farthest-point initialisation followed by Lloyd relaxation on a point sample gives cells of
    similar size and compact shape, which looks much more like real Ortsteile than random seeds.
    """
    sample = _sample_inside(rng, region, 4000)
    seeds = [np.asarray(first, dtype=float)]
    nearest = np.linalg.norm(sample - seeds[0], axis=1)
    for _ in range(1, k):
        seeds.append(sample[int(np.argmax(nearest))])
        nearest = np.minimum(nearest, np.linalg.norm(sample - seeds[-1], axis=1))
    seeds_arr = np.array(seeds)
    for _ in range(30):
        owner = np.argmin(((sample[:, None, :] - seeds_arr[None, :, :]) ** 2).sum(axis=2), axis=1)
        for i in range(1, k):
            mine = sample[owner == i]
            if len(mine):
                seeds_arr[i] = mine.mean(axis=0)
    # A centroid may fall outside a non-convex region: move it to the nearest sample of its cluster.
    owner = np.argmin(((sample[:, None, :] - seeds_arr[None, :, :]) ** 2).sum(axis=2), axis=1)
    for i in range(1, k):
        if not shapely.contains_xy(region, seeds_arr[i, 0], seeds_arr[i, 1]):
            mine = sample[owner == i]
            seeds_arr[i] = mine[int(np.argmin(np.linalg.norm(mine - seeds_arr[i], axis=1)))]
    return seeds_arr


def build_ortsteile(
    territories: list[Territory], seed: int = DEFAULT_ORTSTEIL_SEED
) -> list[SpatialUnitSeed]:
    """Ortsteile of Melle and Bramsche that tile each town's territory.

    The first Ortsteil of a town holds its centre; the others take their names clockwise from north
    around it. Keys are ``<municipality key>-01``, ``-02``, ...
    """
    by_key = {t.key: t for t in territories}
    units: list[SpatialUnitSeed] = []
    for town_key, names in ORTSTEILE.items():
        town = by_key.get(town_key)
        if town is None:
            raise KeyError(f"territory {town_key} (for its Ortsteile) is missing")
        rng = np.random.default_rng([seed, int(town_key)])
        centre = town.centre if town.centre is not None else town.geometry.representative_point()
        first = np.array([centre.x, centre.y])
        seeds = _spread_seeds(rng, town.geometry, first, len(names))
        cells = _voronoi_cells(seeds, town.geometry)
        bearing = np.degrees(np.arctan2(seeds[1:, 0] - first[0], seeds[1:, 1] - first[1])) % 360.0
        order = [0, *(1 + np.argsort(bearing, kind="stable")).tolist()]
        for number, (name, index) in enumerate(zip(names, order, strict=True), start=1):
            units.append(
                SpatialUnitSeed(
                    key=f"{town_key}-{number:02d}",
                    name=name,
                    level=ORTSTEIL_LEVEL,
                    owner_key=town_key,
                    parent_key=town_key,
                    geometry=cells[index],
                )
            )
    return units


# --------------------------------------------------------------------------------------------------
# Category catalogue: the standard one (one source, shared with ``load-standard-catalogue``)

CategorySeed = CategoryDef
"""A category (``parent_key`` None, with a colour) or a subcategory (colour None: inherits)."""


# --------------------------------------------------------------------------------------------------
# Institutions


@dataclass(frozen=True)
class InstitutionSeed:
    """An invented institution or offer; the fields follow the ``institutions`` layer."""

    id: str
    owner_key: str
    category: str
    subcategory: str
    name: str
    provider: str
    street: str
    postcode: str
    city: str
    phone: str
    email: str
    website: str
    opening_hours: str
    target_groups: str
    age_min: int | None
    age_max: int | None
    languages: str
    accessibility: str | None
    description: str
    last_checked: str
    geometry: Point
    service_area: str | None = None  # municipality keys the offer serves besides its own; the county: county-wide

    def attributes(self) -> dict[str, Any]:
        """All fields except ``id`` and ``geometry``: the feature's properties."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("id", "geometry")}


@dataclass(frozen=True)
class _Profile:
    """How institutions of one subcategory are named, run and described."""

    names: tuple[str, ...]
    providers: tuple[str, ...]
    hours: tuple[str, ...]
    target_groups: str
    ages: tuple[int | None, int | None]
    description: str
    weight: float


_WELFARE = ("Caritasverband", "Diakonisches Werk", "AWO", "DRK")
_CHURCHES = ("Ev.-luth. Kirchengemeinde {city}", "Kath. Kirchengemeinde {city}")
_KITA_HOURS = ("Mo-Fr 07:00-16:00", "Mo-Fr 07:30-16:30", "Mo-Fr 07:00-17:00", "Mo-Fr 07:30-14:00")
_OFFICE_HOURS = (
    "Mo-Fr 08:00-16:00", "Mo-Th 08:30-16:00; Fr 08:30-12:30", "Mo-Fr 09:00-12:00; Tu,Th 09:00-12:00,14:00-17:00",
)
_SCHOOL_HOURS = ("Mo-Fr 07:30-13:30", "Mo-Fr 07:45-15:30", "Mo-Fr 07:30-16:00")

# Subcategories whose offers serve the whole county (the county runs them), wherever they are.
_COUNTY_WIDE = frozenset({"pflegestuetzpunkt"})

_PROFILES: dict[str, _Profile] = {
    "erziehungsberatung": _Profile(
        ("Erziehungsberatungsstelle {city}", "Familien- und Erziehungsberatung {city}",
         "Beratungsstelle für Eltern, Kinder und Jugendliche {city}"),
        ("Caritasverband", "Diakonisches Werk", "Landkreis Osnabrück", "AWO"),
        _OFFICE_HOURS, "Eltern, Kinder, Jugendliche", (0, 27),
        "Kostenfreie und vertrauliche Beratung für Eltern, Kinder und Jugendliche in {city} bei Fragen "
        "zur Erziehung, bei Trennung und bei Konflikten in der Familie.", 1.0),
    "schwangerschaftsberatung": _Profile(
        ("Schwangerschaftsberatung {city}", "Beratungsstelle Schwangerschaft und Familienplanung {city}"),
        ("Diakonisches Werk", "Caritasverband", "AWO", "Landkreis Osnabrück"),
        _OFFICE_HOURS, "Schwangere, werdende Eltern, Familien", (None, None),
        "Beratung rund um Schwangerschaft, Geburt, Elterngeld und finanzielle Hilfen für werdende Eltern "
        "in {city}.", 0.6),
    "schuldnerberatung": _Profile(
        ("Schuldner- und Insolvenzberatung {city}", "Schuldnerberatung {city}"),
        ("Diakonisches Werk", "Caritasverband", "AWO", "Landkreis Osnabrück"),
        _OFFICE_HOURS, "Familien, Alleinerziehende, Erwachsene", (18, None),
        "Hilfe bei Schulden, Haushaltsplanung und Verbraucherinsolvenz für Menschen aus {city} "
        "und Umgebung.", 0.5),
    "suchtberatung": _Profile(
        ("Fachstelle für Sucht und Suchtprävention {city}", "Suchtberatung {city}"),
        ("Diakonisches Werk", "Caritasverband", "Landkreis Osnabrück"),
        _OFFICE_HOURS, "Jugendliche, Erwachsene, Angehörige", (14, None),
        "Beratung und Vermittlung für Menschen mit Suchtproblemen und ihre Angehörigen, auf Wunsch "
        "anonym.", 0.5),
    "fruehe_hilfen": _Profile(
        ("Frühe Hilfen {city}", "Koordinierungsstelle Frühe Hilfen {city}", "Familienhebammen-Team {city}"),
        ("Landkreis Osnabrück", "{admin}", "Caritasverband", "DRK"),
        _OFFICE_HOURS, "Schwangere, Familien mit Kindern 0-3", (0, 3),
        "Unterstützung für werdende Eltern und Familien mit Babys und Kleinkindern durch "
        "Familienhebammen und Lotsendienste in {city}.", 0.8),
    "krippe": _Profile(
        ("Krippe {fancy} {city}", "Kinderkrippe {fancy} {city}"),
        ("{admin}", *_CHURCHES, *_WELFARE, "Elterninitiative {fancy} e. V."),
        _KITA_HOURS, "Familien, Kinder 0-3", (0, 3),
        "Die Krippe betreut Kinder ab einem Jahr in kleinen Gruppen mit festen Bezugspersonen.", 3.0),
    "kindergarten": _Profile(
        ("Kita {fancy} {city}", "Kindergarten {fancy} {city}", "Kindertagesstätte {fancy} {city}"),
        ("{admin}", *_CHURCHES, *_WELFARE, "Elterninitiative {fancy} e. V."),
        _KITA_HOURS, "Familien, Kinder 3-6", (3, 6),
        "Der Kindergarten in {city} begleitet Kinder von drei Jahren bis zum Schuleintritt mit "
        "Sprachförderung und viel Zeit im Freien.", 6.0),
    "kindertagespflege": _Profile(
        ("Kindertagespflege {fancy} {city}", "Großtagespflege {fancy} {city}"),
        ("Landkreis Osnabrück", "Kindertagespflegeverein {city} e. V."),
        ("Mo-Fr 07:30-15:30", "Mo-Th 07:00-16:00; Fr 07:00-13:00"), "Familien, Kinder 0-3", (0, 3),
        "Familiennahe Betreuung von bis zu zehn Kindern in einer Großtagespflegestelle.", 1.5),
    "hort": _Profile(
        ("Hort {fancy} {city}", "Hort an der Grundschule {place} {city}"),
        ("{admin}", *_WELFARE),
        ("Mo-Fr 11:30-17:00", "Mo-Fr 12:00-16:30"), "Schulkinder 6-10", (6, 10),
        "Betreuung von Grundschulkindern nach dem Unterricht mit Mittagessen und Hausaufgabenhilfe.", 1.0),
    "grundschule": _Profile(
        ("Grundschule {place} {city}", "Grundschule {city}"),
        ("{school_admin}",),
        _SCHOOL_HOURS, "Kinder 6-10, Eltern", (6, 10),
        "Verlässliche Grundschule mit Ganztagsangebot für die Kinder aus {city}.", 3.0),
    "oberschule": _Profile(
        ("Oberschule {city}", "Oberschule {place} {city}"),
        ("{school_admin}",),
        _SCHOOL_HOURS, "Jugendliche 10-16", (10, 16),
        "Oberschule mit Haupt- und Realschulzweig und Berufsorientierung ab Klasse 7.", 0.8),
    "gymnasium": _Profile(
        ("Gymnasium {city}", "Gymnasium {place} {city}"),
        ("Landkreis Osnabrück",),
        _SCHOOL_HOURS, "Jugendliche 10-19", (10, 19),
        "Gymnasium mit Ganztagsangebot, Sprachenfolge Englisch, Französisch und Latein und Abitur "
        "nach Klasse 13.", 0.4),
    "foerderschule": _Profile(
        ("Förderschule Lernen {city}", "Förderschule Geistige Entwicklung {city}", "Förderzentrum {city}"),
        ("Landkreis Osnabrück", "Lebenshilfe e. V.", "Caritasverband"),
        _SCHOOL_HOURS, "Kinder und Jugendliche mit Förderbedarf", (6, 18),
        "Förderschule mit kleinen Klassen und Beratung für inklusive Beschulung an den Schulen der "
        "Umgebung.", 0.4),
    "volkshochschule": _Profile(
        ("VHS-Außenstelle {city}", "Volkshochschule Osnabrücker Land – Lernort {city}"),
        ("Volkshochschule Osnabrücker Land",),
        ("Mo-Th 09:00-12:00; Tu,Th 09:00-12:00,14:00-18:00", "Mo-Fr 09:00-12:00"), "Jugendliche, Erwachsene, Familien",
        (16, None),
        "Kurse zu Sprachen, Gesundheit, Elternbildung und Beruf, auch Deutschkurse für Zugewanderte.", 0.6),
    "kinder_familienzentrum": _Profile(
        ("Familienzentrum {fancy} {city}", "Kinder- und Familienzentrum {city}"),
        ("{admin}", *_CHURCHES, *_WELFARE),
        _KITA_HOURS, "Familien, Kinder 0-10, Eltern", (0, 10),
        "Kita und Treffpunkt für Familien in {city} mit Elterncafé, Beratungssprechstunden und Kursen.",
        1.2),
    "mehrgenerationenhaus": _Profile(
        ("Mehrgenerationenhaus {city}", "Mehrgenerationenhaus {place} {city}"),
        ("{admin}", "Diakonisches Werk", "DRK", "Caritasverband"),
        ("Mo-Fr 09:00-18:00", "Mo-Fr 09:00-17:00; Sa 10:00-13:00"), "alle Generationen, Familien, Senioren",
        (None, None),
        "Offener Treffpunkt für Jung und Alt mit Mittagstisch, Sprachcafé und Nachbarschaftshilfe.", 0.6),
    "familienbildung": _Profile(
        ("Familienbildungsstätte {city}", "Elternschule {city}"),
        ("Kath. Familienbildungsstätte e. V.", "Ev. Familienbildungsstätte e. V.", "AWO"),
        _OFFICE_HOURS, "Eltern, Familien, werdende Eltern", (None, None),
        "Kurse für Eltern, von der Geburtsvorbereitung über PEKiP bis zum Elterntraining.", 0.6),
    "eltern_kind_gruppe": _Profile(
        ("Eltern-Kind-Gruppe {fancy} {city}", "Krabbelgruppe {fancy} {city}", "Spielkreis {fancy} {city}"),
        (*_CHURCHES, "Familienbildungsstätte {city}", "DRK"),
        ("Tu,Th 09:30-11:30", "Mo,We 09:00-11:00", "Fr 15:00-17:00"), "Eltern mit Kindern 0-3", (0, 3),
        "Eltern treffen sich mit ihren Kleinkindern zum Spielen, Singen und Austauschen.", 1.0),
    "familienbuero": _Profile(
        ("Familienservicebüro {city}", "Familienbüro {city}"),
        ("{admin}",),
        _OFFICE_HOURS, "Familien, Alleinerziehende, Zugezogene", (None, None),
        "Erste Anlaufstelle für Familien in {city}: Kita-Anmeldung, Ferienbetreuung und Wegweiser zu "
        "Hilfen.", 0.6),
    "kinderarztpraxis": _Profile(
        ("Kinder- und Jugendarztpraxis {place} {city}", "Kinderarztpraxis {city}"),
        ("Gemeinschaftspraxis für Kinder- und Jugendmedizin",),
        ("Mo-Fr 08:00-12:00; Mo,Tu,Th 08:00-12:00,15:00-18:00", "Mo-Fr 08:00-12:30; Tu,Th 08:00-12:30,14:30-17:30"),
        "Kinder, Jugendliche, Eltern", (0, 18),
        "Vorsorgeuntersuchungen, Impfungen und Behandlung von Kindern und Jugendlichen.", 1.2),
    "hebammenpraxis": _Profile(
        ("Hebammenpraxis {fancy} {city}", "Hebammenzentrum {city}"),
        ("Hebammengemeinschaft {city}",),
        ("Mo-Fr 09:00-12:00", "Mo,We,Fr 09:00-13:00"), "Schwangere, Wöchnerinnen, Familien mit Säuglingen",
        (0, 1),
        "Vorsorge, Geburtsvorbereitung, Wochenbettbetreuung und Rückbildungskurse.", 0.8),
    "fruehfoerderung": _Profile(
        ("Frühförderstelle {city}", "Interdisziplinäre Frühförderung {city}"),
        ("Lebenshilfe e. V.", "Caritasverband", "Landkreis Osnabrück"),
        _OFFICE_HOURS, "Familien mit Kindern 0-6 mit Entwicklungsverzögerung", (0, 6),
        "Heilpädagogische und therapeutische Förderung für Kinder bis zum Schuleintritt, auch zu Hause.",
        0.5),
    "kinder_jugendgesundheitsdienst": _Profile(
        ("Kinder- und Jugendgesundheitsdienst – Sprechstelle {city}",),
        ("Landkreis Osnabrück",),
        ("Tu 09:00-12:00", "We 14:00-16:00", "Th 09:00-12:00"), "Kinder, Jugendliche, Eltern", (0, 18),
        "Schuleingangsuntersuchungen, Impfberatung und Sprechstunden des öffentlichen "
        "Gesundheitsdienstes.", 0.4),
    "therapiepraxis": _Profile(
        ("Praxis für Logopädie {city}", "Praxis für Ergotherapie {place} {city}", "Therapiezentrum {city}"),
        ("Therapiezentrum {city} GbR",),
        ("Mo-Fr 08:00-18:00", "Mo-Th 08:00-19:00; Fr 08:00-14:00"), "Kinder, Jugendliche, Erwachsene",
        (0, None),
        "Logopädie und Ergotherapie nach ärztlicher Verordnung, auch Hausbesuche.", 0.8),
    "pflegestuetzpunkt": _Profile(
        ("Pflegestützpunkt {city}", "Senioren- und Pflegestützpunkt {city}"),
        ("Landkreis Osnabrück",),
        _OFFICE_HOURS, "Pflegebedürftige, Angehörige, Senioren", (None, None),
        "Neutrale und kostenfreie Beratung zu Pflege, Wohnen im Alter und Entlastung für Angehörige.", 0.4),
    "ambulante_pflege": _Profile(
        ("Ambulanter Pflegedienst {city}", "Sozialstation {city}", "Pflegedienst {city}"),
        _WELFARE,
        ("Mo-Fr 08:00-16:00", "Mo-Su 07:00-20:00"), "Pflegebedürftige, Angehörige", (None, None),
        "Häusliche Kranken- und Altenpflege, hauswirtschaftliche Hilfe und Pflegeberatung.", 1.0),
    "tagespflege": _Profile(
        ("Tagespflege {senior} {city}", "Tagespflege {city}"),
        _WELFARE,
        ("Mo-Fr 08:00-16:00", "Mo-Fr 07:30-16:30"), "Senioren, pflegende Angehörige", (60, None),
        "Tagsüber betreute Gemeinschaft mit Fahrdienst, damit pflegende Angehörige entlastet werden.", 0.7),
    "pflegeheim": _Profile(
        ("Seniorenzentrum {senior} {city}", "Alten- und Pflegeheim {senior} {city}"),
        (*_WELFARE, "Ev. Altenhilfe gGmbH"),
        ("24/7",), "Senioren, Pflegebedürftige", (60, None),
        "Vollstationäre Pflege, Kurzzeitpflege und Angebote für Menschen mit Demenz.", 0.8),
    "seniorenberatung": _Profile(
        ("Seniorenberatung {city}", "Seniorenservicebüro {city}"),
        ("{admin}", "Landkreis Osnabrück"),
        _OFFICE_HOURS, "Senioren, Angehörige", (60, None),
        "Beratung zu Hilfen im Alltag, Wohnraumanpassung und Freizeitangeboten für ältere Menschen.", 0.5),
    "jugendzentrum": _Profile(
        ("Jugendzentrum {city}", "Jugendtreff {youth} {city}"),
        ("{admin}", "Ev.-luth. Kirchengemeinde {city}", "AWO"),
        ("Tu-Fr 14:00-20:00", "Mo-Fr 15:00-21:00"), "Jugendliche 12-27", (12, 27),
        "Offener Treff für Jugendliche mit Billard, Musikraum, Beratung und Ferienfahrten.", 1.0),
    "buecherei": _Profile(
        ("Bücherei {city}", "Öffentliche Bücherei {place} {city}"),
        ("{admin}", *_CHURCHES),
        ("Tu,Th 15:00-18:00; Sa 10:00-12:00", "Mo-Fr 10:00-18:00; Sa 10:00-13:00"), "Familien, Kinder, alle",
        (None, None),
        "Bücher, Hörmedien und Spiele zum Ausleihen, mit Vorlesestunden für Kinder.", 0.8),
    "sport": _Profile(
        ("Kinderturnen {city}", "Eltern-Kind-Turnen {place} {city}", "Schwimmkurse für Kinder {city}"),
        ("Turn- und Sportverein {city} e. V.", "Sportverein {city} e. V."),
        ("Mo,We 16:00-18:00", "Tu,Th 15:30-17:30", "Sa 09:00-12:00"), "Kinder, Eltern", (2, 14),
        "Bewegungsangebote für Kinder mit ausgebildeten Übungsleitungen, Schnuppern jederzeit möglich.",
        1.0),
    "musikschule": _Profile(
        ("Musikschule {city}", "Musikschule Osnabrücker Land – Unterrichtsort {city}"),
        ("Musik- und Kunstschule e. V.",),
        ("Mo-Fr 14:00-19:00",), "Kinder, Jugendliche, Erwachsene", (4, None),
        "Musikalische Früherziehung, Instrumental- und Gesangsunterricht und Ensembles.", 0.5),
    "ferienbetreuung": _Profile(
        ("Ferienbetreuung {city}", "Ferienprogramm {city}"),
        ("{admin}", "AWO", "DRK"),
        ("Mo-Fr 08:00-16:00",), "Schulkinder 6-14", (6, 14),
        "Betreuung und Ausflüge in den Sommer- und Herbstferien für Schulkinder aus {city}.", 0.5),
}

_FANCY = (
    "Sonnenschein", "Regenbogen", "Pusteblume", "Löwenzahn", "Kleine Strolche", "Arche Noah",
    "Sternschnuppe", "Zwergenland", "Waldwichtel", "Spatzennest", "Marienkäfer", "Kunterbunt",
    "Schatzkiste", "Wirbelwind", "Sonnenblume", "Abenteuerland", "Rappelkiste", "Purzelbaum",
)
_PLACES = (
    "Am Markt", "Am Park", "An der Linde", "Am Mühlenbach", "Im Dorf", "Am Sportplatz", "Am Kirchplatz",
    "An der Mühle", "Am Wald", "Am Sonnenhügel", "Am Bahnhof", "Am Schloss",
)
_SENIOR = (
    "Lindenhof", "Sonnenhof", "Haus am Park", "Kastanienhof", "Haus Abendsonne", "Rosengarten", "Eichenhof",
)
_YOUTH = ("Oase", "Freiraum", "Kompass", "Bahnhof", "Treffpunkt", "Werkstatt", "Insel")
_STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Kirchstraße", "Schulstraße", "Lindenstraße", "Gartenstraße", "Mühlenweg",
    "Bergstraße", "Am Markt", "Marktplatz", "Osnabrücker Straße", "Ringstraße", "Wiesenweg", "Birkenweg",
    "Eichenweg", "Parkstraße", "Feldstraße", "Am Sportplatz", "Rathausplatz", "Dorfstraße", "Kampstraße",
    "Lange Straße", "Mühlenstraße", "Am Kirchplatz",
)
_LANGUAGES = (
    "Englisch", "Türkisch", "Russisch", "Arabisch", "Polnisch", "Ukrainisch", "Niederländisch", "Kurdisch",
)
_ACCESSIBILITY = (
    "rollstuhlgerecht", "rollstuhlgerecht, Aufzug", "teilweise rollstuhlgerecht", "stufenloser Zugang",
    None, None,
)

_LOCAL_CODES: dict[str, tuple[str, str]] = {
    # ggg -> (usual postcode, dialling code); the numbers built from them are invented
    "001": ("49594", "05464"), "002": ("49577", "05462"), "003": ("49152", "05472"),
    "004": ("49186", "05403"), "005": ("49196", "05424"), "006": ("49214", "05424"),
    "007": ("49635", "05433"), "008": ("49191", "05406"), "009": ("49626", "05435"),
    "010": ("49593", "05439"), "011": ("49626", "05435"), "012": ("49143", "05402"),
    "013": ("49163", "05471"), "014": ("49565", "05461"), "015": ("49201", "05421"),
    "016": ("49577", "05462"), "017": ("49584", "05901"), "018": ("49596", "05439"),
    "019": ("49124", "05401"), "020": ("49170", "05401"), "021": ("49205", "05405"),
    "022": ("49176", "05424"), "023": ("49577", "05436"), "024": ("49324", "05422"),
    "025": ("49637", "05437"), "026": ("49586", "05466"), "027": ("49586", "05465"),
    "028": ("49638", "05436"), "029": ("49179", "05473"), "030": ("49610", "05431"),
    "031": ("49597", "05464"), "032": ("49599", "05467"), "033": ("49134", "05407"),
    "034": ("49219", "05426"),
}


def _pick(rng: np.random.Generator, options: tuple[Any, ...] | list[Any]) -> Any:
    return options[int(rng.integers(len(options)))]


def _short_name(name: str) -> str:
    """How a town is written in an institution's name: "Dissen a.T.W." instead of the full name."""
    return name.replace(" am Teutoburger Wald", " a.T.W.")


def _slug(text: str) -> str:
    """An ASCII host name label from a German name ("Kita Löwenzahn Melle" -> "kita-loewenzahn-melle")."""
    text = text.lower()
    for umlaut, ascii_ in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, ascii_)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text[:63].rstrip("-")


def _allocate(count: int, populations: list[int], minimum: int) -> list[int]:
    """Split ``count`` into ``minimum`` each plus the rest proportional to population.

    Largest-remainder rounding keeps the total exact and the result deterministic.
    """
    base = [minimum] * len(populations)
    rest = count - minimum * len(populations)
    total = sum(populations)
    quotas = [rest * p / total for p in populations]
    shares = [int(q) for q in quotas]
    left = rest - sum(shares)
    by_remainder = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - shares[i]), i))
    for i in by_remainder[:left]:
        shares[i] += 1
    return [b + s for b, s in zip(base, shares, strict=True)]


def _points_near(
    rng: np.random.Generator, territory: Territory, count: int, spread: float
) -> list[tuple[float, float]]:
    """``count`` points clustered around the town centre, inside the territory, off its border."""
    region = _prepared_copy(territory.geometry)
    boundary = region.boundary
    centre = territory.centre if territory.centre is not None else region.representative_point()
    found: list[tuple[float, float]] = []
    for _ in range(500):
        xy = rng.normal((centre.x, centre.y), spread, size=(max(16, 2 * count), 2))
        inside = shapely.contains_xy(region, xy[:, 0], xy[:, 1])
        far = shapely.distance(boundary, shapely.points(xy)) >= _MIN_BORDER_DISTANCE_M
        found.extend((round(float(x), 2), round(float(y), 2)) for x, y in xy[inside & far])
        if len(found) >= count:
            return found[:count]
    raise RuntimeError(f"could not place {count} institutions in {territory.name}")


def _subcategory_plan(rng: np.random.Generator, count: int) -> list[str]:
    """Subcategories for ``count`` institutions: each one at least once, the rest by weight."""
    keys = [c.key for c in CATEGORIES if c.parent_key is not None]
    weights = np.array([_PROFILES[k].weight for k in keys])
    extra = rng.choice(len(keys), size=max(0, count - len(keys)), p=weights / weights.sum())
    plan = keys[:count] + [keys[int(i)] for i in extra]
    rng.shuffle(plan)
    return plan


def build_institutions(
    territories: list[Territory], count: int = DEFAULT_INSTITUTION_COUNT, seed: int = DEFAULT_INSTITUTION_SEED
) -> list[InstitutionSeed]:
    """``count`` invented institutions spread over the Gemeinden roughly by population.

    Every Gemeinde gets at least three (fewer only when ``count`` is below three per Gemeinde), and
    every subcategory (hence every category) appears at least once when ``count`` allows it. Each
    point lies inside its owner's territory, at least 50 m from its border, clustered around the
    town centre. The same arguments always give the same list, ids included.
    """
    owners = sorted(gemeinden(territories), key=lambda t: t.key)
    if not owners:
        raise ValueError("no Gemeinde territories to place institutions in")
    if count < 0:
        raise ValueError("count must not be negative")
    rng = np.random.default_rng(seed)
    allocation = _allocate(count, [t.population or 1 for t in owners], min(3, count // len(owners)))
    plan = _subcategory_plan(rng, count)
    parent_of = {c.key: c.parent_key for c in CATEGORIES if c.parent_key is not None}
    samtgemeinde_names = {t.key: t.name for t in territories if t.kind == KIND_SAMTGEMEINDE}
    first_day = date(2025, 1, 1)
    used_names: set[str] = set()
    institutions: list[InstitutionSeed] = []
    for owner, n in zip(owners, allocation, strict=True):
        if n == 0:
            continue
        spread = float(np.clip(0.15 * np.sqrt(owner.geometry.area), 700.0, 2_500.0))
        points = _points_near(rng, owner, n, spread)
        city = _short_name(owner.name)
        postcode, dialling = _LOCAL_CODES.get(owner.key[-3:], ("49" + owner.key[-3:], "0541"))
        admin = f"{'Stadt' if owner.kind == KIND_TOWN else 'Gemeinde'} {owner.name}"
        school_admin = samtgemeinde_names.get(owner.parent_key or "", admin)
        for (x, y) in points:
            subcategory = plan[len(institutions)]
            profile = _PROFILES[subcategory]
            context = {
                "city": city,
                "admin": admin,
                "school_admin": school_admin,
                "fancy": _pick(rng, _FANCY),
                "place": _pick(rng, _PLACES),
                "senior": _pick(rng, _SENIOR),
                "youth": _pick(rng, _YOUTH),
            }
            name = _pick(rng, profile.names).format(**context)
            for _ in range(10):
                if name not in used_names:
                    break
                context["fancy"], context["place"] = _pick(rng, _FANCY), _pick(rng, _PLACES)
                context["senior"], context["youth"] = _pick(rng, _SENIOR), _pick(rng, _YOUTH)
                name = _pick(rng, profile.names).format(**context)
            street = f"{_pick(rng, _STREETS)} {int(rng.integers(1, 120))}"
            if name in used_names:
                name = f"{name} ({street})"
            used_names.add(name)
            slug = _slug(name)
            extra_languages = [
                _LANGUAGES[int(i)]
                for i in sorted(rng.choice(len(_LANGUAGES), size=int(rng.choice(4, p=(0.45, 0.3, 0.15, 0.1))),
                                           replace=False))
            ]
            institutions.append(
                InstitutionSeed(
                    id=str(uuid.uuid5(_ID_NAMESPACE, f"{seed}/{count}/{len(institutions)}")),
                    owner_key=owner.key,
                    category=parent_of[subcategory],
                    subcategory=subcategory,
                    name=name,
                    provider=_pick(rng, profile.providers).format(**context),
                    street=street,
                    postcode=postcode,
                    city=owner.name,
                    phone=f"{dialling} {int(rng.integers(1000, 99999))}-0",
                    email=f"info@{slug}.example",
                    website=f"https://{slug}.example",
                    opening_hours=_pick(rng, profile.hours),
                    target_groups=profile.target_groups,
                    age_min=profile.ages[0],
                    age_max=profile.ages[1],
                    languages=", ".join(["Deutsch", *extra_languages]),
                    accessibility=_pick(rng, _ACCESSIBILITY),
                    description=profile.description.format(**context),
                    last_checked=(first_day + timedelta(days=int(rng.integers(0, 396)))).isoformat(),
                    geometry=Point(x, y),
                    service_area=COUNTY_KEY if subcategory in _COUNTY_WIDE else None,
                )
            )
    return institutions
