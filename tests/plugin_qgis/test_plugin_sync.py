"""Editing with QGIS's own editing API and synchronising through the plugin's SyncTask: the server
gets the changes (checked as admin through the API); the checks before the sync hold back what the
server would refuse; the server's refusals and clashes are reported and settled."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from qgis.core import Qgis, QgsGeometry, QgsPointXY, QgsVectorLayer, QgsVectorLayerUtils
from qgis.PyQt.QtCore import Qt

from qgis_plugin.core import reference, validation
from qgis_plugin.core.merge import Clash
from qgis_plugin.gui import project
from qgis_plugin.gui.synchronise import SyncRun
from qgis_plugin.gui.text import escape_html, short_text
from sync_server.domain.layers import INSTITUTIONS
from tests.support import demo_password

from .plugin_support import (
    ARTIFACTS,
    ModalAnswer,
    checkout,
    layer_by_role,
    login,
    messages_of,
    synchronise,
    wait_until,
)

MELLE, BRAMSCHE = "034590024024", "034590014014"


def server_states(url: str, fids: list[str]) -> dict[str, dict[str, Any]]:
    """The head states of features ``fids`` (those the server has) as the admin pulls them: one login
    and one pull for all of them."""
    admin = login(url, "admin")
    wanted = set(fids)
    return {feature["id"]: feature for page in admin.pull_all("institutions") for feature in page["features"]
            if feature["id"] in wanted}


def server_state(url: str, fid: str) -> dict[str, Any] | None:
    """A feature's head state as the admin pulls it."""
    return server_states(url, [fid]).get(fid)


def point_of(layer: QgsVectorLayer, fid: int) -> QgsPointXY:
    return layer.getFeature(fid).geometry().asPoint()


def test_editor_adds_and_moves_institutions_and_syncs(live_server: Any, plugin: Any, qgis_iface: Any,
                                                       tmp_path: Path) -> None:
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    own = layer_by_role(plugin, project.ROLE_OWN)
    fields = own.fields()
    existing = sorted(own.getFeatures(), key=lambda f: f["name"])[:2]
    anchor = existing[0].geometry().asPoint()

    assert own.startEditing()
    # A new institution as QGIS's "add point" tool makes it: defaults (uuid, owner) from the layer.
    new = QgsVectorLayerUtils.createFeature(
        own, QgsGeometry.fromPointXY(QgsPointXY(anchor.x() + 30, anchor.y() + 25)),
        {fields.indexOf("name"): "Familienbüro am Markt", fields.indexOf("category"): "familienzentrum",
         fields.indexOf("subcategory"): "familienbuero", fields.indexOf("phone"): "05422 965-0"})
    assert own.addFeature(new)
    second = QgsVectorLayerUtils.createFeature(
        own, QgsGeometry.fromPointXY(QgsPointXY(anchor.x() - 20, anchor.y() - 35)),
        {fields.indexOf("name"): "Erziehungsberatung Melle-Mitte", fields.indexOf("category"): "beratung"})
    assert own.addFeature(second)
    moved, edited = existing
    target = QgsPointXY(moved.geometry().asPoint().x() + 12.5, moved.geometry().asPoint().y() - 8.0)
    assert own.changeGeometry(moved.id(), QgsGeometry.fromPointXY(target))
    assert own.changeAttributeValue(edited.id(), fields.indexOf("opening_hours"), "Mo-Fr 08:15-16:15")
    assert own.commitChanges(), own.commitErrors()

    added = {f["name"]: f for f in own.getFeatures() if f["name"] in ("Familienbüro am Markt",
                                                                       "Erziehungsberatung Melle-Mitte")}
    assert len(added) == 2
    for feature in added.values():
        assert str(uuid.UUID(feature["uuid"])) == feature["uuid"]  # QGIS's default, no braces
        assert feature["owner"] == MELLE  # the own layer's default keeps it in the own layer

    run = synchronise(plugin)
    assert run.error is None and run.problems == []
    report = run.reports[-1]
    assert (report.sent, report.accepted, report.refused) == (4, 4, [])
    assert any(m.startswith("Familienatlas:Abgleich fertig: 4 gesendet, 4 angenommen")
               for m in messages_of(qgis_iface, Qgis.MessageLevel.Success))

    # The server has all four as pending changes for the county to review.
    admin = login(live_server.url, "admin")
    pending = {p["id"]: p for p in admin.pending(layer="institutions")}
    ids = {f["uuid"] for f in added.values()} | {moved["uuid"], edited["uuid"]}
    assert ids <= set(pending)
    assert {pending[i]["op"] for i in ids} == {"insert", "update"}
    assert pending[moved["uuid"]]["moved_m"] == pytest.approx(14.9, abs=0.2)
    assert pending[edited["uuid"]]["changed_fields"]["opening_hours"][1] == "Mo-Fr 08:15-16:15"
    assert pending[added["Familienbüro am Markt"]["uuid"]]["after"]["properties"]["subcategory"] == "familienbuero"
    assert server_state(live_server.url, moved["uuid"])["geometry"]["coordinates"] == \
        pytest.approx([target.x(), target.y()], abs=0.001)

    # The layers were re-read: the features now wear the "pending" state, nothing is local any more.
    states = {f["uuid"]: f["fa_state"] for f in own.getFeatures()}
    assert {states[i] for i in ids} == {"pending"}
    assert plugin.workcopy.local_changes("institutions") == []
    assert not plugin.busy and plugin.actions["sync"].isEnabled()


