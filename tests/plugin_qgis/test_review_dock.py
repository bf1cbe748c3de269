"""The review dock as the county admin uses it, in real QGIS against the real server.

The demo holds 33 pending changes: 32 new institutions the admin imported in one push, and one
change of opening hours by melle.editor. Nothing of ours is mocked: the dock talks to the server
on loopback through the core's client, in QGIS tasks, and the tests click its buttons.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from qgis.core import Qgis, QgsPointXY
from qgis.PyQt.QtCore import QCoreApplication, QDate
from qgis.PyQt.QtWidgets import QDialogButtonBox, QMessageBox, QWidget

from qgis_plugin.core.api import AtlasClient
from qgis_plugin.gui.feature_display import parse_time
from qgis_plugin.gui.review_dock import COL_AUTHOR, COL_MUNICIPALITY, COL_NAME, ReasonDialog, ReviewDock
from tests.plugin_qgis.review_support import (
    Desk,
    login,
    public_features,
    save_screenshot,
    wait_until,
    when_dialog_opens,
)
from tests.support import BRAMSCHE, MELLE, QUAKENBRUECK

DEMO_PENDING = 33
MELLE_EDIT = "fc06c63f-06af-5711-b9f0-cce5a69b7af6"  # melle.editor's pending change of opening hours


@pytest.fixture
def admin(live_server: Any) -> AtlasClient:
    """The admin, after publishing the demo's pending indicator values (melle.editor's Kita places), so the
    dock lists the 33 changes of institutions these tests know; values in the dock have a test of their own."""
    client = login(live_server.url, "admin")
    client.approve(revisions=[e["revision"] for e in client.pending(layer="indicator_values")])
    return client


@pytest.fixture
def messages(qgis_iface: Any) -> Any:
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    return bar


@pytest.fixture
def make_dock(qgis_iface: Any, qgis_new_project: Any, messages: Any) -> Iterator[Any]:
    docks: list[ReviewDock] = []

    def make(client: AtlasClient, load: bool = True) -> ReviewDock:
        dock = ReviewDock(client, qgis_iface)
        dock.resize(1000, 860)
        docks.append(dock)
        if load:
            reload(dock)
        return dock

    yield make
    for dock in docks:
        wait_until(lambda d=dock: not d.busy, what="the dock's last call")
        dock.markers.clear()
        dock.deleteLater()


def reload(dock: ReviewDock) -> None:
    dock.refresh()
    wait_until(lambda: not dock.busy, what="the pending list")


def rows(dock: ReviewDock) -> list[dict[str, Any]]:
    return [dock._row_entry(r) for r in range(dock.table.rowCount())]


def choose(combo: Any, value: Any) -> None:
    index = combo.findData(value)
    assert index >= 0, value
    combo.setCurrentIndex(index)


def select(dock: ReviewDock, feature_id: str) -> None:
    [row] = [r for r, entry in enumerate(rows(dock)) if entry["id"] == feature_id]
    dock.select_row(row)


def comparison(dock: ReviewDock) -> dict[str, tuple[str, str]]:
    table = dock.compare_table
    return {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}


def click_and_wait(dock: ReviewDock, button: Any) -> None:
    button.click()
    wait_until(lambda: not dock.busy, what="the decision and the reload")


# ---------------------------------------------------------------------- listing and filters


def test_lists_the_pending_changes_and_filters_them(make_dock: Any, admin: AtlasClient) -> None:
    dock = make_dock(admin)
    expected = admin.pending()
    assert dock.table.rowCount() == len(expected) == DEMO_PENDING
    assert {e["id"] for e in rows(dock)} == {e["id"] for e in expected}
    assert "33 Änderungen warten auf Prüfung" in dock.status_label.text()
    # The name stays readable in a narrow dock (the list scrolls sideways instead).
    dock.resize(420, 860)
    QCoreApplication.processEvents()
    assert dock.table.columnWidth(COL_NAME) >= 220
    by_id = {e["id"]: r for r, e in enumerate(rows(dock))}
    edit_row = by_id[MELLE_EDIT]
    assert dock.table.item(edit_row, 0).text() == "geändert"
    assert dock.table.item(edit_row, COL_MUNICIPALITY).text() == "Melle"
    assert dock.table.item(edit_row, COL_AUTHOR).text() == "melle.editor"
    assert sum(dock.table.item(r, 0).text() == "neu" for r in range(dock.table.rowCount())) == 32

    # Kommune: Melle narrows the list to Melle's four changes.
    choose(dock.municipality_combo, MELLE)
    melle = [e for e in expected if e["owner"] == MELLE]
    assert dock.table.rowCount() == len(melle) == 4
    assert {dock.table.item(r, COL_MUNICIPALITY).text() for r in range(dock.table.rowCount())} == {"Melle"}
    assert dock.count_label.text() == "4 von 33 Änderungen"
    # A Samtgemeinde includes its member municipalities.
    artland = next(m for m in dock.municipalities.values() if m["name"] == "Samtgemeinde Artland")
    choose(dock.municipality_combo, artland["key"])
    members = {m["key"] for m in dock.municipalities.values() if m.get("parent_id") == artland["id"]}
    assert QUAKENBRUECK in members
    assert {e["owner"] for e in rows(dock)} <= members
    assert dock.table.rowCount() == sum(e["owner"] in members for e in expected) >= 2
    choose(dock.municipality_combo, None)

    # Autor, Kategorie, Ebene, seit Datum.
    choose(dock.author_combo, "melle.editor")
    assert [e["id"] for e in rows(dock)] == [MELLE_EDIT]
    choose(dock.author_combo, None)
    choose(dock.category_combo, "kinderbetreuung")
    kitas = [e for e in expected if e["after"]["properties"]["category"] == "kinderbetreuung"]
    assert 0 < dock.table.rowCount() == len(kitas) < DEMO_PENDING
    choose(dock.category_combo, None)
    choose(dock.layer_combo, "spatial_units")
    assert dock.table.rowCount() == 0
    choose(dock.layer_combo, "institutions")
    assert dock.table.rowCount() == DEMO_PENDING
    newest = max(parse_time(e["created_at"]).astimezone().date() for e in expected)
    dock.since_check.setChecked(True)
    dock.since_edit.setDate(QDate(newest.year, newest.month, newest.day))
    assert dock.table.rowCount() > 0
    after = newest + timedelta(days=1)
    dock.since_edit.setDate(QDate(after.year, after.month, after.day))
    assert dock.table.rowCount() == 0
    dock.since_check.setChecked(False)
    assert dock.table.rowCount() == DEMO_PENDING


# ---------------------------------------------------------------------- before / after and map


def test_selected_change_shows_before_after_and_both_positions(
        make_dock: Any, admin: AtlasClient, live_server: Any, tmp_path: Path, qgis_canvas: Any) -> None:
    # An editor moves an institution by 30 m and corrects its phone number.
    editor = Desk(live_server.url, "melle.editor", tmp_path / "melle")
    fid = editor.own()[0]
    row = editor.workcopy.read_row("institutions", fid)
    x, y = row.geometry["coordinates"]
    editor.sql("UPDATE institutions SET phone = '05422 965-0' WHERE uuid = ?", fid)
    layer = editor.layer()
    from tests.plugin_qgis.review_support import move
    layer.startEditing()
    move(layer, fid, 18.0, 24.0)
    assert layer.commitChanges()
    assert editor.sync.sync().accepted == 1
    editor.close()

    dock = make_dock(admin)
    choose(dock.municipality_combo, MELLE)
    select(dock, fid)
    assert dock.current_entry()["id"] == fid
    fields = comparison(dock)
    assert fields["Telefon"] == (row.properties["phone"] or "—", "05422 965-0")
    assert "Lage / Geometrie" in fields
    assert list(fields) == ["Telefon", "Lage / Geometrie"]  # only what changed
    assert dock.move_label.text() == "verschoben um 30,0 m"
    assert row.properties["name"] in dock.title_label.text()
    # On the map: the old position red, the new one green, and the canvas shows both.
    old, new = (g.asPoint() for g in dock.markers.geometries)
    assert (round(old.x(), 2), round(old.y(), 2)) == (x, y)
    assert (round(new.x(), 2), round(new.y(), 2)) == (round(x + 18, 2), round(y + 24, 2))
    assert len(dock.markers.bands) == 2
    extent = qgis_canvas.extent()
    assert extent.contains(QgsPointXY(x, y)) and extent.contains(QgsPointXY(x + 18, y + 24))
    assert extent.width() < 2000
    dock.all_fields_check.setChecked(True)
    assert comparison(dock)["Name"] == (row.properties["name"], row.properties["name"])
    dock.all_fields_check.setChecked(False)
    save_screenshot(dock, "review_dock.png")

    # A new institution: nothing before, one green marker.
    insert = next(e for e in rows(dock) if e["op"] == "insert")
    select(dock, insert["id"])
    fields = comparison(dock)
    assert fields["Name"] == ("—", insert["after"]["properties"]["name"])
    assert fields["Kategorie"][1].startswith("Kindertagesbetreuung") or fields["Kategorie"][1] != "—"
    assert dock.move_label.text().startswith("Neues Objekt")
    assert len(dock.markers.bands) == 1
    assert qgis_canvas.extent().contains(QgsPointXY(*insert["after"]["geometry"]["coordinates"]))


# ---------------------------------------------------------------------- decisions


def test_approve_one_makes_it_public(make_dock: Any, admin: AtlasClient, live_server: Any, messages: Any) -> None:
    dock = make_dock(admin)
    choose(dock.municipality_combo, MELLE)
    entry = next(e for e in rows(dock) if e["op"] == "insert")
    assert entry["id"] not in public_features(live_server.url)
    select(dock, entry["id"])
    click_and_wait(dock, dock.approve_button)
    public = public_features(live_server.url)
    assert entry["id"] in public
    assert public[entry["id"]]["properties"]["published_revision"] == entry["revision"]
    assert public[entry["id"]]["properties"]["name"] == entry["after"]["properties"]["name"]
    assert "1 Änderung freigegeben." in messages.get_messages(Qgis.MessageLevel.Success)[-1]
    # Reloaded: the decided change is gone, the next one of the list is selected.
    assert entry["id"] not in {e["id"] for e in rows(dock)}
    assert dock.table.rowCount() == 3
    assert len(dock.entries) == DEMO_PENDING - 1
    assert dock.current_entry() is not None


def test_reject_with_reason_reaches_the_editor(make_dock: Any, admin: AtlasClient, live_server: Any,
                                              tmp_path: Path, messages: Any) -> None:
    editor = Desk(live_server.url, "melle.editor", tmp_path / "melle")
    assert editor.workcopy.read_row("institutions", MELLE_EDIT).state == "pending"
    published_hours = public_features(live_server.url)[MELLE_EDIT]["properties"]["opening_hours"]

    dock = make_dock(admin)
    select(dock, MELLE_EDIT)
    assert comparison(dock)["Öffnungszeiten"][0] == published_hours

    # Cancel first: nothing happens.
    answer = when_dialog_opens(lambda d: d.reject())
    dock.reject_button.click()
    assert isinstance(answer.check(), ReasonDialog)
    assert not dock.busy and dock.table.rowCount() == DEMO_PENDING

    reason = "Öffnungszeiten bitte mit dem Aushang abgleichen."

    def give_reason(dialog: QWidget) -> None:
        assert isinstance(dialog, ReasonDialog)
        ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # a reason is required
        dialog.reason_edit.setPlainText("   ")
        assert not ok.isEnabled()
        dialog.reason_edit.setPlainText(reason)
        assert ok.isEnabled()
        ok.click()

    answer = when_dialog_opens(give_reason)
    click_and_wait(dock, dock.reject_button)
    answer.check()
    assert "1 Änderung abgelehnt." in messages.get_messages(Qgis.MessageLevel.Success)[-1]
    assert MELLE_EDIT not in {e["id"] for e in dock.entries}

    # Not public: the public side keeps the published state.
    assert public_features(live_server.url)[MELLE_EDIT]["properties"]["opening_hours"] == published_hours
    # The editor's next sync brings the decision and its reason into the working copy.
    editor.sync.sync()
    row = editor.workcopy.read_row("institutions", MELLE_EDIT)
    assert (row.state, row.reason) == ("rejected", reason)
    editor.close()

    # A rejected new institution does not become public either.
    insert = next(e for e in dock.entries if e["op"] == "insert" and e["owner"] == BRAMSCHE)
    select(dock, insert["id"])
    answer = when_dialog_opens(lambda d: (d.reason_edit.setPlainText("Doppelt erfasst."),
                                          d.buttons.button(QDialogButtonBox.StandardButton.Ok).click()))
    click_and_wait(dock, dock.reject_button)
    answer.check()
    assert insert["id"] not in public_features(live_server.url)
    states = {f["id"]: f for page in login(live_server.url, "bramsche.editor").pull_all("institutions")
              for f in page["features"]}
    assert states[insert["id"]]["review"] == {**states[insert["id"]]["review"], "state": "rejected",
                                              "reason": "Doppelt erfasst."}


def test_approve_a_whole_push(make_dock: Any, admin: AtlasClient, live_server: Any, messages: Any) -> None:
    dock = make_dock(admin)
    entry = next(e for e in rows(dock) if e["op"] == "insert")
    push = [e for e in dock.entries if e["push_id"] == entry["push_id"]]
    assert len(push) == 32
    select(dock, entry["id"])
    assert "Übertragung mit 32 offenen Änderungen" in dock.title_label.text()

    asked: list[str] = []

    def confirm(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.Yes).click()

    answer = when_dialog_opens(confirm)
    click_and_wait(dock, dock.approve_push_button)
    answer.check()
    assert "Alle 32 offenen Änderungen der Übertragung von admin" in asked[0]
    assert "32 Änderungen freigegeben." in messages.get_messages(Qgis.MessageLevel.Success)[-1]
    public = public_features(live_server.url)
    assert all(e["id"] in public and public[e["id"]]["properties"]["published_revision"] == e["revision"]
               for e in push)
    assert [e["id"] for e in dock.entries] == [MELLE_EDIT]
    assert dock.table.rowCount() == 1


# ---------------------------------------------------------------------- errors


def test_errors_are_shown_in_german(make_dock: Any, admin: AtlasClient, live_server: Any, messages: Any) -> None:
    editor_dock = make_dock(login(live_server.url, "melle.editor"))
    assert editor_dock.table.rowCount() == 0
    [critical] = messages.get_messages(Qgis.MessageLevel.Critical)
    assert "Keine Berechtigung" in critical
    assert "Keine Berechtigung" in editor_dock.status_label.text()
    messages.clear_messages()

    dock = make_dock(login(live_server.url, "admin"))
    select(dock, MELLE_EDIT)
    live_server.stop()
    try:
        click_and_wait(dock, dock.approve_button)
        [critical] = messages.get_messages(Qgis.MessageLevel.Critical)
        assert f"Der Server {live_server.url} ist nicht erreichbar" in critical
        assert dock.table.rowCount() == DEMO_PENDING  # nothing decided, the list stays
    finally:
        live_server.start()
    reload(dock)
    assert dock.last_error is None
    assert dock.table.item(0, COL_NAME) is not None


def test_outlier_values_are_marked_for_a_second_look(make_dock: Any, admin: AtlasClient) -> None:
    """A value ten times its previous year (a lost decimal comma) stands out in the list and says why."""
    from qgis_plugin.core.indicators import value_id

    def value(year: int, number: int) -> dict[str, Any]:
        return {"op": "insert", "id": value_id("bev_u3", MELLE, year), "geometry": None,
                "properties": {"indicator": "bev_u3", "unit": MELLE, "year": year, "value": number}}

    answer = admin.push("indicator_values", [value(2025, 1480)], str(uuid.uuid4()), schema_version=1)
    admin.approve(push_id=answer["push_id"])
    admin.push("indicator_values", [value(2026, 14800)], str(uuid.uuid4()), schema_version=1)
    dock = make_dock(admin)
    choose(dock.layer_combo, "indicator_values")
    [row] = [r for r, e in enumerate(rows(dock)) if e["id"] == value_id("bev_u3", MELLE, 2026)]
    assert dock.table.item(row, COL_NAME).text() == f"⚠ bev_u3 · {MELLE} · 2026"
    assert "Auffällig: +900 % gegenüber dem Vorjahr (1.480)." in dock.table.item(row, COL_NAME).toolTip()
    select(dock, value_id("bev_u3", MELLE, 2026))
    assert "Auffällig: +900 % gegenüber dem Vorjahr (1.480)." in dock.move_label.text()
    others = [r for r in range(dock.table.rowCount()) if r != row]
    assert all(not dock.table.item(r, COL_NAME).text().startswith("⚠") for r in others)
