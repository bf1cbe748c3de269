"""The Processing provider "Familienatlas" in real QGIS against the real server: registered by the
plugin, "Auschecken" and "Synchronisieren" run through ``processing.run`` with credentials from QGIS's
authentication database; the server gets the changes (checked as admin through the API)."""

from __future__ import annotations

import socket
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from qgis.core import QgsApplication, QgsProcessingException, QgsProcessingFeedback, QgsProject

from qgis_plugin.core.workcopy import WorkingCopy
from qgis_plugin.gui import connection, project
from qgis_plugin.processing import FamilienatlasProvider
from sync_server.domain.layers import INSTITUTIONS
from tests.support import MELLE, demo_password

from .plugin_support import login


class Recorder(QgsProcessingFeedback):
    """A feedback that keeps what the algorithm reports."""

    def __init__(self) -> None:
        super().__init__()
        self.infos: list[str] = []
        self.warnings: list[str] = []
        self.errors: list[str] = []
        self.progress: list[float] = []
        self.progressChanged.connect(self.progress.append)

    def pushInfo(self, info: str) -> None:  # noqa: N802
        self.infos.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning: str) -> None:  # noqa: N802
        self.warnings.append(warning)
        super().pushWarning(warning)

    def reportError(self, error: str, fatalError: bool = False) -> None:  # noqa: N802, N803
        self.errors.append(error)
        super().reportError(error, fatalError)


def credentials(url: str, user: str, password: str | None = None) -> str:
    authcfg = connection.store_credentials(url, user, password or demo_password(user))
    assert authcfg
    return authcfg


def checkout(processing: Any, url: str, authcfg: str, folder: Path, **extra: Any) -> tuple[dict[str, Any], Recorder]:
    feedback = Recorder()
    results = processing.run("familienatlas:checkout", {"SERVER_URL": url, "AUTHCFG": authcfg,
                                                        "FOLDER": str(folder), **extra}, feedback=feedback)
    return results, feedback


def sync(processing: Any, authcfg: str, folder: Path, conflicts: int = 0) -> tuple[dict[str, Any], Recorder]:
    feedback = Recorder()
    results = processing.run("familienatlas:sync", {"FOLDER": str(folder), "AUTHCFG": authcfg,
                                                    "CONFLICTS": conflicts}, feedback=feedback)
    return results, feedback


def table_count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]


def own_layer(path: Path) -> Any:
    for layer in project.working_copy_layers(path):
        if layer.customProperty(project.PROPERTY_ROLE) == project.ROLE_OWN:
            return layer
    raise AssertionError("no layer of the own institutions in the project")


def server_state(url: str, fid: str) -> dict[str, Any]:
    admin = login(url, "admin")
    return next(f for page in admin.pull_all("institutions") for f in page["features"] if f["id"] == fid)


def test_the_plugin_registers_and_removes_the_provider(plugin: Any, processing: Any) -> None:
    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("familienatlas")
    assert isinstance(provider, FamilienatlasProvider) and provider is plugin.provider
    assert provider.name() == "Familienatlas" and not provider.icon().isNull()
    names = {alg.id(): alg.displayName() for alg in provider.algorithms()}
    assert names == {"familienatlas:checkout": "Auschecken", "familienatlas:sync": "Synchronisieren",
                     "familienatlas:upload_indicator_values": "Indikatorwerte hochladen"}
    sync_alg = registry.algorithmById("familienatlas:sync")
    assert sync_alg.parameterDefinition("CONFLICTS").options() == ["Nicht auflösen", "Meine Version",
                                                                   "Server-Version"]
    assert {o.name() for o in sync_alg.outputDefinitions()} >= {"SENT", "ACCEPTED", "RECEIVED", "REFUSED"}
    checkout_alg = registry.algorithmById("familienatlas:checkout")
    assert checkout_alg.parameterDefinition("AUTHCFG").type() == "authcfg"
    assert checkout_alg.parameterDefinition("FOLDER").type() == "folderDestination"

    plugin.unload()
    assert registry.providerById("familienatlas") is None
    plugin.initGui()  # the fixture unloads it again
    assert registry.providerById("familienatlas") is plugin.provider is not None


