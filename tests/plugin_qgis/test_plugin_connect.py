"""The connect dialog against the real server: credentials go into QGIS's authentication database,
never into QgsSettings; failures show the core's German messages inside the dialog."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication

from qgis_plugin.core import messages
from qgis_plugin.gui import connection
from qgis_plugin.gui.connect_dialog import ConnectDialog

from .plugin_support import ARTIFACTS

PASSWORD = "demo-melle.editor"


def fill(dialog: ConnectDialog, url: str, user: str, password: str) -> None:
    dialog.url_edit.setText(url)
    dialog.user_edit.setText(user)
    dialog.password_edit.setText(password)


def test_connect_stores_the_password_only_in_the_auth_database(
        live_server: Any, qgis_iface: Any, clean_settings: QgsSettings, authcfgs: Any) -> None:
    dialog = ConnectDialog(qgis_iface.mainWindow())
    fill(dialog, live_server.url, "melle.editor", PASSWORD)
    dialog.show()
    QCoreApplication.processEvents()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(ARTIFACTS / "plugin-connect-dialog.png"))

    assert dialog.connect_to_server()
    assert dialog.client is not None and dialog.client.logged_in
    assert dialog.user["municipality"]["key"] == "034590024024"
    assert dialog.status_label.text() == "Angemeldet als melle.editor (Melle)."
    assert dialog.grab().save(str(ARTIFACTS / "plugin-connect-dialog-connected.png"))
    dialog.close()

    settings = QgsSettings()
    authcfg = settings.value(connection.KEY_AUTHCFG)
    assert authcfg and len(authcfg) == 7  # QGIS's auth configuration ids
    assert settings.value(connection.KEY_SERVER_URL) == live_server.url
    settings.sync()
    assert PASSWORD not in Path(settings.fileName()).read_text(encoding="utf-8")
    assert all(PASSWORD not in str(settings.value(key)) for key in settings.allKeys())

    config = QgsAuthMethodConfig()
    authcfgs.loadAuthenticationConfig(authcfg, config, True)
    assert config.method() == "Basic"
    assert (config.config("username"), config.config("password")) == ("melle.editor", PASSWORD)
    assert config.uri() == live_server.url

    # The next dialog is filled in from the auth database; a new login updates the same configuration.
    again = ConnectDialog(qgis_iface.mainWindow())
    assert (again.url_edit.text(), again.user_edit.text(), again.password_edit.text()) == \
        (live_server.url, "melle.editor", PASSWORD)
    assert again.connect_to_server()
    assert again.authcfg == authcfg
    assert [c for c in authcfgs.configIds() if c == authcfg] == [authcfg]


def test_wrong_password_and_no_server_show_the_core_messages(
        live_server: Any, qgis_iface: Any, clean_settings: QgsSettings, authcfgs: Any) -> None:
    before = set(authcfgs.configIds())
    dialog = ConnectDialog(qgis_iface.mainWindow())
    fill(dialog, live_server.url, "melle.editor", "falsch-falsch")
    assert not dialog.connect_to_server()
    assert dialog.status_label.text() == messages.tr("error.authentication_failed")
    assert dialog.status_label.text() == "Anmeldung fehlgeschlagen: Benutzername oder Passwort ist falsch."
    assert dialog.client is None

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    fill(dialog, dead, "melle.editor", PASSWORD)
    logged: list[tuple[str, str]] = []

    def note(message: str, tag: str, _level: Any) -> None:
        logged.append((tag, message))

    log = QgsApplication.messageLog()
    log.messageReceived.connect(note)
    try:
        assert not dialog.connect_to_server()
    finally:
        log.messageReceived.disconnect(note)
    # The network library's own words go to the log panel, not into the sentence people read.
    assert any(tag == "Familienatlas" and "Connection refused" in message for tag, message in logged), logged
    assert dialog.status_label.text().startswith(f"Der Server {dead} ist nicht erreichbar: dort nimmt kein Dienst")

    # Typed without a scheme: https:// is tried, and the plain HTTP server behind it is named as such.
    address = live_server.url.removeprefix("http://")
    fill(dialog, address, "melle.editor", PASSWORD)
    assert not dialog.connect_to_server()
    assert dialog.status_label.text() == (
        f"Unter https://{address} antwortet kein HTTPS-Server. Läuft der Familienatlas dort nur über HTTP, "
        "bitte die Adresse mit „http://“ eingeben.")

    fill(dialog, "", "melle.editor", PASSWORD)
    assert not dialog.connect_to_server()
    assert dialog.status_label.text() == "Bitte Server-Adresse, Benutzername und Passwort angeben."

    assert set(authcfgs.configIds()) == before
    assert not QgsSettings().contains(connection.KEY_AUTHCFG)


def test_plugin_logs_in_with_stored_credentials_and_enables_review_for_admins(
        live_server: Any, plugin: Any, qgis_iface: Any, authcfgs: Any) -> None:
    assert not plugin.actions["review"].isEnabled()
    assert not plugin.actions["logout"].isEnabled()
    authcfg = connection.store_credentials(live_server.url, "admin", "demo-admin")
    connection.save_connection(live_server.url, authcfg)
    client = plugin.ensure_client()  # no dialog: the stored credentials suffice
    assert client is not None and client.user["role"] == "admin"
    assert plugin.actions["review"].isEnabled() and plugin.actions["logout"].isEnabled()
    plugin.logout()
    assert plugin.client is None
    assert not plugin.actions["review"].isEnabled()
    # logging out forgets the password (the next person at this computer must log in), not the server
    assert authcfg not in authcfgs.configIds()
    assert not QgsSettings().contains(connection.KEY_AUTHCFG)
    assert connection.saved_server_url() == live_server.url

    editor_cfg = connection.store_credentials(live_server.url, "melle.editor", PASSWORD)
    connection.save_connection(live_server.url, editor_cfg)
    assert plugin.ensure_client().user["role"] == "editor"
    assert not plugin.actions["review"].isEnabled()


def test_a_server_that_never_answers_does_not_freeze_qgis(qgis_iface: Any, clean_settings: QgsSettings,
                                                          authcfgs: Any, monkeypatch: Any) -> None:
    """The login runs as a task: while it waits for a server that accepts but never answers (a
    stand-in for a dead address behind a firewall), QGIS keeps handling its events."""
    from qgis.PyQt.QtCore import QTimer

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    monkeypatch.setattr(connection, "TIMEOUT_S", 1.5)
    ticks: list[bool] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(dialog.isEnabled()))
    dialog = ConnectDialog(qgis_iface.mainWindow())
    fill(dialog, f"http://127.0.0.1:{listener.getsockname()[1]}", "melle.editor", PASSWORD)
    timer.start(100)
    try:
        assert not dialog.connect_to_server()
    finally:
        timer.stop()
        listener.close()
    assert len(ticks) >= 5, ticks  # the main thread ran its timer all through the 1.5 s wait
    assert not any(ticks)  # and the dialog took no second login meanwhile
    assert dialog.isEnabled()
    assert dialog.status_label.text() == "Der Server hat nicht rechtzeitig geantwortet."
