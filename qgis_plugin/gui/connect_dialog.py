"""The "Verbinden…" dialog: server address, user name, password; logs in through the core's client.

Failures are shown inside the dialog with the core's own message (no connection, wrong password,
too many attempts, unsupported server), so the person can correct the entry and try again. On
success the credentials go into QGIS's authentication database and only the server URL and the
configuration id into QgsSettings (see :mod:`.connection`).
"""

from __future__ import annotations

from typing import Any

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QGuiApplication
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..core.api import AtlasClient
from ..core.errors import AtlasError
from . import connection
from .call_task import wait_for
from .i18n import tr
from .text import log_detail


class ConnectDialog(QDialog):
    """Asks for server, user and password and logs in; ``client`` holds the logged-in client."""

    def __init__(self, parent: QWidget | None = None, server_url: str | None = None,
                 username: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Mit dem Familienatlas verbinden"))
        self.setMinimumWidth(520)
        self.client: AtlasClient | None = None
        self.user: dict[str, Any] | None = None
        self.authcfg: str | None = None

        intro = QLabel(tr("Melden Sie sich mit Ihrem Konto beim Familienatlas-Server Ihres Landkreises an."))
        intro.setWordWrap(True)

        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://familienatlas.landkreis.example")
        self.user_edit = QLineEdit()
        self.user_edit.setPlaceholderText(tr("z. B. melle.gis"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.store_check = QCheckBox(tr("Zugangsdaten verschlüsselt in QGIS speichern"))
        self.store_check.setChecked(True)
        self.store_check.setToolTip(tr("Benutzername und Passwort kommen in die Authentifizierungsdatenbank "
                                       "von QGIS (mit Master-Passwort geschützt), nie im Klartext in die "
                                       "Einstellungen."))

        form = QFormLayout()
        form.addRow(tr("Server-Adresse"), self.url_edit)
        form.addRow(tr("Benutzername"), self.user_edit)
        form.addRow(tr("Passwort"), self.password_edit)
        form.addRow(self.store_check)

        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # the server's words, never HTML
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("Verbinden"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("Abbrechen"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self._prefill(server_url, username)

    # ------------------------------------------------------------------ state

    def _prefill(self, server_url: str | None, username: str | None = None) -> None:
        """Fill in what QGIS remembers: the URL, and user/password if the auth database holds them.

        ``username`` asks for a given account (the one a working copy belongs to): the stored
        password is filled in only when it is that account's.
        """
        self.url_edit.setText(server_url or connection.saved_server_url())
        authcfg = connection.saved_authcfg()
        credentials = connection.load_credentials(authcfg) if authcfg else None
        if credentials:
            self.authcfg = authcfg
            if username is None or credentials[0] == username:
                self.user_edit.setText(credentials[0])
                self.password_edit.setText(credentials[1])
        if username:
            self.user_edit.setText(username)
        (self.password_edit if self.user_edit.text() else self.user_edit if self.url_edit.text()
         else self.url_edit).setFocus()

    def show_status(self, text: str, error: bool = True) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")
        self.status_label.setVisible(bool(text))

    # ------------------------------------------------------------------ actions

    def accept(self) -> None:
        if self.connect_to_server():
            super().accept()

    def connect_to_server(self) -> bool:
        """Log in with the entered data; on success store the credentials and return True.

        On failure the core's message is shown in the dialog and False returned.
        """
        url = self.url_edit.text().strip()
        username = self.user_edit.text().strip()
        password = self.password_edit.text()
        if not url or not username or not password:
            self.show_status(tr("Bitte Server-Adresse, Benutzername und Passwort angeben."))
            return False
        if "://" not in url:
            url = "https://" + url
            self.url_edit.setText(url)
        client = connection.make_client(url)

        def log_in() -> dict[str, Any]:
            client.health()
            return client.login(username, password)

        self.show_status(tr("Verbindung wird aufgebaut …"), error=False)
        self.setEnabled(False)  # one login at a time; QGIS itself stays responsive meanwhile
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            user = wait_for(tr("Familienatlas: anmelden"), log_in)
        except AtlasError as exc:
            self.show_status(str(exc))
            log_detail(exc)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
            self.setEnabled(True)
        self.client = client
        self.user = user
        authcfg = None
        stored_ok = True
        if self.store_check.isChecked():
            authcfg = connection.store_credentials(client.server_url, username, password, self.authcfg)
            stored_ok = authcfg is not None
        elif self.authcfg:
            connection.remove_credentials(self.authcfg)
        self.authcfg = authcfg
        connection.save_connection(client.server_url, authcfg)
        municipality = (user.get("municipality") or {}).get("name") or "?"
        text = tr("Angemeldet als {user} ({municipality}).").format(user=user.get("username", username),
                                                                    municipality=municipality)
        if not stored_ok:
            text += " " + tr("Die Zugangsdaten wurden nicht gespeichert: die QGIS-Authentifizierungsdatenbank "
                             "ist nicht verfügbar (kein Master-Passwort).")
        self.show_status(text, error=False)
        return True