def test_checks_hold_back_foreign_edits_and_points_outside(live_server: Any, plugin: Any, qgis_iface: Any,
                                                           tmp_path: Path) -> None:
    """An edit of Bramsche's institution and a point moved out of Melle are not sent; the valid
    edit is; the problems dock lists both with the reason, and a click zooms to the feature."""
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    own = layer_by_role(plugin, project.ROLE_OWN)
    others = layer_by_role(plugin, project.ROLE_OTHERS)
    assert not others.startEditing()  # read-only in QGIS

    # Someone loads the table a second time, without the filter, and edits Bramsche's data there.
    raw = QgsVectorLayer(f"{plugin.workcopy.path}|layername=institutions", "Rohdaten", "ogr")
    foreign = next(raw.getFeatures(f"\"owner\" = '{BRAMSCHE}'"))
    assert raw.startEditing()
    assert raw.changeAttributeValue(foreign.id(), raw.fields().indexOf("name"), "Von Melle umbenannt")
    assert raw.commitChanges(), raw.commitErrors()
    del raw

    own_features = sorted(own.getFeatures(), key=lambda f: f["name"])
    outside, valid = own_features[0], own_features[1]
    bramsche_point = foreign.geometry().asPoint()  # far inside Bramsche, km away from Melle
    assert own.startEditing()
    assert own.changeGeometry(outside.id(), QgsGeometry.fromPointXY(bramsche_point))
    assert own.changeAttributeValue(valid.id(), own.fields().indexOf("phone"), "05422 4711")
    assert own.commitChanges(), own.commitErrors()
    before = {fid: server_state(live_server.url, fid) for fid in (foreign["uuid"], outside["uuid"])}

    run = synchronise(plugin)
    assert {(p.uuid, p.code) for p in run.problems} == {(foreign["uuid"], "not_owner"),
                                                        (outside["uuid"], "outside_territory")}
    report = run.reports[-1]
    assert (report.sent, report.accepted, report.refused) == (1, 1, [])
    warnings = messages_of(qgis_iface, Qgis.MessageLevel.Warning)
    assert any("2 Objekte wegen Fehlern nicht gesendet" in m for m in warnings)

    # Nothing of the two reached the server; the valid edit did.
    for fid, state in before.items():
        assert server_state(live_server.url, fid)["revision"] == state["revision"]
    assert server_state(live_server.url, valid["uuid"])["properties"]["phone"] == "05422 4711"
    # Both stay as local edits in the working copy.
    assert {c.uuid for c in plugin.workcopy.local_changes("institutions")} == {foreign["uuid"], outside["uuid"]}

    dock = plugin.problems_dock
    assert dock is not None and dock.tree.topLevelItemCount() == 2
    texts = {dock.tree.topLevelItem(i).text(2) for i in range(2)}
    assert "Das Objekt gehört Bramsche: nur Bramsche oder die Kreisverwaltung darf es ändern oder löschen, " \
        "nicht Melle." in texts
    assert any(t.startswith("Der Punkt liegt ") and "außerhalb des Gemeindegebiets von Melle" in t for t in texts)
    row = next(i for i in range(2) if dock.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)[1] == outside["uuid"])
    item = dock.tree.topLevelItem(row)
    assert item.text(0) == f"Einrichtung: {outside['name']}" and item.text(1) == "Lage"
    dock.resize(900, 220)
    dock.show()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert dock.grab().save(str(ARTIFACTS / "plugin-problems-dock.png"))
    dock.tree.itemClicked.emit(item, 0)
    canvas = qgis_iface.mapCanvas()
    assert canvas.extent().contains(bramsche_point)
    assert canvas.extent().width() < 2000  # zoomed in on the feature, not on the county
    assert own.selectedFeatureIds() == [outside.id()]


