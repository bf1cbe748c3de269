"""The plugin's two indicator actions, kept out of ``plugin.py``: "Indikatorwerte hochladen…" and
"Indikator als Karte…".

Uploading needs a login (the server decides per row what the user may write). The map works
without one: anonymous, it shows the published values of the saved server; logged in, what the
user may read; the working copy, when there is one, supplies the units (also the own unpublished
Ortsteile).
"""

from __future__ import annotations

from typing import Any

from qgis.core import Qgis

from ..core.workcopy import FILE_NAME, WorkingCopy
from . import connection
from .i18n import tr
from .indicator_map import IndicatorMapDialog, add_indicator_layer
from .indicator_upload import IndicatorUploadDialog


def open_upload(plugin: Any) -> IndicatorUploadDialog | None:
    """Show the upload dialog (modal) for the logged-in user."""
    client = plugin.ensure_client()
    if client is None:
        return None
    dialog = IndicatorUploadDialog(client, plugin.iface.mainWindow())
    dialog.load()
    dialog.exec()
    return dialog


def _workcopy(plugin: Any) -> WorkingCopy | None:
    """The plugin's working copy, or the remembered one, without complaining when there is none."""
    if plugin.workcopy is not None:
        return plugin.workcopy
    folder = connection.saved_workcopy_folder()
    if folder is not None and (folder / FILE_NAME).is_file():
        plugin.workcopy = WorkingCopy.in_folder(folder)
        return plugin.workcopy
    return None


def open_map(plugin: Any) -> IndicatorMapDialog | None:
    """Show the map dialog; an accepted dialog's layer goes into the project."""
    client = plugin.client
    if client is None or not client.logged_in:
        url = connection.saved_server_url()
        if not url:
            if not plugin.connect():
                return None
            client = plugin.client
        else:
            client = connection.make_client(url)  # anonymous: the published values
    workcopy = _workcopy(plugin)
    if workcopy is not None and client.server_url.rstrip("/") != (workcopy.server_url or "").rstrip("/"):
        workcopy = None  # another server's units would not match its values
    dialog = IndicatorMapDialog(client, workcopy, plugin.iface.mainWindow())
    dialog.load()
    if dialog.exec() and dialog.layer is not None:
        add_indicator_layer(dialog.layer, plugin.iface)
    elif dialog.layer is None and dialog.result():
        plugin.iface.messageBar().pushMessage("Familienatlas", tr("Keine Karte erstellt."),
                                              Qgis.MessageLevel.Warning, 5)
    return dialog
