"""The conflict dialog with real clashes: two working copies of melle.editor edit the same features.

The clashes come from the core's own sync against the real server; the dialog is driven through
its widgets (radio buttons, "Alle meine", OK) and its ``choices()`` go back into the core's sync.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from qgis.core import QgsPointXY
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QWidget

from qgis_plugin.core.merge import DELETED, GEOMETRY, Clash
from qgis_plugin.gui.conflict_dialog import ConflictDialog, server_changes
from tests.plugin_qgis.review_support import (
    Desk,
    feature_by_uuid,
    move,
    save_screenshot,
    server_features,
    set_value,
    when_dialog_opens,
)


@pytest.fixture
def desks(live_server: Any, tmp_path: Path) -> Iterator[tuple[Desk, Desk]]:
    """Two working copies of the same editor, checked out into two folders with the core."""
    a = Desk(live_server.url, "melle.editor", tmp_path / "a")
    b = Desk(live_server.url, "melle.editor", tmp_path / "b")
    yield a, b
    a.close()
    b.close()


def edit(desk: Desk, uuid: str, values: dict[str, Any], shift: tuple[float, float] | None = None) -> None:
    """Edit one institution through QGIS's editing API on the working copy's GeoPackage."""
    layer = desk.layer()
    assert layer.startEditing()
    for field, value in values.items():
        set_value(layer, uuid, field, value)
    if shift:
        move(layer, uuid, *shift)
    assert layer.commitChanges(), layer.commitErrors()


def point(desk: Desk, uuid: str) -> tuple[float, float]:
    x, y = desk.workcopy.read_row("institutions", uuid).geometry["coordinates"]
    return x, y


def test_choices_decide_the_clashes_and_nothing_is_lost(desks: tuple[Desk, Desk], live_server: Any,
                                                         qgis_iface: Any, qgis_new_project: Any) -> None:
    a, b = desks
    first, second = a.own()[:2]
    x, y = point(a, first)
    base_name = a.workcopy.read_row("institutions", first).properties["name"]
    edit(a, first, {"name": "Familienbüro Melle (A)", "phone": "05422 111"}, shift=(12.0, 0.0))
    edit(a, second, {"website": "https://a.melle.example"})
    edit(b, first, {"name": "Familienbüro Melle (B)", "email": "b@melle.example"}, shift=(0.0, -16.0))
    edit(b, second, {"website": "https://b.melle.example", "opening_hours": "Mo-Fr 09:05-12:05"})
    assert a.sync.sync().accepted == 2

    report = b.sync.sync()  # nobody asked: the clashes are handed over in the report
    clashes = report.clashes_unresolved
    assert {(c.uuid, c.field) for c in clashes} == {(first, "name"), (first, GEOMETRY), (second, "website")}
    assert Clash("name", base_name, "Familienbüro Melle (B)", "Familienbüro Melle (A)", first) in clashes

    changes = server_changes(b.client, clashes, b.workcopy)
    assert set(changes) == {first, second} and {who for who, _when in changes.values()} == {"melle.editor"}
    dialog = ConflictDialog(clashes, b.workcopy, qgis_iface, server_changes=changes)
    headers = [label.text() for label in dialog.findChildren(type(dialog.status_label))]
    assert sum("Server-Version</b><br>geändert von melle.editor am " in text for text in headers) == 2
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    assert dialog.status_label.text() == "Noch 3 Entscheidungen offen."
    mine, theirs = dialog.radios[(first, "name")]
    mine_label, theirs_label = dialog.value_labels[(first, "name")]
    assert (mine_label.text(), theirs_label.text()) == ("Familienbüro Melle (B)", "Familienbüro Melle (A)")
    titles = {label.text().split("\n")[0] for label in dialog.findChildren(type(dialog.status_label))}
    assert {"Name", "Website", "Lage / Geometrie"} <= titles
    assert any("(20,0 m auseinander)" in label.text() for label in dialog.findChildren(type(dialog.status_label)))
    # The geometry clash is on the dialog's map: base, server and my position, all in view.
    assert dialog.map_canvas is not None
    assert len(dialog.map_markers.bands) == 3
    extent = dialog.map_canvas.extent()
    for px, py in ((x, y), (x + 12, y), (x, y - 16)):
        assert extent.contains(QgsPointXY(px, py))
    dialog.show_on_main_map()
    assert qgis_iface.mapCanvas().extent().contains(QgsPointXY(x + 12, y))
    assert len(dialog.main_markers.bands) == 3

    dialog.all_mine_button.click()
    theirs.click()  # the server's name, my position and my website
    assert ok.isEnabled()
    assert dialog.status_label.text() == "Alle 3 Konflikte entschieden."
    dialog.map_canvas.refresh()
    dialog.map_canvas.waitWhileRendering()
    save_screenshot(dialog, "conflict_dialog.png")
    ok.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.main_markers.bands == []  # the markers in QGIS's map are gone with the dialog
    choices = dialog.choices()
    assert choices == {(first, "name"): "theirs", (first, GEOMETRY): "mine", (second, "website"): "mine"}

    asked: list[list[Clash]] = []

    def resolver(handed: list[Clash]) -> dict[tuple[str, str], str]:
        asked.append(handed)
        return dialog.choices()

    report = b.sync.sync(resolve=resolver)
    assert {(c.uuid, c.field) for c in asked[0]} == set(choices)
    assert report.ok and report.conflicts_merged == 2 and report.accepted == 2
    assert b.workcopy.local_changes("institutions") == []

    server = server_features(live_server.url)
    one, two = server[first], server[second]
    assert one["properties"]["name"] == "Familienbüro Melle (A)"  # theirs, as chosen
    assert one["geometry"]["coordinates"] == pytest.approx([x, y - 16], abs=0.01)  # mine, as chosen
    assert one["properties"]["phone"] == "05422 111"  # only A changed it: merged automatically
    assert one["properties"]["email"] == "b@melle.example"  # only B changed it: merged automatically
    assert two["properties"]["website"] == "https://b.melle.example"
    assert two["properties"]["opening_hours"] == "Mo-Fr 09:05-12:05"

    a.sync.sync()
    for uuid in (first, second):
        assert a.workcopy.read_row("institutions", uuid).values() == b.workcopy.read_row("institutions", uuid).values()


def test_dialog_as_the_resolver_during_a_sync(desks: tuple[Desk, Desk], live_server: Any,
                                              qgis_iface: Any, qgis_new_project: Any) -> None:
    """A deletion against a change, decided in the dialog while the sync waits for the answer."""
    a, b = desks
    fid = a.own()[0]
    layer = a.layer()
    assert layer.startEditing()
    assert layer.deleteFeature(feature_by_uuid(layer, fid).id())
    assert layer.commitChanges()
    edit(b, fid, {"phone": "05422 5555"})
    assert b.sync.sync().accepted == 1

    seen: list[ConflictDialog] = []

    def decide(widget: QWidget) -> None:
        assert isinstance(widget, ConflictDialog)
        seen.append(widget)
        mine, theirs = widget.value_labels[(fid, DELETED)]
        assert mine.text() == "gelöscht"
        assert theirs.text() == "behalten, geändert: Telefon"
        assert widget.map_canvas is None  # no geometry clash, no map
        widget.all_theirs_button.click()
        widget.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    def resolver(clashes: list[Clash]) -> dict[tuple[str, str], str]:
        dialog = ConflictDialog(clashes, a.workcopy, qgis_iface)
        answer = when_dialog_opens(decide)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        answer.check()
        return dialog.choices() if accepted else {}

    report = a.sync.sync(resolve=resolver)
    assert seen and report.ok
    assert a.workcopy.read_row("institutions", fid).properties["phone"] == "05422 5555"
    assert server_features(live_server.url)[fid]["deleted"] is False
    assert a.workcopy.local_changes("institutions") == []


def test_cancelled_dialog_keeps_my_values(desks: tuple[Desk, Desk], qgis_iface: Any, qgis_new_project: Any) -> None:
    a, b = desks
    fid = a.own()[0]
    edit(a, fid, {"phone": "1"})
    edit(b, fid, {"phone": "2"})
    a.sync.sync()
    [clash] = b.sync.sync().clashes_unresolved
    dialog = ConflictDialog([clash], b.workcopy, qgis_iface)
    dialog.choose(fid, "phone", "theirs")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    assert dialog.result() == QDialog.DialogCode.Rejected
    report = b.sync.sync()  # decided later: still open, my value still here
    assert [(c.uuid, c.field) for c in report.clashes_unresolved] == [(fid, "phone")]
    assert b.workcopy.read_row("institutions", fid).properties["phone"] == "2"
