"""Fixtures for the tests of the plugin's QGIS side: settings restored after each test, QGIS's
authentication database unlocked, the plugin started and unloaded.

QGIS's authentication database: pytest-qgis starts QGIS before any conftest is imported, and QGIS
3.22 opens the auth database while starting, so setting ``QGIS_AUTH_DB_DIR_PATH`` here would come
too late. The database is therefore the one of pytest-qgis's own test profile (``.qgis-settings/``
in the repository, never a person's profile) unless ``QGIS_AUTH_DB_DIR_PATH`` is set in the
environment before pytest starts (``make test`` points it to a fresh temporary folder). The tests
unlock it with a fixed test master password and remove the configurations they create.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from qgis.core import QgsApplication, QgsProject, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication

from qgis_plugin.core import messages
from qgis_plugin.plugin import FamilienatlasPlugin

from .plugin_support import ForwardingProxy, wait_until

MASTER_PASSWORD = "familienatlas-test-master-password"
QGIS_PLUGINS = "/usr/share/qgis/python/plugins"
#: Settings the plugin tests change; restored after each test.
SETTINGS_KEYS = ("familienatlas", "proxy", "locale/userLocale")


def _snapshot_settings() -> dict[str, Any]:
    settings = QgsSettings()
    return {key: settings.value(key) for key in settings.allKeys()
            if any(key == k or key.startswith(k + "/") for k in SETTINGS_KEYS)}


@pytest.fixture
def clean_settings() -> Iterator[QgsSettings]:
    """The plugin's, the proxy and the locale settings start empty and are restored afterwards."""
    before = _snapshot_settings()
    settings = QgsSettings()
    for key in before:
        settings.remove(key)
    yield settings
    for key in _snapshot_settings():
        settings.remove(key)
    for key, value in before.items():
        settings.setValue(key, value)
    settings.sync()


@pytest.fixture(scope="session")
def auth_db(qgis_app: QgsApplication) -> Any:
    """QGIS's authentication manager, unlocked with the test master password."""
    manager = QgsApplication.authManager()
    path = Path(manager.authenticationDatabasePath()).resolve()
    allowed = [os.environ.get("QGIS_AUTH_DB_DIR_PATH"), os.environ.get("QGIS_CUSTOM_CONFIG_PATH")]
    assert any(root and path.is_relative_to(Path(root).resolve()) for root in allowed), (
        f"refusing to use the auth database {path}: not a test profile")
    if not manager.setMasterPassword(MASTER_PASSWORD, True):
        pytest.fail(f"the test auth database {path} has another master password; delete that file "
                    "(it belongs to the test profile) or set QGIS_AUTH_DB_DIR_PATH to an empty folder")
    return manager


@pytest.fixture
def authcfgs(auth_db: Any) -> Iterator[Any]:
    """The unlocked auth manager; the configurations a test adds are removed afterwards."""
    before = set(auth_db.configIds())
    yield auth_db
    for config_id in set(auth_db.configIds()) - before:
        auth_db.removeAuthenticationConfig(config_id)


@pytest.fixture
def plugin(qgis_iface: Any, clean_settings: QgsSettings, authcfgs: Any) -> Iterator[FamilienatlasPlugin]:
    """The plugin as QGIS starts it (German), on an empty project; unloaded afterwards."""
    messages.set_language("de")
    QgsProject.instance().clear()
    qgis_iface.messageBar().clear_messages()
    instance = FamilienatlasPlugin(qgis_iface)
    instance.initGui()
    yield instance
    run = instance.run
    if run is not None:  # a test failed midway: let the task end without asking anybody anything
        run.confirm = lambda _message: False
        run.ask_clashes = lambda _clashes: None
        if run.task is not None:
            run.task.cancel()
        wait_until(lambda: instance.run is None, timeout=30, what="the plugin's task to end")
    instance.unload()
    QgsProject.instance().clear()
    QCoreApplication.processEvents()
    messages.set_language("de")


@pytest.fixture
def proxy() -> Iterator[ThreadingHTTPServer]:
    """A forwarding HTTP proxy (and CONNECT tunnel) on a loopback port; ``ForwardingProxy.seen``
    lists what went through it."""
    ForwardingProxy.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ForwardingProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def processing(qgis_app: QgsApplication) -> Any:
    """QGIS's Processing framework (its Python plugin), initialised as QGIS does at start."""
    if QGIS_PLUGINS not in sys.path:
        sys.path.append(QGIS_PLUGINS)
    from processing.core.Processing import Processing

    Processing.initialize()
    import processing

    return processing
