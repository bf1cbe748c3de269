"""The atlas web map for visitors: static files, served by the same server as the API."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory

WEB_DIR = Path(__file__).resolve().parents[1] / "web"

bp = Blueprint("web", __name__)


@bp.get("/")
def index() -> Response:
    """The atlas web map."""
    return send_from_directory(WEB_DIR, "index.html")
