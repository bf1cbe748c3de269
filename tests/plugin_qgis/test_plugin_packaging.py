"""The installable zip: built with scripts/build_plugin.py, unzipped into a fresh profile's plugin
folder and loaded and started by QGIS's own plugin loader (qgis.utils), as QGIS does at start."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import qgis.utils
from qgis.core import QgsSettings
from qgis.PyQt.QtWidgets import QMenu

ROOT = Path(__file__).resolve().parents[2]
NAME = "familienatlas"


def build_module() -> Any:
    spec = importlib.util.spec_from_file_location("build_plugin", ROOT / "scripts" / "build_plugin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def profile_plugins(tmp_path: Path) -> Iterator[Path]:
    """``<tmp>/profiles/default/python/plugins`` on QGIS's plugin paths for the test's duration."""
    folder = tmp_path / "profiles" / "default" / "python" / "plugins"
    folder.mkdir(parents=True)
    sys.path.insert(0, str(folder))
    qgis.utils.plugin_paths.insert(0, str(folder))
    yield folder
    if NAME in qgis.utils.active_plugins:
        qgis.utils.unloadPlugin(NAME)
    if str(folder) in sys.path:
        sys.path.remove(str(folder))
    qgis.utils.plugin_paths.remove(str(folder))
    qgis.utils.updateAvailablePlugins()
    for module in [m for m in sys.modules if m == NAME or m.startswith(NAME + ".")]:
        del sys.modules[module]


def test_zip_installs_and_runs_in_qgis(tmp_path: Path, profile_plugins: Path, qgis_iface: Any,
                                       clean_settings: QgsSettings) -> None:
    clean_settings.setValue("locale/userLocale", "de_DE")
    target = build_module().build(tmp_path / "dist")
    assert target.name == "familienatlas-0.1.0.zip"
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert all(name.startswith("familienatlas/") for name in names)
        assert not [n for n in names if n.endswith((".pyc", ".ts")) or "__pycache__" in n]
        for required in ("__init__.py", "plugin.py", "metadata.txt", "LICENSE", "icon.svg",
                         "i18n/familienatlas_en.qm", "styles/territories.qml", "styles/spatial_units.qml",
                         "core/api.py", "core/validation.py", "gui/connect_dialog.py", "gui/tasks.py"):
            assert f"familienatlas/{required}" in names, required
        archive.extractall(profile_plugins)

    # QGIS's loader as at start: find the plugins and their metadata, import the package, call
    # classFactory(iface) and initGui().
    qgis.utils.updateAvailablePlugins()
    assert NAME in qgis.utils.available_plugins
    assert qgis.utils.pluginMetadata(NAME, "name") == "Familienatlas"
    assert qgis.utils.pluginMetadata(NAME, "icon") == "icon.svg"
    assert qgis.utils.pluginMetadata(NAME, "supportsQt6") == "True"
    assert qgis.utils.loadPlugin(NAME)
    assert qgis.utils.startPlugin(NAME)
    plugin = qgis.utils.plugins[NAME]
    assert type(plugin).__module__ == "familienatlas.plugin"
    assert Path(sys.modules[NAME].__file__).parent == profile_plugins / NAME
    assert {key: action.text() for key, action in plugin.actions.items()} == {
        "connect": "Verbinden…", "checkout": "Auschecken…", "sync": "Synchronisieren",
        "changes": "Lokale Änderungen…", "reports": "Meldungen…", "indicator_upload": "Indikatorwerte hochladen…",
        "indicator_map": "Indikator als Karte…", "review": "Prüfen", "logout": "Abmelden"}
    assert not plugin.actions["review"].isEnabled()
    menus = [a.menu() for a in qgis_iface.mainWindow().menuBar().actions() if isinstance(a.menu(), QMenu)]
    familienatlas = [m for m in menus if m.title() == "Familienatlas"]
    assert len(familienatlas) == 1 and len([a for a in familienatlas[0].actions() if not a.isSeparator()]) == 9
    assert plugin.toolbar.objectName() == "FamilienatlasToolbar" and len(plugin.toolbar.actions()) == 9
    # The installed copy finds its own styles and icon.
    project_module = sys.modules["familienatlas.gui.project"]
    assert project_module.styles_dir() == profile_plugins / NAME / "styles"
    assert not plugin.actions["connect"].icon().isNull()

    assert qgis.utils.unloadPlugin(NAME)
    assert NAME not in qgis.utils.active_plugins
    assert not [a for a in qgis_iface.mainWindow().menuBar().actions() if a.text() == "Familienatlas"]
