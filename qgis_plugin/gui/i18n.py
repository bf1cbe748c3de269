"""Translations of the plugin's own strings (German source, English in ``i18n/familienatlas_en.ts``).

All strings of the plugin's QGIS side go through :func:`tr` with the one context ``Familienatlas``,
so a translator finds them in one place. The core has its own German/English messages; the plugin
switches both together.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

from ..core import messages

CONTEXT = "Familienatlas"
QM_NAME = "familienatlas_{language}.qm"


def tr(text: str) -> str:
    """The translation of a German source string in the current QGIS language."""
    return QCoreApplication.translate(CONTEXT, text)


def plural(count: int, one: str, many: str, **values: object) -> str:
    """The singular or the plural text (both passed through :func:`tr`) with ``{count}`` filled in."""
    return (one if count == 1 else many).format(count=count, **values)


def qgis_locale() -> str:
    """QGIS's user interface locale, e.g. ``de_DE`` or ``en_US`` (empty when never set)."""
    value = QgsSettings().value("locale/userLocale", "")
    return str(value or "")


def plugin_language(locale: str | None = None) -> str:
    """``en`` when QGIS speaks English, else ``de`` (the source language).

    QGIS stores the language it runs in as ``locale/userLocale``; with the system locale ``C`` (or
    ``POSIX``, e.g. ``C.UTF-8``) that is ``C`` and QGIS's interface is English, so the plugin's is too.
    """
    locale = (qgis_locale() if locale is None else locale).lower()
    english = locale.startswith("en") or locale in ("c", "posix") or locale.startswith(("c.", "posix."))
    return "en" if english else "de"


class Translation:
    """Installs the English translator and the core's English messages; :meth:`remove` undoes it."""

    def __init__(self, plugin_dir: Path) -> None:
        self.plugin_dir = Path(plugin_dir)
        self.translator: QTranslator | None = None
        self.language = "de"

    def install(self, locale: str | None = None) -> str:
        """Install what QGIS's locale asks for; returns the language in use (``de`` or ``en``)."""
        self.remove()
        language = plugin_language(locale)
        if language != "de":
            qm = self.plugin_dir / "i18n" / QM_NAME.format(language=language)
            translator = QTranslator()
            if qm.is_file() and translator.load(str(qm)):
                QCoreApplication.installTranslator(translator)
                self.translator = translator
        self.language = language
        messages.set_language(language)
        return language

    def remove(self) -> None:
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = None
        if self.language != "de":
            messages.set_language("de")
        self.language = "de"
