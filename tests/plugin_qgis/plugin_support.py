"""Helpers for the tests of the plugin's QGIS side (entry, connect, checkout, sync); the fixtures
are in this folder's conftest.py.

The tests run the real plugin in a real (offscreen) QGIS with pytest-qgis's ``qgis_iface`` against
the real server on loopback (``live_server``).
"""

from __future__ import annotations

import http.client
import select
import socket
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from qgis.core import (
    QgsLayerTreeModel,
    QgsMapRendererParallelJob,
    QgsProject,
    QgsRectangle,
    QgsSettings,
    QgsVectorLayer,
)
from qgis.gui import QgsLayerTreeView
from qgis.PyQt.QtCore import QCoreApplication, QEventLoop, QSize, QTimer
from qgis.PyQt.QtGui import QPixmap
from qgis.PyQt.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from qgis_plugin.core.api import AtlasClient
from qgis_plugin.gui import connection, project
from qgis_plugin.gui.synchronise import SyncRun
from qgis_plugin.plugin import FamilienatlasPlugin
from tests.support import demo_password

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def wait_until(condition: Callable[[], bool], timeout: float = 90.0, what: str = "condition") -> None:
    """Let QGIS's event loop and task manager run until ``condition()`` holds (bounded)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    QCoreApplication.processEvents()


def login(url: str, user: str) -> AtlasClient:
    client = AtlasClient(url, timeout=30)
    client.login(user, demo_password(user))
    return client


def checkout(plugin: FamilienatlasPlugin, url: str, user: str, folder: Path) -> None:
    """Log the plugin in as ``user`` and check out into ``folder`` through the task manager."""
    plugin.set_client(connection.make_client(url))
    plugin.client.login(user, demo_password(user))
    run = plugin.checkout(folder)
    assert run is not None
    wait_until(lambda: not plugin.busy, what="the checkout task")
    assert run.outcome is not None and run.outcome.ok, run.outcome and run.outcome.error


def synchronise(plugin: FamilienatlasPlugin) -> SyncRun:
    """Click "Synchronisieren" and wait until the run (checks, task, messages) is over."""
    run = plugin.synchronise()
    assert run is not None
    wait_until(lambda: run.finished, what="the sync task")
    return run


def layer_by_role(plugin: FamilienatlasPlugin, role: str) -> QgsVectorLayer:
    assert plugin.workcopy is not None
    for layer in project.working_copy_layers(plugin.workcopy.path):
        if layer.customProperty(project.PROPERTY_ROLE) == role:
            return layer
    raise AssertionError(f"no layer with role {role}")


def messages_of(iface: Any, level: Any) -> list[str]:
    return list(iface.messageBar().get_messages(level))


# ---------------------------------------------------------------------- screenshots


def render_map(iface: Any, extent: QgsRectangle | None = None, size: QSize | None = None) -> QPixmap:
    """The project's layers drawn in layer tree order with the canvas's CRS, around the canvas's
    centre (the offscreen canvas is never shown, so its own output size is meaningless)."""
    canvas = iface.mapCanvas()
    layers = QgsProject.instance().layerTreeRoot().layerOrder()
    canvas.setLayers(layers)
    settings = canvas.mapSettings()
    settings.setLayers(layers)
    settings.setOutputSize(size or QSize(900, 700))
    settings.setExtent(extent or canvas.extent())
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    return QPixmap.fromImage(job.renderedImage())


def save_map_with_legend(iface: Any, name: str, extent: QgsRectangle | None = None) -> Path:
    """A picture of the layer tree (with legend) beside the rendered map, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    window = QWidget()
    layout = QHBoxLayout(window)
    model = QgsLayerTreeModel(QgsProject.instance().layerTreeRoot())
    view = QgsLayerTreeView()
    view.setModel(model)
    view.expandAll()
    view.setMinimumWidth(380)
    image = QLabel()
    image.setPixmap(render_map(iface, extent))
    layout.addWidget(view)
    layout.addWidget(image)
    window.resize(1310, 720)
    window.show()
    QCoreApplication.processEvents()
    path = ARTIFACTS / name
    assert window.grab().save(str(path))
    window.close()
    return path


class ModalAnswer:
    """Answers the next modal dialog (which ``exec()`` would leave waiting) with ``handle(dialog)``."""

    def __init__(self, handle: Callable[[QWidget], None], timeout: float = 30.0) -> None:
        self.handle = handle
        self.deadline = time.monotonic() + timeout
        self.seen: list[QWidget] = []
        self.error: BaseException | None = None
        QTimer.singleShot(0, self._poll)

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            if time.monotonic() < self.deadline:
                QTimer.singleShot(20, self._poll)
            return
        self.seen.append(dialog)
        try:
            self.handle(dialog)
        except BaseException as exc:  # escaping into Qt's event loop would abort the process
            self.error = exc
            dialog.close()

    def check(self) -> QWidget:
        if self.error is not None:
            raise self.error
        assert self.seen, "no modal dialog was opened"
        return self.seen[-1]


# ---------------------------------------------------------------------- a proxy on loopback


class ForwardingProxy(BaseHTTPRequestHandler):
    """A plain HTTP proxy: forwards absolute-URI requests and remembers what it forwarded."""

    seen: list[str] = []

    def _forward(self) -> None:
        target = urlsplit(self.path)
        if not target.scheme:  # not a proxy request
            self.send_error(400)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        upstream.request(self.command, target.path + (f"?{target.query}" if target.query else ""), body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        ForwardingProxy.seen.append(f"{self.command} {target.path}")
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PATCH = _forward  # noqa: N815

    def do_CONNECT(self) -> None:  # noqa: N802 (http.server naming)
        """HTTPS through the proxy: a tunnel to host:port, bytes passed both ways untouched."""
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=30)
        except OSError:
            self.send_error(502)
            return
        ForwardingProxy.seen.append(f"CONNECT {self.path}")
        self.send_response(200, "Connection established")
        self.end_headers()
        sockets = [self.connection, upstream]
        try:
            while True:
                readable, _, broken = select.select(sockets, [], sockets, 30)
                if broken or not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)
        finally:
            upstream.close()

    def log_message(self, *args: Any) -> None:
        pass


def set_proxy(settings: QgsSettings, **values: Any) -> None:
    for key, value in values.items():
        settings.setValue(f"proxy/{key}", value)