def test_server_refusal_is_reported_with_the_servers_reason(live_server: Any, plugin: Any, qgis_iface: Any,
                                                            tmp_path: Path) -> None:
    """What the local checks cannot know (here: the e-mail format, which a working copy checked out
    before the server declared it does not know) is refused by the server; the message bar and the
    problems dock carry the server's reason for the feature, and the sync brings the layer's current
    constraints, so the next check finds the problem before sending."""
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    workcopy = plugin.workcopy
    served = workcopy.schema("institutions")
    workcopy.refresh_schema({**served, "fields": [{k: v for k, v in spec.items() if k not in ("format", "pattern")}
                                                  for spec in served["fields"]]})
    own = layer_by_role(plugin, project.ROLE_OWN)
    feature = next(own.getFeatures())
    assert own.startEditing()
    assert own.changeAttributeValue(feature.id(), own.fields().indexOf("email"), "keine-adresse")
    assert own.commitChanges()

    run = synchronise(plugin)
    report = run.reports[-1]
    assert [(uuid_, code) for uuid_, code, _message in report.refused] == [(feature["uuid"], "invalid_change")]
    reason = report.refused[0][2]
    assert "Keine gültige E-Mail-Adresse: keine-adresse." in reason
    text, _level = run.summary()
    assert "Eine Änderung vom Server abgelehnt: " + feature["name"] in text and reason in text
    # The bar shows the sentences that fit; the whole text is behind its "Mehr anzeigen".
    assert messages_of(qgis_iface, Qgis.MessageLevel.Warning)[-1] == "Familienatlas:" + escape_html(short_text(text))
    dock = plugin.problems_dock
    assert dock.tree.topLevelItemCount() == 1
    assert dock.tree.topLevelItem(0).text(2) == f"Vom Server abgelehnt: {reason}"
    assert server_state(live_server.url, feature["uuid"])["properties"].get("email") != "keine-adresse"
    assert workcopy.schema("institutions") == served
    assert [(p.field, p.code) for p in validation.validate(workcopy)] == [("email", "bad_format")]


def test_clashes_are_asked_about_and_settled_by_a_second_sync(live_server: Any, plugin: Any, qgis_iface: Any,
                                                              tmp_path: Path) -> None:
    """The county changed a name that Melle changed too: the person is asked (here the answer
    "mine" stands in for the conflict dialog) and a second sync sends the merged feature."""
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    own = layer_by_role(plugin, project.ROLE_OWN)
    feature = next(own.getFeatures())
    current = server_state(live_server.url, feature["uuid"])
    admin = login(live_server.url, "admin")
    admin.push("institutions", [{"op": "update", "id": feature["uuid"], "base_revision": current["revision"],
                                 "properties": {**current["properties"], "name": "Name vom Landkreis",
                                                "phone": "0541 501-0"},
                                 "geometry": current["geometry"]}], str(uuid.uuid4()), INSTITUTIONS.schema_version)
    assert own.startEditing()
    assert own.changeAttributeValue(feature.id(), own.fields().indexOf("name"), "Name aus Melle")
    assert own.commitChanges()

    asked: list[list[Clash]] = []

    def answer(clashes: list[Clash]) -> dict[tuple[str, str], str]:
        asked.append(clashes)
        return {(c.uuid, c.field): "mine" for c in clashes}

    run = SyncRun(qgis_iface, plugin.client, plugin.workcopy, plugin.problems_dock_widget, ask_clashes=answer)
    assert run.start()
    wait_until(lambda: run.finished, what="both sync rounds")
    assert [[(c.uuid, c.field, c.mine, c.theirs) for c in clashes] for clashes in asked] == \
        [[(feature["uuid"], "name", "Name aus Melle", "Name vom Landkreis")]]
    assert len(run.reports) == 2 and run.reports[-1].ok
    state = server_state(live_server.url, feature["uuid"])
    assert (state["properties"]["name"], state["properties"]["phone"]) == ("Name aus Melle", "0541 501-0")
    assert any(m.startswith("Familienatlas:Abgleich fertig: ") for m in
               messages_of(qgis_iface, Qgis.MessageLevel.Success))


