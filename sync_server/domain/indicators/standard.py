"""The standard German catalogue: offer categories, the seven themes and the indicator definitions.

Why this is data in code: a new county should not start with an empty atlas. The command
``familienatlas-server load-standard-catalogue`` writes these definitions through the catalogue's
admin services (so they are checked, audited and versioned like any admin change); the county then
adapts names, thresholds and sources. The demo builds on the same definitions, so there is one source
for the categories and indicators, not a demo copy beside a standard copy.

The indicators follow what German family and social reports (Familienberichte, Sozialberichte,
Sozialatlanten) publish per municipality: population by age group from the state statistical office's
population update, employment and unemployment from the Federal Employment Agency, day care from the
child and youth welfare statistics, school transitions and leavers from the school statistics, the
school entry examination of the county's health service, the care statistics, and SGB II / SGB XII /
housing benefit figures for poverty. Provision indicators (theme ``infrastruktur``) are not uploaded:
``domain/indicators/provision.py`` computes them from the published institutions.

The data is pure (no database; only the loader at the end imports one): field names are those of
the catalogue contract in docs/indicators.md, and :func:`IndicatorDef.body` gives the body the catalogue service takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..context import AtlasContext

# --------------------------------------------------------------------------------------------------
# Vocabulary of the contract (docs/indicators.md)

UNITS = ("count", "percent", "per_1000", "euro", "years", "index", "ratio")
KINDS = ("count", "rate", "share", "mean", "index")
POLARITIES = ("higher_better", "higher_worse", "neutral")
AGGREGATIONS = ("sum", "ratio", "none")
MAINTAINERS = ("municipalities", "county")
LEVELS = ("landkreis", "gemeinde", "mitgliedsgemeinde", "ortsteil")
"""The level keys of the contract; an atlas with other levels gets only the levels it has."""

# --------------------------------------------------------------------------------------------------
# Offer categories (the institutions' two-level catalogue)


@dataclass(frozen=True)
class CategoryDef:
    """A category (``parent_key`` None, with a colour) or a subcategory (colour None: inherits)."""

    key: str
    name: str
    parent_key: str | None
    color: str | None
    name_en: str = ""
    keywords_de: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()

    def body(self) -> dict[str, Any]:
        """What the category service takes (without the parent, which the loader resolves to its id)."""
        return {"key": self.key, "name": self.name, "color": self.color, "name_en": self.name_en or None,
                "keywords_de": list(self.keywords_de), "keywords_en": list(self.keywords_en)}


# Okabe-Ito palette: distinguishable with the common forms of colour-vision deficiency.
_TOP_CATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    ("beratung", "Beratung & Unterstützung", "Counselling & support", "#0072B2"),
    ("kinderbetreuung", "Kindertagesbetreuung", "Child day care", "#E69F00"),
    ("schule", "Schule & Bildung", "School & education", "#009E73"),
    ("familienzentrum", "Familienzentren & Treffpunkte", "Family centres & meeting places", "#CC79A7"),
    ("gesundheit", "Gesundheit", "Health", "#D55E00"),
    ("pflege", "Pflege & Senioren", "Care & older people", "#56B4E9"),
    ("freizeit", "Freizeit & Jugend", "Leisure & youth", "#F0E442"),
)

SUBCATEGORIES: tuple[tuple[str, str, str, str], ...] = (
    ("beratung", "erziehungsberatung", "Erziehungsberatung", "Parenting counselling"),
    ("beratung", "schwangerschaftsberatung", "Schwangerschaftsberatung", "Pregnancy counselling"),
    ("beratung", "schuldnerberatung", "Schuldnerberatung", "Debt counselling"),
    ("beratung", "suchtberatung", "Suchtberatung", "Addiction counselling"),
    ("beratung", "fruehe_hilfen", "Frühe Hilfen", "Early childhood support"),
    ("kinderbetreuung", "krippe", "Krippe", "Crèche (under 3)"),
    ("kinderbetreuung", "kindergarten", "Kindergarten", "Kindergarten"),
    ("kinderbetreuung", "kindertagespflege", "Kindertagespflege", "Childminding"),
    ("kinderbetreuung", "hort", "Hort", "After-school care"),
    ("schule", "grundschule", "Grundschule", "Primary school"),
    ("schule", "oberschule", "Oberschule", "Secondary school (Oberschule)"),
    ("schule", "gymnasium", "Gymnasium", "Grammar school (Gymnasium)"),
    ("schule", "foerderschule", "Förderschule", "Special needs school"),
    ("schule", "volkshochschule", "Volkshochschule", "Adult education centre"),
    ("familienzentrum", "kinder_familienzentrum", "Kinder- und Familienzentrum", "Children's and family centre"),
    ("familienzentrum", "mehrgenerationenhaus", "Mehrgenerationenhaus", "Multi-generation house"),
    ("familienzentrum", "familienbildung", "Familienbildung", "Family education"),
    ("familienzentrum", "eltern_kind_gruppe", "Eltern-Kind-Gruppe", "Parent and child group"),
    ("familienzentrum", "familienbuero", "Familienbüro", "Family office"),
    ("gesundheit", "kinderarztpraxis", "Kinder- und Jugendarztpraxis", "Paediatric practice"),
    ("gesundheit", "hebammenpraxis", "Hebammenpraxis", "Midwifery practice"),
    ("gesundheit", "fruehfoerderung", "Frühförderung", "Early intervention"),
    ("gesundheit", "kinder_jugendgesundheitsdienst", "Kinder- und Jugendgesundheitsdienst",
     "Child and youth health service"),
    ("gesundheit", "therapiepraxis", "Logopädie & Ergotherapie", "Speech & occupational therapy"),
    ("pflege", "pflegestuetzpunkt", "Pflegestützpunkt", "Care advice centre"),
    ("pflege", "ambulante_pflege", "Ambulante Pflege", "Home care service"),
    ("pflege", "tagespflege", "Tagespflege", "Day care for older people"),
    ("pflege", "pflegeheim", "Pflegeheim", "Nursing home"),
    ("pflege", "seniorenberatung", "Seniorenberatung", "Advice for older people"),
    ("freizeit", "jugendzentrum", "Jugendzentrum", "Youth centre"),
    ("freizeit", "buecherei", "Bücherei", "Library"),
    ("freizeit", "sport", "Sport & Bewegung", "Sport & exercise"),
    ("freizeit", "musikschule", "Musikschule", "Music school"),
    ("freizeit", "ferienbetreuung", "Ferienbetreuung", "Holiday care"),
)
"""(parent key, key, German name, English name) of every subcategory."""

# What visitors type for a category whose catalogue name they do not know (the web map's search reads
# them): everyday words, the offices people know, common short forms; German first, then English.
KEYWORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "beratung": (("Hilfe", "Beratungsstelle"), ("help", "advice")),
    "kinderbetreuung": (("Kita", "Kinderbetreuung", "Betreuungsplatz"), ("childcare", "nursery")),
    "schule": (("Bildung",), ("education",)),
    "familienzentrum": (("Treffpunkt", "Familientreff"), ("meeting place",)),
    "gesundheit": (("Arzt", "Ärztin"), ("doctor",)),
    "pflege": (("Senioren", "Alter"), ("elderly", "older people")),
    "freizeit": (("Jugend", "Ferien"), ("youth", "holidays")),
    "erziehungsberatung": (("Jugendamt", "Erziehungshilfe", "Familienberatung", "Trennung", "Scheidung"),
                           ("youth welfare office", "parenting advice", "family counselling", "separation")),
    "schwangerschaftsberatung": (("schwanger", "Schwangerschaft", "Elterngeld", "Geburt"),
                                 ("pregnant", "pregnancy", "parental allowance", "birth")),
    "schuldnerberatung": (("Schulden", "Insolvenz", "Verbraucherinsolvenz", "Geldsorgen"),
                          ("debt", "debts", "insolvency", "money worries")),
    "suchtberatung": (("Sucht", "Alkohol", "Drogen", "Spielsucht"), ("addiction", "alcohol", "drugs", "gambling")),
    "fruehe_hilfen": (("Familienhebamme", "Babylotse", "Baby"), ("family midwife", "baby", "infant")),
    "krippe": (("Kinderkrippe", "Kita", "U3"), ("creche", "nursery", "toddler", "under three")),
    "kindergarten": (("Kita", "Kindertagesstätte", "Ü3"), ("nursery school", "preschool")),
    "kindertagespflege": (("Tagesmutter", "Tagesvater", "Tagespflegeperson", "Tageseltern"),
                          ("childminder", "child minder", "day mother", "day father")),
    "hort": (("Nachmittagsbetreuung", "Ganztag", "Schulkindbetreuung"), ("after school club", "afternoon care")),
    "grundschule": (("Einschulung", "Primarschule"), ("elementary school", "school enrolment")),
    "oberschule": (("weiterführende Schule", "Realschule", "Hauptschule"), ("secondary school",)),
    "gymnasium": (("Abitur", "weiterführende Schule"), ("grammar school", "high school")),
    "foerderschule": (("Förderbedarf", "Inklusion"), ("special educational needs", "inclusion")),
    "volkshochschule": (("VHS", "Sprachkurs", "Deutschkurs", "Integrationskurs"),
                        ("adult education", "language course", "German course")),
    "kinder_familienzentrum": (("Familienzentrum",), ("family centre", "family center")),
    "mehrgenerationenhaus": (("Generationen", "Begegnung"), ("community centre",)),
    "familienbildung": (("Elternkurs", "Geburtsvorbereitung", "Familienbildungsstätte"),
                        ("parenting course", "antenatal class")),
    "eltern_kind_gruppe": (("Krabbelgruppe", "Spielgruppe", "PEKiP"), ("playgroup", "toddler group")),
    "familienbuero": (("Familienservice", "Familienlotse"), ("family service",)),
    "kinderarztpraxis": (("Kinderarzt", "Kinderärztin", "Vorsorgeuntersuchung", "U-Untersuchung"),
                         ("paediatrician", "pediatrician", "children's doctor", "check-up")),
    "hebammenpraxis": (("Hebamme", "Wochenbett", "Nachsorge"), ("midwife", "postnatal care")),
    "fruehfoerderung": (("Entwicklungsverzögerung", "Behinderung", "Förderung"),
                        ("developmental delay", "disability")),
    "kinder_jugendgesundheitsdienst": (("Gesundheitsamt", "Schuleingangsuntersuchung", "Impfung"),
                                       ("health office", "school entry examination", "vaccination")),
    "therapiepraxis": (("Logopäde", "Sprachtherapie", "Ergotherapeut"),
                       ("speech therapy", "occupational therapy")),
    "pflegestuetzpunkt": (("Pflegeberatung", "Pflegegrad", "Pflegekasse"), ("care advice", "care level")),
    "ambulante_pflege": (("Pflegedienst", "häusliche Pflege"), ("home care", "nursing service")),
    "tagespflege": (("Seniorentagespflege",), ("adult day care",)),
    "pflegeheim": (("Altenheim", "Seniorenheim", "Kurzzeitpflege"), ("care home", "retirement home")),
    "seniorenberatung": (("Senioren", "Rente", "Seniorenbüro"), ("senior citizens", "pension")),
    "jugendzentrum": (("Jugendtreff", "Jugendhaus", "Jugendarbeit"), ("youth club",)),
    "buecherei": (("Bibliothek", "Stadtbibliothek", "Ausleihe"), ("public library", "books")),
    "sport": (("Sportverein", "Schwimmen", "Turnen", "Bewegung"), ("sports club", "swimming", "exercise")),
    "musikschule": (("Musikunterricht", "Instrument"), ("music lessons",)),
    "ferienbetreuung": (("Ferienprogramm", "Ferienfreizeit", "Sommerferien"),
                        ("holiday programme", "summer camp")),
}
"""Category key -> (German, English) search words of the standard catalogue."""

CATEGORIES: tuple[CategoryDef, ...] = (
    *(CategoryDef(key, name, None, color, name_en, *KEYWORDS.get(key, ((), ())))
      for key, name, name_en, color in _TOP_CATEGORIES),
    *(CategoryDef(key, name, parent, None, name_en, *KEYWORDS.get(key, ((), ())))
      for parent, key, name, name_en in SUBCATEGORIES),
)
"""The two-level catalogue, top-level categories first (so parents exist before their children)."""

# --------------------------------------------------------------------------------------------------
# Themes


@dataclass(frozen=True)
class ThemeDef:
    key: str
    name_de: str
    name_en: str
    position: int
    color: str

    def body(self) -> dict[str, Any]:
        return {"key": self.key, "name_de": self.name_de, "name_en": self.name_en, "position": self.position,
                "color": self.color}


# The seven themes of the family report's "Zahlen und Daten", in its order. Okabe-Ito colours; the
# themes that match an offer category share its colour (day care, school, health).
THEMES: tuple[ThemeDef, ...] = (
    ThemeDef("bevoelkerung", "Bevölkerung/Demographie", "Population/demography", 1, "#0072B2"),
    ThemeDef("erwerb", "Erwerbsbeteiligung", "Employment", 2, "#56B4E9"),
    ThemeDef("betreuung", "Betreuungssituation", "Child care", 3, "#E69F00"),
    ThemeDef("bildung", "Bildungsbeteiligung", "Education", 4, "#009E73"),
    ThemeDef("infrastruktur", "Infrastrukturausstattung", "Provision of services", 5, "#CC79A7"),
    ThemeDef("gesundheit", "Gesundheit/Pflege", "Health/care", 6, "#D55E00"),
    ThemeDef("armut", "Armutslagen", "Poverty", 7, "#F0E442"),
)

# --------------------------------------------------------------------------------------------------
# Indicators


@dataclass(frozen=True)
class Provision:
    """A derived provision indicator: offers of ``category`` (a category or subcategory key) per unit,
    or per ``per`` people of the ``population`` indicator when one is named."""

    category: str
    population: str | None = None
    per: int = 1000

    def body(self) -> dict[str, Any]:
        return {"category": self.category, "population": self.population, "per": self.per}


@dataclass(frozen=True)
class IndicatorDef:
    key: str
    theme: str
    name_de: str
    name_en: str
    definition_de: str
    definition_en: str
    unit: str
    kind: str
    decimals: int
    polarity: str
    source: str
    copyright: str
    levels: tuple[str, ...]
    aggregation: str
    maintained_by: str
    keywords: tuple[str, ...]
    numerator: str | None = None
    denominator: str | None = None
    min_count: int = 3
    min_denominator: int = 10
    provision: Provision | None = None

    def body(self, levels: tuple[str, ...] | None = None) -> dict[str, Any]:
        """The catalogue service's body; ``levels`` limits the levels to those an atlas has."""
        return {
            "key": self.key, "theme": self.theme, "name_de": self.name_de, "name_en": self.name_en,
            "definition_de": self.definition_de, "definition_en": self.definition_en, "unit": self.unit,
            "kind": self.kind, "numerator": self.numerator, "denominator": self.denominator,
            "decimals": self.decimals, "polarity": self.polarity, "source": self.source,
            "copyright": self.copyright,
            "levels": [lv for lv in self.levels if levels is None or lv in levels],
            "aggregation": self.aggregation, "min_count": self.min_count,
            "min_denominator": self.min_denominator, "maintained_by": self.maintained_by,
            "keywords": list(self.keywords), "provision": self.provision.body() if self.provision else None,
        }


