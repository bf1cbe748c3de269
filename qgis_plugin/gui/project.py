"""The working copy as layers of the QGIS project: group, styles, attribute forms.

Everything here is presentation. Which features are "own" is the server's ownership rule, which
the layers only mirror (own institutions editable, the other municipalities' read-only); the
checks themselves are in :mod:`..core.validation` and on the server.

Layer group "Familienatlas":

- "Einrichtungen (eigene)": ``institutions`` with ``"owner" = '<own key>'``, editable
- "Einrichtungen (andere Kommunen)": the same table with ``"owner" <> '<own key>'``, read-only
- "Raumeinheiten": ``spatial_units``
- "Gemeindegebiete": the municipalities' territories (:mod:`..core.reference`), read-only

Institutions get a categorized renderer built from the server's catalogue colours (the palette the
web map uses) with a coloured ring for features whose review state is not "published" (local
change, pending review, rejected); territories and spatial units get the base styles in
``styles/*.qml``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsDefaultValue,
    QgsEditorWidgetSetup,
    QgsFieldConstraints,
    QgsLayerTreeGroup,
    QgsMarkerSymbol,
    QgsProject,
    QgsProviderRegistry,
    QgsRuleBasedRenderer,
    QgsSimpleMarkerSymbolLayer,
    QgsVectorLayer,
)

from ..core import reference
from ..core.constraints import FORMAT, MAX_LENGTH, NOT_GREATER, RANGE, Constraint, field_types, layer_constraints
from ..core.messages import get_language, title_of
from ..core.workcopy import WorkingCopy
from .feature_display import state_labels
from .i18n import tr

GROUP_NAME = "Familienatlas"
PROPERTY_ROLE = "familienatlas/role"
PROPERTY_TABLE = "familienatlas/table"
PROPERTY_OWN_KEY = "familienatlas/own_municipality"
ROLE_OWN, ROLE_OTHERS, ROLE_UNITS, ROLE_TERRITORIES, ROLE_ALL = "own", "others", "units", "territories", "all"
ROLE_VALUES = "values"
#: The subcategory choices the forms read (in the project, not in the layer tree).
ROLE_CHOICES = "choices"

INSTITUTIONS, SPATIAL_UNITS, INDICATOR_VALUES = "institutions", "spatial_units", "indicator_values"

#: QGIS's value for "no value" in a ValueMap.
VALUE_MAP_NULL = "{2839923C-8B7D-419E-B84B-CA2FE9B80EC7}"
FALLBACK_COLOR = "#8c8c8c"

#: Ring colours of the review states that need attention (the published state has no ring).
STATE_COLORS = {"local": "#1f5fff", "pending": "#ff9f1a", "rejected": "#d7191c"}

PLUGIN_DIR = Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------------- helpers


def styles_dir() -> Path:
    """``styles/`` in the installed plugin (the zip puts it there) or at the top of the repository."""
    for candidate in (PLUGIN_DIR / "styles", PLUGIN_DIR.parent / "styles"):
        if candidate.is_dir():
            return candidate
    return PLUGIN_DIR / "styles"


def sql_literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def layer_path(layer: Any) -> Path | None:
    """The file behind an OGR layer (None for other providers)."""
    if not isinstance(layer, QgsVectorLayer) or layer.providerType() != "ogr":
        return None
    path = QgsProviderRegistry.instance().decodeUri("ogr", layer.source()).get("path")
    return Path(path).resolve() if path else None


def working_copy_layers(path: Path | str, project: QgsProject | None = None) -> list[QgsVectorLayer]:
    """The project's layers that show the working copy at ``path``."""
    project = project or QgsProject.instance()
    target = Path(path).resolve()
    return [layer for layer in project.mapLayers().values() if layer_path(layer) == target]


def freeze_working_copy_layers(path: Path | str) -> dict[str, bool]:
    """Make the working copy's layers read-only while a sync writes the file underneath them, so no
    edit saved in QGIS meanwhile can be overwritten by what the sync receives. Returns what to give
    :func:`thaw_working_copy_layers` (each layer's earlier read-only flag)."""
    frozen: dict[str, bool] = {}
    for layer in working_copy_layers(path):
        frozen[layer.id()] = layer.readOnly()
        layer.setReadOnly(True)
    return frozen


