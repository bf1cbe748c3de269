"""The offers map for visitors at county scale: how fast a phone and a desktop see markers and filter.

The demo county is grown to ``--offers`` published offers with the tests' own generator
(``tests/scale.py``), served by gunicorn (2 workers, SQLite) on loopback as ``make demo`` serves it,
and opened in headless Chromium (Playwright) ``--runs`` times per profile:

- phone: 390 x 844, touch, the CPU slowed down 4x (Chrome DevTools' CPU throttling);
- desktop: 1280 x 800, full speed.

Printed per profile: the time from navigation to the first markers on the map (the page's
``familienatlas:markers`` mark) and its part after the marker rows arrived (the page's own work), the
time of six filter changes (a theme, a municipality, a search, a search word of the catalogue, a search
with a typo, reset: click until the page's ``familienatlas:filtered`` mark), and the longest main-thread
task seen (Long Tasks API) while loading and while filtering. The reference, measured in the same run
and the same profile, is what any page showing the offers at least had to do before this change:
download and parse the whole public GeoJSON (``/api/v1/public/institutions``) - without drawing anything.
Payload sizes of every answer the map loads, plain and gzip-compressed, are printed too.
Figures are printed, never asserted (goals of issue 11: phone markers within 2.5 s, filter changes
under 300 ms, no task over 200 ms; desktop markers under 1 s).

Run: ``.venv/bin/python bench/bench_offers_map.py [--offers 5000] [--runs 2]`` (about 2 min on 2 cores).
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests
from bench_plugin import start_gunicorn
from bench_sync import ROOT

sys.path.insert(0, str(ROOT))

from tests.conftest import _load, test_settings  # noqa: E402
from tests.scale import grow_offers  # noqa: E402
from tests.support import MELLE  # noqa: E402
from tests.web.web_support import CHROMIUM, CHROMIUM_ARGS, TILE_PNG, TILES  # noqa: E402

PROFILES = {
    "phone": {"context": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                          "device_scale_factor": 2}, "cpu": 4},
    "desktop": {"context": {"viewport": {"width": 1280, "height": 800}}, "cpu": 1},
}

LONG_TASKS = """() => {
  window.__longest = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
  }).observe({ type: "longtask", buffered: true });
}"""

REFERENCE = """async () => {
  const t0 = performance.now();
  const doc = await (await fetch("/api/v1/public/institutions", { cache: "no-store" })).json();
  return { ms: performance.now() - t0, n: doc.features.length };
}"""

# One filter change: the control's action, then wait for the page's mark of a finished refresh.
FILTER_CHANGES = {
    "theme": "() => document.querySelector('#categories input[type=checkbox]').click()",
    "municipality": f"""() => {{ const s = document.getElementById('municipality'); s.value = '{MELLE}';
                        s.dispatchEvent(new Event('change')); }}""",
    "search": """() => { const s = document.getElementById('search'); s.value = 'familienbüro';
                  document.getElementById('filter-form').requestSubmit(); }""",
    # a search word of the catalogue, then a typo (the typo compares against every word of the offers)
    "search word": """() => { const s = document.getElementById('search'); s.value = 'Tagesmutter';
                       document.getElementById('filter-form').requestSubmit(); }""",
    "typo": """() => { const s = document.getElementById('search'); s.value = 'Schuldnerberatng';
                document.getElementById('filter-form').requestSubmit(); }""",
    "reset": "() => document.getElementById('reset').click()",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def size(url: str) -> tuple[int, int]:
    plain = requests.get(url, timeout=120).content
    return len(plain), len(gzip.compress(plain, 6))


def measure_once(browser: Any, base: str, profile: dict[str, Any]) -> dict[str, float]:
    context = browser.new_context(locale="de-DE", **profile["context"])
    context.route(TILES, lambda route: route.fulfill(status=200, content_type="image/png", body=TILE_PNG))
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})  # a first visit
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
    page.add_init_script(f"({LONG_TASKS})()")
    out: dict[str, float] = {}
    page.goto(f"{base}/")
    page.wait_for_selector("body[data-ready='true']", timeout=120_000)
    out["markers_ms"] = page.evaluate(
        "() => performance.getEntriesByName('familienatlas:markers')[0].startTime")
    # The page's own share: from the marker rows' arrival to the first markers (no network in it).
    out["markers_after_rows_ms"] = out["markers_ms"] - page.evaluate(
        "() => performance.getEntriesByType('resource').find(r => r.name.endsWith('/api/v1/public/offers'))"
        ".responseEnd")
    page.wait_for_timeout(1500)  # the search text arrives in the background
    out["load_longest_task_ms"] = page.evaluate("() => window.__longest")
    page.evaluate("() => { window.__longest = 0; }")
    for name, action in FILTER_CHANGES.items():
        page.evaluate("() => performance.clearMarks('familienatlas:filtered')")
        start = page.evaluate(f"() => {{ const t = performance.now(); ({action})(); return t; }}")
        page.wait_for_function("() => performance.getEntriesByName('familienatlas:filtered').length > 0",
                               timeout=60_000, polling=50)
        out[f"filter_{name}_ms"] = page.evaluate(
            "() => performance.getEntriesByName('familienatlas:filtered')[0].startTime") - start
        page.wait_for_timeout(400)
    out["filter_longest_task_ms"] = page.evaluate("() => window.__longest")
    out["dom_elements"] = page.evaluate("() => document.getElementsByTagName('*').length")
    reference = page.evaluate(REFERENCE)
    out["reference_geojson_ms"] = reference["ms"]
    context.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=2, help="page loads per profile (the median is printed)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-offers-map-"))
    try:
        url = f"sqlite:///{folder / 'atlas.sqlite'}"
        log("building the demo atlas ...")
        _load(url)
        started = time.perf_counter()
        added = grow_offers(url, test_settings(url), args.offers)
        log(f"grown by {added} offers to {args.offers} in {time.perf_counter() - started:.1f} s")
        server = start_gunicorn(url, folder)
        if server is None:
            return 1
        base = server.url
        print(f"offers map, {args.offers} published offers, median of {args.runs} loads per profile")
        print("payload (bytes, plain / gzip):")
        for label, path in (("markers  /api/v1/public/offers", "/api/v1/public/offers"),
                            ("search   /api/v1/public/offers/search", "/api/v1/public/offers/search"),
                            ("reference /api/v1/public/institutions", "/api/v1/public/institutions")):
            plain, packed = size(base + path)
            print(f"  {label:42s} {plain:>10,d} / {packed:>9,d}")
        first = requests.get(base + "/api/v1/public/offers", timeout=60).json()["offers"][0][0]
        plain, packed = size(f"{base}/api/v1/public/offers/{first}")
        print(f"  {'details  /api/v1/public/offers/<id>':42s} {plain:>10,d} / {packed:>9,d}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for name, profile in PROFILES.items():
                runs = [measure_once(browser, base, profile) for _ in range(args.runs)]
                print(f"{name} (CPU {profile['cpu']}x slower):" if profile["cpu"] > 1 else f"{name}:")
                for key in runs[0]:
                    value = statistics.median(r[key] for r in runs)
                    print(f"  {key:28s} {value:>9,.0f}")
            browser.close()
        server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