ALL_LEVELS = LEVELS
MUNICIPAL = ("landkreis", "gemeinde", "mitgliedsgemeinde")
COUNTY_ONLY = ("landkreis",)

_DL_DE = "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
_LSN = "© Landesamt für Statistik Niedersachsen (LSN), Hannover; " + _DL_DE
_BA = "© Statistik der Bundesagentur für Arbeit"
_COUNTY = "© Landkreis (Eigenerhebung)"
_OWN = "Familienatlas, eigene Berechnung"

SRC_POPULATION = ("Landesamt für Statistik Niedersachsen (LSN), Regionaldatenbank: Fortschreibung des "
                  "Bevölkerungsstandes, Stichtag 31.12.; Ortsteile: Einwohnermelderegister der Gemeinden")
SRC_MOVEMENT = "Landesamt für Statistik Niedersachsen (LSN), Regionaldatenbank: Statistik der Geburten"
SRC_EMPLOYMENT = ("Bundesagentur für Arbeit, Beschäftigungsstatistik: sozialversicherungspflichtig "
                  "Beschäftigte am Wohnort, Stichtag 30.06.")
SRC_UNEMPLOYMENT = "Bundesagentur für Arbeit, Arbeitsmarktstatistik: Arbeitslose nach Gemeinden, Jahresdurchschnitt"
SRC_KITA = ("Statistik der Kinder und tätigen Personen in Tageseinrichtungen und in öffentlich geförderter "
            "Kindertagespflege (Kita-Statistik), Stichtag 01.03., über LSN; Ortsteile: Kita-Bedarfsplanung")
