"""The editor's "Lokale Änderungen": local edits, pending and rejected changes, refusals, map zoom.

The working copy is a real checkout of melle.editor from the real server; the demo holds one
pending change of melle.editor and one rejected change with its reason. The edits are made with
QGIS's editing API on the working copy's GeoPackage, the refusal by a real sync.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsProject

from qgis_plugin.core.reference import refresh_reference_data
from qgis_plugin.gui.changes_dialog import ChangesDialog
from tests.plugin_qgis.plugin_support import ModalAnswer
from tests.plugin_qgis.review_support import Desk, feature_by_uuid, save_screenshot, set_value
from tests.support import BRAMSCHE

MELLE_PENDING = "fc06c63f-06af-5711-b9f0-cce5a69b7af6"
MELLE_REJECTED = "73db689b-f911-5b47-bcab-8c740dd2ee8a"
REJECTION = "Öffnungszeiten bitte mit der Einrichtung abstimmen (laut Website Fr bis 14 Uhr)."


@pytest.fixture
def editor(live_server: Any, tmp_path: Path) -> Iterator[Desk]:
    desk = Desk(live_server.url, "melle.editor", tmp_path / "melle")
    refresh_reference_data(desk.client, desk.workcopy)  # as the plugin does after checkout and sync
    yield desk
    desk.close()


def table(dialog: ChangesDialog) -> dict[str, dict[str, str]]:
    """The visible rows by name: column title -> text."""
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())]
    return {dialog.table.item(r, 1).text(): {h: dialog.table.item(r, c).text() for c, h in enumerate(headers)}
            for r in range(dialog.table.rowCount())}


def row_of(dialog: ChangesDialog, uuid: str) -> int:
    [row] = [r for r in range(dialog.table.rowCount()) if dialog.row_item(r).uuid == uuid]
    return row


def test_shows_local_pending_rejected_and_refused(editor: Desk, qgis_iface: Any, qgis_new_project: Any) -> None:
    own = [u for u in editor.own() if u not in (MELLE_PENDING, MELLE_REJECTED)]
    edited = own[0]
    foreign = editor.own(owner=BRAMSCHE)[0]
    layer = editor.layer()
    assert layer.startEditing()
    set_value(layer, edited, "phone", "05422 4711")
    set_value(layer, edited, "website", "https://neu.melle.example")
    new = QgsFeature(layer.fields())
    new.setAttribute("category", "beratung")
    new.setAttribute("subcategory", "erziehungsberatung")
    new.setAttribute("name", "Erziehungsberatung Melle-Mitte")
    x, y = feature_by_uuid(layer, edited).geometry().asPoint()
    new.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x + 120, y + 80)))
    assert layer.addFeature(new)
    set_value(layer, foreign, "name", "Übernommen aus Bramsche")
    assert layer.commitChanges(), layer.commitErrors()
    report = editor.sync.sync()  # the Bramsche edit is refused, so nothing of the push is applied
    [(refused_uuid, _code, refusal_message)] = report.refused
    assert refused_uuid == foreign

    dialog = ChangesDialog(editor.workcopy, qgis_iface)
    rows = table(dialog)
    edited_name = editor.workcopy.read_row("institutions", edited).properties["name"]
    assert rows[edited_name]["Änderung"] == "geändert"
    assert rows[edited_name]["Geänderte Felder"] == "Telefon, Website"
    assert rows[edited_name]["Status"] == "lokal geändert"
    assert rows["Erziehungsberatung Melle-Mitte"]["Änderung"] == "neu"
    assert rows["Erziehungsberatung Melle-Mitte"]["Status"] == "lokal geändert"
    assert rows["Übernommen aus Bramsche"]["Status"] == "vom Server zurückgewiesen"
    assert rows["Übernommen aus Bramsche"]["Kommune"] == "Bramsche"
    assert refusal_message and rows["Übernommen aus Bramsche"]["Grund / Hinweis"] == refusal_message
    pending_name = editor.workcopy.read_row("institutions", MELLE_PENDING).properties["name"]
    assert rows[pending_name]["Status"] == "wartet auf Prüfung"
    assert rows[pending_name]["Änderung"] == ""
    rejected_name = editor.workcopy.read_row("institutions", MELLE_REJECTED).properties["name"]
    assert rows[rejected_name]["Status"] == "abgelehnt"
    assert rows[rejected_name]["Grund / Hinweis"] == REJECTION
    # Only Melle's features besides the editor's own edits; nothing merely published.
    assert {dialog.row_item(r).owner for r in range(dialog.table.rowCount())} == {"034590024024", BRAMSCHE, None}
    assert "veröffentlicht" not in {r["Status"] for r in rows.values()}
    summary = dialog.summary_label.text()
    for part in ("3 lokal geändert", "1 vom Server zurückgewiesen", "warten auf Prüfung", "1 abgelehnt"):
        assert part in summary, summary
    dialog.table.selectRow(row_of(dialog, foreign))
    assert refusal_message in dialog.detail_label.text()
    save_screenshot(dialog, "changes_dialog.png")

    # The filters.
    dialog.show_combo.setCurrentIndex(dialog.show_combo.findData("rejected"))
    assert list(table(dialog)) == [rejected_name]
    dialog.show_combo.setCurrentIndex(dialog.show_combo.findData("pending"))
    melle_pending = dialog.table.rowCount()
    dialog.own_only_check.setChecked(False)
    assert dialog.table.rowCount() > melle_pending  # the admin's new institutions elsewhere are pending too
    dialog.show_combo.setCurrentIndex(dialog.show_combo.findData("published"))
    assert dialog.table.rowCount() > 200 and set(r["Status"] for r in table(dialog).values()) == {"veröffentlicht"}
    dialog.show_combo.setCurrentIndex(dialog.show_combo.findData("open"))
    dialog.own_only_check.setChecked(True)

    # A click shows the feature on the map, once the layer is in the project.
    row = row_of(dialog, edited)
    assert dialog.show_row(row) is False
    assert "nicht im Projekt" in dialog.map_label.text()
    project_layer = editor.layer()
    QgsProject.instance().addMapLayer(project_layer)
    dialog.table.cellClicked.emit(row, 1)
    assert [f["uuid"] for f in project_layer.selectedFeatures()] == [edited]
    extent = qgis_iface.mapCanvas().extent()
    assert extent.contains(QgsPointXY(x, y)) and extent.width() < 2000
    assert edited_name in dialog.map_label.text()
    QgsProject.instance().removeMapLayer(project_layer.id())

    # One local change is discarded (after the question); the others stay.
    dialog.table.selectRow(row_of(dialog, edited))
    assert dialog.discard_button.isEnabled()
    questions: list[str] = []

    def agree(box: Any) -> None:
        questions.append(box.text())
        [button] = [b for b in box.buttons() if b.text() == "Verwerfen"]
        button.click()

    answer = ModalAnswer(agree)
    dialog.discard_button.click()
    answer.check()
    assert questions[0].startswith(f"Die lokale Änderung an „{edited_name}“ verwerfen?")
    assert {c.uuid for c in editor.workcopy.local_changes("institutions")} >= {foreign}
    assert edited not in {c.uuid for c in editor.workcopy.local_changes("institutions")}
    assert editor.workcopy.read_row("institutions", edited).properties["phone"] != "05422 4711"
    assert "3 lokal geändert" not in dialog.summary_label.text()


def test_refresh_follows_the_sync(editor: Desk, live_server: Any, qgis_iface: Any, qgis_new_project: Any) -> None:
    """After the admin's decisions and the next sync the dialog shows the new states."""
    from tests.plugin_qgis.review_support import login

    fid = [u for u in editor.own() if u not in (MELLE_PENDING, MELLE_REJECTED)][0]
    editor.sql("UPDATE institutions SET phone = '05422 1' WHERE uuid = ?", fid)
    dialog = ChangesDialog(editor.workcopy, qgis_iface)
    assert dialog.row_item(row_of(dialog, fid)).status == "local"
    editor.sync.sync()
    dialog.refresh_button.click()
    assert dialog.row_item(row_of(dialog, fid)).status == "pending"
    admin = login(live_server.url, "admin")
    [entry] = [e for e in admin.pending(municipality=editor.municipality) if e["id"] == fid]
    admin.reject(revisions=[entry["revision"]], reason="Bitte Durchwahl angeben.")
    editor.sync.sync()
    dialog.refresh()
    item = dialog.row_item(row_of(dialog, fid))
    assert (item.status, item.reason) == ("rejected", "Bitte Durchwahl angeben.")
    # Editing it again: local, with the earlier rejection as a hint.
    editor.sql("UPDATE institutions SET phone = '05422 1-0' WHERE uuid = ?", fid)
    dialog.refresh()
    item = dialog.row_item(row_of(dialog, fid))
    assert (item.status, item.hint) == ("local", "zuvor abgelehnt: Bitte Durchwahl angeben.")
