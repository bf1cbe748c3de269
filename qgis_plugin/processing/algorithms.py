"""The Processing algorithms "Auschecken" and "Synchronisieren".

Processing calls three steps; the algorithms use them like this:

- ``prepareAlgorithm`` (QGIS's main thread, when run on its own): read the parameters, read the
  credentials from QGIS's authentication database (:func:`..gui.connection.load_credentials`, which
  may ask for the master password) and log in, so a wrong password or an unreachable server fails
  the algorithm before anything changes. A checkout also refuses to overwrite unsent changes
  (unless asked to) and takes the project's layers on that file out of the project, because their
  tables are replaced (as the toolbar's checkout does). Processing only logs what this step raises,
  so a failure is kept and raised by ``processAlgorithm``: the reason becomes the algorithm's error.
- ``processAlgorithm`` (a worker thread): the core's checkout or sync, reporting progress and
  the core's progress texts to the feedback and stopping when the feedback is cancelled.
- ``postProcessAlgorithm`` (always the main thread, also inside a model): show a new working copy as
  the plugin's layer group, or re-read the project's layers on it after a sync.

Inside a model ``prepareAlgorithm`` runs in the model's thread: the project is not touched there.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterAuthConfig,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterString,
    QgsProject,
)
from qgis.PyQt.QtCore import QCoreApplication, QThread

from ..core import messages
from ..core.api import AtlasClient
from ..core.errors import AtlasError, AuthenticationFailed, Cancelled, ConnectionFailed
from ..core.reference import refresh_reference_data
from ..core.sync import Synchronizer, prefer
from ..core.validation import held_back, validate
from ..core.workcopy import FILE_NAME, WorkingCopy
from ..gui import connection, project
from ..gui.i18n import tr

INSTITUTIONS, SPATIAL_UNITS = project.INSTITUTIONS, project.SPATIAL_UNITS


def _on_main_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() == app.thread()


def _project(context: QgsProcessingContext) -> QgsProject | None:
    """The context's project, but only where the project may be changed (the main thread)."""
    return context.project() if _on_main_thread() else None


def _progress(feedback: QgsProcessingFeedback) -> Callable[[float, str], None]:
    """The core's ``progress(percent, message)`` on the feedback (each text once)."""
    last: list[str | None] = [None]

    def progress(percent: float, message: str) -> None:
        feedback.setProgress(percent)
        if message and message != last[0]:
            last[0] = message
            feedback.pushInfo(message)

    return progress


def _feature_label(workcopy: WorkingCopy, uuid: str, layer: str | None = None) -> str:
    """``Name (uuid)`` of a feature for the log (the uuid alone when it has no name)."""
    for name in [layer] if layer else workcopy.layer_names():
        row = workcopy.read_row(name, uuid)
        if row is not None and row.properties.get("name"):
            return f"{row.properties['name']} ({uuid})"
    return uuid


def _modified_layers(path: Path, project_: QgsProject | None) -> list[str]:
    """Names of the project's layers on the working copy ``path`` with unsaved edits."""
    if project_ is None:
        return []
    return [layer.name() for layer in project.working_copy_layers(path, project_)
            if layer.isEditable() and layer.isModified()]


def _logout_quietly(client: AtlasClient | None) -> None:
    if client is not None:
        with contextlib.suppress(AtlasError):
            client.logout()