SRC_KITA_PLACES = "Jugendamt des Landkreises: Kita-Bedarfsplanung, genehmigte Plätze zum 01.08."
SRC_SCHOOL = "Landesamt für Statistik Niedersachsen (LSN): Statistik der allgemein bildenden Schulen (Schuljahr)"
SRC_SEU = "Gesundheitsamt des Landkreises: Schuleingangsuntersuchung (SEU), Einschulungsjahrgang"
SRC_CARE = "Statistische Ämter des Bundes und der Länder: Pflegestatistik (zweijährlich, Stichtag 15.12.)"
SRC_SGB2 = ("Bundesagentur für Arbeit, Statistik der Grundsicherung für Arbeitsuchende (SGB II), "
            "Stichtag 31.12.")
SRC_HOUSING = "Landesamt für Statistik Niedersachsen (LSN): Wohngeldstatistik, Stichtag 31.12."
SRC_SGB12 = ("Landesamt für Statistik Niedersachsen (LSN): Statistik der Grundsicherung im Alter und bei "
             "Erwerbsminderung (SGB XII, 4. Kapitel), Stichtag 31.12.")
SRC_PROVISION = ("Familienatlas: berechnet aus den veröffentlichten Einrichtungen und Angeboten "
                 "(Stand der Veröffentlichung)")


def _count(key: str, theme: str, name_de: str, name_en: str, def_de: str, def_en: str, source: str,
           copyright_: str, keywords: tuple[str, ...], *, levels: tuple[str, ...] = ALL_LEVELS,
           maintained_by: str = "municipalities", polarity: str = "neutral", min_count: int = 3) -> IndicatorDef:
    return IndicatorDef(key, theme, name_de, name_en, def_de, def_en, "count", "count", 0, polarity, source,
                        copyright_, levels, "sum", maintained_by, keywords, min_count=min_count)


def _share(key: str, theme: str, name_de: str, name_en: str, def_de: str, def_en: str, numerator: str,
           denominator: str, source: str, copyright_: str, keywords: tuple[str, ...], *,
           levels: tuple[str, ...] = ALL_LEVELS, maintained_by: str = "municipalities",
           polarity: str = "neutral", unit: str = "percent", kind: str = "share", decimals: int = 1,
           min_denominator: int = 10) -> IndicatorDef:
    return IndicatorDef(key, theme, name_de, name_en, def_de, def_en, unit, kind, decimals, polarity, source,
                        copyright_, levels, "ratio", maintained_by, keywords, numerator=numerator,
                        denominator=denominator, min_denominator=min_denominator)


