"""The indicator catalogue: themes and indicator definitions, owned by the county admin.

Changing the catalogue is atlas configuration like categories and spatial levels: admin only
(:func:`..rights.require_admin`), every change audited, and every change bumps the catalogue
**version**, which every catalogue answer carries so that clients (plugin, web map) notice a change.
Bodies are read with :func:`..validation.read_fields` (so the column limits hold on both databases)
and the references are checked here: the theme, numerator and denominator indicators, the spatial
levels and, for derived provision indicators, the offer category and the population indicator.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session

from ...storage.models import CatalogueVersion, Category, Indicator, IndicatorTheme, Revision, SpatialLevel
from .. import audit
from ..answers import CatalogueAnswer, Deleted, ImportCounts, IndicatorAnswer, IndicatorView, ThemeAnswer, ThemeView
from ..commands import CatalogueImport, IndicatorCommand, ThemeCommand, given, optional_names, read
from ..errors import Conflict, DomainError, FieldError, Invalid, NotFound
from ..rights import require_admin
from ..validation import keyword_errors
from ..views import rename_indicator, views_showing

if TYPE_CHECKING:
    from ..context import AtlasContext

VALUES_LAYER = "indicator_values"  # the sync layer of the values (see values.py)

UNITS = ("count", "percent", "per_1000", "euro", "years", "index", "ratio")
KINDS = ("count", "rate", "share", "mean", "index")
RATIO_KINDS = ("rate", "share")
POLARITIES = ("higher_better", "higher_worse", "neutral")
AGGREGATIONS = ("sum", "ratio", "none")
MAINTAINERS = ("municipalities", "county")
MAX_DECIMALS = 6
_KEY = re.compile(r"^[a-z0-9_]{2,60}$")
RESERVED_KEYS = frozenset({"unit", "name", "level", "parent_key", "year", "hidden", "provisional", "estimated",
                           "series_break"})
"""Names every public feature of indicator values carries beside one property per indicator (the OGC API's
collections per level): an indicator with such a key could not be served there, so none may take one."""
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")



@dataclass(frozen=True)
class IndicatorDef:
    """An indicator as the value checks, aggregation and confidentiality read it (no database)."""

    key: str
    theme: str
    unit: str
    kind: str
    decimals: int
    levels: tuple[str, ...]
    aggregation: str
    min_count: int
    min_denominator: float
    maintained_by: str
    numerator: str | None = None
    denominator: str | None = None
    provision: dict | None = None
    name_de: str = ""
    name_en: str = ""

    @property
    def county_maintained(self) -> bool:
        return self.maintained_by != "municipalities"


@dataclass
class IndicatorCatalogue:
    """The whole catalogue, loaded once per request."""

    version: int = 0
    themes: dict[str, IndicatorTheme] = field(default_factory=dict)
    indicators: dict[str, IndicatorDef] = field(default_factory=dict)


# --- reading --------------------------------------------------------------------------------------


def version(session: Session) -> int:
    """The catalogue version: every change of themes or indicators moves it."""
    return session.scalar(select(CatalogueVersion.version).where(CatalogueVersion.id == 1)) or 0


def _themes(session: Session) -> list[IndicatorTheme]:
    return list(session.scalars(select(IndicatorTheme).order_by(IndicatorTheme.position, IndicatorTheme.key)))


def _indicators(session: Session) -> list[Indicator]:
    return list(session.scalars(select(Indicator).order_by(Indicator.theme_id, Indicator.position, Indicator.key)))


def load(session: Session) -> IndicatorCatalogue:
    """The catalogue for checks and public views: a few queries, no lazy loading afterwards."""
    themes = _themes(session)
    theme_keys = {t.id: t.key for t in themes}
    rows = _indicators(session)
    keys = {i.id: i.key for i in rows}
    return IndicatorCatalogue(version(session), {t.key: t for t in themes}, {i.key: IndicatorDef(
        key=i.key, theme=theme_keys.get(i.theme_id, ""), unit=i.unit, kind=i.kind, decimals=i.decimals,
        levels=tuple(i.levels or ()), aggregation=i.aggregation, min_count=i.min_count,
        min_denominator=i.min_denominator, maintained_by=i.maintained_by,
        numerator=keys.get(i.numerator_id), denominator=keys.get(i.denominator_id), provision=i.provision,
        name_de=i.name_de, name_en=i.name_en) for i in rows})


def _theme_fields(t: IndicatorTheme) -> dict[str, Any]:
    return {"key": t.key, "name_de": t.name_de, "name_en": t.name_en, "position": t.position, "color": t.color}


def _indicator_fields(i: Indicator, keys: dict[int, str], theme_keys: dict[int, str]) -> dict[str, Any]:
    """An indicator's fields in the contract's shape (references as keys)."""
    return {"key": i.key, "theme": theme_keys.get(i.theme_id), "name_de": i.name_de, "name_en": i.name_en,
            "definition_de": i.definition_de, "definition_en": i.definition_en, "position": i.position,
            "unit": i.unit, "kind": i.kind, "numerator": keys.get(i.numerator_id) if i.numerator_id else None,
            "denominator": keys.get(i.denominator_id) if i.denominator_id else None, "decimals": i.decimals,
            "polarity": i.polarity, "source": i.source, "copyright": i.copyright, "levels": list(i.levels or []),
            "aggregation": i.aggregation, "min_count": i.min_count, "min_denominator": i.min_denominator,
            "maintained_by": i.maintained_by, "keywords": list(i.keywords or []), "provision": i.provision}


def catalogue_view(ctx: AtlasContext) -> CatalogueAnswer:
    """The whole catalogue with its version: the public answer, and the export/import format."""
    session = ctx.session
    themes = _themes(session)
    rows = _indicators(session)
    keys, theme_keys = {i.id: i.key for i in rows}, {t.id: t.key for t in themes}
    return CatalogueAnswer(version=version(session), themes=[ThemeView(**_theme_fields(t)) for t in themes],
                           indicators=[IndicatorView(**_indicator_fields(i, keys, theme_keys)) for i in rows])


def indicator_view(ctx: AtlasContext, key: str) -> IndicatorAnswer:
    """One indicator's definition with the catalogue version."""
    session = ctx.session
    ind = _indicator(session, key)
    keys = {i: k for i, k in session.execute(select(Indicator.id, Indicator.key))}
    return IndicatorAnswer(**_indicator_fields(ind, keys, {ind.theme_id: ind.theme.key}), version=version(session))


