"""The plugin zip in the real QGIS desktop (``xvfb-run qgis --profiles-path … --code …``): enabled in
a fresh profile, loaded by QGIS at start, checkout and a sync with a held-back point against the
real server; screenshots of the main window for a person to look at."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .plugin_support import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture(autouse=True)
def _desktop_installed() -> None:
    """`make test` installs the QGIS desktop and xvfb; their absence is a broken set-up, not a skip."""
    assert shutil.which("qgis") and shutil.which("xvfb-run"), "install the Debian packages qgis and xvfb"

SCRIPT = r'''
import json, time, traceback
from pathlib import Path
import qgis.utils
from qgis.core import QgsApplication, QgsGeometry, QgsPointXY, QgsProject
from qgis.PyQt.QtCore import QTimer

OUT = Path(__OUT__)
result = {"steps": []}
state = {"t0": time.time()}


def finish(code=0):
    (OUT / "result.json").write_text(json.dumps(result, ensure_ascii=False))
    QTimer.singleShot(100, lambda: QgsApplication.exit(code))


def guarded(step):
    def run():
        try:
            step()
        except Exception:
            result["error"] = traceback.format_exc()
            finish(1)
    return run


def wait(condition, then):
    def poll():
        if condition() or time.time() - state["t0"] > 150:
            guarded(then)()
        else:
            QTimer.singleShot(300, poll)
    QTimer.singleShot(300, poll)


def start():
    window = qgis.utils.iface.mainWindow()
    result["active"] = list(qgis.utils.active_plugins)
    result["menus"] = [a.text() for a in window.menuBar().actions()]
    plugin = qgis.utils.plugins["familienatlas"]
    state["plugin"] = plugin
    result["actions"] = {k: a.text() for k, a in plugin.actions.items()}
    connection = __import__("familienatlas.gui.connection", fromlist=["make_client"])
    client = connection.make_client(__URL__)
    client.login("melle.editor", "demo-melle.editor")
    plugin.set_client(client)
    state["checkout"] = plugin.checkout(OUT / "workcopy")
    wait(lambda: not plugin.busy, checked_out)


def checked_out():
    outcome = state["checkout"].outcome
    result["checkout_ok"] = bool(outcome and outcome.ok)
    result["layers"] = sorted(l.name() for l in QgsProject.instance().mapLayers().values())
    QTimer.singleShot(1500, guarded(edit_and_sync))


def edit_and_sync():
    qgis.utils.iface.mainWindow().grab().save(str(OUT / "checkout.png"))
    canvas = qgis.utils.iface.mapCanvas()
    result["scale_after_checkout"] = canvas.scale()
    own = [l for l in QgsProject.instance().mapLayers().values() if l.name() == "Einrichtungen (eigene)"][0]
    first, second = list(own.getFeatures())[:2]
    own.startEditing()
    p = first.geometry().asPoint()
    own.changeGeometry(first.id(), QgsGeometry.fromPointXY(QgsPointXY(p.x() - 30000, p.y())))
    own.changeAttributeValue(second.id(), own.fields().indexOf("phone"), "05422 123456")
    own.commitChanges()
    state["sync"] = state["plugin"].synchronise()
    wait(lambda: state["sync"].finished, synced)


def synced():
    run = state["sync"]
    result["problems"] = [[p.code, p.message] for p in run.problems]
    result["report"] = [run.reports[-1].sent, run.reports[-1].accepted] if run.reports else None
    QTimer.singleShot(1500, guarded(shoot))


def shoot():
    qgis.utils.iface.mainWindow().grab().save(str(OUT / "sync.png"))
    finish(0)


QTimer.singleShot(2000, guarded(start))
'''


def test_plugin_in_the_qgis_desktop(live_server: Any, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_plugin", ROOT / "scripts" / "build_plugin.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    archive = build.build(tmp_path / "dist")
    profile = tmp_path / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(plugins)
    (profile / "QGIS").mkdir()
    (profile / "QGIS" / "QGIS3.ini").write_text(
        "[PythonPlugins]\nfamilienatlas=true\n\n[locale]\nuserLocale=de_DE\noverrideFlag=true\n\n"
        "[qgis]\ncheckVersion=false\nshowTips322=false\n", encoding="utf-8")
    script = tmp_path / "drive.py"
    script.write_text(SCRIPT.replace("__OUT__", repr(str(tmp_path))).replace("__URL__", repr(live_server.url)),
                      encoding="utf-8")
    env = {**os.environ, "XDG_RUNTIME_DIR": str(tmp_path / "runtime")}
    env.pop("QT_QPA_PLATFORM", None)  # the desktop draws on the virtual X server
    (tmp_path / "runtime").mkdir(mode=0o700)
    completed = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "qgis", "--profiles-path", str(tmp_path), "--nologo",
         "--code", str(script)], env=env, capture_output=True, text=True, timeout=240)
    result_file = tmp_path / "result.json"
    assert result_file.is_file(), completed.stdout[-2000:] + completed.stderr[-2000:]
    result = json.loads(result_file.read_text(encoding="utf-8"))
    assert "error" not in result, result.get("error")
    assert completed.returncode == 0

    assert "familienatlas" in result["active"]
    assert result["menus"].index("Familienatlas") < result["menus"].index("&Hilfe")
    assert result["actions"]["sync"] == "Synchronisieren"
    assert result["checkout_ok"]
    assert result["layers"] == ["Einrichtungen (andere Kommunen)", "Einrichtungen (eigene)", "Gemeindegebiete",
                                "Indikatorwerte", "Raumeinheiten", "Unterkategorien"]
    assert result["scale_after_checkout"] < 300_000  # zoomed to Melle, not to the whole county
    assert [code for code, _message in result["problems"]] == ["outside_territory"]
    assert result["report"] == [1, 1]  # the phone number went out, the moved point did not
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name in ("checkout", "sync"):
        shutil.copy(tmp_path / f"{name}.png", ARTIFACTS / f"plugin-desktop-{name}.png")