_POPULATION: tuple[IndicatorDef, ...] = (
    _count("bev_gesamt", "bevoelkerung", "Bevölkerung insgesamt", "Total population",
           "Einwohnerinnen und Einwohner mit Hauptwohnsitz am 31.12. des Jahres.",
           "Residents with their main residence on 31 December of the year.",
           SRC_POPULATION, _LSN, ("Einwohner", "Bevölkerung", "Einwohnerzahl")),
    _count("bev_u3", "bevoelkerung", "Kinder unter 3 Jahren", "Children under 3",
           "Kinder im Alter von 0 bis unter 3 Jahren am 31.12. (Krippenalter).",
           "Children aged 0 to under 3 on 31 December (crèche age).",
           SRC_POPULATION, _LSN, ("Kleinkinder", "Krippe", "U3", "Kinder")),
    _count("bev_3_6", "bevoelkerung", "Kinder von 3 bis unter 6 Jahren", "Children aged 3 to under 6",
           "Kinder im Alter von 3 bis unter 6 Jahren am 31.12. (Kindergartenalter).",
           "Children aged 3 to under 6 on 31 December (kindergarten age).",
           SRC_POPULATION, _LSN, ("Kindergarten", "Ü3", "Kinder")),
    _count("bev_u6", "bevoelkerung", "Kinder unter 6 Jahren", "Children under 6",
           "Kinder im Alter von 0 bis unter 6 Jahren am 31.12. (vor dem Schuleintritt).",
           "Children aged 0 to under 6 on 31 December (before school entry).",
           SRC_POPULATION, _LSN, ("Kinder", "Vorschulalter", "Kita")),
    _count("bev_6_10", "bevoelkerung", "Kinder von 6 bis unter 10 Jahren", "Children aged 6 to under 10",
           "Kinder im Alter von 6 bis unter 10 Jahren am 31.12. (Grundschulalter).",
           "Children aged 6 to under 10 on 31 December (primary school age).",
           SRC_POPULATION, _LSN, ("Grundschulkinder", "Kinder", "Grundschule")),
    _count("bev_u15", "bevoelkerung", "Kinder unter 15 Jahren", "Children under 15",
           "Kinder im Alter von 0 bis unter 15 Jahren am 31.12.; Bezugsgröße der SGB-II-Quote der Kinder.",
           "Children aged 0 to under 15 on 31 December; the base of the children's SGB II rate.",
           SRC_POPULATION, _LSN, ("Kinder",)),
    _count("bev_u18", "bevoelkerung", "Minderjährige unter 18 Jahren", "Minors under 18",
           "Kinder und Jugendliche im Alter von 0 bis unter 18 Jahren am 31.12.",
           "Children and young people aged 0 to under 18 on 31 December.",
           SRC_POPULATION, _LSN, ("Kinder", "Jugendliche", "Minderjährige")),
    _count("bev_15_65", "bevoelkerung", "Bevölkerung im erwerbsfähigen Alter (15 bis unter 65)",
           "Working-age population (15 to under 65)",
           "Einwohnerinnen und Einwohner im Alter von 15 bis unter 65 Jahren am 31.12.",
           "Residents aged 15 to under 65 on 31 December.",
           SRC_POPULATION, _LSN, ("Erwerbsalter", "Erwerbsfähige")),
    _count("frauen_15_45", "bevoelkerung", "Frauen von 15 bis unter 45 Jahren", "Women aged 15 to under 45",
           "Frauen im Alter von 15 bis unter 45 Jahren am 31.12. (gebärfähiges Alter).",
           "Women aged 15 to under 45 on 31 December (childbearing age).",
           SRC_POPULATION, _LSN, ("Frauen",)),
    _count("frauen_15_65", "bevoelkerung", "Frauen von 15 bis unter 65 Jahren", "Women aged 15 to under 65",
           "Frauen im Alter von 15 bis unter 65 Jahren am 31.12.",
           "Women aged 15 to under 65 on 31 December.",
           SRC_POPULATION, _LSN, ("Frauen", "Erwerbsalter")),
    _count("bev_65plus", "bevoelkerung", "Bevölkerung ab 65 Jahren", "Population aged 65 and over",
           "Einwohnerinnen und Einwohner im Alter von 65 Jahren und älter am 31.12.",
           "Residents aged 65 and over on 31 December.",
           SRC_POPULATION, _LSN, ("Senioren", "Ältere", "Alter")),
    _count("bev_80plus", "bevoelkerung", "Hochaltrige ab 80 Jahren", "Population aged 80 and over",
           "Einwohnerinnen und Einwohner im Alter von 80 Jahren und älter am 31.12.",
           "Residents aged 80 and over on 31 December.",
           SRC_POPULATION, _LSN, ("Hochaltrige", "Senioren", "Pflege")),
    _count("bev_nichtdeutsch", "bevoelkerung", "Nichtdeutsche Bevölkerung", "Non-German population",
           "Einwohnerinnen und Einwohner ohne deutsche Staatsangehörigkeit am 31.12.",
           "Residents without German citizenship on 31 December.",
           SRC_POPULATION, _LSN, ("Ausländer", "Migration", "Staatsangehörigkeit")),
    _count("geburten", "bevoelkerung", "Lebendgeborene", "Live births",
           "Lebendgeborene Kinder von Müttern mit Hauptwohnsitz in der Raumeinheit im Laufe des Jahres.",
           "Live births to mothers residing in the unit during the year.",
           SRC_MOVEMENT, _LSN, ("Geburten", "Babys", "Neugeborene"), levels=MUNICIPAL, maintained_by="county"),
    _share("fruchtbarkeitsziffer", "bevoelkerung", "Allgemeine Fruchtbarkeitsziffer", "General fertility rate",
           "Lebendgeborene je 1.000 Frauen im Alter von 15 bis unter 45 Jahren.",
           "Live births per 1,000 women aged 15 to under 45.",
           "geburten", "frauen_15_45", SRC_MOVEMENT, _LSN, ("Geburten", "Fertilität", "Geburtenrate"),
           levels=MUNICIPAL, maintained_by="county", unit="per_1000", kind="rate", min_denominator=50),
    _share("anteil_u18", "bevoelkerung", "Anteil Minderjähriger", "Share of minors",
           "Anteil der unter 18-Jährigen an der Bevölkerung insgesamt in Prozent.",
           "Persons under 18 as a percentage of the total population.",
           "bev_u18", "bev_gesamt", SRC_POPULATION, _LSN, ("Kinder", "Jugendliche", "Altersstruktur")),
    _share("anteil_65plus", "bevoelkerung", "Anteil der Bevölkerung ab 65 Jahren", "Share of population 65+",
           "Anteil der Einwohnerinnen und Einwohner ab 65 Jahren an der Bevölkerung insgesamt in Prozent.",
           "Residents aged 65 and over as a percentage of the total population.",
           "bev_65plus", "bev_gesamt", SRC_POPULATION, _LSN, ("Senioren", "Alterung", "Altersstruktur")),
    _share("anteil_nichtdeutsch", "bevoelkerung", "Ausländeranteil", "Share of non-German residents",
           "Anteil der Einwohnerinnen und Einwohner ohne deutsche Staatsangehörigkeit an der Bevölkerung "
           "insgesamt in Prozent.",
           "Residents without German citizenship as a percentage of the total population.",
           "bev_nichtdeutsch", "bev_gesamt", SRC_POPULATION, _LSN, ("Ausländer", "Migration", "Integration")),
    IndicatorDef("durchschnittsalter", "bevoelkerung", "Durchschnittsalter", "Mean age",
                 "Arithmetisches Mittel des Alters der Bevölkerung am 31.12. in Jahren.",
                 "Arithmetic mean of the residents' age on 31 December, in years.",
                 "years", "mean", 1, "neutral", SRC_POPULATION, _LSN, MUNICIPAL, "none", "county",
                 ("Alter", "Altersstruktur", "Demografie")),
)

_EMPLOYMENT: tuple[IndicatorDef, ...] = (
    _count("svb_wohnort", "erwerb", "Sozialversicherungspflichtig Beschäftigte am Wohnort",
           "Employees subject to social insurance (place of residence)",
           "Sozialversicherungspflichtig Beschäftigte mit Wohnort in der Raumeinheit am 30.06.",
           "Employees subject to social insurance contributions living in the unit on 30 June.",
           SRC_EMPLOYMENT, _BA, ("Beschäftigte", "Arbeit", "Job"), levels=MUNICIPAL, maintained_by="county"),
    _count("svb_frauen_wohnort", "erwerb", "Sozialversicherungspflichtig beschäftigte Frauen am Wohnort",
           "Women employees subject to social insurance (place of residence)",
           "Sozialversicherungspflichtig beschäftigte Frauen mit Wohnort in der Raumeinheit am 30.06.",
           "Women employees subject to social insurance contributions living in the unit on 30 June.",
           SRC_EMPLOYMENT, _BA, ("Frauen", "Beschäftigte", "Vereinbarkeit"), levels=MUNICIPAL,
           maintained_by="county"),
    _share("beschaeftigungsquote", "erwerb", "Beschäftigungsquote", "Employment rate",
           "Sozialversicherungspflichtig Beschäftigte am Wohnort je 100 Einwohnerinnen und Einwohner im "
           "Alter von 15 bis unter 65 Jahren.",
           "Employees subject to social insurance at their place of residence per 100 residents aged 15 to "
           "under 65.",
           "svb_wohnort", "bev_15_65", SRC_EMPLOYMENT, _BA, ("Beschäftigung", "Erwerbstätigkeit", "Arbeit"),
           levels=MUNICIPAL, maintained_by="county", polarity="higher_better"),
    _share("beschaeftigungsquote_frauen", "erwerb", "Beschäftigungsquote der Frauen", "Women's employment rate",
           "Sozialversicherungspflichtig beschäftigte Frauen am Wohnort je 100 Frauen im Alter von 15 bis "
           "unter 65 Jahren.",
           "Women employees subject to social insurance at their place of residence per 100 women aged 15 "
           "to under 65.",
           "svb_frauen_wohnort", "frauen_15_65", SRC_EMPLOYMENT, _BA,
           ("Frauen", "Erwerbstätigkeit", "Vereinbarkeit", "Gleichstellung"), levels=MUNICIPAL,
           maintained_by="county", polarity="higher_better"),
    _count("arbeitslose", "erwerb", "Arbeitslose", "Unemployed persons",
           "Arbeitslose nach SGB II und SGB III mit Wohnort in der Raumeinheit, Jahresdurchschnitt.",
           "Unemployed persons (SGB II and SGB III) living in the unit, annual average.",
           SRC_UNEMPLOYMENT, _BA, ("Arbeitslosigkeit", "Jobcenter", "Arbeitsagentur"), levels=MUNICIPAL,
           maintained_by="county", polarity="higher_worse"),
    _count("arbeitslose_langzeit", "erwerb", "Langzeitarbeitslose", "Long-term unemployed",
           "Arbeitslose, die ein Jahr und länger arbeitslos sind, Jahresdurchschnitt.",
           "Persons unemployed for one year or longer, annual average.",
           SRC_UNEMPLOYMENT, _BA, ("Langzeitarbeitslosigkeit", "Jobcenter"), levels=MUNICIPAL,
           maintained_by="county", polarity="higher_worse"),
    _share("arbeitslosenanteil", "erwerb", "Arbeitslosenanteil", "Unemployment share",
           "Arbeitslose je 100 Einwohnerinnen und Einwohner im Alter von 15 bis unter 65 Jahren "
           "(auf Gemeindeebene an Stelle der Arbeitslosenquote, für die die Bezugsgröße fehlt).",
           "Unemployed persons per 100 residents aged 15 to under 65 (used for municipalities instead of the "
           "unemployment rate, whose base is not available there).",
           "arbeitslose", "bev_15_65", SRC_UNEMPLOYMENT, _BA, ("Arbeitslosigkeit", "Arbeitslosenquote"),
           levels=MUNICIPAL, maintained_by="county", polarity="higher_worse"),
    _share("anteil_langzeitarbeitslose", "erwerb", "Anteil Langzeitarbeitsloser", "Share of long-term unemployed",
           "Anteil der Langzeitarbeitslosen an allen Arbeitslosen in Prozent.",
           "Long-term unemployed as a percentage of all unemployed persons.",
           "arbeitslose_langzeit", "arbeitslose", SRC_UNEMPLOYMENT, _BA, ("Langzeitarbeitslosigkeit",),
           levels=MUNICIPAL, maintained_by="county", polarity="higher_worse"),
)

