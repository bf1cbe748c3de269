"""German source strings, English from i18n/familienatlas_en.ts when QGIS speaks English; the
core's messages switch with the plugin."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from qgis.core import QgsSettings

from qgis_plugin.core import messages
from qgis_plugin.gui.i18n import plugin_language, tr
from qgis_plugin.plugin import FamilienatlasPlugin

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "qgis_plugin" / "i18n"


def translations_tool() -> Any:
    spec = importlib.util.spec_from_file_location("update_translations", ROOT / "scripts" / "update_translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("locale", "language"), [("en_US", "en"), ("en", "en"), ("de_DE", "de"), ("", "de"),
                                                  ("fr_FR", "de"), ("C", "en"), ("C.UTF-8", "en"),
                                                  ("POSIX", "en")])
def test_plugin_language(locale: str, language: str) -> None:
    assert plugin_language(locale) == language


def test_english_locale_translates_actions_and_core_messages(qgis_iface: Any, clean_settings: QgsSettings) -> None:
    clean_settings.setValue("locale/userLocale", "en_US")
    english = FamilienatlasPlugin(qgis_iface)
    english.initGui()
    try:
        labels = {key: action.text() for key, action in english.actions.items()}
        assert labels == {"connect": "Connect…", "checkout": "Check out…", "sync": "Synchronise",
                          "changes": "Local changes…", "reports": "Reports…",
                          "indicator_upload": "Upload indicator values…",
                          "indicator_map": "Indicator as a map…", "review": "Review", "logout": "Log out"}
        assert english.menu.title() == "Familienatlas"
        assert messages.get_language() == "en"
        assert messages.tr("error.authentication_failed") == "Login failed: wrong user name or password."
    finally:
        english.unload()
    assert messages.get_language() == "de"
    assert tr("Verbinden…") == "Verbinden…"

    clean_settings.setValue("locale/userLocale", "de_DE")
    german = FamilienatlasPlugin(qgis_iface)
    german.initGui()
    try:
        assert german.actions["connect"].text() == "Verbinden…"
        assert german.actions["review"].text() == "Prüfen"
        assert messages.get_language() == "de"
    finally:
        german.unload()


def test_every_plugin_string_has_an_english_translation() -> None:
    """The plugin's own strings (context Familienatlas) are all in the .ts and translated."""
    tool = translations_tool()
    found = tool.collect()
    ours = [m for m in found if m.context == tool.DEFAULT_CONTEXT]
    assert len({m.source for m in ours}) > 70
    assert tool.missing(found, tool.read_ts(), {tool.DEFAULT_CONTEXT}) == []
    # Every string of the code (of any context) has an entry, so translators see all of them.
    entries = tool.read_ts()
    assert {(m.context, m.source) for m in found} <= set(entries)


def test_no_entry_of_the_ts_is_unfinished_or_empty() -> None:
    """Every message of every context has a finished, non-empty English translation (all plural forms)."""
    gaps = []
    for context in ET.parse(I18N / "familienatlas_en.ts").getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [] if translation is None else (translation.findall("numerusform") or [translation])
            if translation is None or translation.get("type") is not None or not all(
                    (form.text or "").strip() for form in forms):
                gaps.append((name, message.findtext("source")))
    assert gaps == []


def test_the_committed_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    assert shutil.which("lrelease"), "install the Debian package qttools5-dev-tools"
    target = tmp_path / "familienatlas_en.qm"
    subprocess.run(["lrelease", "-silent", str(I18N / "familienatlas_en.ts"), "-qm", str(target)], check=True)
    assert target.read_bytes() == (I18N / "familienatlas_en.qm").read_bytes()