def thaw_working_copy_layers(frozen: dict[str, bool]) -> None:
    """Give the layers back the read-only flags they had before the sync."""
    for layer_id, was_read_only in frozen.items():
        layer = QgsProject.instance().mapLayer(layer_id)
        if layer is not None:
            layer.setReadOnly(was_read_only)


# ---------------------------------------------------------------------- renderer


def ring_labels() -> dict[str, str]:
    """What each ring colour means, as the legend says it."""
    return {
        "local": tr("Ring blau: lokal geändert, nicht gesendet"),
        "pending": tr("Ring orange: wartet auf Prüfung"),
        "rejected": tr("Ring rot: abgelehnt (Grund: „Lokale Änderungen“)"),
    }


def _ring(color: str, faded: bool) -> QgsMarkerSymbol:
    """A ring around the dot whose colour tells a review state that needs attention."""
    symbol = QgsMarkerSymbol()
    symbol.changeSymbolLayer(0, QgsSimpleMarkerSymbolLayer.create({
        "name": "circle", "size": "5.2", "color": "0,0,0,0", "outline_color": color, "outline_width": "0.9"}))
    if faded:
        symbol.setOpacity(0.6)
    return symbol


def _marker(color: str, faded: bool) -> QgsMarkerSymbol:
    symbol = QgsMarkerSymbol.createSimple({"name": "circle", "size": "2.6" if faded else "3.2", "color": color,
                                           "outline_color": "#ffffff", "outline_width": "0.35"})
    if faded:
        symbol.setOpacity(0.6)
    return symbol


def institutions_renderer(categories: Iterable[Mapping[str, Any]], faded: bool = False) -> QgsRuleBasedRenderer:
    """A dot per ``category`` in the catalogue's colours (unknown values grey), then a coloured ring
    for each review state that needs attention (local change, pending, rejected).

    Rules rather than categories, so that the legend explains the rings too (each with its count
    when QGIS shows feature counts). ``faded`` draws the other municipalities' institutions smaller
    and lighter than the own ones.
    """
    root = QgsRuleBasedRenderer.Rule(None)
    keys = []
    for category in categories:
        if category.get("parent_id") is not None:
            continue
        keys.append(category["key"])
        root.appendChild(QgsRuleBasedRenderer.Rule(
            _marker(category.get("color") or FALLBACK_COLOR, faded), 0, 0,
            f'"category" = {sql_literal(category["key"])}', category.get("name") or category["key"]))
    others = '"category" IS NULL' + (f' OR "category" NOT IN ({", ".join(map(sql_literal, keys))})' if keys else "")
    root.appendChild(QgsRuleBasedRenderer.Rule(_marker(FALLBACK_COLOR, faded), 0, 0, others, tr("Sonstige")))
    labels = ring_labels()
    for state, color in STATE_COLORS.items():
        root.appendChild(QgsRuleBasedRenderer.Rule(_ring(color, faded), 0, 0, f'"fa_state" = {sql_literal(state)}',
                                                   labels[state]))
    return QgsRuleBasedRenderer(root)


# ---------------------------------------------------------------------- forms