def _indicator(session: Session, key: str) -> Indicator:
    found = session.scalar(select(Indicator).where(Indicator.key == key)) if isinstance(key, str) else None
    if found is None:
        raise NotFound("indicator_not_found", key=key)
    return found


def _theme(session: Session, key: str) -> IndicatorTheme:
    found = session.scalar(select(IndicatorTheme).where(IndicatorTheme.key == key))
    if found is None:
        raise NotFound("theme_not_found", key=key)
    return found


# --- writing --------------------------------------------------------------------------------------


def _bump(session: Session) -> int:
    """Next catalogue version; the row update also serialises concurrent catalogue changes."""
    session.execute(update(CatalogueVersion).where(CatalogueVersion.id == 1)
                    .values(version=CatalogueVersion.version + 1, changed_at=audit.now()))
    return version(session)


def _invalid(*errors: FieldError) -> Invalid:
    return Invalid("invalid_body", errors=list(errors))


def _check_key(data: dict[str, Any], limit: int) -> None:
    key = data.get("key")
    if key is not None and not (_KEY.match(key) and len(key) <= limit):
        raise _invalid(FieldError("key", "bad_key", {"value": key[:80], "max": limit}))


def _choice(data: dict[str, Any], name: str, allowed: tuple[str, ...]) -> list[FieldError]:
    value = data.get(name)
    if value is not None and value not in allowed:
        return [FieldError(name, "unknown_choice", {"value": value})]
    return []