class _AtlasAlgorithm(QgsProcessingAlgorithm):
    """What both algorithms share: the credentials parameter and the login."""

    AUTHCFG = "AUTHCFG"
    SERVER_URL = "SERVER_URL"

    def __init__(self) -> None:
        super().__init__()
        self._client: AtlasClient | None = None
        self._failure: str | None = None

    def createInstance(self) -> QgsProcessingAlgorithm:  # noqa: N802 (QGIS's name)
        return type(self)()

    def group(self) -> str:
        return ""

    def groupId(self) -> str:  # noqa: N802
        return ""

    def prepareAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> bool:
        # Processing only logs what prepareAlgorithm raises and then fails with a general message;
        # raised again in processAlgorithm, the reason becomes the algorithm's error (processing.run
        # raises it, the dialog shows it).
        self._failure = None
        try:
            self._prepare(parameters, context, feedback)
        except QgsProcessingException as exc:
            self._failure = str(exc)
        return True

    def processAlgorithm(self, parameters: dict[str, Any], context: QgsProcessingContext,  # noqa: N802
                         feedback: QgsProcessingFeedback) -> dict[str, Any]:
        if self._failure is not None:
            _logout_quietly(self._client)
            raise QgsProcessingException(self._failure)
        client, self._client = self._client, None
        if client is None:  # run without prepareAlgorithm: cannot happen through Processing
            raise QgsProcessingException(tr("Nicht angemeldet."))
        try:
            return self._process(client, feedback or QgsProcessingFeedback())
        finally:
            _logout_quietly(client)

    def _prepare(self, parameters: dict[str, Any], context: QgsProcessingContext,
                 feedback: QgsProcessingFeedback | None) -> None:
        raise NotImplementedError

    def _process(self, client: AtlasClient, feedback: QgsProcessingFeedback) -> dict[str, Any]:
        raise NotImplementedError

    def _server_parameter(self) -> QgsProcessingParameterString:
        return QgsProcessingParameterString(self.SERVER_URL, tr("Server-Adresse"),
                                            defaultValue=connection.saved_server_url() or None)

    def _server_url(self, parameters: dict[str, Any], context: QgsProcessingContext) -> str:
        """The server address of the parameters (``https://`` added when the scheme is left out)."""
        url = (self.parameterAsString(parameters, self.SERVER_URL, context) or "").strip()
        if not url:
            raise QgsProcessingException(tr("Bitte die Server-Adresse angeben."))
        return url if "://" in url else "https://" + url

    def _auth_parameter(self) -> QgsProcessingParameterAuthConfig:
        return QgsProcessingParameterAuthConfig(
            self.AUTHCFG, tr("Zugangsdaten (QGIS-Authentifizierung)"),
            defaultValue=connection.saved_authcfg() or None)

    def _login(self, server_url: str, authcfg: str, feedback: QgsProcessingFeedback | None) -> AtlasClient:
        """A client logged in with the credentials of ``authcfg``; fails the algorithm with the reason."""
        credentials = connection.load_credentials(authcfg)
        if credentials is None:
            raise QgsProcessingException(tr(
                "Keine Zugangsdaten: die Authentifizierungskonfiguration „{authcfg}“ fehlt in der "
                "QGIS-Authentifizierungsdatenbank, enthält keinen Benutzernamen oder ist gesperrt "
                "(Master-Passwort).").format(authcfg=authcfg))
        client = connection.make_client(server_url)
        try:
            client.health()
            user = client.login(*credentials)
        except ConnectionFailed as exc:  # the core's sentence names the address and what to check
            raise QgsProcessingException(str(exc)) from exc
        except AuthenticationFailed as exc:
            raise QgsProcessingException(f"{exc} " + tr(
                "Bitte Benutzername und Passwort der Authentifizierungskonfiguration „{authcfg}“ prüfen.").format(
                authcfg=authcfg)) from exc
        except AtlasError as exc:
            raise QgsProcessingException(tr("Anmeldung bei {server} nicht möglich: {error}").format(
                server=client.server_url, error=exc)) from exc
        if feedback is not None:
            feedback.pushInfo(tr("Angemeldet als {user} ({municipality}).").format(
                user=user.get("username", credentials[0]),
                municipality=(user.get("municipality") or {}).get("name", "?")))
        return client