def configure_form(layer: QgsVectorLayer, schema: Mapping[str, Any], *, default_owner: str | None = None,
                   choice_layers: Mapping[str, QgsVectorLayer] | None = None) -> None:
    """Aliases, drop-downs, required fields, defaults and read-only columns of a sync layer.

    ``choice_layers`` names fields whose choices depend on another field (the subcategory on the
    category): their drop-down reads the choices layer and shows only those of the chosen parent.
    """
    fields = layer.fields()
    form = layer.editFormConfig()
    notnull = QgsFieldConstraints.Constraint.ConstraintNotNull
    soft = QgsFieldConstraints.ConstraintStrength.ConstraintStrengthSoft
    # Labels of all choices, so a subcategory can name its category ("Krippe (Kindertagesbetreuung)").
    labels = {c.get("value"): c.get("label") for spec in schema.get("fields", [])
              for c in spec.get("choices") or [] if isinstance(c, Mapping)}
    for spec in schema.get("fields", []):
        index = fields.indexOf(spec["name"])
        if index < 0:
            continue
        layer.setFieldAlias(index, title_of(spec, spec["name"]))
        choices = spec.get("choices")
        if choices and spec["name"] in (choice_layers or {}):
            layer.setEditorWidgetSetup(index, _dependent_choices(choice_layers[spec["name"]], spec))
        elif choices:
            value_map = {"map": _value_map(choices, spec, labels)}
            layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup("ValueMap", value_map))
        elif spec.get("type") == "text":
            layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup("TextEdit", {"IsMultiline": True,
                                                                                "UseHtml": False}))
        elif spec.get("type") == "date":
            layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup("DateTime", {
                "field_format": "yyyy-MM-dd", "display_format": "dd.MM.yyyy", "calendar_popup": True,
                "allow_null": True}))
        elif spec.get("type") == "boolean":
            layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup("CheckBox", {}))
        if spec.get("required") and spec["name"] != "owner":
            # Soft: QGIS warns in the form but still saves; the check before the sync holds it back.
            layer.setFieldConstraint(index, notnull, soft)
    apply_constraints(layer, schema)
    owner = fields.indexOf("owner")
    if owner >= 0:
        form.setReadOnly(owner, True)
        if default_owner:
            layer.setDefaultValueDefinition(owner, QgsDefaultValue(sql_literal(default_owner)))
    uuid_index = fields.indexOf("uuid")
    if uuid_index >= 0:
        layer.setFieldAlias(uuid_index, "UUID")
        layer.setDefaultValueDefinition(uuid_index, QgsDefaultValue("uuid(format:='WithoutBraces')"))
        form.setReadOnly(uuid_index, True)
    for name in ("fid", "fa_revision"):
        index = fields.indexOf(name)
        if index >= 0:
            layer.setEditorWidgetSetup(index, QgsEditorWidgetSetup("Hidden", {}))
            form.setReadOnly(index, True)
    state = fields.indexOf("fa_state")
    if state >= 0:
        layer.setFieldAlias(state, tr("Prüfstatus"))
        layer.setEditorWidgetSetup(state, QgsEditorWidgetSetup("ValueMap", {
            "map": [{label: value} for value, label in state_labels().items()]}))
        form.setReadOnly(state, True)
    reason = fields.indexOf("fa_reason")
    if reason >= 0:
        layer.setFieldAlias(reason, tr("Hinweis der Prüfung"))
        form.setReadOnly(reason, True)
    layer.setEditFormConfig(form)


def apply_constraints(layer: QgsVectorLayer, schema: Mapping[str, Any]) -> None:
    """The layer description's constraints (:mod:`..core.constraints`, the same ones the check before
    a sync applies) as expression constraints of the form, so a value the server would refuse is
    marked while the person types. One expression per field (QGIS keeps one): its constraints joined
    with AND, their descriptions one after the other. Soft, like the required fields."""
    fields = layer.fields()
    types = field_types(schema)
    titles = {spec["name"]: title_of(spec, spec["name"]) for spec in schema.get("fields", [])}
    per_field: dict[str, list[tuple[str, str]]] = {}
    for constraint in layer_constraints(schema):
        expression = constraint.expression(types)
        if expression is not None:
            per_field.setdefault(constraint.field, []).append(
                (expression, constraint_description(constraint, titles)))
    for name, parts in per_field.items():
        index = fields.indexOf(name)
        if index < 0:
            continue
        expression = parts[0][0] if len(parts) == 1 else " AND ".join(f"({e})" for e, _d in parts)
        layer.setConstraintExpression(index, expression, " ".join(d for _e, d in parts))
        layer.setFieldConstraint(index, QgsFieldConstraints.Constraint.ConstraintExpression,
                                 QgsFieldConstraints.ConstraintStrength.ConstraintStrengthSoft)


