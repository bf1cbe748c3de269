"""The whole story in real QGIS against the real server, and a server that goes away mid-sync.

An editor of Melle logs in and checks out through the plugin, adds, moves and edits institutions with
QGIS's own editing API on the plugin's layer, and syncs with the plugin's action (checks, QgsTask,
message bar); the county admin reviews in the ReviewDock, approves one change and
rejects one; the public side shows exactly what was approved; the editor's next sync brings the
rejection and its reason. Nothing of ours is mocked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeature,
    QgsGeometry,
    QgsPointXY,
    QgsProject,
)
from qgis.PyQt.QtWidgets import QDialogButtonBox

from qgis_plugin.core.errors import ConnectionFailed
from qgis_plugin.core.sync import Synchronizer
from qgis_plugin.gui import project
from qgis_plugin.gui.changes_dialog import ChangesDialog
from qgis_plugin.gui.review_dock import ReviewDock
from tests.plugin_qgis.plugin_support import checkout, layer_by_role, messages_of, synchronise
from tests.plugin_qgis.review_support import (
    Desk,
    feature_by_uuid,
    login,
    move,
    public_features,
    server_features,
    set_value,
    wait_until,
    when_dialog_opens,
)
from tests.support import MELLE

REASON = "Einrichtung existiert bereits unter anderem Namen (Familienzentrum Gesmold)."


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    transform = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:25832"),
                                       QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
    point = transform.transform(QgsPointXY(x, y))
    return point.x(), point.y()


def edit_in_qgis(layer: Any, workcopy: Any, own: list[str]) -> dict[str, Any]:
    """Add, move and edit institutions in one QGIS edit session on ``layer``; returns what was done."""
    own = [u for u in own if workcopy.read_row("institutions", u).state == "published"]
    moved, edited = own[:2]
    x, y = feature_by_uuid(layer, moved).geometry().asPoint()
    assert layer.startEditing()
    new = QgsFeature(layer.fields())
    for field, value in {"category": "familienzentrum", "subcategory": "kinder_familienzentrum",
                         "name": "Familienzentrum Gesmold-Nord", "city": "Melle",
                         "opening_hours": "Mo-Fr 08:00-16:00"}.items():
        new.setAttribute(field, value)
    new.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(x + 150.0, y - 90.0)))
    assert layer.addFeature(new)
    target = move(layer, moved, 15.0, 20.0)  # 25 m
    set_value(layer, edited, "opening_hours", "Mo-Fr 07:00-17:00")
    set_value(layer, edited, "phone", "05422 300-1")
    assert layer.commitChanges(), layer.commitErrors()
    [inserted] = [c.uuid for c in workcopy.local_changes("institutions") if c.op == "insert"]
    return {"inserted": inserted, "insert_at": (x + 150.0, y - 90.0), "moved": moved, "moved_to": target,
            "moved_from": (x, y), "edited": edited}


def test_editor_admin_public_and_back(live_server: Any, tmp_path: Path, qgis_iface: Any, plugin: Any) -> None:
    # The editor logs in, checks out, edits in QGIS and syncs, all through the plugin.
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    wc = plugin.workcopy
    own_layer = layer_by_role(plugin, project.ROLE_OWN)
    public_before = public_features(live_server.url)
    own = sorted(s.uuid for s in wc.rows("institutions") if s.properties.get("owner") == MELLE)
    done = edit_in_qgis(own_layer, wc, own)
    edited_before = public_before[done["edited"]]["properties"]
    run = synchronise(plugin)
    assert run.error is None and not run.problems
    assert run.reports[-1].ok and run.reports[-1].accepted == 3
    told = messages_of(qgis_iface, Qgis.MessageLevel.Success)
    # The own three changes coming back from the server are not "received".
    assert any(m.endswith("Abgleich fertig: 3 gesendet, 3 angenommen, 0 empfangen.") for m in told), told
    for uuid in (done["inserted"], done["moved"], done["edited"]):
        assert wc.read_row("institutions", uuid).state == "pending"
    assert public_features(live_server.url) == public_before  # nothing public before a review

    # The admin reviews: the editor's three changes, among the demo's.
    dock = ReviewDock(login(live_server.url, "admin"), qgis_iface)
    dock.resize(1000, 860)
    dock.refresh()
    wait_until(lambda: not dock.busy, what="the pending list")
    dock.author_combo.setCurrentIndex(dock.author_combo.findData("melle.editor"))
    listed = {dock._row_entry(r)["id"]: r for r in range(dock.table.rowCount())}
    assert {done["inserted"], done["moved"], done["edited"]} <= set(listed)

    dock.select_row(listed[done["moved"]])
    assert dock.move_label.text() == "verschoben um 25,0 m"
    assert len(dock.markers.bands) == 2
    extent = qgis_iface.mapCanvas().extent()
    assert extent.contains(QgsPointXY(*done["moved_from"])) and extent.contains(QgsPointXY(*done["moved_to"]))
    dock.approve_button.click()
    wait_until(lambda: not dock.busy, what="the approval")

    listed = {dock._row_entry(r)["id"]: r for r in range(dock.table.rowCount())}
    assert done["moved"] not in listed
    dock.select_row(listed[done["inserted"]])
    answer = when_dialog_opens(lambda d: (d.reason_edit.setPlainText(REASON),
                                          d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()))
    dock.reject_button.click()
    wait_until(lambda: not dock.busy, what="the rejection")
    answer.check()
    assert {dock._row_entry(r)["id"] for r in range(dock.table.rowCount())} >= {done["edited"]}
    assert done["inserted"] not in {e["id"] for e in dock.entries}

    # The public side shows exactly the approved state.
    public = public_features(live_server.url)
    assert set(public) == set(public_before)  # the rejected new institution is not public
    moved = public[done["moved"]]
    server_moved = server_features(live_server.url)[done["moved"]]
    assert moved["properties"]["published_revision"] == server_moved["revision"]
    assert moved["geometry"]["coordinates"] == pytest.approx(list(to_wgs84(*done["moved_to"])), abs=1e-6)
    assert {k: v for k, v in moved["properties"].items() if k != "published_revision"} == \
        server_moved["properties"]
    assert public[done["edited"]]["properties"] == edited_before  # still pending: the old state stays
    for uuid, feature in public.items():
        if uuid != done["moved"]:
            assert feature == public_before[uuid]

    # The editor's next sync shows the decisions, the rejection with its reason.
    assert synchronise(plugin).error is None
    rejected = wc.read_row("institutions", done["inserted"])
    assert (rejected.state, rejected.reason) == ("rejected", REASON)
    assert wc.read_row("institutions", done["moved"]).state == "published"
    assert wc.read_row("institutions", done["edited"]).state == "pending"
    dialog = ChangesDialog(wc, qgis_iface)
    items = {dialog.row_item(r).uuid: dialog.row_item(r) for r in range(dialog.table.rowCount())}
    assert (items[done["inserted"]].status, items[done["inserted"]].reason) == ("rejected", REASON)
    assert items[done["edited"]].status == "pending"
    assert done["moved"] not in items  # published: nothing open about it
    dock.markers.clear()
    dock.deleteLater()


def test_server_goes_away_during_a_sync(live_server: Any, tmp_path: Path, qgis_iface: Any,
                                        qgis_new_project: Any) -> None:
    editor = Desk(live_server.url, "melle.editor", tmp_path / "melle")
    # The admin publishes the demo's big import: 32 changes the editor's next sync has to pull.
    admin = login(live_server.url, "admin")
    push_id = next(e["push_id"] for e in admin.pending() if e["author"] == "admin")
    admin.approve(push_id=push_id)

    done = edit_in_qgis(editor.layer(), editor.workcopy, editor.own())
    wanted = {uuid: editor.workcopy.read_row("institutions", uuid).values()
              for uuid in (done["inserted"], done["moved"], done["edited"])}
    cursor_before = editor.workcopy.cursor("institutions")
    history_before = len(admin.history("institutions", done["edited"]))

    # 1. The server goes away after the push was answered, while the pull is under way.
    pulls: list[str] = []

    def cut_after_first_pull_page(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if "/pull" in response.url and not pulls:
            pulls.append(response.url)
            response.content  # noqa: B018 - read the page before the server is gone
            live_server.stop()
            editor.client.session.close()  # no kept-alive connection into the stopped server

    editor.client.session.hooks["response"].append(cut_after_first_pull_page)
    editor.sync.page_size = 10
    with pytest.raises(ConnectionFailed) as failure:
        editor.sync.sync(["institutions"])
    assert "nicht erreichbar" in str(failure.value)
    editor.client.session.hooks["response"].clear()
    wc = editor.workcopy
    for uuid, values in wanted.items():  # every local edit is still in the working copy
        assert wc.read_row("institutions", uuid).values() == values
    assert wc.outbox("institutions") is None  # the push was answered and booked
    assert wc.local_changes("institutions") == []
    assert wc.cursor("institutions") > cursor_before  # the first page is kept

    live_server.start()
    report = Synchronizer(editor.client, wc).sync()
    assert report.ok and report.sent == 0
    server = server_features(live_server.url)
    for uuid, values in wanted.items():
        row = wc.read_row("institutions", uuid).values()
        assert row == {**values, "owner": values["owner"] or MELLE}  # the server filled in the new one's owner
        assert server[uuid]["properties"]["name"] == values["name"]
    assert len(admin.history("institutions", done["edited"])) == history_before + 1  # applied once
    published = [u for u, f in server.items() if f["review"]["state"] == "published"]
    assert all(wc.read_row("institutions", u).state == "published" for u in published)

    # 2. The server goes away before the push is sent: the edits wait in the outbox.
    layer = editor.layer()
    assert layer.startEditing()
    set_value(layer, done["edited"], "website", "https://familien.melle.example")
    assert layer.commitChanges()

    def cut_after_layers(response: requests.Response, *args: Any, **kwargs: Any) -> None:
        if response.url.endswith("/layers"):
            response.content  # noqa: B018
            live_server.stop()
            editor.client.session.close()

    editor.client.session.hooks["response"].append(cut_after_layers)
    with pytest.raises(ConnectionFailed):
        Synchronizer(editor.client, wc).sync()
    editor.client.session.hooks["response"].clear()
    outbox = wc.outbox("institutions")
    assert outbox is not None and [c.uuid for c in outbox.changes] == [done["edited"]]
    assert wc.read_row("institutions", done["edited"]).properties["website"] == "https://familien.melle.example"
    assert [c.uuid for c in wc.local_changes("institutions")] == [done["edited"]]

    live_server.start()
    report = Synchronizer(editor.client, wc).sync()
    assert report.ok and report.accepted == 1
    assert wc.outbox("institutions") is None and wc.local_changes("institutions") == []
    assert server_features(live_server.url)[done["edited"]]["properties"]["website"] == \
        "https://familien.melle.example"
    assert len(admin.history("institutions", done["edited"])) == history_before + 2
    editor.close()
