"""The atlas web map for visitors: static files, served by the same server as the API.

Three kinds of files, each from a fixed list of places and nothing else (no directory listings):

- ``/``: the page itself (``web/index.html``), with a Content Security Policy that allows only this
  server and the OpenStreetMap tiles, and lets the sites of ``FAMILIENATLAS_FRAME_ANCESTORS`` embed it;
- ``/assets/<folder>/<file>``: the map's own modules, styles, images and message catalogues from
  ``web/js``, ``web/css``, ``web/img`` and ``web/i18n``;
- ``/vendor/<library>/<file>``: the few distribution files the page needs from the npm packages in
  ``web/node_modules`` (installed with ``npm ci --prefix sync_server/web``).

- ``/impressum``, ``/datenschutz``, ``/barrierefreiheit``: the county's legal pages (written through
  the admin API, :mod:`~sync_server.domain.pages`), rendered here as plain HTML that needs no script,
  in German or English (``?lang=en`` or the browser's language) with the map's message catalogues.

Anything else is a 404 in the API's problem format.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, abort, render_template_string, request, send_from_directory

from .. import messages
from ..domain import pages
from .caching import public_answer
from .common import context, settings

WEB_DIR = Path(__file__).resolve().parents[1] / "web"
NODE_MODULES = WEB_DIR / "node_modules"

TILE_ORIGIN = "https://tile.openstreetmap.org"

# Folder under web/ -> the file name endings served from it.
ASSET_FOLDERS: dict[str, tuple[str, ...]] = {
    "js": (".js",),
    "css": (".css",),
    "img": (".svg", ".png"),
    "i18n": (".json",),
}

# Library in the URL -> (its dist folder under node_modules, the files the page loads from it).
VENDOR_FILES: dict[str, tuple[str, frozenset[str]]] = {
    "leaflet": ("leaflet/dist", frozenset({"leaflet.js", "leaflet.css"})),
    "proj4": ("proj4/dist", frozenset({"proj4.js"})),
    "simple-statistics": ("simple-statistics/dist", frozenset({"simple-statistics.min.js"})),
    "chart.js": ("chart.js/dist", frozenset({"chart.umd.min.js"})),
    "supercluster": ("supercluster/dist", frozenset({"supercluster.min.js"})),
    # OpenStreetMap's opening hours for the filter "open now" (loaded by the offers worker when used)
    "opening_hours": ("opening_hours/build", frozenset({"opening_hours.js"})),
    "suncalc": ("suncalc", frozenset({"suncalc.cjs"})),
}

MIMETYPES = {".js": "text/javascript", ".cjs": "text/javascript", ".css": "text/css", ".json": "application/json",
             ".svg": "image/svg+xml", ".png": "image/png"}

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    f"img-src 'self' data: {TILE_ORIGIN}",
    "style-src 'self'",
    "script-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
))

bp = Blueprint("web", __name__)


def _send(folder: Path, name: str) -> Response:
    """A file with its validator; cache policy and compression are the rule of :mod:`.caching`."""
    suffix = Path(name).suffix
    return send_from_directory(folder, name, mimetype=MIMETYPES.get(suffix))


@bp.get("/")
@public_answer("page")
def index() -> Response:
    """The atlas web map."""
    response = _send(WEB_DIR, "index.html")
    # Municipalities embed the map in their websites: which sites may frame it is a setting.
    response.headers["Content-Security-Policy"] = (f"{CONTENT_SECURITY_POLICY}; "
                                                   f"frame-ancestors {settings().frame_ancestors}")
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


@bp.get("/assets/<folder>/<name>")
@public_answer("page")
def asset(folder: str, name: str) -> Response:
    """The page's own files: one folder deep, known folders and file types only."""
    suffixes = ASSET_FOLDERS.get(folder)
    if suffixes is None or not name.endswith(suffixes) or name.startswith("."):
        abort(404)
    return _send(WEB_DIR / folder, name)


@bp.get("/vendor/<library>/<name>")
@public_answer("vendor")
def vendor(library: str, name: str) -> Response:
    """One of the listed distribution files of the npm packages (Leaflet, proj4,
    simple-statistics for the expert mode's classes, Chart.js for its time series, supercluster for the
    offers map's clusters, loaded by its worker)."""
    entry = VENDOR_FILES.get(library)
    if entry is None or name not in entry[1]:
        abort(404)
    return _send(NODE_MODULES / entry[0], name)


LEGAL_PAGE = """<!doctype html>
<html lang="{{ lang }}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }} – {{ t["app.name"] }}</title>
  <link rel="icon" href="/assets/img/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/assets/css/atlas.css">
</head>
<body class="legal-page">
  <header class="site-header">
    <div class="brand">
      <img src="/assets/img/favicon.svg" alt="" width="32" height="32">
      <p class="legal-brand"><a href="/?lang={{ lang }}">{{ t["app.name"] }}</a></p>
    </div>
  </header>
  <main class="legal" id="main">
    <p><a href="/?lang={{ lang }}">{{ t["legal.back"] }}</a></p>
    <article{% if text_lang != lang %} lang="{{ text_lang }}"{% endif %}>
      <h1>{{ title }}</h1>
      {% if text_lang != lang %}
      <p class="legal-note" lang="{{ lang }}">{{ t["legal.germanOnly"] }}</p>
      {% endif %}
      {% if paragraphs %}
        {% for lines in paragraphs %}
      <p>{% for line in lines %}{{ line }}{% if not loop.last %}<br>{% endif %}{% endfor %}</p>
        {% endfor %}
      {% else %}<p class="legal-note">{{ t["legal.missing"] }}</p>{% endif %}
      {% if updated %}
      <p class="legal-note">{{ t["legal.updated"] }} <time datetime="{{ updated }}">{{ updated[:10] }}</time></p>
      {% endif %}
    </article>
  </main>
  <footer class="legal-footer">
    {% for link in links %}
    <a href="{{ link.path }}?lang={{ lang }}"
       {%- if link.key == key %} aria-current="page"{% endif %}>{{ link.label }}</a>
    {%- if not loop.last %} · {% endif %}
    {% endfor %}
  </footer>
</body>
</html>
"""


@cache
def _catalogue(lang: str) -> dict[str, object]:
    """The web map's message catalogue of a language (the one translation mechanism of the web side)."""
    return json.loads((WEB_DIR / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


@bp.get("/<any(impressum, datenschutz, barrierefreiheit):page_key>")
@public_answer("data")
def legal_page(page_key: str) -> Response:
    """A legal page of the county, as plain HTML (no script needed), German or English."""
    asked = (request.args.get("lang") or "").lower()
    lang = asked if asked in ("de", "en") else messages.pick_language(request.headers.get("Accept-Language"))
    page = pages.get_page(context(), page_key)
    english = lang == "en" and bool(page.body_en)
    text = page.body_en if english else page.body
    t = _catalogue(lang)
    paragraphs = [block.splitlines() for block in (text or "").replace("\r\n", "\n").split("\n\n") if block.strip()]
    html = render_template_string(
        LEGAL_PAGE, lang=lang, t=t, key=page_key, title=page.title_en if lang == "en" else page.title,
        text_lang="en" if english or not page.configured and lang == "en" else "de", paragraphs=paragraphs,
        updated=page.updated_at,
        links=[{"key": k, "path": kind.path, "label": t[f"footer.{k}"]} for k, kind in pages.PAGES.items()])
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = (f"{CONTENT_SECURITY_POLICY}; "
                                                   f"frame-ancestors {settings().frame_ancestors}")
    return response
