"""The plugin's connection settings in QGIS: server URL, credentials, proxy, trusted CAs.

Passwords never go into QgsSettings (a plain ini file): the user name and password live in QGIS's
encrypted authentication database as a "Basic" configuration, and QgsSettings keeps only that
configuration's id and the server URL. The proxy comes from QGIS's own network options, turned into
requests' ``proxies`` by :func:`..core.network.proxies_from_qgis_settings`. The certificate
authorities a person added to QGIS's Certificate Manager are trusted too (:func:`ca_bundle`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import certifi
from qgis.core import Qgis, QgsApplication, QgsAuthMethodConfig, QgsMessageLog, QgsSettings

from ..core.api import AtlasClient
from ..core.network import proxies_from_qgis_settings

SETTINGS_GROUP = "familienatlas"
KEY_SERVER_URL = f"{SETTINGS_GROUP}/server_url"
KEY_AUTHCFG = f"{SETTINGS_GROUP}/authcfg"
KEY_WORKCOPY = f"{SETTINGS_GROUP}/workcopy_folder"

PROXY_KEYS = ("proxyEnabled", "proxyType", "proxyHost", "proxyPort", "proxyUser", "proxyPassword",
              "proxyExcludedUrls", "noProxyUrls")

#: Seconds to wait for the server; a login must not keep QGIS waiting long on a dead address.
TIMEOUT_S = 20.0


# ---------------------------------------------------------------------- QgsSettings


def saved_server_url() -> str:
    return str(QgsSettings().value(KEY_SERVER_URL, "") or "")


def saved_authcfg() -> str:
    return str(QgsSettings().value(KEY_AUTHCFG, "") or "")


def save_connection(server_url: str, authcfg: str | None) -> None:
    """Remember the server and the id of the credentials in the auth database (never the password)."""
    settings = QgsSettings()
    settings.setValue(KEY_SERVER_URL, server_url)
    if authcfg:
        settings.setValue(KEY_AUTHCFG, authcfg)
    else:
        settings.remove(KEY_AUTHCFG)


def saved_workcopy_folder() -> Path | None:
    value = str(QgsSettings().value(KEY_WORKCOPY, "") or "")
    return Path(value) if value else None


def save_workcopy_folder(folder: Path | str) -> None:
    QgsSettings().setValue(KEY_WORKCOPY, str(folder))


# ---------------------------------------------------------------------- authentication database


def _ok(result: Any) -> bool:
    """QGIS 3 returns ``(bool, config)`` from some auth calls, QGIS 4 a bool."""
    return bool(result[0]) if isinstance(result, tuple) else bool(result)


def auth_database_ready() -> bool:
    """Whether credentials can be stored: the auth database works and its master password is known.

    In QGIS, asking for the master password (``setMasterPassword(True)``) shows QGIS's own dialog
    the first time in a session; it fails when the person cancels it.
    """
    manager = QgsApplication.authManager()
    if manager is None or manager.isDisabled():
        return False
    return manager.masterPasswordIsSet() or bool(manager.setMasterPassword(True))


def store_credentials(server_url: str, username: str, password: str, authcfg: str | None = None) -> str | None:
    """Store user and password as a "Basic" auth configuration; returns its id (None if impossible).

    An existing configuration ``authcfg`` is updated in place, so repeated logins do not pile up
    configurations.
    """
    if not auth_database_ready():
        return None
    manager = QgsApplication.authManager()
    config = QgsAuthMethodConfig("Basic")
    if authcfg and authcfg in manager.configIds():
        config.setId(authcfg)
    config.setName(f"Familienatlas {server_url}")
    config.setUri(server_url)
    config.setConfig("username", username)
    config.setConfig("password", password)
    if config.id():
        ok = _ok(manager.updateAuthenticationConfig(config))
    else:
        ok = _ok(manager.storeAuthenticationConfig(config))
    return config.id() if ok and config.id() else None


def load_credentials(authcfg: str) -> tuple[str, str] | None:
    """(user name, password) of a stored configuration, None when missing or locked."""
    if not authcfg or not auth_database_ready():
        return None
    manager = QgsApplication.authManager()
    if authcfg not in manager.configIds():
        return None
    config = QgsAuthMethodConfig()
    if not _ok(manager.loadAuthenticationConfig(authcfg, config, True)):
        return None
    username = config.config("username", "")
    if not username:
        return None
    return username, config.config("password", "")


def remove_credentials(authcfg: str) -> bool:
    manager = QgsApplication.authManager()
    if not authcfg or manager is None or authcfg not in manager.configIds():
        return False
    return _ok(manager.removeAuthenticationConfig(authcfg))


# ---------------------------------------------------------------------- network


def qgis_proxy_settings() -> dict[str, Any]:
    """QGIS's proxy options (Settings > Options > Network) as ``{"proxy/<key>": value}``."""
    settings = QgsSettings()
    return {f"proxy/{key}": settings.value(f"proxy/{key}") for key in PROXY_KEYS
            if settings.contains(f"proxy/{key}")}


def qgis_extra_ca_pems() -> list[bytes]:
    """PEM of the CAs a person added to QGIS (Certificate Manager > Authorities, stored in the auth
    database or read from a CA file) that QGIS trusts: its trust policies and validity apply."""
    manager = QgsApplication.authManager()
    if manager is None or manager.isDisabled():
        return []
    added = {bytes(cert.toPem()) for cert in [*manager.databaseCAs(), *manager.extraFileCAs()]}
    trusted = [bytes(cert.toPem()) for cert in manager.trustedCaCerts()]
    return sorted({pem for pem in trusted if pem in added})


def ca_bundle_path() -> Path:
    """Where :func:`ca_bundle` keeps its file: in the QGIS profile, next to the plugin's settings."""
    return Path(QgsApplication.qgisSettingsDirPath()) / SETTINGS_GROUP / "ca-bundle.pem"


def ca_bundle() -> bool | str:
    """``verify`` for requests: True (certifi's CAs) or the path of certifi's CAs plus QGIS's extra CAs.

    requests never sees QGIS's certificate store, but a county's server (or its TLS-intercepting
    proxy) often has a certificate from the administration's own CA. People add that CA in QGIS,
    so the plugin trusts what QGIS trusts. The bundle lives in the QGIS profile and is rewritten
    only when its content changes (atomically, so a client reading it never sees half a file).
    """
    extra = qgis_extra_ca_pems()
    if not extra:
        return True
    content = Path(certifi.where()).read_bytes().rstrip() + b"\n" + b"".join(
        pem.rstrip() + b"\n" for pem in extra)
    path = ca_bundle_path()
    try:
        if not path.is_file() or path.read_bytes() != content:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".ca-bundle-")
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(content)
                os.replace(temporary, path)
            finally:
                Path(temporary).unlink(missing_ok=True)
    except OSError as exc:
        QgsMessageLog.logMessage(f"QGIS's CAs not usable, cannot write {path}: {exc}", "Familienatlas",
                                 Qgis.MessageLevel.Warning)
        return True
    return str(path)


def make_client(server_url: str) -> AtlasClient:
    """An API client for ``server_url`` that goes through QGIS's proxy and trusts QGIS's CAs."""
    proxies = proxies_from_qgis_settings(qgis_proxy_settings(), server_url)
    return AtlasClient(server_url, timeout=TIMEOUT_S, proxies=proxies, verify=ca_bundle())
