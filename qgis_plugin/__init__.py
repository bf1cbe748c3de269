"""Familienatlas QGIS plugin.

QGIS calls :func:`classFactory`; everything else is imported from there, so importing this package
(as the core's tests and the command line do) never needs QGIS. Imports inside are relative: the
plugin zip renames this folder to ``familienatlas/``.
"""


def classFactory(iface):  # noqa: ANN001, ANN201, N802 (QGIS's name and signature)
    """Create the plugin for QGIS's interface object ``iface``."""
    from .plugin import FamilienatlasPlugin

    return FamilienatlasPlugin(iface)
