"""OGC API - Features for the published layers: a thin Flask adapter over :mod:`..ogcapi`."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")