_CHILD_CARE: tuple[IndicatorDef, ...] = (
    _count("kita_u3", "betreuung", "Kinder unter 3 Jahren in Kindertagesbetreuung",
           "Children under 3 in day care",
           "Kinder unter 3 Jahren in Kindertageseinrichtungen und in öffentlich geförderter Kindertagespflege "
           "am 01.03., nach Wohnort.",
           "Children under 3 in day-care centres and publicly funded childminding on 1 March, by residence.",
           SRC_KITA, _LSN, ("Kita", "Krippe", "U3", "Betreuung")),
    _count("tagespflege_u3", "betreuung", "Kinder unter 3 Jahren in Kindertagespflege",
           "Children under 3 with childminders",
           "Kinder unter 3 Jahren in öffentlich geförderter Kindertagespflege (bei Tagesmüttern und "
           "Tagesvätern) am 01.03.",
           "Children under 3 in publicly funded childminding on 1 March.",
           SRC_KITA, _LSN, ("Tagesmutter", "Tagesvater", "Kindertagespflege", "U3")),
    _share("betreuungsquote_u3", "betreuung", "Betreuungsquote unter 3 Jahren", "Day-care rate under 3",
           "Kinder unter 3 Jahren in Kindertagesbetreuung je 100 Kinder unter 3 Jahren.",
           "Children under 3 in day care per 100 children under 3.",
           "kita_u3", "bev_u3", SRC_KITA, _LSN, ("Kita", "Krippe", "U3", "Betreuungsquote", "Rechtsanspruch"),
           polarity="higher_better"),
    _count("kita_3_6", "betreuung", "Kinder von 3 bis unter 6 Jahren in Kindertagesbetreuung",
           "Children aged 3 to under 6 in day care",
           "Kinder von 3 bis unter 6 Jahren in Kindertageseinrichtungen und in öffentlich geförderter "
           "Kindertagespflege am 01.03., nach Wohnort.",
           "Children aged 3 to under 6 in day-care centres and publicly funded childminding on 1 March.",
           SRC_KITA, _LSN, ("Kita", "Kindergarten", "Ü3", "Betreuung")),
    _share("betreuungsquote_3_6", "betreuung", "Betreuungsquote 3 bis unter 6 Jahre", "Day-care rate 3 to under 6",
           "Kinder von 3 bis unter 6 Jahren in Kindertagesbetreuung je 100 Kinder dieses Alters.",
           "Children aged 3 to under 6 in day care per 100 children of that age.",
           "kita_3_6", "bev_3_6", SRC_KITA, _LSN, ("Kita", "Kindergarten", "Betreuungsquote"),
           polarity="higher_better"),
    _count("kita_ganztag_3_6", "betreuung", "Kinder von 3 bis unter 6 Jahren in Ganztagsbetreuung",
           "Children aged 3 to under 6 in full-day care",
           "Kinder von 3 bis unter 6 Jahren mit einer vertraglich vereinbarten Betreuungszeit von mehr als "
           "7 Stunden täglich am 01.03.",
           "Children aged 3 to under 6 with a contracted care time of more than 7 hours a day on 1 March.",
           SRC_KITA, _LSN, ("Ganztag", "Kita", "Vereinbarkeit"), levels=MUNICIPAL, maintained_by="county"),
    _share("ganztagsquote_3_6", "betreuung", "Ganztagsbetreuungsquote 3 bis unter 6 Jahre",
           "Full-day care rate 3 to under 6",
           "Kinder von 3 bis unter 6 Jahren in Ganztagsbetreuung (mehr als 7 Stunden) je 100 Kinder dieses "
           "Alters.",
           "Children aged 3 to under 6 in full-day care (more than 7 hours) per 100 children of that age.",
           "kita_ganztag_3_6", "bev_3_6", SRC_KITA, _LSN, ("Ganztag", "Vereinbarkeit", "Betreuungsquote"),
           levels=MUNICIPAL, maintained_by="county", polarity="higher_better"),
    _count("kita_plaetze", "betreuung", "Genehmigte Plätze in Kindertageseinrichtungen",
           "Licensed places in day-care centres",
           "Genehmigte Plätze in Kindertageseinrichtungen (Krippe, Kindergarten, Hort) zum 01.08. des Jahres.",
           "Licensed places in day-care centres (crèche, kindergarten, after-school) on 1 August.",
           SRC_KITA_PLACES, _COUNTY, ("Kita", "Plätze", "Bedarfsplanung", "Kitaplatz"),
           polarity="higher_better"),
)

