"""The main story on the server: an editor pushes, the admin publishes, the public sees it."""

from shapely.geometry import shape

from tests.support import MELLE, insert, update_of


def test_push_review_publish_story(api) -> None:  # noqa: ANN001
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    change = insert(None, p.x, p.y, name="Familienzentrum Test")
    r = api.push("institutions", [change], "melle.editor")
    assert r.status_code == 200, r.get_json()
    rev = r.get_json()["results"][0]["revision"]
    assert change["id"] not in api.public()
    pending = api.get("/api/v1/review/pending", "admin").get_json()
    assert any(p["revision"] == rev for p in pending)
    assert api.post("/api/v1/review/approve", {"revisions": [rev]}, "admin").status_code == 200
    assert api.public()[change["id"]]["properties"]["name"] == "Familienzentrum Test"
    mine = api.pull_all("institutions", "melle.editor")[change["id"]]
    assert mine["review"]["state"] == "published"
    r = api.push("institutions", [update_of(mine, name="Neu")], "melle.editor")
    assert r.status_code == 200
    r2 = api.post("/api/v1/review/reject", {"revisions": [r.get_json()["results"][0]["revision"]],
                                           "reason": "Name falsch"}, "admin")
    assert r2.status_code == 200, r2.get_json()
    assert api.public()[change["id"]]["properties"]["name"] == "Familienzentrum Test"
    mine = api.pull_all("institutions", "melle.editor")[change["id"]]
    assert mine["review"] == {"state": "rejected", "reason": "Name falsch", "published_revision": rev}
