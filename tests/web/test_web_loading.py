"""How the web map loads (no browser needed): the page names every module of its import graph for
parallel fetching, and its first module, which asks for the view's data at once, does not wait."""

from __future__ import annotations

import re

from .web_support import WEB_DIR

IMPORT = re.compile(r'^import\s[^;]*?from\s+"\./([\w-]+\.js)";', re.M | re.S)


def module_graph(entry: str) -> set[str]:
    seen, todo = set(), [entry]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(IMPORT.findall((WEB_DIR / "js" / name).read_text(encoding="utf-8")))
    return seen


def test_every_module_is_preloaded_and_the_early_module_is_async() -> None:
    page = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    preloaded = set(re.findall(r'<link rel="modulepreload" href="/assets/js/([\w-]+\.js)">', page))
    graph = module_graph("main.js")
    assert {"main.js", "expert.js", "api.js"} <= graph
    assert graph - preloaded == set(), "add a <link rel=\"modulepreload\"> for these modules to index.html"
    assert preloaded - graph == set(), "index.html preloads modules the page does not import"
    assert '<script type="module" src="/assets/js/early.js" async></script>' in page
    assert page.index("/assets/js/early.js") < page.index("/vendor/leaflet/leaflet.js")
    shared = module_graph("early.js") - {"early.js"}
    assert shared <= graph, "the early module shares its modules (and their answers) with the page"
