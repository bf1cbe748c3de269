"""First render of the web map's expert mode in headless Chromium, against a reference from the same run.

The demo county (``load-demo``: 34 municipalities with Samtgemeinden, the Ortsteile of Melle and
Bramsche, the demo's indicators and years) on a fresh SQLite database, served by gunicorn with 2
workers on 127.0.0.1 (or ``--url`` of a running server). Every page load runs in a fresh browser
context (an empty browser cache, as a first visit); the server's own caches are warmed first, so the
figures measure the page, not the first computation of an indicator group. Background tiles are
refused (no network).

Timed, each on the desktop and with the CPU throttled 4x (Chrome DevTools' CPU throttling, a slow
laptop or phone), median of ``--runs`` page loads:

- reference: navigating to an empty HTML page at the same origin (answered by the browser's request
  interception): what any page costs here, the floor of the figures below;
- offers: the permalink of the offers map until it is ready (``body[data-ready]``);
- expert: the permalink of an indicator view until the choropleth, legend and table are drawn
  (``body[data-expert-ready]``, taken in the page when it is set, then the next frame);
- year: moving the year slider one step (redrawn from memory; the issue's goal is under 100 ms);
- indicator: choosing another indicator of the theme (one request; the goal is under 300 ms).

It also prints the bytes of the API answers the expert mode's first render received (as sent,
compressed, and unpacked), and of those the units' geometry (``/api/v1/units``, simplified for the web;
older versions drew from ``/api/v1/municipalities`` and ``/api/v1/public/spatial_units``).

The issue's goal for the first render is 1.5 s on this machine. Nothing is asserted.

    python bench/bench_expert.py [--runs 7] [--indicator anteil_u18] [--url http://127.0.0.1:8000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_plugin import free_port, log, stop_process, wait_for_health  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TILES = "https://tile.openstreetmap.org/**"
JWT_SECRET = "familienatlas-bench-expert-" + "s" * 40
EMPTY_PAGE = "/bench-empty-page"
THROTTLING = (1, 4)

# In the page before any script: the moment the expert mode or the offers map says it is ready, and
# the frame after it (when the browser paints what was drawn).
MARK_READY = """
(() => {
  const seen = {};
  new MutationObserver(() => {
    for (const [attribute, name] of [["expertReady", "expert"], ["ready", "offers"]]) {
      if (document.body.dataset[attribute] === "true" && !(name in seen)) {
        seen[name] = performance.now();
        requestAnimationFrame(() => setTimeout(() => { window.__benchPainted = { ...window.__benchPainted,
          [name]: performance.now() }; }, 0));
      }
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-ready", "data-expert-ready"] });
})();
"""


@contextmanager
def demo_server(workdir: Path) -> Iterator[str]:
    """The demo on a fresh SQLite database, gunicorn with 2 workers on 127.0.0.1."""
    database = f"sqlite:///{workdir / 'demo.sqlite'}"
    env = {**os.environ, "FAMILIENATLAS_MODE": "demo", "FAMILIENATLAS_JWT_SECRET": JWT_SECRET}
    env.pop("FAMILIENATLAS_DATABASE_URL", None)
    log("loading the demo ...")
    subprocess.run([sys.executable, "-m", "sync_server.cli", "--database", database, "load-demo"], cwd=ROOT,
                   env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    with open(workdir / "server.log", "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "sync_server.cli", "--database", database, "serve",
                                    "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_for_health(url, lambda: process.poll() is None):
            raise RuntimeError((workdir / "server.log").read_text(errors="replace")[-2000:])
        yield url
    finally:
        stop_process(process)


def choose_indicators(url: str, wanted: str) -> tuple[str, str]:
    """The indicator to open (``wanted``, else the first with municipal values) and another of its theme."""
    catalogue = requests.get(f"{url}/api/v1/indicators", timeout=30).json()["indicators"]
    usable = [i for i in catalogue if "gemeinde" in i["levels"]]
    first = next((i for i in usable if i["key"] == wanted), usable[0])
    other = next(i for i in usable if i["theme"] == first["theme"] and i["key"] != first["key"])
    return first["key"], other["key"]


def warm_server(url: str, keys: tuple[str, ...]) -> None:
    """Every answer the page asks for, a few times (gunicorn's workers each keep their own caches)."""
    paths = ["/", "/api/v1/indicators", "/api/v1/municipalities", "/api/v1/public/offers",
             "/api/v1/categories", "/api/v1/public/spatial_units", "/api/v1/units?level=gemeinde"]
    paths += [f"/api/v1/indicators/{key}/values?level={level}" for key in keys for level in ("gemeinde", "landkreis")]
    for _ in range(4):
        for path in paths:
            requests.get(f"{url}{path}", headers={"Accept-Encoding": "gzip"}, timeout=120).raise_for_status()


class Browsing:
    """Fresh contexts of one headless Chromium, each with its CPU throttled as asked."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.browser, self.url = browser, url

    def page(self, rate: int) -> tuple[Any, Page]:
        context = self.browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 800})
        context.route(TILES, lambda route: route.abort("internetdisconnected"))
        context.route(f"{self.url}{EMPTY_PAGE}", lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><html lang='de'><title>-</title></html>"))
        context.add_init_script(MARK_READY)
        page = context.new_page()
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})
        return context, page


def painted(page: Page, name: str) -> float:
    page.wait_for_function(f"() => window.__benchPainted && window.__benchPainted.{name} !== undefined",
                           timeout=60_000, polling=50)
    return page.evaluate(f"window.__benchPainted.{name}") / 1000


def time_reference(browsing: Browsing, rate: int) -> float:
    context, page = browsing.page(rate)
    try:
        page.goto(f"{browsing.url}{EMPTY_PAGE}", wait_until="load")
        return page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd") / 1000
    finally:
        context.close()


def time_offers(browsing: Browsing, rate: int) -> float:
    context, page = browsing.page(rate)
    try:
        page.goto(f"{browsing.url}/")
        return painted(page, "offers")
    finally:
        context.close()


# In the page: change something, then wait until the view shows it and the next frame; seconds.
YEAR_STEP = """async () => {
  const slider = document.getElementById("expert-year");
  const before = document.body.dataset.expertYear;
  const start = performance.now();
  slider.value = String(Number(slider.value) - 1);
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  while (document.body.dataset.expertYear === before) await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return (performance.now() - start) / 1000;
}"""
SWITCH_INDICATOR = """async (key) => {
  const select = document.getElementById("expert-indicator");
  const start = performance.now();
  select.value = key;
  select.dispatchEvent(new Event("change", { bubbles: true }));
  while (new URLSearchParams(location.search).get("ind") !== key
         || !document.querySelector("#expert-table tbody tr")) await new Promise((r) => setTimeout(r, 0));
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return (performance.now() - start) / 1000;
}"""


def time_expert(browsing: Browsing, rate: int, indicator: str, other: str) -> tuple[float, float, float]:
    """(first render, one year step, switching the indicator) of one fresh page load."""
    context, page = browsing.page(rate)
    try:
        page.goto(f"{browsing.url}/?mode=expert&ind={indicator}&level=gemeinde")
        first = painted(page, "expert")
        page.wait_for_selector("body[data-ready='true']", timeout=60_000)  # the offers, loaded after it
        year = page.evaluate(YEAR_STEP)
        switch = page.evaluate(SWITCH_INDICATOR, other)
        return first, year, switch
    finally:
        context.close()


GEOMETRY = ("/api/v1/units", "/api/v1/municipalities", "/api/v1/public/spatial_units")
# In the page: the API answers received before the expert mode was drawn, [url, sent bytes, unpacked bytes].
RECEIVED = """() => performance.getEntriesByType("resource")
  .filter((e) => e.name.includes("/api/") && e.responseEnd <= window.__benchPainted.expert)
  .map((e) => [e.name, e.encodedBodySize, e.decodedBodySize])"""


def expert_payload(browsing: Browsing, indicator: str) -> tuple[list[int], list[int]]:
    """([sent, unpacked] bytes of all API answers, [sent, unpacked] of the geometry) of the first render."""
    context, page = browsing.page(1)
    try:
        page.goto(f"{browsing.url}/?mode=expert&ind={indicator}&level=gemeinde")
        painted(page, "expert")
        received = page.evaluate(RECEIVED)
        geometry = [r for r in received if any(path in r[0] for path in GEOMETRY)]
        return [sum(r[i] for r in received) for i in (1, 2)], [sum(r[i] for r in geometry) for i in (1, 2)]
    finally:
        context.close()


def repeat(runs: int, measure: Callable[..., Any], *args: Any) -> list[Any]:
    return [measure(*args) for _ in range(runs)]


def run(url: str, runs: int, wanted: str) -> None:
    indicator, other = choose_indicators(url, wanted)
    warm_server(url, (indicator, other))
    log(f"server {url}; indicator {indicator}, then {other}; median of {runs} fresh page loads (min-max)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        browsing = Browsing(browser, url)
        for _ in range(2):  # the browser's own first start
            time_expert(browsing, 1, indicator, other)
        (api_sent, api_unpacked), (geo_sent, geo_unpacked) = expert_payload(browsing, indicator)
        log(f"expert first render received {api_sent / 1024:.1f} KiB of API answers ({api_unpacked / 1024:.1f} KiB "
            f"unpacked), of which the units' geometry {geo_sent / 1024:.1f} KiB ({geo_unpacked / 1024:.1f} KiB)")
        log(f"{'':28}{'desktop':>22}{'CPU 4x slower':>22}")
        rows: dict[str, list[list[float]]] = {}
        for rate in THROTTLING:
            rows.setdefault("reference: empty page", []).append(repeat(runs, time_reference, browsing, rate))
            rows.setdefault("offers map: first render", []).append(repeat(runs, time_offers, browsing, rate))
            expert = repeat(runs, time_expert, browsing, rate, indicator, other)
            for i, name in enumerate(("expert mode: first render", "expert: one year step",
                                      "expert: another indicator")):
                rows.setdefault(name, []).append([e[i] for e in expert])
        browser.close()
    for name, per_rate in rows.items():
        cells = "".join(f"{statistics.median(xs):>10.3f} s ({min(xs):.2f}-{max(xs):.2f})" for xs in per_rate)
        log(f"{name:28}{cells}")
    reference = [statistics.median(xs) for xs in rows["reference: empty page"]]
    expert = [statistics.median(xs) for xs in rows["expert mode: first render"]]
    labels = ("desktop", "CPU 4x")
    log("expert first render minus the empty page: "
        + ", ".join(f"{e - r:.3f} s ({label})" for e, r, label in zip(expert, reference, labels, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--indicator", default="anteil_u18")
    parser.add_argument("--url", help="a running server (else the demo is started on a fresh database)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        log(f"{CHROMIUM} is missing: apt-get install chromium")
        return 1
    if args.url:
        run(args.url.rstrip("/"), args.runs, args.indicator)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-expert-") as folder, demo_server(Path(folder)) as url:
        run(url, args.runs, args.indicator)
    return 0


if __name__ == "__main__":
    sys.exit(main())
