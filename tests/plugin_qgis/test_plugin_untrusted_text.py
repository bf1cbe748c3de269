"""Text from other people is shown as text, never as HTML: an editor's name ``<img src=...>`` and the
county's reason ``<b>x</b>`` in map tips, the review dock, the local changes dialog, the conflict
dialog, tooltips and the message bar."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qgis.core import Qgis, QgsExpression, QgsExpressionContext, QgsExpressionContextUtils
from qgis.PyQt.QtCore import Qt

from qgis_plugin.core.merge import Clash
from qgis_plugin.core.reference import refresh_reference_data
from qgis_plugin.gui import project
from qgis_plugin.gui.changes_dialog import ChangesDialog
from qgis_plugin.gui.conflict_dialog import ConflictDialog
from qgis_plugin.gui.review_dock import ReviewDock
from qgis_plugin.gui.text import push_message

from .plugin_support import login, wait_until
from .review_support import Desk

IMAGE = "<img src=https://x/>"
BOLD = "<b>x</b>"
IMAGE_ESCAPED = "&lt;img src=https://x/&gt;"
BOLD_ESCAPED = "&lt;b&gt;x&lt;/b&gt;"


@pytest.fixture
def editor(live_server: Any, tmp_path: Path) -> Iterator[Desk]:
    desk = Desk(live_server.url, "melle.editor", tmp_path / "melle")
    refresh_reference_data(desk.client, desk.workcopy)
    yield desk
    desk.close()


def test_names_and_reasons_are_never_html(editor: Desk, live_server: Any, qgis_iface: Any,
                                          qgis_new_project: Any) -> None:
    rejected, pending = editor.own()[:2]
    editor.sql("UPDATE institutions SET name = ? WHERE uuid = ?", IMAGE, rejected)
    editor.sql("UPDATE institutions SET name = ? WHERE uuid = ?", BOLD, pending)
    assert editor.sync.sync().accepted == 2
    admin = login(live_server.url, "admin")
    [entry] = [e for e in admin.pending() if e["id"] == rejected]
    admin.reject([entry["revision"]], reason=BOLD)
    editor.sync.sync()
    assert editor.workcopy.read_row("institutions", rejected).reason == BOLD

    # Map tips of both institution layers: the template's values are escaped by QGIS expressions (another
    # municipality's name reaches this editor through sharing, before any review).
    foreign = next(s.uuid for s in editor.workcopy.rows("institutions")
                   if s.properties.get("owner") != editor.municipality)
    editor.sql("UPDATE institutions SET name = ? WHERE uuid = ?", IMAGE, foreign)
    project.add_working_copy_layers(editor.workcopy)
    layers = {layer.customProperty(project.PROPERTY_ROLE): layer
              for layer in project.working_copy_layers(editor.workcopy.path)}
    tips = {}
    for role, uuid in ((project.ROLE_OWN, rejected), (project.ROLE_OTHERS, foreign)):
        layer = layers[role]
        [feature] = layer.getFeatures(f"\"uuid\" = '{uuid}'")
        context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
        context.setFeature(feature)
        tips[role] = QgsExpression.replaceExpressionText(layer.mapTipTemplate(), context)
        assert tips[role].startswith(f"<b>{IMAGE_ESCAPED}</b><br>"), role
        assert "<img" not in tips[role] and BOLD not in tips[role], role
    assert tips[project.ROLE_OWN].endswith(f"abgelehnt: {BOLD_ESCAPED}")

    # Review dock (the admin): the title escapes, tooltips are escaped paragraphs.
    dock = ReviewDock(admin, qgis_iface)
    dock.refresh()
    wait_until(lambda: not dock.busy, what="the pending list")
    [row] = [r for r in range(dock.table.rowCount()) if dock._row_entry(r)["id"] == pending]
    dock.select_row(row)
    assert BOLD_ESCAPED in dock.title_label.text() and BOLD not in dock.title_label.text()
    tips = [dock.compare_table.item(r, c).toolTip() for r in range(dock.compare_table.rowCount()) for c in (1, 2)]
    assert any(BOLD_ESCAPED in tip for tip in tips) and not any(BOLD in tip for tip in tips)
    dock.deleteLater()

    # Local changes dialog: the refused/rejected row's tooltip and the detail text.
    editor.sql("UPDATE institutions SET phone = '1' WHERE uuid = ?", rejected)
    dialog = ChangesDialog(editor.workcopy, qgis_iface)
    [row] = [r for r in range(dialog.table.rowCount()) if dialog.row_item(r).uuid == rejected]
    dialog.table.selectRow(row)
    tips = [dialog.table.item(row, c).toolTip() for c in range(dialog.table.columnCount())]
    assert any(IMAGE_ESCAPED in tip for tip in tips) and not any(IMAGE in tip for tip in tips)
    assert IMAGE_ESCAPED in dialog.detail_label.text() and IMAGE not in dialog.detail_label.text()
    dialog.show_row(row)
    assert dialog.map_label.textFormat() == Qt.TextFormat.PlainText and IMAGE in dialog.map_label.text()
    dialog.deleteLater()

    # Conflict dialog: values in plain-text labels, escaped tooltips.
    # A long value is shown whole (the dialog once cut values after 70 characters).
    long_value = "Beratung für Familien in allen Lebenslagen, " * 8
    clashes = [Clash("name", "Kita", IMAGE, BOLD, rejected), Clash("description", "", long_value, "kurz", rejected)]
    conflicts = ConflictDialog(clashes, editor.workcopy, qgis_iface)
    mine, theirs = conflicts.value_labels[(rejected, "name")]
    for label, value, escaped in ((mine, IMAGE, IMAGE_ESCAPED), (theirs, BOLD, BOLD_ESCAPED)):
        assert label.textFormat() == Qt.TextFormat.PlainText and label.text() == value
        assert escaped in label.toolTip() and value not in label.toolTip()
    mine, _ = conflicts.value_labels[(rejected, "description")]
    assert mine.text() == long_value and len(long_value) > 300
    conflicts.deleteLater()

    # Message bar: escaped; a long text keeps its first sentence in the bar and the rest behind "more".
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    push_message(qgis_iface, f"Abgelehnt: {BOLD}", Qgis.MessageLevel.Warning)
    long_text = "Erster Satz. " + "Sehr lange Begründung " * 20 + ". Dritter Satz."
    push_message(qgis_iface, long_text, Qgis.MessageLevel.Warning)
    assert bar.get_messages(Qgis.MessageLevel.Warning) == [f"Familienatlas:Abgelehnt: {BOLD_ESCAPED}",
                                                           "Familienatlas:Erster Satz. …"]