def _save_theme(session: Session, data: dict[str, Any], theme: IndicatorTheme | None) -> IndicatorTheme:
    _check_key(data, 40)
    color = data.get("color")
    if color is not None and not _COLOR.match(color):
        raise _invalid(FieldError("color", "bad_color", {"value": color}))
    if "key" in data:
        other = session.scalar(select(IndicatorTheme).where(IndicatorTheme.key == data["key"]))
        if other is not None and (theme is None or other.id != theme.id):
            raise Conflict("key_taken", key=data["key"])
    if theme is None:
        theme = IndicatorTheme(position=0)
        session.add(theme)
    for name, value in data.items():
        setattr(theme, name, 0 if name == "position" and value is None else value)
    session.flush()
    return theme


def save_theme(ctx: AtlasContext, body: Any, key: str | None = None) -> ThemeAnswer:
    """Create (``key`` None) or change a theme."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "indicator_catalogue")
    theme = None if key is None else _theme(session, key)
    data = given(read(ThemeCommand, body, partial=theme is not None, model=IndicatorTheme))
    theme = _save_theme(session, data, theme)
    now = _bump(session)
    audit.record(session, actor, "indicator_theme_saved", f"indicator_theme:{theme.key}",
                 fields=sorted(data), version=now)
    return ThemeAnswer(**_theme_fields(theme), version=now)


def delete_theme(ctx: AtlasContext, key: str) -> Deleted:
    """A theme goes only when no indicator belongs to it any more."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "indicator_catalogue")
    theme = _theme(session, key)
    users = session.scalars(select(Indicator.key).where(Indicator.theme_id == theme.id).limit(5)).all()
    if users:
        raise Conflict("theme_in_use", key=key, indicators=", ".join(users))
    session.delete(theme)
    session.flush()
    now = _bump(session)
    audit.record(session, actor, "indicator_theme_deleted", f"indicator_theme:{key}", version=now)
    return Deleted(deleted=key, version=now)


def has_values(session: Session, key: str) -> bool:
    """Whether any revision (pending, published or historic) of the values layer names ``key``: such an
    indicator keeps its key, or a restore would bring back a value of an unknown indicator."""
    return bool(session.scalar(select(exists().where(
        Revision.layer == VALUES_LAYER, Revision.properties["indicator"].as_string() == key))))


def _level_keys(session: Session) -> set[str]:
    return set(session.scalars(select(SpatialLevel.key)))


def _indicator_ref(session: Session, name: str, key: Any, own: Indicator | None) -> tuple[Indicator | None,
                                                                                        FieldError | None]:
    if key is None:
        return None, None
    ref = session.scalar(select(Indicator).where(Indicator.key == key))
    if ref is None or (own is not None and ref.id == own.id):
        return None, FieldError(name, "unknown_indicator", {"value": key})
    if ref.kind != "count":
        return None, FieldError(name, "reference_not_count", {"value": key, "kind": ref.kind})
    return ref, None


def _check_lists(session: Session, merged: dict[str, Any]) -> list[FieldError]:
    errors: list[FieldError] = []
    levels = merged.get("levels")
    known = _level_keys(session)
    if not isinstance(levels, list) or not levels:
        errors.append(FieldError("levels", "empty"))
    else:
        for level in levels:
            if not isinstance(level, str) or level not in known:
                errors.append(FieldError("levels", "unknown_choice", {"value": level}))
        if len(set(map(str, levels))) != len(levels):
            errors.append(FieldError("levels", "duplicate_level"))
    errors += keyword_errors("keywords", merged.get("keywords"))
    return errors


