"""Checkout through the plugin's SyncTask in QGIS's task manager: the layer group, which layers may
be edited, the catalogue's colours, the attribute forms; and a picture of the result."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeature,
    QgsFeatureRequest,
    QgsFieldConstraints,
    QgsLayerTreeModel,
    QgsProject,
    QgsRectangle,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QMessageBox

from qgis_plugin.core.workcopy import WorkingCopy
from qgis_plugin.gui import project, tasks

from .plugin_support import ModalAnswer, checkout, layer_by_role, login, messages_of, save_map_with_legend, wait_until

MELLE = "034590024024"


def feature_context(layer: Any, **values: Any) -> QgsExpressionContext:
    """An expression context for a feature of ``layer`` with the given attribute values."""
    feature = QgsFeature(layer.fields())
    for name, value in values.items():
        feature[name] = value
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    context.setFeature(feature)
    return context


def count(layer: Any) -> int:
    """Features the layer shows, by reading them."""
    return sum(1 for _ in layer.getFeatures())


def test_checkout_builds_the_familienatlas_group(live_server: Any, plugin: Any, qgis_iface: Any,
                                                 tmp_path: Path) -> None:
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    wc = plugin.workcopy
    assert wc is not None and wc.path == tmp_path / "melle" / "familienatlas.gpkg"
    assert any(m.startswith("Familienatlas:Arbeitskopie ausgecheckt: ") for m in
               messages_of(qgis_iface, Qgis.MessageLevel.Success))

    group = QgsProject.instance().layerTreeRoot().findGroup("Familienatlas")
    assert group is not None
    assert [child.name() for child in group.children()] == [
        "Einrichtungen (eigene)", "Einrichtungen (andere Kommunen)", "Raumeinheiten", "Indikatorwerte",
        "Gemeindegebiete"]
    own = layer_by_role(plugin, project.ROLE_OWN)
    others = layer_by_role(plugin, project.ROLE_OTHERS)
    units = layer_by_role(plugin, project.ROLE_UNITS)
    territories = layer_by_role(plugin, project.ROLE_TERRITORIES)
    assert all(layer.isValid() for layer in (own, others, units, territories))

    # Own institutions editable, the other municipalities' read-only, territories read-only.
    assert own.subsetString() == "\"owner\" = '034590024024'"
    assert others.subsetString() == "\"owner\" <> '034590024024'"
    # What QGIS's "show feature count" writes beside each layer in the legend: the layer's own count.
    assert (own.featureCount(), others.featureCount()) == (count(own), count(others))
    assert not own.readOnly() and own.startEditing()
    own.rollBack()
    assert others.readOnly() and not others.startEditing()
    assert territories.readOnly() and not territories.startEditing()
    # A read-only layer says why (QGIS shows the abstract in the layer's tooltip).
    assert project.abstract(others).startswith("Nur lesen: diese Einrichtungen gehören anderen Kommunen.")
    assert project.abstract(territories).startswith("Nur lesen: die Gemeindegebiete pflegt die Kreisverwaltung")
    rows = wc.rows("institutions")
    assert count(own) == sum(1 for r in rows if r.properties["owner"] == MELLE) > 0
    assert count(others) == sum(1 for r in rows if r.properties["owner"] != MELLE) > 0
    admin = login(live_server.url, "admin")
    assert count(territories) == len(admin.municipalities(territory=False)) == 39
    assert count(units) == len(wc.rows("spatial_units")) > 0

    # A dot per category in the server's catalogue colours (the web map's palette), then a ring per
    # review state that needs attention; the legend explains both.
    palette = {c["key"]: c["color"].lower() for c in admin.categories() if c["parent_id"] is None}
    legend = QgsLayerTreeModel(QgsProject.instance().layerTreeRoot())
    for layer in (own, others):
        renderer = layer.renderer()
        assert renderer.type() == "RuleRenderer"
        rules = renderer.rootRule().children()
        colours = {r.filterExpression(): r.symbol().color().name() for r in rules[:len(palette)]}
        assert colours == {f"\"category\" = '{key}'": colour for key, colour in palette.items()}
        assert "Beratung & Unterstützung" in [r.label() for r in rules]
        rings = {r.filterExpression(): (r.label(), r.symbol().symbolLayer(0).strokeColor().name())
                 for r in rules[len(palette) + 1:]}
        assert rings == {"\"fa_state\" = 'local'": ("Ring blau: lokal geändert, nicht gesendet", "#1f5fff"),
                         "\"fa_state\" = 'pending'": ("Ring orange: wartet auf Prüfung",
                                                     "#ff9f1a"),
                         "\"fa_state\" = 'rejected'": (
                             "Ring rot: abgelehnt (Grund: „Lokale Änderungen“)", "#d7191c")}
        node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
        shown = [n.data(Qt.ItemDataRole.DisplayRole) for n in legend.layerLegendNodes(node)]
        assert shown[-3:] == [label for label, _colour in rings.values()]

    # Forms: drop-downs from the schema choices, German aliases, required fields, uuid default, fa_* read-only.
    fields = own.fields()
    category = fields.indexOf("category")
    setup = own.editorWidgetSetup(category)
    assert setup.type() == "ValueMap"
    entries = {label: value for entry in setup.config()["map"] for label, value in entry.items()}
    assert entries["Beratung & Unterstützung"] == "beratung" and len(entries) == len(palette)
    # The subcategory drop-down offers only the subcategories of the chosen category.
    sub_setup = own.editorWidgetSetup(fields.indexOf("subcategory"))
    assert sub_setup.type() == "ValueRelation"
    choices = QgsProject.instance().mapLayer(sub_setup.config()["Layer"])
    assert choices is not None and QgsProject.instance().layerTreeRoot().findLayer(choices.id()) is None
    chosen = QgsFeature(own.fields())
    chosen["category"] = "beratung"
    context = QgsExpressionContext()
    context.appendScope(QgsExpressionContextUtils.formScope(chosen))
    request = QgsFeatureRequest(QgsExpression(sub_setup.config()["FilterExpression"]))
    request.setExpressionContext(context)
    offered = {f["value"]: f["label"] for f in choices.getFeatures(request)}
    assert offered["erziehungsberatung"] == "Erziehungsberatung" and "krippe" not in offered
    assert {f["parent"] for f in choices.getFeatures(request)} == {"beratung"}
    assert own.attributeAlias(category) == "Kategorie"
    assert own.attributeAlias(fields.indexOf("provider")) == "Träger"
    notnull = QgsFieldConstraints.Constraint.ConstraintNotNull
    assert fields.field("name").constraints().constraintStrength(notnull) == \
        QgsFieldConstraints.ConstraintStrength.ConstraintStrengthSoft
    assert fields.field("provider").constraints().constraintStrength(notnull) == \
        QgsFieldConstraints.ConstraintStrength.ConstraintStrengthNotSet
    uuid_default = own.defaultValueDefinition(fields.indexOf("uuid")).expression()
    assert uuid_default == "uuid(format:='WithoutBraces')"
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(own))
    assert str(uuid.UUID(QgsExpression(uuid_default).evaluate(context))).count("-") == 4
    assert own.defaultValueDefinition(fields.indexOf("owner")).expression() == "'034590024024'"
    form = own.editFormConfig()
    for name in ("uuid", "owner", "fa_revision", "fa_state", "fa_reason"):
        assert form.readOnly(fields.indexOf(name)), name
    assert own.editorWidgetSetup(fields.indexOf("fa_revision")).type() == "Hidden"
    assert own.editorWidgetSetup(fields.indexOf("fa_state")).type() == "ValueMap"
    assert units.editorWidgetSetup(units.fields().indexOf("level")).type() == "ValueMap"
    assert units.attributeAlias(units.fields().indexOf("level")) == "Raumebene"

    # The map shows Melle; a picture of map and legend for a person to look at.
    canvas = qgis_iface.mapCanvas()
    melle = QgsRectangle(next(territories.getFeatures("\"key\" = '034590024024'")).geometry().boundingBox())
    wait_until(lambda: melle.contains(canvas.center()), timeout=60, what="the zoom to Melle")
    assert canvas.extent().contains(melle)
    assert melle.contains(canvas.center())
    assert canvas.mapSettings().destinationCrs().authid() == "EPSG:25832"
    melle.scale(1.15)
    picture = save_map_with_legend(qgis_iface, "plugin-checkout-melle.png", melle)
    assert picture.stat().st_size > 20_000


def test_a_readers_layers_are_read_only_and_say_why(live_server: Any, plugin: Any, tmp_path: Path) -> None:
    """A reader's own institutions cannot be edited, and the layer's tooltip says it is the role."""
    checkout(plugin, live_server.url, "melle.reader", tmp_path / "reader")
    own = layer_by_role(plugin, project.ROLE_OWN)
    assert own.readOnly() and not own.startEditing()
    assert project.abstract(own) == "Nur lesen: Ihr Konto hat die Rolle „reader“ und darf keine Änderungen senden."


def test_checkout_replaces_a_working_copy_only_when_allowed(live_server: Any, plugin: Any, tmp_path: Path) -> None:
    """A second checkout into a folder with unsent changes asks first (unsaved edits are saved
    before, after asking); "no" keeps the edits, "yes" replaces the working copy."""
    folder = tmp_path / "melle"
    checkout(plugin, live_server.url, "melle.editor", folder)
    own = layer_by_role(plugin, project.ROLE_OWN)
    own_count = count(own)
    feature = next(own.getFeatures())
    assert own.startEditing()
    own.changeAttributeValue(feature.id(), own.fields().indexOf("phone"), "05422 000")  # not saved yet
    questions: list[str] = []

    def save(box: Any) -> None:
        assert "Einrichtungen (eigene)" in box.text()
        box.button(QMessageBox.StandardButton.Save).click()

    answer = ModalAnswer(save)
    run = plugin.checkout(folder)
    answer.check()
    run.confirm = lambda message: questions.append(message) or False
    wait_until(lambda: not plugin.busy, what="the refused checkout")
    assert questions and "noch nicht übertragene Änderungen" in questions[0]
    with WorkingCopy.in_folder(folder) as wc:
        assert [c.uuid for c in wc.local_changes("institutions")] == [feature["uuid"]]
    # The layers are back in the project after the refusal.
    assert count(layer_by_role(plugin, project.ROLE_OWN)) == own_count

    run = plugin.checkout(folder)
    run.confirm = lambda message: True
    wait_until(lambda: not plugin.busy, what="the forced checkout")
    assert run.outcome.ok
    assert plugin.workcopy.local_changes("institutions") == []


def test_the_task_can_be_cancelled(live_server: Any, plugin: Any, tmp_path: Path) -> None:
    """A cancelled checkout task reports "Abgebrochen." in the main thread (QGIS's task manager ends it)."""
    client = login(live_server.url, "melle.editor")
    outcomes: list[tasks.TaskOutcome] = []
    wc = WorkingCopy.in_folder(tmp_path / "cancelled")
    task = tasks.start(tasks.SyncTask("test", tasks.CHECKOUT, client, wc, outcomes.append))
    task.cancel()  # queued: run() never runs; running: the core stops at its next check
    wait_until(lambda: bool(outcomes), what="the cancelled task")
    assert outcomes[0].cancelled and str(outcomes[0].error) == "Abgebrochen."
    wc.close()


def test_a_new_folder_replaces_the_previous_working_copy_in_the_project(live_server: Any, plugin: Any,
                                                                        tmp_path: Path) -> None:
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "first")
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "second")
    assert plugin.workcopy.path == tmp_path / "second" / "familienatlas.gpkg"
    group = QgsProject.instance().layerTreeRoot().findGroup("Familienatlas")
    sources = {project.layer_path(child.layer()) for child in group.children()}
    assert sources == {(tmp_path / "second" / "familienatlas.gpkg").resolve()}
    assert len(group.children()) == 5