def constraint_description(constraint: Constraint, titles: Mapping[str, str]) -> str:
    """What a constraint asks for, as the form shows it next to a value that breaks it."""
    params, kind = constraint.params, constraint.kind
    other = titles.get(constraint.fields[-1], constraint.fields[-1])
    if kind == MAX_LENGTH:
        return tr("Höchstens {max} Zeichen.").format(max=params["max"])
    if kind == RANGE and params.get("min") is not None and params.get("max") is not None:
        return tr("Erlaubt sind Werte von {min} bis {max}.").format(min=_number(params["min"]),
                                                                    max=_number(params["max"]))
    if kind == RANGE and params.get("min") is not None:
        return tr("Mindestens {min}.").format(min=_number(params["min"]))
    if kind == RANGE:
        return tr("Höchstens {max}.").format(max=_number(params["max"]))
    if kind == FORMAT and params.get("format") == "email":
        return tr("Eine E-Mail-Adresse wie name@beispiel.de.")
    if kind == FORMAT and params.get("format") == "uri":
        return tr("Eine Webadresse, die mit http:// oder https:// beginnt.")
    if kind == FORMAT and params.get("format") == "opening_hours":
        return tr("Öffnungszeiten im OpenStreetMap-Format, z. B. Mo-Fr 08:00-16:00; Sa 10:00-12:00.")
    if kind == FORMAT and params.get("format") == "municipality_keys":
        return tr("Gemeindeschlüssel, mit Kommas getrennt (der Schlüssel des Landkreises: kreisweit).")
    if kind == FORMAT:
        return tr("Im Format „{format}“.").format(format=params.get("format") or params.get("pattern"))
    if kind == NOT_GREATER and constraint.field == constraint.fields[-1]:
        return tr("Nicht kleiner als „{other}“.").format(other=titles.get(constraint.fields[0], ""))
    if kind == NOT_GREATER:
        return tr("Nicht größer als „{other}“.").format(other=other)
    return tr("Muss zu „{other}“ passen.").format(other=other)


def _number(value: Any) -> str:
    """A bound for people: 120, not 120.0; German decimal comma."""
    text = str(int(value)) if float(value).is_integer() and abs(value) < 1e12 else f"{value:g}"
    return text.replace(".", ",") if get_language() == "de" else text


def _dependent_choices(choices: QgsVectorLayer, spec: Mapping[str, Any]) -> QgsEditorWidgetSetup:
    """A drop-down of the choices whose ``parent`` is the value of the parent field in the form."""
    parent_field = "category"
    return QgsEditorWidgetSetup("ValueRelation", {
        "Layer": choices.id(), "LayerName": choices.name(), "LayerSource": choices.source(),
        "LayerProviderName": "ogr", "Key": "value", "Value": "label",
        "FilterExpression": f"\"parent\" = current_value('{parent_field}')",
        "AllowNull": not spec.get("required"), "OrderByValue": False, "AllowMulti": False, "UseCompleter": False,
    })


def _value_map(choices: Sequence[Any], spec: Mapping[str, Any], labels: Mapping[Any, Any]) -> list[dict[str, str]]:
    """ValueMap entries ``{label: value}`` in catalogue order; optional fields may stay empty."""
    entries = []
    if not spec.get("required"):
        entries.append({tr("(keine Angabe)"): VALUE_MAP_NULL})
    choices = [c if isinstance(c, Mapping) else {"value": c, "label": c} for c in choices]
    for choice in choices:
        label = choice.get("label") or choice.get("value")
        parent = choice.get("parent")
        if parent:
            label = f"{label} ({labels.get(parent, parent)})"
        entries.append({label: choice.get("value")})
    return entries


# ---------------------------------------------------------------------- layers


def _layer(workcopy: WorkingCopy, table: str, name: str, role: str, subset: str | None = None) -> QgsVectorLayer:
    # The filter goes into the URI: setSubsetString() on a second layer of the same GeoPackage
    # table makes QGIS 3.22 / GDAL 3.6 reopen the file so that later layers on it fail to read.
    uri = f"{workcopy.path}|layername={table}" + (f"|subset={subset}" if subset else "")
    layer = QgsVectorLayer(uri, name, "ogr")
    layer.setCustomProperty(PROPERTY_ROLE, role)
    layer.setCustomProperty(PROPERTY_TABLE, table)
    layer.setCustomProperty(PROPERTY_OWN_KEY, reference.own_municipality_key(workcopy) or "")
    return layer


def set_abstract(layer: QgsVectorLayer, text: str) -> None:
    """The layer's abstract (shown in its tooltip in the layer tree): where QGIS keeps it since 3.28
    (server properties), else on the layer."""
    server = layer.serverProperties() if hasattr(layer, "serverProperties") else None
    if server is not None and hasattr(server, "setAbstract"):
        server.setAbstract(text)
    else:
        layer.setAbstract(text)


def abstract(layer: QgsVectorLayer) -> str:
    server = layer.serverProperties() if hasattr(layer, "serverProperties") else None
    return server.abstract() if server is not None and hasattr(server, "abstract") else layer.abstract()


