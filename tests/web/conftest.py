"""Fixtures of the web map tests: a real headless Chromium (Debian's) through playwright, driving
the real server on loopback (``live_server``, SQLite demo). Background tiles never reach the
network: the tests answer them with a plain tile (or refuse them, to test working offline)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import LiveServer

from .web_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, TILE_PNG, TILES, WEB_DIR

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    for needed in ("leaflet/dist/leaflet.js", "supercluster/dist/supercluster.min.js", "axe-core/axe.min.js",
                   "proj4/dist/proj4.js", "simple-statistics/dist/simple-statistics.min.js",
                   "chart.js/dist/chart.umd.min.js", "axe-core/axe.min.js"):
        assert (WEB_DIR / "node_modules" / needed).exists(), \
            f"{needed} is missing: run npm ci --prefix sync_server/web"
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Atlas:
    """One browser context on the live server; ``open`` loads the map and waits until it is ready."""

    server: LiveServer
    context: object
    page: object
    problems: list[str] = field(default_factory=list)
    ignore: Callable[[str], bool] = lambda url: False

    @property
    def url(self) -> str:
        return self.server.url

    def open(self, query: str = "") -> object:
        self.page.goto(f"{self.server.url}/{query}")
        self.page.wait_for_selector("body[data-ready='true']", timeout=20_000)
        return self.page

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path

    def watch(self, page: object) -> None:
        def on_console(message: object) -> None:
            if message.type == "error" and not self.ignore((message.location or {}).get("url", "")):
                self.problems.append(f"console error: {message.text} ({message.location})")
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))

    def new_page(self) -> object:
        page = self.context.new_page()
        self.watch(page)
        return page


def _atlas(browser: object, live_server: LiveServer, *, tiles: str = "serve", **context_args: object) -> Atlas:
    args = {"locale": "de-DE", "viewport": {"width": 1280, "height": 800}, **context_args}
    context = browser.new_context(**args)
    if tiles == "serve":
        context.route(TILES, lambda route: route.fulfill(status=200, content_type="image/png", body=TILE_PNG))
    else:
        context.route(TILES, lambda route: route.abort("internetdisconnected"))
    page = context.new_page()
    atlas = Atlas(live_server, context, page)
    if tiles != "serve":
        atlas.ignore = lambda url: url.startswith("https://tile.openstreetmap.org/")
    atlas.watch(page)
    return atlas


@pytest.fixture
def make_atlas(browser: object, live_server: LiveServer) -> Iterator[Callable[..., Atlas]]:
    """Make an :class:`Atlas` (``tiles="serve"`` or ``"refuse"``, playwright context options);
    every page must end the test without console errors."""
    made: list[Atlas] = []

    def make(**kwargs: object) -> Atlas:
        made.append(_atlas(browser, live_server, **kwargs))
        return made[-1]

    yield make
    problems = [p for atlas in made for p in atlas.problems]
    for atlas in made:
        atlas.context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def atlas(make_atlas: Callable[..., Atlas]) -> Atlas:
    return make_atlas()
