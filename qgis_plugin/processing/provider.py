"""``FamilienatlasProvider``: the "Familienatlas" entry of QGIS's Processing toolbox."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import CheckoutAlgorithm, SyncAlgorithm
from .indicator_algorithms import UploadIndicatorValuesAlgorithm

PLUGIN_DIR = Path(__file__).resolve().parents[1]
PROVIDER_ID = "familienatlas"


class FamilienatlasProvider(QgsProcessingProvider):
    """Algorithms ``familienatlas:checkout`` ("Auschecken"), ``familienatlas:sync`` ("Synchronisieren") and
    ``familienatlas:upload_indicator_values`` ("Indikatorwerte hochladen")."""

    def loadAlgorithms(self) -> None:  # noqa: N802 (QGIS's name)
        for algorithm in (CheckoutAlgorithm(), SyncAlgorithm(), UploadIndicatorValuesAlgorithm()):
            self.addAlgorithm(algorithm)

    def id(self) -> str:
        return PROVIDER_ID

    def name(self) -> str:
        return "Familienatlas"

    def longName(self) -> str:  # noqa: N802
        return self.name()

    def icon(self) -> QIcon:
        return QIcon(str(PLUGIN_DIR / "icon.svg"))

    def svgIconPath(self) -> str:  # noqa: N802
        return str(PLUGIN_DIR / "icon.svg")