def test_plugin_opens_the_conflict_dialog_and_syncs_with_its_choices(live_server: Any, plugin: Any,
                                                                      qgis_iface: Any, tmp_path: Path) -> None:
    """Through the plugin's own path: the real ConflictDialog opens after the first sync; the
    person takes the server's version; the second sync leaves working copy and server equal."""
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    own = layer_by_role(plugin, project.ROLE_OWN)
    feature = next(own.getFeatures())
    current = server_state(live_server.url, feature["uuid"])
    login(live_server.url, "admin").push(
        "institutions", [{"op": "update", "id": feature["uuid"], "base_revision": current["revision"],
                          "properties": {**current["properties"], "name": "Name vom Landkreis"},
                          "geometry": current["geometry"]}], str(uuid.uuid4()), INSTITUTIONS.schema_version)
    assert own.startEditing()
    assert own.changeAttributeValue(feature.id(), own.fields().indexOf("name"), "Name aus Melle")
    assert own.commitChanges()

    def take_theirs(dialog: Any) -> None:
        assert type(dialog).__name__ == "ConflictDialog"
        dialog.choose_all("theirs")
        dialog.accept()

    answer = ModalAnswer(take_theirs)
    run = synchronise(plugin)
    dialog = answer.check()
    assert [(c.uuid, c.field) for c in dialog.clashes] == [(feature["uuid"], "name")]
    assert len(run.reports) == 2 and run.reports[-1].ok
    assert plugin.workcopy.read_row("institutions", feature["uuid"]).properties["name"] == "Name vom Landkreis"
    assert plugin.workcopy.local_changes("institutions") == []
    assert server_state(live_server.url, feature["uuid"])["properties"]["name"] == "Name vom Landkreis"
    assert next(own.getFeatures(f"\"uuid\" = '{feature['uuid']}'"))["name"] == "Name vom Landkreis"


