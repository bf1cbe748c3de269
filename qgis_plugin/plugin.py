"""The Familienatlas plugin object QGIS creates through :func:`classFactory`: toolbar, menu, actions.

The plugin keeps the session state (the logged-in client, the open working copy, the running
checkout or sync, the docks) and hands the work to the modules in ``gui/`` and ``core/``. The
review, conflict and local-changes widgets are imported when their action is used, so the plugin
loads even without them.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QMenu, QMessageBox

from .core.api import AtlasClient
from .core.errors import AtlasError, WrongAccount
from .core.sync import check_account
from .core.workcopy import FILE_NAME, WorkingCopy
from .gui import connection, project
from .gui.call_task import wait_for
from .gui.checkout import CheckoutRun, choose_folder
from .gui.connect_dialog import ConnectDialog
from .gui.i18n import Translation, tr
from .gui.problems_dock import ProblemsDock
from .gui.synchronise import SyncRun, confirm_save, save_layer_edits
from .gui.text import push_message
from .processing import FamilienatlasProvider

try:  # Qt6 moved QAction to QtGui
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt5
    from qgis.PyQt.QtWidgets import QAction

PLUGIN_DIR = Path(__file__).resolve().parent
#: Toolbar buttons that show their text beside the icon: the two used most.
LABELLED_BUTTONS = ("sync", "review")
MENU_TITLE = "Familienatlas"


class FamilienatlasPlugin:
    """Toolbar and menu "Familienatlas" with connect, checkout, sync, local changes, review, log out."""

    def __init__(self, iface: Any) -> None:
        self.iface = iface
        self.translation = Translation(PLUGIN_DIR)
        self.translation.install()
        self.client: AtlasClient | None = None
        self.workcopy: WorkingCopy | None = None
        self.run: CheckoutRun | SyncRun | None = None
        self.last_run: CheckoutRun | SyncRun | None = None
        self._logging_in = False
        self.actions: dict[str, QAction] = {}
        self.menu: QMenu | None = None
        self.toolbar: Any = None
        self.review_dock: Any = None
        self.problems_dock: ProblemsDock | None = None
        self.provider: FamilienatlasProvider | None = None

    # ------------------------------------------------------------------ QGIS plugin interface

    def initProcessing(self) -> None:  # noqa: N802 (QGIS's name)
        """Register the Processing provider (checkout and sync for models and batch runs)."""
        if self.provider is None:
            self.provider = FamilienatlasProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802 (QGIS's name)
        self.initProcessing()
        icon = QIcon(str(PLUGIN_DIR / "icon.svg"))
        window = self.iface.mainWindow()
        specs = [
            ("connect", tr("Verbinden…"), icon, tr("Beim Familienatlas-Server anmelden"), self.connect),
            ("checkout", tr("Auschecken…"), QgsApplication.getThemeIcon("/mActionNewGeoPackageLayer.svg"),
             tr("Eine Arbeitskopie (GeoPackage) vom Server holen und in das Projekt laden"), self.checkout),
            ("sync", tr("Synchronisieren"), QgsApplication.getThemeIcon("/mActionRefresh.svg"),
             tr("Lokale Änderungen prüfen und senden, neue Daten vom Server empfangen"), self.synchronise),
            ("changes", tr("Lokale Änderungen…"), QgsApplication.getThemeIcon("/mActionOpenTable.svg"),
             tr("Noch nicht gesendete Änderungen der Arbeitskopie anzeigen"), self.show_changes),
            ("reports", tr("Meldungen…"), QgsApplication.getThemeIcon("/mActionOpenTable.svg"),
             tr("Was Besucher der Angebotskarte als veraltet melden: lesen, Eintrag zeigen, mit Antwort abschließen"),
             self.show_reports),
            ("indicator_upload", tr("Indikatorwerte hochladen…"),
             QgsApplication.getThemeIcon("/mActionFileOpen.svg"),
             tr("Indikatorwerte aus einer CSV- oder Excel-Datei prüfen und an den Server senden"),
             self.upload_indicator_values),
            ("indicator_map", tr("Indikator als Karte…"), QgsApplication.getThemeIcon("/mIconPolygonLayer.svg"),
             tr("Die Werte eines Indikators für eine Raumebene und ein Jahr als klassifizierte Karte zeigen"),
             self.indicator_map),
            ("review", tr("Prüfen"), QgsApplication.getThemeIcon("/mActionToggleEditing.svg"),
             tr("Eingereichte Änderungen der Kommunen prüfen und veröffentlichen (nur Kreisverwaltung)"),
             self.review),
            ("logout", tr("Abmelden"), QgsApplication.getThemeIcon("/mActionRemove.svg"),
             tr("Vom Server abmelden"), self.logout),
        ]
        self.menu = QMenu(MENU_TITLE, window)
        self.menu.setObjectName("FamilienatlasMenu")
        self.toolbar = self.iface.addToolBar(MENU_TITLE)
        self.toolbar.setObjectName("FamilienatlasToolbar")
        for key, text, action_icon, tip, slot in specs:
            # The plugin's own icons (icons/<key>.svg, each with the atlas's pin), so no button looks
            # like one of QGIS's own (sync is not QGIS's refresh, review not the editing pencil).
            own_icon = PLUGIN_DIR / "icons" / f"{key}.svg"
            action = QAction(QIcon(str(own_icon)) if own_icon.is_file() else action_icon, text, window)
            action.setObjectName(f"familienatlas_{key}")
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda _checked=False, handler=slot: handler())
            self.actions[key] = action
            self.menu.addAction(action)
            self.toolbar.addAction(action)
            if key in LABELLED_BUTTONS:  # the words beside the icon: found without hovering
                button = self.toolbar.widgetForAction(action)
                if button is not None:
                    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            if key in ("reports", "indicator_map"):
                self.menu.addSeparator()
        self._insert_menu(window)
        self._update_actions()

    def _insert_menu(self, window: Any) -> None:
        """Put the menu into the menu bar, before "Help" when QGIS tells where that is."""
        bar = window.menuBar() if hasattr(window, "menuBar") else None
        if bar is None:
            return
        help_menu = getattr(self.iface, "helpMenu", lambda: None)()
        if isinstance(help_menu, QMenu):
            bar.insertMenu(help_menu.menuAction(), self.menu)
        else:
            bar.addMenu(self.menu)

    def unload(self) -> None:
        task_running = self.run is not None and self.run.task is not None
        if task_running:
            # The task stops at its next check; its working copy stays open until then.
            self.run.on_finished = None
            self.run.task.cancel()
        self.run = None
        for dock in (self.review_dock, self.problems_dock):
            if dock is not None:
                self.iface.removeDockWidget(dock)
                dock.deleteLater()
        self.review_dock = self.problems_dock = None
        if self.menu is not None:
            window = self.iface.mainWindow()
            if hasattr(window, "menuBar") and window.menuBar() is not None:
                window.menuBar().removeAction(self.menu.menuAction())
            self.menu.deleteLater()
            self.menu = None
        if self.toolbar is not None:
            self.toolbar.deleteLater()
            self.toolbar = None
        for action in self.actions.values():
            action.deleteLater()
        self.actions.clear()
        if self.workcopy is not None and not task_running:
            self.workcopy.close()
        self.workcopy = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        self.translation.remove()

    # ------------------------------------------------------------------ state

    @property
    def busy(self) -> bool:
        """A checkout or sync runs, or a login it waits for."""
        return self.run is not None or self._logging_in

    def _update_actions(self) -> None:
        if not self.actions:
            return
        logged_in = self.client is not None and self.client.logged_in
        is_admin = logged_in and (self.client.user or {}).get("role") == "admin"
        self.actions["checkout"].setEnabled(not self.busy)
        self.actions["sync"].setEnabled(not self.busy)
        self.actions["changes"].setEnabled(not self.busy)
        self.actions["reports"].setEnabled(not self.busy)
        self.actions["review"].setEnabled(bool(is_admin))
        self.actions["logout"].setEnabled(bool(logged_in))

    def _message(self, text: str, level: Any = Qgis.MessageLevel.Info, duration: int = 8) -> None:
        push_message(self.iface, text, level, duration)

    def set_client(self, client: AtlasClient | None) -> None:
        """Use a logged-in client from now on (the previous one is logged out)."""
        if self.client is not None and self.client is not client:
            with contextlib.suppress(AtlasError):
                wait_for(tr("Familienatlas: abmelden"), self.client.logout)
        self.client = client
        if self.review_dock is not None:  # it works with the client it was made with
            self.iface.removeDockWidget(self.review_dock)
            self.review_dock.deleteLater()
            self.review_dock = None
        self._update_actions()

    def ensure_client(self) -> AtlasClient | None:
        """The logged-in client; logs in with the stored credentials, else asks with the dialog."""
        if self.client is not None and self.client.logged_in:
            return self.client
        url, authcfg = connection.saved_server_url(), connection.saved_authcfg()
        credentials = connection.load_credentials(authcfg) if url and authcfg else None
        if credentials:
            client = connection.make_client(url)
            self._logging_in = True  # the actions wait meanwhile (see busy)
            self._update_actions()
            try:
                wait_for(tr("Familienatlas: anmelden"), lambda: client.login(*credentials))
            except AtlasError:
                pass
            else:
                self.set_client(client)
                return client
            finally:
                self._logging_in = False
                self._update_actions()
        return self.client if self.connect() else None

    def remembered_workcopy(self) -> WorkingCopy | None:
        """The open working copy, else the last checkout's, opened from the remembered folder; None if
        there is none."""
        if self.workcopy is None:
            folder = connection.saved_workcopy_folder()
            if folder is not None and (folder / FILE_NAME).is_file():
                self.workcopy = WorkingCopy.in_folder(folder)
        return self.workcopy

    def ensure_workcopy(self) -> WorkingCopy | None:
        """The working copy of the last checkout (opened from the remembered folder if needed)."""
        if self.remembered_workcopy() is None:
            self._message(tr("Noch keine Arbeitskopie: bitte zuerst „Auschecken…“ wählen."),
                          Qgis.MessageLevel.Warning)
            return None
        if not self.workcopy.layer_names():
            self._message(tr("Die Arbeitskopie enthält keine Ebenen: bitte neu auschecken."),
                          Qgis.MessageLevel.Warning)
            return None
        if not project.working_copy_layers(self.workcopy.path):
            project.add_working_copy_layers(self.workcopy)
        return self.workcopy

    def problems_dock_widget(self) -> ProblemsDock:
        if self.problems_dock is None:
            self.problems_dock = ProblemsDock(self.iface, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_dock)
        return self.problems_dock

    # ------------------------------------------------------------------ actions

    def connect(self) -> bool:
        dialog = ConnectDialog(self.iface.mainWindow())
        if not dialog.exec():
            return False
        self.set_client(dialog.client)
        user = dialog.user or {}
        self._message(tr("Angemeldet als {user} ({municipality}).").format(
            user=user.get("username", "?"), municipality=(user.get("municipality") or {}).get("name", "?")),
            Qgis.MessageLevel.Success, 5)
        return True

    def checkout(self, folder: Path | str | None = None) -> CheckoutRun | None:
        """Check out into ``folder`` (asked for when not given) in a background task."""
        if self.busy:
            return None
        client = self.ensure_client()
        if client is None:
            return None
        if folder is None:
            folder = choose_folder(self.iface.mainWindow(), connection.saved_workcopy_folder())
            if folder is None:
                return None
        folder = Path(folder)
        # Unsaved edits on that working copy go into the file first, where the core sees them (and
        # refuses to overwrite them unless the person agrees).
        if not save_layer_edits(self.iface, folder / FILE_NAME, lambda names: confirm_save(self.iface, names)):
            return None
        if self.workcopy is not None and self.workcopy.path.resolve() == (folder / FILE_NAME).resolve():
            self.workcopy.close()
            self.workcopy = None
        run = CheckoutRun(self.iface, client, folder, self._checkout_finished)
        self._begin(run)
        run.start()
        return run

    def _checkout_finished(self, workcopy: WorkingCopy | None) -> None:
        if workcopy is not None:
            if self.workcopy is not None and self.workcopy is not workcopy:
                # One working copy at a time: the previous one leaves the project.
                if self.workcopy.path.resolve() != workcopy.path.resolve():
                    project.remove_working_copy_layers(self.workcopy.path)
                self.workcopy.close()
            self.workcopy = workcopy
        self._end()

    def synchronise(self) -> SyncRun | None:
        """Check and synchronise the working copy in a background task."""
        if self.busy:
            return None
        workcopy = self.ensure_workcopy()
        if workcopy is None:
            return None
        client = self.ensure_client()
        if client is None:
            return None
        if workcopy.server_url and workcopy.server_url.rstrip("/") != client.server_url.rstrip("/"):
            self._message(tr("Die Arbeitskopie gehört zum Server {workcopy}, angemeldet ist QGIS bei {client}. "
                             "Bitte mit dem richtigen Server verbinden oder neu auschecken.").format(
                workcopy=workcopy.server_url, client=client.server_url), Qgis.MessageLevel.Critical, 0)
            return None
        try:
            check_account(client, workcopy)
        except WrongAccount as refusal:
            client = self._switch_to_owner(workcopy, refusal)
            if client is None:
                return None
        run = SyncRun(self.iface, client, workcopy, self.problems_dock_widget, self._sync_finished)
        self._begin(run)
        if not run.start():
            self._end()
        return run

    def _switch_to_owner(self, workcopy: WorkingCopy, refusal: WrongAccount) -> AtlasClient | None:
        """A working copy of another account: say so, and offer to log in as that account.

        Returns the client logged in as the copy's account when the person switched, else None
        (nothing was synchronised and nothing changed in the working copy).
        """
        box = QMessageBox(QMessageBox.Icon.Warning, tr("Arbeitskopie eines anderen Kontos"), str(refusal),
                          QMessageBox.StandardButton.NoButton, self.iface.mainWindow())
        box.setTextFormat(Qt.TextFormat.PlainText)
        switch = box.addButton(tr("Als „{user}“ anmelden…").format(user=refusal.owner),
                               QMessageBox.ButtonRole.AcceptRole)
        box.addButton(tr("Nichts tun"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not switch:
            return None
        dialog = ConnectDialog(self.iface.mainWindow(), server_url=workcopy.server_url, username=refusal.owner)
        if not dialog.exec():
            return None
        self.set_client(dialog.client)
        try:
            check_account(dialog.client, workcopy)
        except WrongAccount as again:
            self._message(str(again), Qgis.MessageLevel.Critical, 0)
            return None
        return dialog.client

    def _sync_finished(self, _run: SyncRun) -> None:
        self._end()

    def _begin(self, run: CheckoutRun | SyncRun) -> None:
        self.run = run
        self.last_run = run
        self._update_actions()

    def _end(self) -> None:
        self.run = None
        self._update_actions()

    def show_changes(self) -> None:
        workcopy = self.ensure_workcopy()
        if workcopy is None:
            return
        from .gui.changes_dialog import ChangesDialog

        ChangesDialog(workcopy, self.iface, parent=self.iface.mainWindow()).exec()
        project.refresh_working_copy_layers(workcopy)

    def show_reports(self) -> None:
        """Visitors' reports of the offers this user handles (editors and the admin), beside the local
        changes; the working copy, when there is one, lets a report show its offer on the map."""
        client = self.ensure_client()
        if client is None:
            return
        if (client.user or {}).get("role") not in ("admin", "editor"):
            self._message(tr("Meldungen zu Einträgen sehen die Bearbeitung der Kommune und die Kreisverwaltung."),
                          Qgis.MessageLevel.Warning)
            return
        from .gui.reports_dialog import ReportsDialog

        ReportsDialog(client, self.remembered_workcopy(), self.iface, parent=self.iface.mainWindow()).exec()

    def upload_indicator_values(self) -> Any:
        from .gui.indicator_actions import open_upload

        return open_upload(self)

    def indicator_map(self) -> Any:
        from .gui.indicator_actions import open_map

        return open_map(self)

    def review(self) -> None:
        client = self.client
        if client is None or not client.logged_in or (client.user or {}).get("role") != "admin":
            self._message(tr("Prüfen ist der Kreisverwaltung vorbehalten: bitte als Administrator anmelden."),
                          Qgis.MessageLevel.Warning)
            return
        if self.review_dock is None:
            from .gui.review_dock import ReviewDock

            self.review_dock = ReviewDock(client, self.iface, parent=self.iface.mainWindow())
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.review_dock)
        self.review_dock.show()
        self.review_dock.raise_()

    def logout(self) -> None:
        """End the session on the server and forget the stored password, so that nobody else at
        this computer acts in the user's name; the server address stays for the next login."""
        if self.client is not None:
            try:
                wait_for(tr("Familienatlas: abmelden"), self.client.logout)
            except AtlasError as exc:
                self._message(str(exc), Qgis.MessageLevel.Warning)
        self.client = None
        connection.remove_credentials(connection.saved_authcfg())
        connection.save_connection(connection.saved_server_url(), None)
        if self.review_dock is not None:
            self.iface.removeDockWidget(self.review_dock)
            self.review_dock.deleteLater()
            self.review_dock = None
        self._update_actions()
        self._message(tr("Abgemeldet."), Qgis.MessageLevel.Info, 5)
