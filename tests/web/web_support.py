"""Helpers for the web map tests: the expectations computed in Python from the public API, and a
few ways to read the page's state."""

from __future__ import annotations

import re
import struct
import unicodedata
import uuid
import zlib
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import requests
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape

from tests.support import demo_password

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WEB_DIR = Path(__file__).resolve().parents[2] / "sync_server" / "web"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TILES = "https://tile.openstreetmap.org/**"


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A plain one-colour PNG (a stand-in background tile), made without any imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


TILE_PNG = png(256, 256, (236, 239, 233))


def fold(text: Any) -> str:
    """What "case- and umlaut-tolerant" means: lower case, no accents, ß = ss, ae/oe/ue = a/o/u."""
    s = unicodedata.normalize("NFD", str(text or "").lower().replace("ß", "ss"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    return re.sub(r"\s+", " ", s).strip()


class PublicData:
    """The public API's answers, read once per test with plain HTTP."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.features = requests.get(f"{base_url}/api/v1/public/institutions", timeout=30).json()["features"]
        self.categories = {c["key"]: c for c in requests.get(f"{base_url}/api/v1/categories", timeout=30).json()}
        self.municipalities = requests.get(f"{base_url}/api/v1/municipalities", timeout=30).json()
        self.by_id = {f["id"]: f for f in self.features}

    @property
    def ids(self) -> set[str]:
        return set(self.by_id)

    def search(self, query: str) -> set[str]:
        """Offers that match every word of ``query`` (web/js/search.js): the word is in the offer's name,
        provider, category or subcategory name, address, description, target groups, languages or
        accessibility, or in a name or search word of its category or subcategory (both languages).
        Typos and the English names of values are left out: the tests name the offers they expect."""
        terms = [(fold(" | ".join([c["name"], c.get("name_en") or "", *c.get("keywords_de", []),
                                   *c.get("keywords_en", [])])), key) for key, c in self.categories.items()]
        words = fold(query).split()
        out = set()
        for f in self.features:
            p = f["properties"]
            names = [self.categories.get(p.get("category"), {}).get("name"),
                     self.categories.get(p.get("subcategory"), {}).get("name")]
            fields = [p.get("name"), p.get("provider"), *names, p.get("street"), p.get("postcode"), p.get("city"),
                      p.get("description"), p.get("target_groups"), p.get("languages"), p.get("accessibility")]
            text = fold(" ".join(str(v) for v in fields if v))
            themes = {p.get("category"), p.get("subcategory")}
            if all(w in text or any(w in term and key in themes for term, key in terms) for w in words):
                out.add(f["id"])
        return out

    def in_category(self, *keys: str) -> set[str]:
        return {f["id"] for f in self.features
                if f["properties"].get("category") in keys or f["properties"].get("subcategory") in keys}

    def municipality(self, name: str) -> dict[str, Any]:
        return next(m for m in self.municipalities if m["name"] == name)

    def territory_wgs84(self, name: str):  # noqa: ANN201
        def project(xy: np.ndarray) -> np.ndarray:
            return np.column_stack(_to_wgs84().transform(xy[:, 0], xy[:, 1]))
        return shapely.transform(shape(self.municipality(name)["territory"]), project)

    def located_in(self, name: str) -> set[str]:
        area = self.territory_wgs84(name)
        return {f["id"] for f in self.features if area.contains(Point(f["geometry"]["coordinates"]))}

    def listed_in(self, name: str) -> set[str]:
        """What the municipality filter shows: the offers located in it and those whose service area
        names it, a municipality above it (the county: county-wide) or one below it."""
        chosen = self.municipality(name)
        by_id = {m["id"]: m for m in self.municipalities}
        related = {chosen["key"]}
        m = chosen
        while m["parent_id"] is not None:
            m = by_id[m["parent_id"]]
            related.add(m["key"])
        below = [chosen["id"]]
        while below:
            children = [c for c in self.municipalities if c["parent_id"] in below]
            related.update(c["key"] for c in children)
            below = [c["id"] for c in children]
        serving = {f["id"] for f in self.features
                   if related & {k.strip() for k in (f["properties"].get("service_area") or "").split(",")}}
        return self.located_in(name) | serving


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)


def login(base_url: str, user: str) -> dict[str, str]:
    response = requests.post(f"{base_url}/api/v1/auth/login",
                             json={"username": user, "password": demo_password(user)}, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def publish_values(base_url: str, admin: dict[str, str], changes: list[dict[str, Any]]) -> None:
    """Push indicator value changes as the admin and approve them: published in one step."""
    body = {"idempotency_key": str(uuid.uuid4()), "schema_version": 1, "changes": changes}
    pushed = requests.post(f"{base_url}/api/v1/sync/indicator_values/push", json=body, headers=admin, timeout=60)
    assert pushed.status_code == 200, pushed.text
    approved = requests.post(f"{base_url}/api/v1/review/approve", json={"push_id": pushed.json()["push_id"]},
                             headers=admin, timeout=60)
    assert approved.status_code == 200, approved.text


def pending_ids(base_url: str) -> set[str]:
    """Institutions with a change waiting for review (inserts and updates)."""
    answer = requests.get(f"{base_url}/api/v1/review/pending?layer=institutions", headers=login(base_url, "admin"),
                          timeout=30)
    answer.raise_for_status()
    return {row["id"] for row in answer.json()}


def pending_inserts(base_url: str) -> list[dict[str, Any]]:
    answer = requests.get(f"{base_url}/api/v1/review/pending?layer=institutions", headers=login(base_url, "admin"),
                          timeout=30)
    return [row for row in answer.json() if row["op"] == "insert"]


# ---------------------------------------------------------------------- reading the page


def list_ids(page) -> list[str]:  # noqa: ANN001
    """The ids of the whole result list in order (the page builds its entries a page at a time; the
    built ones are checked against this in test_web_offers_scale)."""
    return page.evaluate("() => window.familienatlas.listed()")


def wait_matched(page, count: int, timeout: float = 10_000) -> None:  # noqa: ANN001
    """Wait until the list reports ``count`` matches (the search is debounced)."""
    page.wait_for_function("n => document.getElementById('result-count').dataset.matched === String(n)",
                           arg=count, timeout=timeout)


def map_bounds(page) -> tuple[float, float, float, float]:  # noqa: ANN001
    """The map view as (west, south, east, north)."""
    return tuple(page.evaluate(
        "() => { const b = window.familienatlas.map.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"))


def wait_map_idle(page) -> None:  # noqa: ANN001
    """Wait until the map has stopped zooming and panning."""
    page.wait_for_function(
        "() => { const m = window.familienatlas.map;"
        " return !m._animatingZoom && !(m._panAnim && m._panAnim._inProgress); }")
    page.wait_for_timeout(350)


def markers_on_map(page) -> int:  # noqa: ANN001
    """Offers drawn on the map: single markers plus the counts written in the clusters."""
    return page.evaluate(
        "() => document.querySelectorAll('#map .offer-marker').length + "
        "[...document.querySelectorAll('#map .offer-cluster .cluster-count')]"
        ".reduce((sum, e) => sum + Number(e.textContent), 0)")
