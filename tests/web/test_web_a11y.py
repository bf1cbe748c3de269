"""Accessibility of the web map's expert mode, checked by axe-core (Deque's engine, an npm dev dependency
of sync_server/web) in a real headless Chromium: no serious or critical violation in any state of the
expert mode (a unit's time series, a comparison, English, a phone's width, the embedded view) nor in
the offers map and a profile beside it. axe-core runs as a Playwright init script, so the page's strict
Content Security Policy stays on."""

from __future__ import annotations

from typing import Any

import pytest

from .test_web_downloads import known  # noqa: F401 (the fixture: the expert tests' known indicator)
from .test_web_expert import open_expert
from .web_support import WEB_DIR

pytestmark = pytest.mark.timeout(240)

AXE = WEB_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def violations(page) -> list[dict[str, Any]]:  # noqa: ANN001
    """The serious and critical violations of the page as it is now (every rule axe knows, WCAG 2.1 AA
    and best practice)."""
    found = page.evaluate("async () => (await axe.run(document, { resultTypes: ['violations'] })).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in found if v["impact"] in BLOCKING]


def check(page, state: str) -> None:  # noqa: ANN001
    found = violations(page)
    assert not found, f"{state}: " + "\n".join(map(str, found))


def test_expert_mode_states_have_no_serious_violation(make_atlas, known) -> None:  # noqa: ANN001, F811
    assert AXE.exists(), "axe-core is missing: run make web (npm ci --prefix sync_server/web)"
    atlas = make_atlas()
    atlas.context.add_init_script(path=str(AXE))
    values = known["values"]
    units = sorted({v["unit"] for v in values if not v["suppressed"]})
    small = known["small"]["key"]

    page = open_expert(atlas, f"?mode=expert&ind=w_quote&level=gemeinde&year=2022&unit={small}"
                              f"&cmp={units[0]},{units[1]}")
    page.wait_for_selector("#expert-unit:not([hidden])")
    check(page, "expert mode: a withheld unit's series and a comparison")

    page.click(".lang-button[data-lang='en']")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    check(page, "expert mode in English")

    page.set_viewport_size({"width": 375, "height": 740})
    page.click(f"#expert-table tr[data-unit='{units[2]}'] button")
    check(page, "expert mode at a phone's width")

    page.set_viewport_size({"width": 1280, "height": 800})
    page = open_expert(atlas, "?mode=expert&ind=w_quote&level=ortsteil&year=2021&embed=1")
    check(page, "the embedded view")

    page.goto(f"{atlas.url}/?q=kita")
    page.wait_for_selector("body[data-ready='true']")
    check(page, "the offers map with a search")

    page.goto(f"{atlas.url}/?mode=profile&unit={units[0]}")
    page.wait_for_selector("#profile-mode:not([hidden])")
    page.wait_for_selector("#profile-heading:not(:empty)")
    check(page, "a profile")
