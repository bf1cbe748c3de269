"""The public atlas can be cached by browsers, proxies and CDNs; nothing a logged-in user sees can."""

from __future__ import annotations

import gzip
import json

from tests.support import MELLE, Api, update_of

GZIP = {"Accept-Encoding": "gzip"}
REVISITED = [
    "/api/v1/public/institutions",  # streamed GeoJSON
    "/api/v1/categories",  # public JSON
    "/ogcapi/collections/institutions/items?limit=5",  # an OGC API page
    "/vendor/leaflet/leaflet.js",  # a library file
]


def test_public_answers_carry_validators_and_are_not_sent_again(api: Api) -> None:
    for path in REVISITED:
        first = api.get(path)
        assert first.status_code == 200, path
        tag = first.headers["ETag"]
        assert tag.startswith('"') and not tag.startswith("W/"), (path, tag)  # strong
        assert first.headers["Cache-Control"].startswith("public, max-age="), path
        assert {"Accept-Encoding", "Accept-Language"} <= set(first.headers["Vary"].replace(" ", "").split(","))
        again = api.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.data == b"", path
        assert again.headers["ETag"] == tag
        # Another language is another answer (texts, problem documents), so another validator.
        english = api.get(path, headers={"If-None-Match": tag, "Accept-Language": "en"})
        assert english.status_code == (304 if path.startswith("/vendor") else 200), path
    assert api.get("/vendor/leaflet/leaflet.js").headers["Cache-Control"] == "public, max-age=86400"
    assert api.get("/api/v1/categories").headers["Cache-Control"] == "public, max-age=60, must-revalidate"


def test_gzip_when_asked_decodes_to_the_same_answer(api: Api) -> None:
    for path in ("/api/v1/public/institutions", "/ogcapi/collections/institutions/items?limit=50",
                 "/vendor/leaflet/leaflet.js"):
        plain = api.get(path)
        packed = api.get(path, headers=GZIP)
        assert "Content-Encoding" not in plain.headers
        assert packed.headers["Content-Encoding"] == "gzip", path
        unpacked = gzip.decompress(packed.data)
        if path.startswith("/ogcapi"):  # an OGC page says when it was made: equal but for that
            unpacked, plain.data = (json.dumps({**json.loads(d), "timeStamp": None}).encode()
                                    for d in (unpacked, plain.data))
        assert unpacked == plain.data, path
        assert len(packed.data) < len(plain.data) / 2, path
        assert packed.headers["ETag"] != plain.headers["ETag"]  # another representation, another validator
        assert api.get(path, headers={**GZIP, "If-None-Match": packed.headers["ETag"]}).status_code == 304
    doc = json.loads(gzip.decompress(api.get("/api/v1/public/institutions", headers=GZIP).data))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) > 100
    # Small answers are not worth compressing.
    small = api.get("/ogcapi/conformance", headers=GZIP)
    assert "Content-Encoding" not in small.headers and small.headers["ETag"]


def test_publishing_and_configuration_change_the_validators(api: Api) -> None:
    institutions, categories = api.get("/api/v1/public/institutions"), api.get("/api/v1/categories")
    own = next(f for f in api.pull_all("institutions", "admin").values()
               if f["owner"] == MELLE and f["review"]["state"] == "published")
    answer = api.push("institutions", [update_of(own, name="Neuer öffentlicher Name")], "melle.editor").get_json()
    # A pending change publishes nothing, but the validator may move: never a stale 304, that is what counts.
    r = api.post("/api/v1/review/approve", {"revisions": [answer["results"][0]["revision"]]}, "admin")
    assert r.status_code == 200, r.get_json()
    after = api.get("/api/v1/public/institutions", headers={"If-None-Match": institutions.headers["ETag"]})
    assert after.status_code == 200 and "Neuer öffentlicher Name" in after.get_data(as_text=True)
    assert after.headers["ETag"] != institutions.headers["ETag"]
    first = api.get("/api/v1/categories").get_json()[0]
    assert api.patch(f"/api/v1/categories/{first['id']}", {"name": "Umbenannt"}, "admin").status_code == 200
    renamed = api.get("/api/v1/categories", headers={"If-None-Match": categories.headers["ETag"]})
    assert renamed.status_code == 200 and renamed.get_json()[0]["name"] == "Umbenannt"


def test_authenticated_answers_are_never_cached_nor_answered_from_a_public_validator(api: Api) -> None:
    public = api.get("/api/v1/public/institutions")
    for path in ("/api/v1/public/institutions", "/api/v1/categories", "/api/v1/indicators"):
        tag = api.get(path).headers["ETag"]
        mine = api.get(path, "melle.editor", headers={"If-None-Match": tag, **GZIP})
        assert mine.status_code == 200 and mine.data, path
        assert mine.headers["Cache-Control"] == "no-store" and "ETag" not in mine.headers, path
    staff = api.get("/api/v1/indicators", "admin")
    assert staff.headers["Cache-Control"] == "no-store"
    pull = api.get("/api/v1/sync/institutions/pull?since=0&limit=10", "melle.editor")
    assert pull.headers["Cache-Control"] == "no-store" and "ETag" not in pull.headers
    # Writes and errors are not cacheable either, even anonymous ones.
    assert api.get("/api/v1/public/nothing").headers["Cache-Control"] == "no-store"
    assert api.post("/api/v1/auth/login", {"username": "admin", "password": "x"}).headers["Cache-Control"] == "no-store"
    assert api.get("/api/v1/public/institutions").headers["ETag"] == public.headers["ETag"]


def test_an_item_and_its_validator_are_read_together_and_follow_a_publish_at_once(api: Api) -> None:
    """The OGC API item reads its feature with the validator's public version (one statement): the answer is
    always the state its ETag names, a publish shows at once, and a refused or missing item is never cached."""
    own = next(f for f in api.pull_all("institutions", "admin").values()
               if f["owner"] == MELLE and f["review"]["state"] == "published")
    url = f"/ogcapi/collections/institutions/items/{own['id']}"
    before = api.get(url)
    assert before.status_code == 200 and before.get_json()["id"] == own["id"]
    assert before.get_json()["properties"]["name"] == own["properties"]["name"]
    lat_first = api.get(f"{url}?crs=http://www.opengis.net/def/crs/EPSG/0/4326").get_json()
    assert lat_first["geometry"]["coordinates"] == before.get_json()["geometry"]["coordinates"][::-1]
    assert api.get(url, headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
    answer = api.push("institutions", [update_of(own, name="Sofort öffentlich")], "melle.editor").get_json()
    r = api.post("/api/v1/review/approve", {"revisions": [answer["results"][0]["revision"]]}, "admin")
    assert r.status_code == 200, r.get_json()
    after = api.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.get_json()["properties"]["name"] == "Sofort öffentlich"
    assert after.headers["ETag"] != before.headers["ETag"]
    r = api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": own["id"], "reason": "Geschlossen"},
                 "admin")
    assert r.status_code == 200, r.get_json()
    gone = api.get(url, headers={"If-None-Match": after.headers["ETag"]})
    assert gone.status_code == 404 and "ETag" not in gone.headers
    bad = api.get(f"{url}?crs=urn:nowhere")
    assert bad.status_code == 400 and "ETag" not in bad.headers
    assert api.get("/ogcapi/collections/municipalities/items/034590024024").status_code == 200
