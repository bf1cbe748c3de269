"""The plugin's QGIS side: dialogs, docks, tasks and project layers over :mod:`..core`.

Widgets here hold no business rules; checks, merge and sync live in the core.
"""