def read_only_reason(role: str | None) -> str:
    """Why a layer of the working copy cannot be edited (QGIS shows it in the layer's tooltip)."""
    return tr("Nur lesen: Ihr Konto hat die Rolle „{role}“ und darf keine Änderungen senden.").format(
        role=role or "?")


def style_institutions(layer: QgsVectorLayer, workcopy: WorkingCopy) -> None:
    faded = layer.customProperty(PROPERTY_ROLE) == ROLE_OTHERS
    layer.setRenderer(institutions_renderer(reference.top_level_categories(workcopy), faded=faded))
    layer.setDisplayExpression('"name"')
    layer.setMapTipTemplate(map_tip_template())


def html_escaped(expression: str) -> str:
    """A QGIS expression for the value of ``expression`` with ``&``, ``<`` and ``>`` as HTML entities.

    A map tip is HTML (shown in a web view): names, categories and review reasons are other
    people's input and must be shown as text, never interpreted.
    """
    return f"replace({expression}, array('&', '<', '>'), array('&amp;', '&lt;', '&gt;'))"


def map_tip_template() -> str:
    """Name, category, subcategory, review state and reason of an institution; every value escaped."""
    name = html_escaped('"name"')
    category = html_escaped('represent_value("category")')
    subcategory = html_escaped("' – ' || represent_value(\"subcategory\")")
    state = html_escaped('represent_value("fa_state")')
    reason = html_escaped("': ' || \"fa_reason\"")
    return f"<b>[% {name} %]</b><br>[% {category} %][% {subcategory} %]<br>[% {state} %][% {reason} %]"


def _load_style(layer: QgsVectorLayer, file_name: str) -> bool:
    path = styles_dir() / file_name
    if not path.is_file():
        return False
    _message, ok = layer.loadNamedStyle(str(path))
    return bool(ok)


def build_layers(workcopy: WorkingCopy) -> list[QgsVectorLayer]:
    """The working copy's layers, configured but not yet in a project (top to bottom)."""
    user = reference.user(workcopy) or {}
    role = user.get("role")
    own_key = reference.own_municipality_key(workcopy)
    may_edit = role in ("editor", "admin")
    layers: list[QgsVectorLayer] = []
    dependent: dict[str, QgsVectorLayer] = {}
    if reference.has_subcategories(workcopy):
        # Not shown in the layer tree (see add_working_copy_layers): only the forms read it.
        subcategories = _layer(workcopy, reference.SUBCATEGORIES_TABLE, tr("Unterkategorien"), ROLE_CHOICES)
        subcategories.setReadOnly(True)
        dependent["subcategory"] = subcategories
    if workcopy.has_layer(INSTITUTIONS):
        schema = workcopy.schema(INSTITUTIONS)
        if own_key:
            own = _layer(workcopy, INSTITUTIONS, tr("Einrichtungen (eigene)"), ROLE_OWN,
                         f'"owner" = {sql_literal(own_key)}')
            others = _layer(workcopy, INSTITUTIONS, tr("Einrichtungen (andere Kommunen)"), ROLE_OTHERS,
                            f'"owner" <> {sql_literal(own_key)}')
            configure_form(own, schema, default_owner=own_key, choice_layers=dependent)
            configure_form(others, schema, choice_layers=dependent)
            own.setReadOnly(not may_edit)
            # The server lets only the county admin change other municipalities' features.
            others.setReadOnly(role != "admin")
            set_abstract(own, tr("Die Einrichtungen Ihrer Kommune: hier bearbeiten, dann „Synchronisieren“.")
                            if may_edit else read_only_reason(role))
            if role != "admin":
                set_abstract(others, tr("Nur lesen: diese Einrichtungen gehören anderen Kommunen. Ändern dürfen "
                                      "sie nur die jeweilige Kommune und die Kreisverwaltung."))
            layers += [own, others]
        else:
            everything = _layer(workcopy, INSTITUTIONS, tr("Einrichtungen"), ROLE_ALL)
            configure_form(everything, schema, choice_layers=dependent)
            everything.setReadOnly(not may_edit)
            if not may_edit:
                set_abstract(everything, read_only_reason(role))
            layers.append(everything)
        for layer in layers:
            style_institutions(layer, workcopy)
    if workcopy.has_layer(SPATIAL_UNITS):
        units = _layer(workcopy, SPATIAL_UNITS, tr("Raumeinheiten"), ROLE_UNITS)
        _load_style(units, "spatial_units.qml")
        configure_form(units, workcopy.schema(SPATIAL_UNITS), default_owner=own_key if role == "editor" else None)
        units.setReadOnly(not may_edit)
        if not may_edit:
            set_abstract(units, read_only_reason(role))
        layers.append(units)
    if workcopy.has_layer(INDICATOR_VALUES):
        # A table (no geometry): the values of the own units (and what others share), usable offline.
        values = _layer(workcopy, INDICATOR_VALUES, tr("Indikatorwerte"), ROLE_VALUES)
        configure_form(values, workcopy.schema(INDICATOR_VALUES),
                       default_owner=own_key if role == "editor" else None)
        values.setReadOnly(not may_edit)
        layers.append(values)
    if reference.municipalities(workcopy):
        territories = _layer(workcopy, reference.MUNICIPALITIES_TABLE, tr("Gemeindegebiete"), ROLE_TERRITORIES)
        _load_style(territories, "territories.qml")
        for index, title in ((territories.fields().indexOf("key"), tr("Gemeindeschlüssel")),
                             (territories.fields().indexOf("name"), tr("Name")),
                             (territories.fields().indexOf("kind"), tr("Art")),
                             (territories.fields().indexOf("parent_key"), tr("Übergeordnet"))):
            if index >= 0:
                territories.setFieldAlias(index, title)
        territories.setReadOnly(True)
        set_abstract(territories, tr("Nur lesen: die Gemeindegebiete pflegt die Kreisverwaltung auf dem Server; "
                                   "sie werden bei jedem Synchronisieren aktualisiert."))
        layers.append(territories)
    return layers + list(dependent.values())