def _check_provision(session: Session, provision: Any, own: Indicator | None) -> tuple[dict | None,
                                                                                        list[FieldError]]:
    """``{"category": <offer category key>, "population": <count indicator key> | null, "per": 1000}``."""
    if provision is None:
        return None, []
    unknown = sorted(set(provision) - {"category", "population", "per"})
    if unknown:
        return None, [FieldError("provision", "unknown_field", {"value": ", ".join(map(str, unknown))})]
    errors: list[FieldError] = []
    category = provision.get("category")
    if not isinstance(category, str) or session.scalar(select(Category.id).where(Category.key == category)) is None:
        errors.append(FieldError("provision", "unknown_category", {"value": category}))
    population = provision.get("population")
    if population is not None:
        _ref, error = _indicator_ref(session, "provision", population, own)
        if error is not None:
            errors.append(error)
    per = provision.get("per", 1000 if population is not None else None)
    if per is not None and (isinstance(per, bool) or not isinstance(per, (int, float)) or not 0 < per <= 1e6):
        errors.append(FieldError("provision", "bad_per", {"value": per}))
    return {"category": category, "population": population, "per": per}, errors


def _save_indicator(session: Session, data: dict[str, Any], ind: Indicator | None) -> Indicator:
    """Check ``data`` (already read with read_fields) against the stored state and the references, then
    write it. Every problem is reported at once."""
    _check_key(data, 60)
    if data.get("key") in RESERVED_KEYS:
        raise _invalid(FieldError("key", "reserved_key", {"value": data["key"]}))
    if "key" in data:
        other = session.scalar(select(Indicator).where(Indicator.key == data["key"]))
        if other is not None and (ind is None or other.id != ind.id):
            raise Conflict("key_taken", key=data["key"])
        if ind is not None and data["key"] != ind.key and has_values(session, ind.key):
            raise Conflict("indicator_key_has_values", key=ind.key)
    current: dict[str, Any] = {} if ind is None else {
        "kind": ind.kind, "unit": ind.unit, "levels": ind.levels, "keywords": ind.keywords,
        "aggregation": ind.aggregation, "numerator": ind.numerator_id, "denominator": ind.denominator_id}
    merged = {**current, **data}
    errors = [*_choice(data, "unit", UNITS), *_choice(data, "kind", KINDS), *_choice(data, "polarity", POLARITIES),
              *_choice(data, "aggregation", AGGREGATIONS), *_choice(data, "maintained_by", MAINTAINERS)]
    errors += _check_lists(session, merged)
    kind = merged.get("kind")
    if ind is not None and kind != "count" and ind.kind == "count":
        users = _users_of(session, ind)
        if users:  # numerator, denominator and population stay counts
            errors.append(FieldError("kind", "count_in_use", {"indicators": ", ".join(users)}))
    aggregation = merged.get("aggregation") or {"count": "sum", "rate": "ratio", "share": "ratio"}.get(kind, "none")
    refs: dict[str, Indicator | None] = {}
    for name in ("numerator", "denominator"):
        if name in data:
            refs[name], error = _indicator_ref(session, name, data[name], ind)
            if error is not None:
                errors.append(error)
    has_ref = {n: (refs[n] is not None) if n in refs else merged.get(n) is not None
               for n in ("numerator", "denominator")}
    if kind not in RATIO_KINDS:
        errors += [FieldError(n, "only_for_ratios", {"kind": kind}) for n, given in has_ref.items() if given]
    if aggregation == "sum" and kind != "count":
        errors.append(FieldError("aggregation", "sum_needs_count", {"kind": kind}))
    if aggregation == "ratio" and not (kind in RATIO_KINDS and all(has_ref.values())):
        errors.append(FieldError("aggregation", "ratio_needs_parts"))
    if "decimals" in data and data["decimals"] is not None and not 0 <= data["decimals"] <= MAX_DECIMALS:
        errors.append(FieldError("decimals", "out_of_range", {"min": 0, "max": MAX_DECIMALS}))
    if "min_count" in data and data["min_count"] is not None and data["min_count"] < 0:
        errors.append(FieldError("min_count", "out_of_range", {"min": 0, "max": 2**31 - 1}))
    threshold = data.get("min_denominator")
    if threshold is not None and not (math.isfinite(threshold) and 0 <= threshold <= 1e12):
        errors.append(FieldError("min_denominator", "out_of_range", {"min": 0, "max": 1e12}))
    theme = None
    if "theme" in data:
        theme = session.scalar(select(IndicatorTheme).where(IndicatorTheme.key == data["theme"]))
        if theme is None:
            errors.append(FieldError("theme", "unknown_choice", {"value": data["theme"]}))
    provision, provision_errors = _check_provision(session, data.get("provision"), ind)
    errors += provision_errors
    if errors:
        raise Invalid("invalid_body", errors=errors)
    if ind is not None and data.get("key", ind.key) != ind.key:
        _rename_in_provisions(session, ind.key, data["key"])
        rename_indicator(session, ind.key, data["key"])
    if ind is None:
        ind = Indicator(position=0, decimals=0 if kind == "count" else 1, polarity="neutral", min_count=3,
                        min_denominator=10.0, maintained_by="county", keywords=[])
        session.add(ind)
    defaults = {"position": 0, "decimals": 0 if kind == "count" else 1, "polarity": "neutral", "min_count": 3,
                "min_denominator": 10.0, "maintained_by": "county", "keywords": []}
    for name, value in data.items():
        if name in ("theme", "numerator", "denominator", "provision", "aggregation"):
            continue
        setattr(ind, name, defaults.get(name) if value is None else value)
    if theme is not None:
        ind.theme_id = theme.id
    for name in ("numerator", "denominator"):
        if name in refs:
            setattr(ind, f"{name}_id", refs[name].id if refs[name] is not None else None)
    if "provision" in data:
        ind.provision = provision
    ind.aggregation = aggregation
    if "keywords" in data:
        ind.keywords = [k.strip() for k in data["keywords"] or []]
    session.flush()
    return ind