def test_checkout_edit_and_sync(live_server: Any, plugin: Any, processing: Any, tmp_path: Path) -> None:
    url = live_server.url
    authcfg = credentials(url, "melle.editor")
    folder = tmp_path / "melle"
    results, feedback = checkout(processing, url, authcfg, folder)

    gpkg = folder / "familienatlas.gpkg"
    assert results["GEOPACKAGE"] == str(gpkg) and gpkg.is_file()
    assert results["FOLDER"] == str(folder)
    editor = login(url, "melle.editor")
    expected = {layer: sum(len(page["features"]) for page in editor.pull_all(layer))
                for layer in ("institutions", "spatial_units", "indicator_values")}
    assert expected["institutions"] > 0 and expected["spatial_units"] > 0 and expected["indicator_values"] > 0
    assert results["INSTITUTIONS_COUNT"] == table_count(gpkg, "institutions") == expected["institutions"]
    assert results["SPATIAL_UNITS_COUNT"] == table_count(gpkg, "spatial_units") == expected["spatial_units"]
    assert results["FEATURE_COUNT"] == sum(expected.values())
    assert "Angemeldet als melle.editor (Melle)." in feedback.infos
    assert "Fertig." in feedback.infos and feedback.progress[-1] == 100.0
    assert f"Arbeitskopie ausgecheckt: {sum(expected.values())} Objekte in {gpkg}." in feedback.infos
    assert feedback.errors == []

    # Shown as the plugin's layer group; the own institutions are editable with QGIS's editing API.
    group = QgsProject.instance().layerTreeRoot().findGroup("Familienatlas")
    assert [child.name() for child in group.children()] == [
        "Einrichtungen (eigene)", "Einrichtungen (andere Kommunen)", "Raumeinheiten", "Indikatorwerte",
        "Gemeindegebiete"]
    own = own_layer(gpkg)
    feature = sorted(own.getFeatures(), key=lambda f: f["name"])[0]
    assert feature["owner"] == MELLE
    assert own.startEditing()
    assert own.changeAttributeValue(feature.id(), own.fields().indexOf("opening_hours"), "Mo-Th 09:00-15:00")
    assert own.commitChanges(), own.commitErrors()

    results, feedback = sync(processing, authcfg, folder)
    assert (results["SENT"], results["ACCEPTED"], results["REFUSED"], results["HELD_BACK"]) == (1, 1, 0, 0)
    assert results["OPEN_CONFLICTS"] == 0 and feedback.errors == []
    assert f"Abgleich fertig: 1 gesendet, 1 angenommen, {results['RECEIVED']} empfangen." in feedback.infos
    assert feedback.progress[-1] == 100.0

    # The server holds the change as pending for the county's review.
    pending = {p["id"]: p for p in login(url, "admin").pending(layer="institutions")}
    assert pending[feature["uuid"]]["op"] == "update"
    assert pending[feature["uuid"]]["changed_fields"]["opening_hours"][1] == "Mo-Th 09:00-15:00"
    # The project's layer was re-read: the feature now wears the "pending" state.
    assert next(own.getFeatures(f"\"uuid\" = '{feature['uuid']}'"))["fa_state"] == "pending"

    # A checkout into the same folder leaves the (now sent) working copy replaceable and reloads the group.
    results, _feedback = checkout(processing, url, authcfg, folder, LOAD=False)
    assert results["INSTITUTIONS_COUNT"] == expected["institutions"]
    assert len(project.working_copy_layers(gpkg)) == 6  # with the indicator values and the (hidden) subcategory table


def test_refusals_are_reported_with_the_servers_reason(live_server: Any, plugin: Any, processing: Any,
                                                       tmp_path: Path) -> None:
    url = live_server.url
    authcfg = credentials(url, "melle.editor")
    folder = tmp_path / "melle"
    checkout(processing, url, authcfg, folder, LOAD=False)
    gpkg = folder / "familienatlas.gpkg"
    assert project.working_copy_layers(gpkg) == []
    # What the local checks cannot know is refused by the server: a copy checked out before the server
    # declared the e-mail format does not know it (a current copy holds the bad address back unsent).
    with WorkingCopy(gpkg) as workcopy:
        served = workcopy.schema("institutions")
        workcopy.refresh_schema({**served, "fields": [{k: v for k, v in spec.items() if k not in ("format", "pattern")}
                                                      for spec in served["fields"]]})
    with sqlite3.connect(gpkg) as db:  # an edit outside QGIS (no geometry change, so no GeoPackage triggers)
        fid, name = db.execute("SELECT uuid, name FROM institutions WHERE owner = ? ORDER BY name LIMIT 1",
                               (MELLE,)).fetchone()
        db.execute("UPDATE institutions SET email = 'keine-adresse' WHERE uuid = ?", (fid,))

    results, feedback = sync(processing, authcfg, folder)
    assert (results["SENT"], results["ACCEPTED"], results["REFUSED"]) == (1, 0, 1)
    assert len(feedback.errors) == 1
    assert feedback.errors[0].startswith(f"Vom Server abgelehnt: {name} ({fid}): ")
    assert "Keine gültige E-Mail-Adresse: keine-adresse." in feedback.errors[0]
    assert server_state(url, fid)["properties"].get("email") != "keine-adresse"

    # A checkout would overwrite the refused change: refused unless asked for, then done.
    with pytest.raises(QgsProcessingException):
        checkout(processing, url, authcfg, folder, LOAD=False)
    with sqlite3.connect(gpkg) as db:
        assert db.execute("SELECT email FROM institutions WHERE uuid = ?", (fid,)).fetchone()[0] == "keine-adresse"
    results, _feedback = checkout(processing, url, authcfg, folder, LOAD=False, FORCE=True)
    with sqlite3.connect(gpkg) as db:
        assert db.execute("SELECT email FROM institutions WHERE uuid = ?", (fid,)).fetchone()[0] != "keine-adresse"


