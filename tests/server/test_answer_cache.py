"""A worker keeps finished public answers by their data ETag: a publish is seen at once, and nothing
unpublished or authenticated is ever answered from the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import gzip
import json

from flask import Flask

from sync_server.http.answer_cache import AnswerCache, Kept
from tests.support import MELLE, Api, update_of

OGC = "/ogcapi/collections/institutions/items"
BOX = f"{OGC}?bbox=8.0,52.0,8.6,52.4&limit=100"


def store(app: Flask) -> AnswerCache:
    return app.extensions["familienatlas"].answers


def poison(app: Flask, api: Api, path: str) -> bytes:
    """Replace the kept answer of an anonymous ``path`` with a marker that no view ever builds (so a request
    answered from the store is told apart from one the view answered); returns the marker."""
    first = api.get(path)
    assert first.status_code == 200
    answers = store(app)
    tag = first.headers["ETag"].strip('"')
    version = answers.version
    assert version is not None and answers.get(version, tag) is not None, "the answer was kept"
    marker = json.dumps({"kept": path}).encode()
    answers.put(version, tag, Kept(marker, (("Content-Type", "application/geo+json; charset=utf-8"),)))
    assert api.get(path).data == marker  # the worker answers from its store
    return marker


def published_own(api: Api) -> dict:
    return next(f for f in api.pull_all("institutions", "admin").values()
                if f["owner"] == MELLE and f["review"]["state"] == "published")


def test_kept_answers_are_the_answers_the_view_builds(app: Flask, api: Api) -> None:
    for path in (BOX, f"{OGC}?limit=7&offset=3", f"{OGC}/{published_own(api)['id']}"):
        built = api.get(path)
        again = api.get(path)
        assert again.status_code == 200 and again.headers["ETag"] == built.headers["ETag"]
        assert again.data == built.data, path  # the same bytes (its timeStamp too: the time it was built)
        for name in ("Content-Type", "Content-Crs", "Cache-Control", "Vary", "X-Content-Type-Options"):
            assert again.headers.get(name) == built.headers.get(name), (path, name)
        packed = api.get(path, headers={"Accept-Encoding": "gzip"})
        packed_again = api.get(path, headers={"Accept-Encoding": "gzip"})
        assert packed_again.headers.get("Content-Encoding") == packed.headers.get("Content-Encoding")
        assert packed_again.data == packed.data and packed_again.headers["ETag"] != built.headers["ETag"]
        if packed.headers.get("Content-Encoding") == "gzip":
            assert gzip.decompress(packed_again.data) == built.data
        assert api.get(path, headers={"If-None-Match": built.headers["ETag"]}).status_code == 304
    assert len(store(app)) >= 6


def test_a_publish_is_seen_at_once(app: Flask, api: Api) -> None:
    own = published_own(api)
    item = f"{OGC}/{own['id']}"
    lon, lat = api.get(item).get_json()["geometry"]["coordinates"]
    box = f"{OGC}?bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},{lat + 0.001}"
    box_marker, item_marker = poison(app, api, box), poison(app, api, item)
    # A pending change publishes nothing; the public answers may be built again (the version moved), never
    # with the pending text.
    answer = api.push("institutions", [update_of(own, name="Noch nicht öffentlich")], "melle.editor").get_json()
    for path in (box, item):
        assert "Noch nicht öffentlich" not in api.get(path).get_data(as_text=True)
    r = api.post("/api/v1/review/approve", {"revisions": [answer["results"][0]["revision"]]}, "admin")
    assert r.status_code == 200, r.get_json()
    page, one = api.get(box), api.get(item)
    assert page.data != box_marker and one.data != item_marker
    assert one.get_json()["properties"]["name"] == "Noch nicht öffentlich"
    assert "Noch nicht öffentlich" in [f["properties"]["name"] for f in page.get_json()["features"]]
    r = api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": own["id"], "reason": "Geschlossen"},
                 "admin")
    assert r.status_code == 200, r.get_json()
    gone = api.get(item)
    assert gone.status_code == 404 and "ETag" not in gone.headers
    assert api.get(item).status_code == 404  # a refusal is never kept


def test_authenticated_requests_are_never_answered_from_nor_kept_in_the_store(app: Flask, api: Api) -> None:
    marker = poison(app, api, BOX)
    for user in ("melle.editor", "admin"):
        mine = api.get(BOX, user)
        assert mine.status_code == 200 and mine.data != marker
        assert mine.headers["Cache-Control"] == "no-store" and "ETag" not in mine.headers
    store(app).__init__()  # empty
    own = published_own(api)
    for path in (BOX, f"{OGC}/{own['id']}", f"{OGC}?limit=3"):
        assert api.get(path, "melle.editor").status_code == 200
    assert len(store(app)) == 0
    assert api.get(BOX).data != marker


def test_only_answers_of_the_read_model_are_kept(app: Flask, api: Api) -> None:
    """Streamed GeoJSON, JSON of other views and the computed indicator collections are built every time."""
    for path in ("/api/v1/public/institutions", "/api/v1/categories", "/ogcapi/collections",
                 "/ogcapi/collections/indicators-gemeinde/items?limit=5", "/ogcapi/collections/institutions/items/x"):
        api.get(path)
        api.get(path)
    assert len(store(app)) == 0


def test_the_store_is_bounded_and_drops_older_versions() -> None:
    answers = AnswerCache(max_bytes=100, max_answer_bytes=60)
    answers.put((1, 1, 1), "a", Kept(b"x" * 40, ()))
    answers.put((1, 1, 1), "b", Kept(b"x" * 40, ()))
    assert answers.get((1, 1, 1), "a") is not None  # a is now the most recently used
    answers.put((1, 1, 1), "c", Kept(b"x" * 40, ()))
    assert [t for t in "abc" if answers.get((1, 1, 1), t)] == ["a", "c"]
    answers.put((1, 1, 1), "big", Kept(b"x" * 61, ()))
    assert answers.get((1, 1, 1), "big") is None
    answers.put((1, 2, 1), "d", Kept(b"y", ()))  # a newer version: every older answer is gone
    assert len(answers) == 1 and answers.get((1, 1, 1), "a") is None and answers.get((1, 2, 1), "d")
    answers.put((1, 1, 1), "e", Kept(b"z", ()))  # an answer built from an older version is not kept
    assert answers.get((1, 1, 1), "e") is None and answers.get((1, 2, 1), "e") is None
