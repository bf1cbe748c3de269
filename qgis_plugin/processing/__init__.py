"""The plugin's Processing provider "Familienatlas": checkout and sync for models, batch runs and scripts.

The algorithms use the same core (``Synchronizer``, the checks before a sync, the reference data)
and the same login with credentials from QGIS's authentication database (:mod:`..gui.connection`)
as the plugin's toolbar; only the person's questions are replaced by parameters.
"""

from .provider import FamilienatlasProvider

__all__ = ["FamilienatlasProvider"]