@pytest.mark.parametrize(("choice", "winner", "author"), [(1, "Name aus Melle", "melle.editor"),
                                                     (2, "Name vom Landkreis", "admin")])
def test_conflict_preference(live_server: Any, plugin: Any, processing: Any, tmp_path: Path,
                             choice: int, winner: str, author: str) -> None:
    """The county and Melle changed the same name: "Meine Version" sends Melle's name for review,
    "Server-Version" takes the county's into the working copy."""
    url = live_server.url
    authcfg = credentials(url, "melle.editor")
    folder = tmp_path / "melle"
    checkout(processing, url, authcfg, folder, LOAD=False)
    gpkg = folder / "familienatlas.gpkg"
    with sqlite3.connect(gpkg) as db:
        fid = db.execute("SELECT uuid FROM institutions WHERE owner = ? ORDER BY name LIMIT 1", (MELLE,)).fetchone()[0]
        db.execute("UPDATE institutions SET name = 'Name aus Melle' WHERE uuid = ?", (fid,))
    current = server_state(url, fid)
    login(url, "admin").push("institutions", [{
        "op": "update", "id": fid, "base_revision": current["revision"],
        "properties": {**current["properties"], "name": "Name vom Landkreis"}, "geometry": current["geometry"],
    }], str(uuid.uuid4()), INSTITUTIONS.schema_version)

    results, _feedback = sync(processing, authcfg, folder, conflicts=choice)
    assert results["OPEN_CONFLICTS"] == 0 and results["REFUSED"] == 0 and results["MERGED"] == 1
    with sqlite3.connect(gpkg) as db:
        assert db.execute("SELECT name FROM institutions WHERE uuid = ?", (fid,)).fetchone()[0] == winner
    # The newest pending revision of the feature: Melle's after "Meine Version", else the county's own.
    pending = {p["id"]: p for p in login(url, "admin").pending(layer="institutions")}[fid]
    assert (pending["author"], pending["after"]["properties"]["name"]) == (author, winner)


def test_login_failures_fail_the_algorithm_with_a_german_message(live_server: Any, plugin: Any, processing: Any,
                                                                  tmp_path: Path) -> None:
    url = live_server.url
    wrong = credentials(url, "melle.editor", "falsch-falsch")
    folder = tmp_path / "melle"
    with pytest.raises(QgsProcessingException) as failure:
        checkout(processing, url, wrong, folder)
    expected = ("Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch. Bitte Benutzername und "
                f"Passwort der Authentifizierungskonfiguration „{wrong}“ prüfen.")
    assert str(failure.value) == expected
    assert not (folder / "familienatlas.gpkg").exists()

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(QgsProcessingException) as failure:
        checkout(processing, dead, wrong, folder)
    assert str(failure.value) == (
        f"Der Server {dead} ist nicht erreichbar: dort nimmt kein Dienst Verbindungen an (läuft der Server, stimmt "
        "der Port?). Bitte die Adresse und die Netzwerkverbindung prüfen.")

    with pytest.raises(QgsProcessingException) as failure:
        checkout(processing, url, "nix1234", folder)
    assert str(failure.value).startswith("Keine Zugangsdaten: die Authentifizierungskonfiguration „nix1234“ fehlt")

    # The sync of a good working copy with a wrong password fails the same way.
    good = credentials(url, "melle.editor")
    checkout(processing, url, good, folder, LOAD=False)
    with pytest.raises(QgsProcessingException) as failure:
        sync(processing, wrong, folder)
    assert str(failure.value) == expected