def test_a_running_sync_shows_progress_and_can_be_cancelled(live_server: Any, plugin: Any, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancelled in the middle (after its second push of five), the sync stops between two pushes:
    what went out is on the server, the rest is still local, and the next sync sends the rest."""
    import sqlite3

    from qgis_plugin.core.sync import Synchronizer
    from qgis_plugin.gui.tasks import SYNC, SyncTask, start

    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    wc = plugin.workcopy
    own = [f.uuid for f in wc.rows("institutions") if f.properties.get("owner") == MELLE][:25]
    con = sqlite3.connect(str(wc.path))
    con.executemany("UPDATE institutions SET phone = ? WHERE uuid = ?", [(f"05422 {i:04d}", u) for i, u in
                                                                         enumerate(own)])
    con.commit()
    con.close()
    monkeypatch.setattr(Synchronizer, "push_batch_size", 5)

    outcomes: list[Any] = []
    progress: list[float] = []
    task = SyncTask("Familienatlas: Synchronisieren", SYNC, plugin.client, wc, outcomes.append)
    sent: list[str] = []

    def on_message(message: str) -> None:
        progress.append(task.progress())  # what QGIS's task manager shows beside the cancel button
        if "werden gesendet" in message:
            sent.append(message)
            if len(sent) == 2:
                task.cancel()
    # Direct: the handler runs in the task's thread, so the cancel lands before the third push.
    task.progressMessage.connect(on_message, Qt.ConnectionType.DirectConnection)
    start(task)
    wait_until(lambda: bool(outcomes), what="the cancelled sync")
    outcome = outcomes[0]
    assert outcome.cancelled and str(outcome.error) == "Abgebrochen."
    assert progress == sorted(progress) and progress[0] >= 0.0 and progress[-1] < 100.0, progress
    assert sent[0].startswith("Ebene „institutions“: 25 Änderungen")

    on_server = {fid: f["properties"]["phone"] for fid, f in server_states(live_server.url, own).items()}
    assert set(on_server) == set(own)
    went_out = [fid for fid in own if on_server[fid].startswith("05422 0")]
    assert len(went_out) == 10, len(went_out)  # two pushes went out, then it stopped
    still_local = {c.uuid for c in wc.local_changes("institutions")}
    assert still_local == set(own) - set(went_out)
    assert all(wc.read_row("institutions", fid).properties["phone"].startswith("05422 0") for fid in own)

    run = plugin.synchronise()
    own_layer = layer_by_role(plugin, project.ROLE_OWN)
    # while the sync writes the file, QGIS cannot edit the layers it writes
    assert not run.finished and own_layer.readOnly() and not own_layer.startEditing()
    wait_until(lambda: run.finished, what="the second sync")
    assert not own_layer.readOnly() and layer_by_role(plugin, project.ROLE_OTHERS).readOnly()
    assert run.error is None and run.reports[-1].accepted == len(still_local)
    assert wc.local_changes("institutions") == []
    after = server_states(live_server.url, own)
    assert all(after[fid]["properties"]["phone"] == f"05422 {i:04d}" for i, fid in enumerate(own))


def _click(dialog: Any, text: str) -> None:
    [button] = [b for b in dialog.buttons() if b.text() == text]
    button.click()


def test_a_working_copy_of_another_account_is_not_synced(live_server: Any, plugin: Any, qgis_iface: Any,
                                                          tmp_path: Path) -> None:
    """The admin presses "Synchronisieren" on Melle's working copy in the same QGIS profile: refused
    with the reason (nothing sent, nothing rebound); "Als „melle.editor“ anmelden…" logs Melle in
    again (user name filled in) and then syncs."""
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")
    own = layer_by_role(plugin, project.ROLE_OWN)
    own_count = own.featureCount()
    feature = next(own.getFeatures())
    assert own.startEditing()
    assert own.changeAttributeValue(feature.id(), own.fields().indexOf("phone"), "05422 77")
    assert own.commitChanges()
    plugin.set_client(login(live_server.url, "admin"))

    seen: list[str] = []
    answer = ModalAnswer(lambda box: (seen.append(box.text()), _click(box, "Nichts tun")))
    assert plugin.synchronise() is None
    answer.check()
    assert seen == ["Diese Arbeitskopie gehört dem Konto „melle.editor“ (Melle), angemeldet ist aber „admin“: sie "
                    "wird nur mit dem Konto synchronisiert, das sie ausgecheckt hat. Bitte als „melle.editor“ "
                    "anmelden oder für „admin“ eine eigene Arbeitskopie in einem anderen Ordner auschecken."]
    assert plugin.workcopy.username == "melle.editor"
    assert reference.user(plugin.workcopy)["role"] == "editor"
    own, others = layer_by_role(plugin, project.ROLE_OWN), layer_by_role(plugin, project.ROLE_OTHERS)
    assert own.featureCount() == own_count and others.readOnly()
    assert server_state(live_server.url, feature["uuid"])["properties"].get("phone") != "05422 77"

    answers: list[ModalAnswer] = []

    def log_in(dialog: Any) -> None:
        assert (dialog.url_edit.text(), dialog.user_edit.text()) == (live_server.url, "melle.editor")
        dialog.password_edit.setText(demo_password("melle.editor"))
        dialog.accept()

    def switch(box: Any) -> None:
        _click(box, "Als „melle.editor“ anmelden…")
        answers.append(ModalAnswer(log_in))

    answer = ModalAnswer(switch)
    run = plugin.synchronise()
    answer.check()
    answers[0].check()
    assert run is not None and plugin.client.user["username"] == "melle.editor"
    wait_until(lambda: run.finished, what="the sync task")
    assert run.error is None and run.reports[-1].accepted == 1
    assert server_state(live_server.url, feature["uuid"])["properties"]["phone"] == "05422 77"

    # The county rejects the change; the working copy comes back from an old backup (cursor ahead).
    admin = login(live_server.url, "admin")
    [entry] = [e for e in admin.pending() if e["id"] == feature["uuid"]]
    admin.reject([entry["revision"]], reason="Nummer bitte prüfen.")
    plugin.workcopy.set_cursor("institutions", 10**9)
    qgis_iface.messageBar().clear_messages()
    run = synchronise(plugin)
    assert run.reports[-1].pulled_again == [("institutions", "cursor_ahead")]
    # The whole text behind "Mehr anzeigen" and in the log; the bar shows the sentences that fit.
    assert messages_of(qgis_iface, Qgis.MessageLevel.Warning) == [
        "Familienatlas:Abgleich fertig: 0 gesendet, 0 angenommen, 1 empfangen. …"]
    assert run.summary()[0] == (
        "Abgleich fertig: 0 gesendet, 0 angenommen, 1 empfangen. Die Arbeitskopie passte nicht mehr "
        "zum Server (sie stammt von einem anderen Server oder aus einer älteren Sicherung): „Einrichtungen und "
        f"Angebote“ wurde vollständig neu geladen, alle lokalen Änderungen sind erhalten. Die Kreisverwaltung hat "
        f"eine Änderung abgelehnt: {feature['name']}: Nummer bitte prüfen.")