def _rename_in_provisions(session: Session, old: str, new: str) -> None:
    """Provision indicators name their population indicator by key: a renamed key follows there too."""
    for other in session.scalars(select(Indicator)):
        if isinstance(other.provision, dict) and other.provision.get("population") == old:
            other.provision = {**other.provision, "population": new}


def save_indicator(ctx: AtlasContext, body: Any, key: str | None = None) -> IndicatorAnswer:
    """Create (``key`` None) or change an indicator (PATCH semantics: only the given fields)."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "indicator_catalogue")
    ind = None if key is None else _indicator(session, key)
    data = given(read(IndicatorCommand, body, partial=ind is not None, model=Indicator))
    ind = _save_indicator(session, data, ind)
    audit.record(session, actor, "indicator_saved", f"indicator:{ind.key}", fields=sorted(data),
                 version=_bump(session))
    return indicator_view(ctx, ind.key)


def _users_of(session: Session, ind: Indicator) -> list[str]:
    """The indicators that build on ``ind`` (as numerator, denominator or provision population), at most 5."""
    users = [i.key for i in session.scalars(select(Indicator).where(
        or_(Indicator.numerator_id == ind.id, Indicator.denominator_id == ind.id, Indicator.provision.is_not(None))))
        if i.numerator_id == ind.id or i.denominator_id == ind.id
        or (isinstance(i.provision, dict) and i.provision.get("population") == ind.key)]
    return sorted(users)[:5]


def delete_indicator(ctx: AtlasContext, key: str) -> Deleted:
    """An indicator goes only when it has no values, no other indicator builds on it and no saved view
    shows it (a view of a deleted indicator would open some other indicator instead)."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "indicator_catalogue")
    ind = _indicator(session, key)
    if has_values(session, key):
        raise Conflict("indicator_has_values", key=key)
    users = _users_of(session, ind)
    if users:
        raise Conflict("indicator_referenced", key=key, indicators=", ".join(users))
    count, views = views_showing(session, key)
    if count:
        raise Conflict("indicator_in_views", key=key, count=count, views="; ".join(views))
    session.delete(ind)
    session.flush()
    now = _bump(session)
    audit.record(session, actor, "indicator_deleted", f"indicator:{key}", version=now)
    return Deleted(deleted=key, version=now)


