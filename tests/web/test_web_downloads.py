"""Downloads and the embed snippet of the expert mode, in a real headless Chromium against the real
server, with the known indicator of the expert mode's tests (w_quote per municipality 2020-2023, one
municipality withheld by the confidentiality rule). The files the buttons give equal the public API's
figures, the withheld value is marked and never a number, the PNG shows the map's class colours, and
the embed snippet shows the same view without the atlas around it."""

from __future__ import annotations

import base64
import csv
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
import requests

from .test_web_expert import _publish, expected_fills, open_expert, page_fills

pytestmark = pytest.mark.timeout(180)

SUPPRESSED = "nicht ausgewiesen (Geheimhaltung)"
HATCH_BROWN = (0x6D, 0x4C, 0x41)


@pytest.fixture
def known(live_server) -> dict[str, Any]:  # noqa: ANN001
    facts = _publish(live_server.url)
    answer = requests.get(f"{live_server.url}/api/v1/indicators/w_quote/values?level=gemeinde", timeout=30)
    facts["values"] = answer.json()["values"]
    return facts


def download(page, selector: str) -> bytes:  # noqa: ANN001
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path()).read_bytes()


def read_csv(data: bytes) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    assert data.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    blank = lines.index([])
    header, *rows = lines[blank + 1:]
    return dict(lines[:blank]), {row[0]: dict(zip(header, row, strict=True)) for row in rows}


def png_colours(page, data: bytes) -> set[tuple[int, int, int]]:  # noqa: ANN001
    """The colours of a PNG, read back through the browser's own decoder."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = page.evaluate("""async (url) => {
      const image = new Image();
      image.src = url;
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = image.width;
      canvas.height = image.height;
      const ctx = canvas.getContext("2d");
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, image.width, image.height).data;
      const seen = new Set();
      for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return [image.width, [...seen]];
    }""", "data:image/png;base64," + base64.b64encode(data).decode())
    width, colours = pixels
    assert width > 600
    return {(c >> 16 & 255, c >> 8 & 255, c & 255) for c in colours}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def test_downloads_are_what_the_map_shows(atlas, known) -> None:  # noqa: ANN001
    year = 2022
    page = open_expert(atlas, f"?mode=expert&ind=w_quote&level=gemeinde&year={year}")
    shown = {v["unit"]: v for v in known["values"] if v["year"] == year}
    small = known["small"]["key"]
    secret = f"{known['small_share']:.1f}"
    assert shown[small]["suppressed"]

    query = parse_qs(urlsplit(page.get_attribute("#download-csv", "href")).query)
    assert query == {"format": ["csv"], "level": ["gemeinde"], "lang": ["de"], "year": [str(year)]}
    notes, rows = read_csv(download(page, "#download-csv"))
    assert notes["Indikator"] == "Kinderarmutsquote" and notes["Jahr"] == str(year) and notes["Quelle"] == "Testquelle"
    assert notes["Definition"] == "Anteil der Kinder in Bedarfsgemeinschaften." and "Stand der Daten" in notes
    assert set(rows) == set(shown)
    for unit, value in shown.items():
        if value["suppressed"]:
            assert rows[unit]["Wert"] == "" and rows[unit]["Hinweis"] == SUPPRESSED
        else:
            assert rows[unit]["Wert"] == f"{value['value']:.1f}".replace(".", ",")
    assert secret.replace(".", ",") not in json.dumps(rows, ensure_ascii=False)

    book = openpyxl.load_workbook(io.BytesIO(download(page, "#download-xlsx")))
    _header, *table = list(book["Daten"].values)
    # Computed (aggregated) values keep all their digits; the workbook's text form may drop the 17th.
    assert {r[0]: r[3] for r in table} == {u: pytest.approx(v["value"], rel=1e-13) if v["value"] is not None
                                           else None for u, v in shown.items()}
    assert {r[0]: r[4] for r in table}[small] == SUPPRESSED

    collection = json.loads(download(page, "#download-geojson"))
    features = {f["properties"]["unit"]: f["properties"] for f in collection["features"]}
    assert {u: p["value"] for u, p in features.items()} == {u: v["value"] for u, v in shown.items()}
    assert features[small]["suppressed"] is True and secret not in json.dumps(collection)

    # The map as a picture: the class colours of the map (drawn opaque), the hatching of the withheld one.
    fills = page_fills(page)
    assert fills == expected_fills(known["values"], year)
    colours = png_colours(page, download(page, "#download-png"))
    classes = {rgb(c) for c in set(fills.values()) if c.startswith("#")}
    assert classes <= colours, classes - colours
    assert HATCH_BROWN in colours
    assert page.inner_text("#download-status") == "Die Karte wurde als Bild gespeichert."

    # English: the links ask for English files.
    page.click(".lang-button[data-lang='en']")
    page.wait_for_function("() => document.getElementById('download-csv').href.includes('lang=en')")
    assert page.inner_text("#expert-downloads-heading") == "Download"


def test_embed_snippet_copies_and_shows_the_view_alone(make_atlas, known) -> None:  # noqa: ANN001
    atlas = make_atlas(permissions=["clipboard-read", "clipboard-write"])
    year = 2021
    page = open_expert(atlas, f"?mode=expert&ind=w_quote&level=gemeinde&year={year}&cls=equal&k=4")
    snippet = page.input_value("#embed-code")
    assert snippet.startswith('<iframe src="http://127.0.0.1:')
    assert 'title="Familienatlas: Kinderarmutsquote, Gemeinden, 2021"' in snippet
    page.click("#embed-copy")
    page.wait_for_function("() => document.getElementById('embed-status').textContent !== ''")
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    assert page.inner_text("#embed-status") == "Kopiert"

    # A municipality's page with the snippet: the framed view loads no offers and shows the map alone.
    host = atlas.new_page()
    asked: list[str] = []
    host.on("request", lambda request: asked.append(request.url))
    with host_site(f"<!doctype html><html lang='de'><title>Gemeinde</title><body>{snippet}</body></html>") as site:
        host.goto(site)
        check_embedded(host, known, year, asked)


@contextmanager
def host_site(html: str) -> Iterator[str]:
    """A municipality's website: another origin (its own port on loopback) that serves one page."""
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def check_embedded(host, facts: dict[str, Any], year: int, asked: list[str]) -> None:  # noqa: ANN001
    """The framed view: the known figures, no atlas around them, no offers loaded, a way to the atlas."""
    frame = host.frame_locator("iframe")
    frame.locator("body[data-expert-ready='true']").wait_for(timeout=30_000)
    framed = host.frames[1]
    assert page_fills(framed) == expected_fills(facts["values"], year, "equal", 4)
    assert not framed.locator(".site-header").is_visible()
    assert not framed.locator("#expert-form").is_visible()
    assert framed.locator("#expert-legend-list").is_visible()
    assert framed.inner_text("#embed-title") == "Kinderarmutsquote, Gemeinden, 2021"
    link = framed.get_attribute("#embed-open", "href")
    assert "embed" not in link and "ind=w_quote" in link and f"year={year}" in link
    assert framed.get_attribute("#embed-open", "target") == "_blank"
    assert not [url for url in asked if "/api/v1/public/institutions" in url], "the embed loads no offers"
    assert "embed=1" in framed.url, "the embedded view keeps its address"