_EDUCATION: tuple[IndicatorDef, ...] = (
    _count("schueler_jg5", "bildung", "Schülerinnen und Schüler im 5. Jahrgang", "Pupils in year 5",
           "Schülerinnen und Schüler im 5. Schuljahrgang an allgemein bildenden Schulen, nach Wohnort.",
           "Pupils in year 5 at general schools, by place of residence.",
           SRC_SCHOOL, _LSN, ("Schule", "Übergang", "Sekundarstufe"), levels=MUNICIPAL, maintained_by="county"),
    _count("schueler_jg5_gym", "bildung", "Schülerinnen und Schüler im 5. Jahrgang am Gymnasium",
           "Pupils in year 5 at a Gymnasium",
           "Schülerinnen und Schüler im 5. Schuljahrgang an Gymnasien, nach Wohnort.",
           "Pupils in year 5 at grammar schools (Gymnasium), by place of residence.",
           SRC_SCHOOL, _LSN, ("Gymnasium", "Übergang"), levels=MUNICIPAL, maintained_by="county"),
    _share("uebergangsquote_gym", "bildung", "Übergangsquote auf das Gymnasium", "Transition rate to Gymnasium",
           "Anteil der Schülerinnen und Schüler im 5. Jahrgang, die ein Gymnasium besuchen, in Prozent.",
           "Pupils in year 5 attending a grammar school (Gymnasium) as a percentage of all pupils in year 5.",
           "schueler_jg5_gym", "schueler_jg5", SRC_SCHOOL, _LSN,
           ("Gymnasium", "Übergang", "Bildungserfolg", "Bildungsgerechtigkeit"), levels=MUNICIPAL,
           maintained_by="county", polarity="neutral"),
    _count("schulabgaenger", "bildung", "Schulabgängerinnen und -abgänger", "School leavers",
           "Abgängerinnen und Abgänger allgemein bildender Schulen am Ende des Schuljahres, nach Wohnort.",
           "Leavers of general schools at the end of the school year, by place of residence.",
           SRC_SCHOOL, _LSN, ("Schulabschluss", "Schule"), levels=MUNICIPAL, maintained_by="county"),
    _count("abgaenger_ohne_abschluss", "bildung", "Abgängerinnen und Abgänger ohne Hauptschulabschluss",
           "Leavers without a lower secondary qualification",
           "Abgängerinnen und Abgänger allgemein bildender Schulen ohne mindestens den Hauptschulabschluss.",
           "Leavers of general schools without at least the lower secondary school certificate.",
           SRC_SCHOOL, _LSN, ("Schulabbruch", "ohne Abschluss", "Bildungsarmut"), levels=MUNICIPAL,
           maintained_by="county", polarity="higher_worse"),
    _share("quote_ohne_abschluss", "bildung", "Anteil der Abgänger ohne Hauptschulabschluss",
           "Share of leavers without a qualification",
           "Anteil der Abgängerinnen und Abgänger ohne Hauptschulabschluss an allen Abgängerinnen und "
           "Abgängern allgemein bildender Schulen in Prozent.",
           "Leavers without a lower secondary qualification as a percentage of all leavers of general schools.",
           "abgaenger_ohne_abschluss", "schulabgaenger", SRC_SCHOOL, _LSN,
           ("Schulabbruch", "ohne Abschluss", "Bildungsarmut"), levels=MUNICIPAL, maintained_by="county",
           polarity="higher_worse", min_denominator=20),
    _count("seu_sprachfoerderung", "bildung", "Schulanfänger mit Sprachförderbedarf",
           "School starters needing language support",
           "Bei der Schuleingangsuntersuchung untersuchte Kinder mit festgestelltem Sprachförderbedarf.",
           "Children examined at school entry found to need language support.",
           SRC_SEU, _COUNTY, ("Sprache", "Sprachförderung", "Deutsch", "Einschulung"), maintained_by="county",
           polarity="higher_worse"),
    _share("anteil_sprachfoerderung", "bildung", "Anteil der Schulanfänger mit Sprachförderbedarf",
           "Share of school starters needing language support",
           "Anteil der untersuchten Schulanfängerinnen und Schulanfänger mit Sprachförderbedarf in Prozent.",
           "School starters needing language support as a percentage of all children examined.",
           "seu_sprachfoerderung", "seu_untersucht", SRC_SEU, _COUNTY,
           ("Sprache", "Sprachförderung", "Einschulung", "Schuleingangsuntersuchung"), maintained_by="county",
           polarity="higher_worse"),
)

_HEALTH: tuple[IndicatorDef, ...] = (
    _count("seu_untersucht", "gesundheit", "Untersuchte Schulanfänger", "School starters examined",
           "Bei der Schuleingangsuntersuchung untersuchte Kinder des Einschulungsjahrgangs, nach Wohnort.",
           "Children of the school entry cohort examined by the health service, by place of residence.",
           SRC_SEU, _COUNTY, ("Einschulung", "Schuleingangsuntersuchung", "SEU"), maintained_by="county"),
    _count("seu_uebergewicht", "gesundheit", "Schulanfänger mit Übergewicht", "School starters overweight",
           "Untersuchte Kinder mit Übergewicht einschließlich Adipositas (BMI über dem 90. Perzentil nach "
           "Kromeyer-Hauschild).",
           "Examined children overweight including obesity (BMI above the 90th percentile, Kromeyer-Hauschild).",
           SRC_SEU, _COUNTY, ("Übergewicht", "Adipositas", "Ernährung"), maintained_by="county",
           polarity="higher_worse"),
    _share("anteil_uebergewicht", "gesundheit", "Anteil übergewichtiger Schulanfänger",
           "Share of school starters overweight",
           "Anteil der untersuchten Kinder mit Übergewicht einschließlich Adipositas in Prozent.",
           "Overweight children (including obesity) as a percentage of all children examined.",
           "seu_uebergewicht", "seu_untersucht", SRC_SEU, _COUNTY, ("Übergewicht", "Adipositas", "Kindergesundheit"),
           maintained_by="county", polarity="higher_worse"),
    _count("seu_masern2", "gesundheit", "Schulanfänger mit zweifacher Masernimpfung",
           "School starters with two measles vaccinations",
           "Untersuchte Kinder, deren Impfausweis zwei Masernimpfungen belegt.",
           "Examined children whose vaccination record shows two measles vaccinations.",
           SRC_SEU, _COUNTY, ("Impfung", "Masern"), maintained_by="county", polarity="higher_better"),
    _share("impfquote_masern", "gesundheit", "Impfquote Masern (2. Impfung)", "Measles vaccination rate (2 doses)",
           "Anteil der untersuchten Kinder mit zwei Masernimpfungen in Prozent.",
           "Examined children with two measles vaccinations as a percentage of all children examined.",
           "seu_masern2", "seu_untersucht", SRC_SEU, _COUNTY, ("Impfung", "Masern", "Impfquote"),
           maintained_by="county", polarity="higher_better"),
    _count("pflegebeduerftige", "gesundheit", "Pflegebedürftige", "People in need of care",
           "Pflegebedürftige nach SGB XI (ambulant, stationär und Pflegegeld) am 15.12.; nur in ungeraden "
           "Jahren erhoben.",
           "People in need of long-term care under SGB XI (home care, residential care and care allowance) "
           "on 15 December; collected in odd years only.",
           SRC_CARE, _LSN, ("Pflege", "Pflegebedürftigkeit", "Senioren"), levels=COUNTY_ONLY,
           maintained_by="county"),
    _share("pflegequote", "gesundheit", "Pflegequote", "Care rate",
           "Anteil der Pflegebedürftigen an der Bevölkerung insgesamt in Prozent.",
           "People in need of care as a percentage of the total population.",
           "pflegebeduerftige", "bev_gesamt", SRC_CARE, _LSN, ("Pflege", "Pflegequote", "Senioren"),
           levels=COUNTY_ONLY, maintained_by="county", polarity="neutral", decimals=2),
)

