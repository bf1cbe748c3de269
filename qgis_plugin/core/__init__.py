"""The plugin's core: API client, working copy, change detection, merge and sync.

This package must not import qgis or any Qt module and uses only the standard library and
``requests``: it runs inside QGIS's own Python (where nothing else can be relied on), on the
command line (``familienatlas``) and in tests without QGIS.
"""
