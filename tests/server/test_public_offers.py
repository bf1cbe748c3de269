"""The offers map's compact public reads: markers, search text and one offer's details.

They show exactly what the public GeoJSON shows (the publish rule), in fewer bytes, and are cached
like every public answer.
"""

from __future__ import annotations

import gzip
import uuid

from tests.support import MELLE, Api, insert, update_of


def _markers(api: Api) -> dict[str, dict]:
    doc = api.get("/api/v1/public/offers").get_json()
    return {row[0]: dict(zip(doc["fields"], row, strict=True)) for row in doc["offers"]}


def test_markers_search_text_and_details_are_the_public_geojson(api: Api) -> None:
    public = api.public()
    markers = _markers(api)
    assert set(markers) == set(public) and len(markers) > 100
    for fid, feature in public.items():
        p, marker = feature["properties"], markers[fid]
        lng, lat = feature["geometry"]["coordinates"]
        assert abs(marker["lng"] - lng) < 2e-6 and abs(marker["lat"] - lat) < 2e-6
        for name in ("category", "subcategory", "name", "owner", "postcode", "city"):
            assert marker[name] == (p.get(name) or ""), (fid, name)
    search = {fid: text for fid, text in api.get("/api/v1/public/offers/search").get_json()["offers"]}
    described = next(f for f in public.values() if f["properties"].get("description"))
    assert described["properties"]["description"] in search[described["id"]]
    assert set(search) <= set(public)

    details = api.get(f"/api/v1/public/offers/{described['id']}")
    assert details.status_code == 200 and details.mimetype == "application/geo+json"
    assert details.get_json() == described
    # The markers are a small part of the GeoJSON.
    plain = len(api.get("/api/v1/public/institutions").data)
    assert len(api.get("/api/v1/public/offers").data) < plain / 3


def test_nothing_unpublished_reaches_markers_search_or_details(api: Api) -> None:
    own = next(f for f in api.pull_all("institutions", "admin").values()
               if f["owner"] == MELLE and f["review"]["state"] == "published")
    secret = f"Unveröffentlicht {uuid.uuid4().hex[:6]}"
    x, y = own["geometry"]["coordinates"]  # inside Melle
    new = insert(MELLE, x + 5, y + 5, name=secret, description=secret)
    answer = api.push("institutions", [update_of(own, name=secret, description=secret), new], "melle.editor")
    assert answer.status_code == 200 and all(r["status"] == "accepted" for r in answer.get_json()["results"])
    for path in ("/api/v1/public/offers", "/api/v1/public/offers/search", f"/api/v1/public/offers/{own['id']}"):
        body = api.get(path).get_data(as_text=True)
        assert secret not in body, path
    assert _markers(api)[own["id"]]["name"] == own["properties"]["name"]
    assert new["id"] not in _markers(api)

    missing = api.get(f"/api/v1/public/offers/{new['id']}")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    problem = missing.get_json()
    assert problem["code"] == "offer_not_found" and "veröffentlichtes Angebot" in problem["detail"]
    english = api.get(f"/api/v1/public/offers/{new['id']}", headers={"Accept-Language": "en"})
    assert english.get_json()["detail"] == f"There is no published offer {new['id']}."
    assert missing.headers["Cache-Control"] == "no-store"


def test_markers_are_cached_and_compressed(api: Api) -> None:
    first = api.get("/api/v1/public/offers", headers={"Accept-Encoding": "gzip"})
    assert first.headers["Content-Encoding"] == "gzip" and first.headers["Cache-Control"].startswith("public")
    assert gzip.decompress(first.data) == api.get("/api/v1/public/offers").data
    again = api.get("/api/v1/public/offers",
                    headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