_POVERTY: tuple[IndicatorDef, ...] = (
    _count("sgb2_u15", "armut", "Kinder unter 15 Jahren im SGB-II-Bezug", "Children under 15 receiving SGB II",
           "Nicht erwerbsfähige Leistungsberechtigte unter 15 Jahren in Bedarfsgemeinschaften nach SGB II "
           "(Sozialgeld, ab 2023 Bürgergeld) am 31.12.",
           "Children under 15 entitled to benefits in SGB II benefit communities (social allowance, from 2023 "
           "citizen's income) on 31 December.",
           SRC_SGB2, _BA, ("Kinderarmut", "Armut", "Bürgergeld", "Hartz IV", "Sozialgeld"),
           polarity="higher_worse"),
    _share("sgb2_quote_u15", "armut", "SGB-II-Quote der Kinder unter 15 Jahren", "SGB II rate of children under 15",
           "Kinder unter 15 Jahren im SGB-II-Bezug je 100 Kinder unter 15 Jahren.",
           "Children under 15 receiving SGB II benefits per 100 children under 15.",
           "sgb2_u15", "bev_u15", SRC_SGB2, _BA, ("Kinderarmut", "Armut", "Bürgergeld", "Armutsquote"),
           polarity="higher_worse"),
    _count("sgb2_bg", "armut", "Bedarfsgemeinschaften nach SGB II", "SGB II benefit communities",
           "Bedarfsgemeinschaften mit mindestens einer oder einem Leistungsberechtigten nach SGB II am 31.12.",
           "Benefit communities with at least one person entitled to SGB II benefits on 31 December.",
           SRC_SGB2, _BA, ("Armut", "Bürgergeld", "Jobcenter", "Hartz IV"), levels=MUNICIPAL,
           maintained_by="county", polarity="higher_worse"),
    _count("sgb2_bg_alleinerziehend", "armut", "Alleinerziehenden-Bedarfsgemeinschaften",
           "Single-parent benefit communities",
           "Bedarfsgemeinschaften nach SGB II von Alleinerziehenden mit minderjährigen Kindern am 31.12.",
           "SGB II benefit communities of single parents with children under 18 on 31 December.",
           SRC_SGB2, _BA, ("Alleinerziehende", "Armut", "Bürgergeld"), levels=MUNICIPAL, maintained_by="county",
           polarity="higher_worse"),
    _share("anteil_bg_alleinerziehend", "armut", "Anteil Alleinerziehender an den Bedarfsgemeinschaften",
           "Share of single parents among benefit communities",
           "Anteil der Bedarfsgemeinschaften von Alleinerziehenden an allen Bedarfsgemeinschaften nach SGB II in "
           "Prozent.",
           "Single-parent benefit communities as a percentage of all SGB II benefit communities.",
           "sgb2_bg_alleinerziehend", "sgb2_bg", SRC_SGB2, _BA, ("Alleinerziehende", "Armut"), levels=MUNICIPAL,
           maintained_by="county", polarity="higher_worse"),
    _count("wohngeld_haushalte", "armut", "Haushalte mit Wohngeld", "Households receiving housing benefit",
           "Reine Wohngeldhaushalte (Mietzuschuss und Lastenzuschuss) am 31.12.",
           "Households receiving only housing benefit (rent or owner-occupier subsidy) on 31 December.",
           SRC_HOUSING, _LSN, ("Wohngeld", "Wohnen", "Armut", "Miete"), levels=MUNICIPAL, maintained_by="county",
           polarity="higher_worse"),
    _count("grusi_alter", "armut", "Empfänger von Grundsicherung im Alter", "Recipients of old-age basic income",
           "Empfängerinnen und Empfänger von Grundsicherung im Alter (ab der Altersgrenze) nach SGB XII, "
           "4. Kapitel, am 31.12.",
           "Recipients of basic income support in old age (above the retirement age limit) under SGB XII, "
           "chapter 4, on 31 December.",
           SRC_SGB12, _LSN, ("Altersarmut", "Grundsicherung", "Rente", "Armut"), levels=MUNICIPAL,
           maintained_by="county", polarity="higher_worse"),
    _share("grusi_alter_quote", "armut", "Grundsicherungsquote im Alter", "Old-age basic income rate",
           "Empfängerinnen und Empfänger von Grundsicherung im Alter je 1.000 Einwohnerinnen und Einwohner ab "
           "65 Jahren.",
           "Recipients of old-age basic income support per 1,000 residents aged 65 and over.",
           "grusi_alter", "bev_65plus", SRC_SGB12, _LSN, ("Altersarmut", "Grundsicherung", "Armut"),
           levels=MUNICIPAL, maintained_by="county", polarity="higher_worse", unit="per_1000", kind="rate",
           min_denominator=50),
)

# Provision: (category key, German and English label, keywords, target population or None, its labels)
_PROVISION: tuple[tuple[str, str, str, tuple[str, ...], str | None, str, str], ...] = (
    ("beratung", "Beratungsangebote", "counselling services", ("Beratung", "Hilfe", "Unterstützung"),
     "bev_gesamt", "Einwohnerinnen und Einwohner", "residents"),
    ("kinderbetreuung", "Angebote der Kindertagesbetreuung", "child day-care offers",
     ("Kita", "Krippe", "Kindergarten", "Tagesmutter", "Versorgung"),
     "bev_u6", "Kinder unter 6 Jahren", "children under 6"),
    ("kindertagespflege", "Kindertagespflegestellen", "childminders",
     ("Tagesmutter", "Tagesvater", "Kindertagespflege", "Versorgung"),
     "bev_u3", "Kinder unter 3 Jahren", "children under 3"),
    ("schule", "Schul- und Bildungsangebote", "school and education offers", ("Schule", "Bildung"),
     "bev_u18", "Minderjährige", "minors"),
    ("familienzentrum", "Familienzentren und Treffpunkte", "family centres and meeting places",
     ("Familienzentrum", "Treffpunkt", "Familienbildung"), "bev_u18", "Minderjährige", "minors"),
    ("gesundheit", "Gesundheitsangebote", "health services", ("Kinderarzt", "Hebamme", "Gesundheit", "Arzt"),
     "bev_u18", "Minderjährige", "minors"),
    ("pflege", "Pflege- und Seniorenangebote", "care and senior services",
     ("Pflege", "Senioren", "Pflegeheim", "Tagespflege"), "bev_65plus", "Einwohner ab 65 Jahren",
     "residents aged 65 and over"),
    ("freizeit", "Freizeit- und Jugendangebote", "leisure and youth offers",
     ("Jugendzentrum", "Freizeit", "Sport", "Bücherei"), "bev_u18", "Minderjährige", "minors"),
)


def _provision_indicators() -> tuple[IndicatorDef, ...]:
    """Per category: the number of offers in a unit, and offers per 1,000 of the target group.

    The count is not confidential (every offer is public with its address), so its ``min_count`` is 0;
    the rate keeps the rule on its population denominator, so it cannot reveal a small hidden group.
    """
    out: list[IndicatorDef] = []
    for category, label_de, label_en, keywords, population, pop_de, pop_en in _PROVISION:
        count_key = f"angebote_{category}"
        out.append(IndicatorDef(
            count_key, "infrastruktur", f"{label_de} (Anzahl)", f"Number of {label_en}",
            f"Anzahl der veröffentlichten {label_de} in der Raumeinheit (Einrichtungen der Kategorie "
            f"mit ihrer Lage), Stand der Veröffentlichung.",
            f"Number of published {label_en} located in the unit, as currently published.",
            "count", "count", 0, "higher_better", SRC_PROVISION, _OWN, ALL_LEVELS, "sum", "county",
            (*keywords, "Angebote", "Infrastruktur"), min_count=0, provision=Provision(category)))
        if population is None:
            continue
        out.append(IndicatorDef(
            f"{count_key}_je_1000", "infrastruktur", f"{label_de} je 1.000 {pop_de}",
            f"{label_en[0].upper()}{label_en[1:]} per 1,000 {pop_en}",
            f"Veröffentlichte {label_de} in der Raumeinheit je 1.000 {pop_de} (Bevölkerung des letzten "
            f"veröffentlichten Jahres).",
            f"Published {label_en} in the unit per 1,000 {pop_en} (population of the latest published year).",
            "per_1000", "rate", 2, "higher_better", SRC_PROVISION, _OWN, ALL_LEVELS, "ratio", "county",
            (*keywords, "Versorgung", "Versorgungslücke", "Infrastruktur"), numerator=count_key,
            denominator=population, provision=Provision(category, population, 1000)))
    return tuple(out)


INDICATORS: tuple[IndicatorDef, ...] = (
    *_POPULATION, *_EMPLOYMENT, *_CHILD_CARE, *_EDUCATION, *_provision_indicators(), *_HEALTH, *_POVERTY,
)
"""Every standard indicator, numerators and denominators before the rates built on them."""

BY_KEY: dict[str, IndicatorDef] = {i.key: i for i in INDICATORS}


@dataclass(frozen=True)
class StandardCatalogue:
    """The three parts a fresh county gets, in the order they must be written."""

    categories: tuple[CategoryDef, ...] = CATEGORIES
    themes: tuple[ThemeDef, ...] = THEMES
    indicators: tuple[IndicatorDef, ...] = INDICATORS


STANDARD = StandardCatalogue()


