"""Helpers for the GUI tests of review, conflicts and local changes (plain functions, no fixtures).

The tests drive real widgets in a real (offscreen) QGIS against the real server on loopback:
``wait_until`` lets QGIS's task manager and event loop run while a background call finishes, and
``when_dialog_opens`` answers a modal dialog that ``exec()`` would otherwise leave waiting.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QWidget

from qgis_plugin.core.api import AtlasClient
from qgis_plugin.core.sync import Synchronizer
from qgis_plugin.core.workcopy import WorkingCopy
from tests.support import demo_password

from .plugin_support import ARTIFACTS, ModalAnswer, wait_until  # noqa: F401 - shared with the review tests


def when_dialog_opens(handle: Callable[[QWidget], None]) -> ModalAnswer:
    return ModalAnswer(handle, timeout=20.0)


def login(url: str, user: str, session: requests.Session | None = None) -> AtlasClient:
    client = AtlasClient(url, session=session, timeout=30)
    client.login(user, demo_password(user))
    return client


def public_features(url: str, layer: str = "institutions") -> dict[str, dict[str, Any]]:
    """The public (published) side as the web map sees it."""
    response = requests.get(f"{url}/api/v1/public/{layer}", timeout=30)
    response.raise_for_status()
    return {f["id"]: f for f in response.json()["features"]}


def server_features(url: str, user: str = "admin", layer: str = "institutions") -> dict[str, dict[str, Any]]:
    client = login(url, user)
    return {f["id"]: f for page in client.pull_all(layer) for f in page["features"]}


class Desk:
    """One person's working copy with client and synchroniser, made with the core."""

    def __init__(self, url: str, user: str, folder: Path, checkout: bool = True) -> None:
        self.url = url
        self.user = user
        self.client = login(url, user)
        self.workcopy = WorkingCopy.in_folder(folder)
        self.sync = Synchronizer(self.client, self.workcopy)
        if checkout:
            self.sync.checkout()

    @property
    def municipality(self) -> str:
        return self.client.user["municipality"]["key"]

    def own(self, layer: str = "institutions", owner: str | None = None) -> list[str]:
        owner = owner or self.municipality
        return sorted(s.uuid for s in self.workcopy.rows(layer) if s.properties.get("owner") == owner)

    def sql(self, statement: str, *params: Any) -> None:
        """Edit the file as another program would."""
        con = sqlite3.connect(str(self.workcopy.path), isolation_level=None)
        con.execute(statement, params)
        con.close()

    def layer(self, name: str = "institutions") -> QgsVectorLayer:
        layer = QgsVectorLayer(f"{self.workcopy.path}|layername={name}", f"{self.user} {name}", "ogr")
        assert layer.isValid(), layer.error().message()
        return layer

    def close(self) -> None:
        self.workcopy.close()


def feature_by_uuid(layer: QgsVectorLayer, uuid: str) -> QgsFeature:
    [feature] = list(layer.getFeatures(f"\"uuid\" = '{uuid}'"))
    return feature


def move(layer: QgsVectorLayer, uuid: str, dx: float, dy: float) -> tuple[float, float]:
    """Move a point feature in an edit session of ``layer``; returns the new position."""
    feature = feature_by_uuid(layer, uuid)
    point = feature.geometry().asPoint()
    target = (point.x() + dx, point.y() + dy)
    assert layer.changeGeometry(feature.id(), QgsGeometry.fromPointXY(QgsPointXY(*target)))
    return target


def set_value(layer: QgsVectorLayer, uuid: str, field: str, value: Any) -> None:
    feature = feature_by_uuid(layer, uuid)
    assert layer.changeAttributeValue(feature.id(), layer.fields().indexOf(field), value)


def save_screenshot(widget: QWidget, name: str) -> Path:
    """Render a widget offscreen into test-artifacts/ for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    widget.show()
    QCoreApplication.processEvents()
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path