def remove_working_copy_layers(path: Path | str, project: QgsProject | None = None) -> None:
    """Take the working copy's layers (and an emptied "Familienatlas" group) out of the project."""
    project = project or QgsProject.instance()
    layers = working_copy_layers(path, project)
    for layer in layers:
        if layer.isEditable():
            layer.rollBack()
    project.removeMapLayers([layer.id() for layer in layers])
    root = project.layerTreeRoot()
    group = root.findGroup(GROUP_NAME)
    if group is not None and not group.children():
        root.removeChildNode(group)


def add_working_copy_layers(workcopy: WorkingCopy, project: QgsProject | None = None) -> QgsLayerTreeGroup:
    """Show the working copy in the project as the "Familienatlas" group (replacing an older one)."""
    project = project or QgsProject.instance()
    remove_working_copy_layers(workcopy.path, project)
    if not project.crs().isValid() or not project.mapLayers():
        project.setCrs(QgsCoordinateReferenceSystem("EPSG:25832"))
    root = project.layerTreeRoot()
    group = root.findGroup(GROUP_NAME) or root.insertGroup(0, GROUP_NAME)
    layers = build_layers(workcopy)
    for layer in layers:
        if not layer.isValid():
            continue
        project.addMapLayer(layer, False)
        if layer.customProperty(PROPERTY_ROLE) != ROLE_CHOICES:
            group.addLayer(layer)
    return group


def refresh_working_copy_layers(workcopy: WorkingCopy, project: QgsProject | None = None) -> None:
    """Re-read the file after a sync (QGIS caches features) and re-apply the catalogue's colours."""
    for layer in working_copy_layers(workcopy.path, project):
        if layer.isEditable():
            continue
        layer.reload()
        if layer.customProperty(PROPERTY_TABLE) == INSTITUTIONS:
            style_institutions(layer, workcopy)
        layer.triggerRepaint()


def find_feature(workcopy: WorkingCopy, table: str, uuid: str,
                 project: QgsProject | None = None) -> tuple[QgsVectorLayer, int] | None:
    """The project layer and feature id that show feature ``uuid`` of ``table`` (for zooming)."""
    for layer in working_copy_layers(workcopy.path, project):
        if layer.customProperty(PROPERTY_TABLE) != table:
            continue
        request_expression = f'"uuid" = {sql_literal(uuid)}'
        for feature in layer.getFeatures(request_expression):
            return layer, feature.id()
    return None