# --- export and import ----------------------------------------------------------------------------


def _dependencies(doc: dict[str, Any]) -> set[str]:
    provision = doc.get("provision") if isinstance(doc.get("provision"), dict) else {}
    return {k for k in (doc.get("numerator"), doc.get("denominator"), provision.get("population"))
            if isinstance(k, str)}


def _in_dependency_order(items: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """Indicators so that every numerator, denominator and population comes before its user."""
    by_key = {d.get("key"): (i, d) for i, d in enumerate(items)}
    done: set[int] = set()
    out: list[tuple[int, dict[str, Any]]] = []

    def visit(index: int, doc: dict[str, Any], path: tuple[str, ...]) -> None:
        if index in done:
            return
        for dep in sorted(_dependencies(doc)):
            if dep in path:
                raise Invalid("invalid_body", errors=[FieldError(f"indicators[{index}]", "reference_cycle",
                                                                 {"value": dep})])
            if dep in by_key:
                visit(*by_key[dep], (*path, dep))
        done.add(index)
        out.append((index, doc))

    for index, doc in enumerate(items):
        visit(index, doc, (str(doc.get("key")),))
    return out


def _prefixed(exc: DomainError, prefix: str) -> DomainError:
    exc.errors = [FieldError(f"{prefix}.{e.field}", e.code, e.params) for e in exc.errors] or [
        FieldError(prefix, exc.code, exc.params)]
    return exc


def import_catalogue(ctx: AtlasContext, body: Any) -> ImportCounts:
    """Create or update themes and indicators by key from a document in the export format (as
    ``GET /api/v1/indicators`` answers). All or nothing: the caller rolls back on an error. Themes and
    indicators the document does not name stay as they are. One audit entry, one version step."""
    session, actor = ctx.session, ctx.actor
    require_admin(actor, "indicator_catalogue")
    data = given(read(CatalogueImport, body))
    counts = {"themes_created": 0, "themes_updated": 0, "indicators_created": 0, "indicators_updated": 0}
    for index, item in enumerate(data.get("themes") or []):
        try:
            fields = given(read(ThemeCommand, item, model=IndicatorTheme))
            existing = session.scalar(select(IndicatorTheme).where(IndicatorTheme.key == fields["key"]))
            _save_theme(session, fields, existing)
        except DomainError as exc:
            raise _prefixed(exc, f"themes[{index}]") from None
        counts["themes_updated" if existing else "themes_created"] += 1
    items = data.get("indicators") or []
    if not all(isinstance(i, dict) for i in items):
        raise _invalid(FieldError("indicators", "wrong_type", {"expected": "object"}))
    for index, item in _in_dependency_order(items):
        try:
            fields = given(read(IndicatorCommand, item, model=Indicator))
            existing = session.scalar(select(Indicator).where(Indicator.key == fields["key"]))
            if existing is not None:  # a full replacement: what the document leaves out takes its default
                fields = {**dict.fromkeys(optional_names(IndicatorCommand)), **fields}
            _save_indicator(session, fields, existing)
        except DomainError as exc:
            raise _prefixed(exc, f"indicators[{index}]") from None
        counts["indicators_updated" if existing else "indicators_created"] += 1
    now = _bump(session)
    audit.record(session, actor, "indicator_catalogue_imported", "indicator_catalogue", **counts, version=now)
    return ImportCounts(**counts, version=now)