def consistency_problems(catalogue: StandardCatalogue = STANDARD) -> list[str]:
    """Every way the catalogue contradicts itself or the contract; empty when it is sound.

    Kept here (not only in the tests) so that an adapted copy can be checked the same way.
    """
    problems: list[str] = []
    themes = {t.key for t in catalogue.themes}
    categories = {c.key for c in catalogue.categories}
    by_key: dict[str, IndicatorDef] = {}
    for ind in catalogue.indicators:
        if ind.key in by_key:
            problems.append(f"{ind.key}: duplicate key")
        by_key[ind.key] = ind
    for ind in catalogue.indicators:
        where = ind.key
        checks = (
            (ind.theme in themes, f"unknown theme {ind.theme}"),
            (ind.unit in UNITS, f"unknown unit {ind.unit}"),
            (ind.kind in KINDS, f"unknown kind {ind.kind}"),
            (ind.polarity in POLARITIES, f"unknown polarity {ind.polarity}"),
            (ind.aggregation in AGGREGATIONS, f"unknown aggregation {ind.aggregation}"),
            (ind.maintained_by in MAINTAINERS, f"unknown maintainer {ind.maintained_by}"),
            (bool(ind.levels) and set(ind.levels) <= set(LEVELS), f"bad levels {ind.levels}"),
            (bool(ind.keywords), "no keywords"),
            (0 <= ind.decimals <= 3, "decimals outside 0..3"),
            (ind.min_count >= 0 and ind.min_denominator >= 0, "negative threshold"),
            ((ind.kind == "count") == (ind.unit == "count"), "a count needs unit count and vice versa"),
            ((ind.kind in ("rate", "share")) == (ind.numerator is not None and ind.denominator is not None),
             "rates and shares (only) name a numerator and a denominator"),
            (ind.kind != "share" or ind.unit == "percent", "a share is in percent"),
            ((ind.aggregation == "ratio") == (ind.kind in ("rate", "share")), "ratio aggregation is for rates"),
            (ind.aggregation != "sum" or ind.kind == "count", "only counts are summed"),
        )
        problems += [f"{where}: {text}" for ok, text in checks if not ok]
        for role, ref in (("numerator", ind.numerator), ("denominator", ind.denominator)):
            if ref is None:
                continue
            other = by_key.get(ref)
            if other is None:
                problems.append(f"{where}: {role} {ref} is not in the catalogue")
            elif other.kind != "count":
                problems.append(f"{where}: {role} {ref} is not a count")
            elif not set(ind.levels) <= set(other.levels):
                problems.append(f"{where}: {role} {ref} is not collected on all of {ind.levels}")
        if ind.provision is not None:
            prov = ind.provision
            if prov.category not in categories:
                problems.append(f"{where}: provision category {prov.category} is not in the catalogue")
            if prov.population is not None and prov.population != ind.denominator:
                problems.append(f"{where}: the provision population must be the denominator")
            if prov.population is None and ind.kind != "count":
                problems.append(f"{where}: a provision without population is a count")
            if ind.maintained_by != "county":
                problems.append(f"{where}: computed provision indicators cannot be maintained by municipalities")
    return problems


# --------------------------------------------------------------------------------------------------
# Writing the standard catalogue into an atlas

STANDARD_LEVELS: tuple[tuple[str, str, int, bool], ...] = (
    ("landkreis", "Landkreis", 1, False),
    ("gemeinde", "Gemeinde / Samtgemeinde", 2, False),
    ("mitgliedsgemeinde", "Mitgliedsgemeinde", 3, False),
    ("ortsteil", "Ortsteil", 4, True),
)
"""(key, name, rank, maintained by municipalities) of the spatial levels of the contract."""


def _loadable(missing: list[IndicatorDef], existing: set[str], categories: set[str],
              levels: tuple[str, ...]) -> tuple[list[IndicatorDef], list[str]]:
    """The missing indicators that can be created, and why the others cannot (a reference the admin
    removed, no level of the atlas); dropping one may strand another, so repeat until stable."""
    skipped: list[str] = []
    chosen = [i for i in missing if any(lv in levels for lv in i.levels)]
    skipped += [f"{i.key}: none of its levels {', '.join(i.levels)} exists" for i in missing if i not in chosen]
    while True:
        known = existing | {i.key for i in chosen}
        bad = [i for i in chosen if any(ref is not None and ref not in known for ref in (
            i.numerator, i.denominator, i.provision.population if i.provision else None))
            or (i.provision is not None and i.provision.category not in categories)]
        if not bad:
            return chosen, skipped
        skipped += [f"{i.key}: refers to an indicator or category that is not in the atlas" for i in bad]
        chosen = [i for i in chosen if i not in bad]


def _complete_category(ctx: AtlasContext, existing: Any, standard: CategoryDef) -> None:
    """Give a category of an older atlas what the catalogue has added since (the English name, the
    search words), where nobody ever set them: an admin's own value, even an emptied list, stays."""
    from .. import configuration

    body = standard.body()
    missing = {name: body[name] for name in ("name_en", "keywords_de", "keywords_en")
               if getattr(existing, name) is None and body[name]}
    if missing:
        configuration.save_category(ctx, missing, existing.id)


def load_standard_catalogue(ctx: AtlasContext, catalogue: StandardCatalogue = STANDARD) -> dict[str, Any]:
    """Write what the atlas lacks of the standard catalogue: spatial levels (only into an atlas that has
    none), offer categories, themes and indicators, through the admin services (checked and audited).

    Idempotent: whatever key exists already is left exactly as the admin adapted it, so running the
    command again changes nothing, and the catalogue version only moves when something was added.
    """
    # Imported here: the data above stays importable without a database (the pure demo geodata uses it).
    from sqlalchemy import select

    from ...storage.models import Category, Indicator, IndicatorTheme, SpatialLevel
    from .. import configuration
    from . import catalogue as service

    session = ctx.session
    report: dict[str, Any] = {"levels": 0, "categories": 0, "themes": 0, "indicators": 0, "skipped": []}
    if session.scalar(select(SpatialLevel.id).limit(1)) is None:
        parent = None
        for key, name, rank, maintained in STANDARD_LEVELS:
            parent = configuration.save_level(ctx, {
                "key": key, "name": name, "rank": rank, "parent_id": parent,
                "maintained_by_municipalities": maintained}).id
            report["levels"] += 1
    existing_cats = {c.key: c for c in session.scalars(select(Category))}
    cat_ids: dict[str, int] = {key: c.id for key, c in existing_cats.items()}
    for cat in catalogue.categories:  # top-level categories come first
        if cat.key in existing_cats:
            _complete_category(ctx, existing_cats[cat.key], cat)
            continue
        if cat.parent_key is not None and cat.parent_key not in cat_ids:
            report["skipped"].append(f"category {cat.key}: its parent {cat.parent_key} is not in the atlas")
            continue
        cat_ids[cat.key] = configuration.save_category(ctx, {
            **cat.body(), "parent_id": cat_ids[cat.parent_key] if cat.parent_key else None}).id
        report["categories"] += 1
    themes = set(session.scalars(select(IndicatorTheme.key)))
    existing = set(session.scalars(select(Indicator.key)))
    levels = tuple(session.scalars(select(SpatialLevel.key)))
    new_themes = [t for t in catalogue.themes if t.key not in themes]
    missing = [i for i in catalogue.indicators if i.key not in existing]
    indicators, skipped = _loadable(missing, existing, set(cat_ids), levels)
    report["skipped"] += skipped
    if new_themes or indicators:
        position = {key: n for n, key in enumerate(i.key for i in catalogue.indicators)}
        service.import_catalogue(ctx, {
            "themes": [t.body() for t in new_themes],
            "indicators": [{**i.body(levels), "position": position[i.key]} for i in indicators]})
    report["themes"], report["indicators"] = len(new_themes), len(indicators)
    report["version"] = service.version(session)
    return report
