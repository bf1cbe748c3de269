"""The plugin's menu wiring to the other widgets: "Lokale Änderungen…" opens the ChangesDialog on the
working copy, "Prüfen" the ReviewDock for admins only, "Abmelden" closes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from qgis.core import Qgis
from qgis.PyQt.QtCore import Qt

import qgis_plugin.plugin as plugin_module

from .plugin_support import ARTIFACTS, ModalAnswer, checkout, messages_of


def test_local_changes_opens_the_changes_dialog(live_server: Any, plugin: Any, qgis_iface: Any,
                                                tmp_path: Path) -> None:
    checkout(plugin, live_server.url, "melle.editor", tmp_path / "melle")

    def close(dialog: Any) -> None:
        assert type(dialog).__name__ == "ChangesDialog"
        assert dialog.parent() is qgis_iface.mainWindow()
        dialog.reject()

    answer = ModalAnswer(close)
    plugin.actions["changes"].trigger()
    answer.check()


def test_without_a_working_copy_the_plugin_says_so(plugin: Any, qgis_iface: Any) -> None:
    plugin.actions["changes"].trigger()
    plugin.actions["sync"].trigger()
    warnings = messages_of(qgis_iface, Qgis.MessageLevel.Warning)
    assert warnings.count("Familienatlas:Noch keine Arbeitskopie: bitte zuerst „Auschecken…“ wählen.") == 2


def test_review_is_for_admins(live_server: Any, plugin: Any, qgis_iface: Any) -> None:
    from qgis_plugin.gui import connection

    plugin.set_client(connection.make_client(live_server.url))
    plugin.client.login("melle.editor", "demo-melle.editor")
    plugin.review()
    assert plugin.review_dock is None
    assert any("Prüfen ist der Kreisverwaltung vorbehalten" in m
               for m in messages_of(qgis_iface, Qgis.MessageLevel.Warning))

    admin = connection.make_client(live_server.url)
    admin.login("admin", "demo-admin")
    plugin.set_client(admin)
    assert plugin.actions["review"].isEnabled()
    plugin.actions["review"].trigger()
    dock = plugin.review_dock
    assert type(dock).__name__ == "ReviewDock" and not dock.isHidden()  # shown (the test window is not)
    assert dock.parent() is qgis_iface.mainWindow()
    assert dock.isAreaAllowed(Qt.DockWidgetArea.RightDockWidgetArea)
    plugin.actions["review"].trigger()  # a second click shows the same dock
    assert plugin.review_dock is dock
    plugin.actions["logout"].trigger()
    assert plugin.review_dock is None and plugin.client is None
    assert not plugin.actions["review"].isEnabled()


def test_own_icons_and_labelled_buttons(plugin: Any) -> None:
    """Each action of the atlas has its own icon from the plugin (none of QGIS's theme icons), and
    the toolbar names "Synchronisieren" and "Prüfen" beside their icons; a picture for a person."""
    icons = Path(plugin_module.__file__).resolve().parent / "icons"
    for key in ("connect", "checkout", "sync", "changes", "review", "logout"):
        action = plugin.actions[key]
        assert (icons / f"{key}.svg").is_file() and not action.icon().isNull()
        assert not action.icon().pixmap(32, 32).toImage().isNull()
    # The menu names every action in words, the two daily ones among them.
    entries = [action.text() for action in plugin.menu.actions() if not action.isSeparator()]
    assert entries == [action.text() for action in plugin.actions.values()] and all(entries)
    assert {"Synchronisieren", "Prüfen"} <= set(entries)
    for key, style in (("sync", Qt.ToolButtonStyle.ToolButtonTextBesideIcon),
                       ("review", Qt.ToolButtonStyle.ToolButtonTextBesideIcon)):
        assert plugin.toolbar.widgetForAction(plugin.actions[key]).toolButtonStyle() == style
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    plugin.toolbar.adjustSize()
    assert plugin.toolbar.grab().save(str(ARTIFACTS / "plugin-toolbar.png"))