class CheckoutAlgorithm(_AtlasAlgorithm):
    """Fetch a working copy (GeoPackage) of all layers the server offers into a folder."""

    FOLDER = "FOLDER"
    FORCE = "FORCE"
    LOAD = "LOAD"
    GEOPACKAGE = "GEOPACKAGE"
    FEATURE_COUNT = "FEATURE_COUNT"
    INSTITUTIONS_COUNT = "INSTITUTIONS_COUNT"
    SPATIAL_UNITS_COUNT = "SPATIAL_UNITS_COUNT"

    def __init__(self) -> None:
        super().__init__()
        self._folder = Path()
        self._force = False
        self._load = True
        self._had_layers = False

    def name(self) -> str:
        return "checkout"

    def displayName(self) -> str:  # noqa: N802
        return tr("Auschecken")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr("Holt eine Arbeitskopie (GeoPackage familienatlas.gpkg) aller Ebenen vom Familienatlas-Server "
                  "in den angegebenen Ordner. Die Anmeldung verwendet Benutzername und Passwort einer "
                  "„Basic“-Konfiguration der QGIS-Authentifizierung. Eine Arbeitskopie mit nicht gesendeten "
                  "Änderungen wird nur ersetzt, wenn „Nicht gesendete lokale Änderungen verwerfen“ gewählt ist.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        self.addParameter(self._server_parameter())
        self.addParameter(self._auth_parameter())
        self.addParameter(QgsProcessingParameterFolderDestination(self.FOLDER, tr("Ordner der Arbeitskopie")))
        self.addParameter(QgsProcessingParameterBoolean(
            self.FORCE, tr("Nicht gesendete lokale Änderungen verwerfen"), defaultValue=False))
        self.addParameter(QgsProcessingParameterBoolean(self.LOAD, tr("Ebenen in das Projekt laden"),
                                                        defaultValue=True))
        self.addOutput(QgsProcessingOutputFile(self.GEOPACKAGE, tr("GeoPackage der Arbeitskopie")))
        self.addOutput(QgsProcessingOutputNumber(self.FEATURE_COUNT, tr("Objekte insgesamt")))
        self.addOutput(QgsProcessingOutputNumber(self.INSTITUTIONS_COUNT, tr("Einrichtungen")))
        self.addOutput(QgsProcessingOutputNumber(self.SPATIAL_UNITS_COUNT, tr("Raumeinheiten")))

    @property
    def _path(self) -> Path:
        return self._folder / FILE_NAME

    def _prepare(self, parameters: dict[str, Any], context: QgsProcessingContext,
                 feedback: QgsProcessingFeedback | None) -> None:
        url = self._server_url(parameters, context)
        authcfg = self.parameterAsString(parameters, self.AUTHCFG, context)
        folder = self.parameterAsFileOutput(parameters, self.FOLDER, context)
        if not folder:
            raise QgsProcessingException(tr("Bitte den Ordner der Arbeitskopie angeben."))
        self._folder = Path(folder)
        self._force = self.parameterAsBoolean(parameters, self.FORCE, context)
        self._load = self.parameterAsBoolean(parameters, self.LOAD, context)
        project_ = _project(context)
        if not self._force:
            self._refuse_to_overwrite(project_)
        self._client = self._login(url, authcfg, feedback)
        if project_ is not None:
            self._had_layers = bool(project.working_copy_layers(self._path, project_))
            project.remove_working_copy_layers(self._path, project_)

    def _refuse_to_overwrite(self, project_: QgsProject | None) -> None:
        """Fail before anything changes when the checkout would replace unsent work."""
        keep = tr("Zum Ersetzen „{option}“ wählen.").format(option=tr("Nicht gesendete lokale Änderungen verwerfen"))
        modified = _modified_layers(self._path, project_)
        if modified:
            raise QgsProcessingException(tr("Diese Ebenen haben ungespeicherte Bearbeitungen: {layers}.").format(
                layers=", ".join(modified)) + " " + keep)
        if not self._path.is_file():
            return
        with WorkingCopy(self._path) as workcopy:
            for name in workcopy.layer_names():
                if workcopy.outbox(name) is not None or workcopy.local_changes(name):
                    raise QgsProcessingException(messages.tr("error.local_changes_exist", layer=name) + " " + keep)

    def _process(self, client: AtlasClient, feedback: QgsProcessingFeedback) -> dict[str, Any]:
        with WorkingCopy(self._path) as workcopy:
            synchronizer = Synchronizer(client, workcopy, progress=_progress(feedback),
                                        is_cancelled=feedback.isCanceled)
            try:
                synchronizer.checkout(force=self._force)
                # Territories, catalogue colours and the user's role: the layer group and the
                # checks before a sync need them.
                refresh_reference_data(client, workcopy)
            except Cancelled as exc:
                raise QgsProcessingException(tr("Auschecken abgebrochen.")) from exc
            except AtlasError as exc:
                raise QgsProcessingException(tr("Auschecken fehlgeschlagen: {error}").format(error=exc)) from exc
            counts = {name: workcopy.count(name) for name in workcopy.layer_names()}
        for name, count in counts.items():
            feedback.pushInfo(tr("Ebene „{layer}“: {count} Objekte").format(layer=name, count=count))
        total = sum(counts.values())
        feedback.pushInfo(tr("Arbeitskopie ausgecheckt: {count} Objekte in {path}.").format(count=total,
                                                                                             path=self._path))
        return {
            self.FOLDER: str(self._folder),
            self.GEOPACKAGE: str(self._path),
            self.FEATURE_COUNT: total,
            self.INSTITUTIONS_COUNT: counts.get(INSTITUTIONS, 0),
            self.SPATIAL_UNITS_COUNT: counts.get(SPATIAL_UNITS, 0),
        }

    def postProcessAlgorithm(self, context: QgsProcessingContext,  # noqa: N802
                             feedback: QgsProcessingFeedback) -> dict[str, Any]:
        project_ = _project(context)
        if project_ is not None and (self._load or self._had_layers
                                     or project.working_copy_layers(self._path, project_)):
            with WorkingCopy(self._path) as workcopy:
                project.add_working_copy_layers(workcopy, project_)
        return {}


class SyncAlgorithm(_AtlasAlgorithm):
    """Send the local changes of a working copy (after the checks) and receive the server's."""

    FOLDER = "FOLDER"
    CONFLICTS = "CONFLICTS"
    SENT = "SENT"
    ACCEPTED = "ACCEPTED"
    RECEIVED = "RECEIVED"
    REFUSED = "REFUSED"
    MERGED = "MERGED"
    OPEN_CONFLICTS = "OPEN_CONFLICTS"
    HELD_BACK = "HELD_BACK"

    #: The choices of :attr:`CONFLICTS`: leave clashes open, keep my values, take the server's.
    PREFERENCES = (None, "mine", "theirs")

    def __init__(self) -> None:
        super().__init__()
        self._path = Path()
        self._preference: str | None = None

    def name(self) -> str:
        return "sync"

    def displayName(self) -> str:  # noqa: N802
        return tr("Synchronisieren")

    def shortHelpString(self) -> str:  # noqa: N802
        return tr("Prüft die lokalen Änderungen einer Arbeitskopie, sendet sie an den Familienatlas-Server und "
                  "empfängt die Änderungen des Servers. Objekte mit Fehlern werden nicht gesendet; was der Server "
                  "ablehnt, steht mit seiner Begründung im Protokoll. Wurde dasselbe Feld lokal und auf dem "
                  "Server geändert, entscheidet „Konflikte“: offen lassen (der lokale Wert bleibt erhalten), "
                  "die eigene Version oder die Server-Version übernehmen.")

    def initAlgorithm(self, config: dict[str, Any] | None = None) -> None:  # noqa: N802
        folder = connection.saved_workcopy_folder()
        self.addParameter(QgsProcessingParameterFile(
            self.FOLDER, tr("Ordner der Arbeitskopie"), behavior=QgsProcessingParameterFile.Behavior.Folder,
            defaultValue=str(folder) if folder else None))
        self.addParameter(self._auth_parameter())
        self.addParameter(QgsProcessingParameterEnum(
            self.CONFLICTS, tr("Konflikte (dasselbe Feld lokal und auf dem Server geändert)"),
            options=[tr("Nicht auflösen"), tr("Meine Version"), tr("Server-Version")], defaultValue=0))
        for name, title in ((self.SENT, tr("Gesendet")), (self.ACCEPTED, tr("Angenommen")),
                            (self.RECEIVED, tr("Empfangen")), (self.REFUSED, tr("Abgelehnt")),
                            (self.MERGED, tr("Konflikte zusammengeführt")),
                            (self.OPEN_CONFLICTS, tr("Konflikte offen")),
                            (self.HELD_BACK, tr("Wegen Fehlern nicht gesendet"))):
            self.addOutput(QgsProcessingOutputNumber(name, title))

    def _prepare(self, parameters: dict[str, Any], context: QgsProcessingContext,
                 feedback: QgsProcessingFeedback | None) -> None:
        folder = self.parameterAsFile(parameters, self.FOLDER, context)
        if not folder:
            raise QgsProcessingException(tr("Bitte den Ordner der Arbeitskopie angeben."))
        self._path = Path(folder) / FILE_NAME
        no_working_copy = messages.tr("error.no_working_copy", folder=folder)
        if not self._path.is_file():
            raise QgsProcessingException(no_working_copy)
        with WorkingCopy(self._path) as workcopy:
            server_url, layers = workcopy.server_url, workcopy.layer_names()
        if not server_url or not layers:
            raise QgsProcessingException(no_working_copy)
        self._preference = self.PREFERENCES[self.parameterAsEnum(parameters, self.CONFLICTS, context)]
        modified = _modified_layers(self._path, _project(context))
        if modified and feedback is not None:
            feedback.pushWarning(tr("Ungespeicherte Bearbeitungen in {layers} werden nicht gesendet; bitte "
                                    "speichern und erneut synchronisieren.").format(layers=", ".join(modified)))
        self._client = self._login(server_url, self.parameterAsString(parameters, self.AUTHCFG, context), feedback)

    def _process(self, client: AtlasClient, feedback: QgsProcessingFeedback) -> dict[str, Any]:
        resolve = prefer(self._preference) if self._preference else None
        with WorkingCopy(self._path) as workcopy:
            # The same checks as the toolbar's sync: what the server would refuse stays local.
            problems = validate(workcopy)
            hold_back = held_back(problems)
            for problem in problems:
                feedback.pushWarning(tr("Nicht gesendet: {feature}: {message}").format(
                    feature=_feature_label(workcopy, problem.uuid, problem.layer), message=problem.message))
            synchronizer = Synchronizer(client, workcopy, progress=_progress(feedback),
                                        is_cancelled=feedback.isCanceled)
            try:
                report = synchronizer.sync(resolve=resolve, hold_back=hold_back)
            except Cancelled as exc:
                raise QgsProcessingException(
                    tr("Synchronisierung abgebrochen. Die Arbeitskopie ist unverändert nutzbar.")) from exc
            except AtlasError as exc:
                raise QgsProcessingException(
                    tr("Synchronisierung fehlgeschlagen: {error}").format(error=exc)) from exc
            try:
                refresh_reference_data(client, workcopy)
            except AtlasError as exc:  # the stored ones serve until the next sync
                feedback.pushWarning(tr("Gemeindegebiete und Kategorien konnten nicht aktualisiert werden: "
                                        "{error}").format(error=exc))
            for uuid, _code, reason in report.refused:
                feedback.reportError(tr("Vom Server abgelehnt: {feature}: {reason}").format(
                    feature=_feature_label(workcopy, uuid), reason=reason), False)
            for clash in report.clashes_unresolved:
                feedback.pushWarning(tr("Konflikt offen: {feature}, Feld „{field}“ (lokal: {mine}, Server: "
                                        "{theirs}). Der lokale Wert bleibt erhalten.").format(
                    feature=_feature_label(workcopy, clash.uuid or ""), field=clash.field,
                    mine=clash.mine, theirs=clash.theirs))
        held = sum(len(uuids) for uuids in hold_back.values())
        feedback.pushInfo(tr("Abgleich fertig: {sent} gesendet, {accepted} angenommen, {received} empfangen.").format(
            sent=report.sent, accepted=report.accepted, received=report.received))
        return {
            self.SENT: report.sent,
            self.ACCEPTED: report.accepted,
            self.RECEIVED: report.received,
            self.REFUSED: len(report.refused),
            self.MERGED: report.conflicts_merged,
            self.OPEN_CONFLICTS: len(report.clashes_unresolved),
            self.HELD_BACK: held,
        }

    def postProcessAlgorithm(self, context: QgsProcessingContext,  # noqa: N802
                             feedback: QgsProcessingFeedback) -> dict[str, Any]:
        project_ = _project(context)
        if project_ is not None and project.working_copy_layers(self._path, project_):
            with WorkingCopy(self._path) as workcopy:
                project.refresh_working_copy_layers(workcopy, project_)
        return {}
