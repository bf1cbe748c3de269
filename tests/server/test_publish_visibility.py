"""What the public sees, what each logged-in user sees, and how review decisions change that."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from shapely.geometry import Point, mapping, shape

from sync_server.domain.layers import INSTITUTIONS
from tests.support import (
    BRAMSCHE,
    MELLE,
    Api,
    add_staff_editor,
    insert,
    institution,
    json_keys,
    staff_texts,
    update_of,
)


def inside(api: Api, key: str, dx: float = 0.0) -> Point:
    p = shape(api.municipality(key)["territory"]).representative_point()
    return Point(p.x + dx, p.y)


def published_of(api: Api, owner: str, user: str = "admin") -> list[dict]:
    return [f for f in sorted(api.pull_all("institutions", user).values(), key=lambda f: f["id"])
            if f["owner"] == owner and f["review"]["state"] == "published"]


def pushed(api: Api, changes: list[dict], user: str, layer: str = "institutions") -> dict:
    r = api.push(layer, changes, user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def approve(api: Api, **body: Any) -> dict:
    r = api.post("/api/v1/review/approve", body, "admin")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def pull_one(api: Api, user: str, fid: str, since: int = 0) -> dict | None:
    page = api.get(f"/api/v1/sync/institutions/pull?since={since}&limit=5000", user).get_json()
    assert not page["more"]
    return next((f for f in page["features"] if f["id"] == fid), None)


def cursor_of(api: Api, user: str) -> int:
    return api.get("/api/v1/sync/institutions/pull?since=0&limit=5000", user).get_json()["cursor"]


# --- publishing -----------------------------------------------------------------------------------------


def test_pending_work_is_never_public(api: Api) -> None:
    p = inside(api, MELLE)
    new = insert(None, p.x, p.y, name="Noch geheim")
    own = published_of(api, MELLE)[0]
    public_before = api.public()
    answer = pushed(api, [new, update_of(own, name="Geheimer Name")], "melle.editor")
    public = api.public()
    assert new["id"] not in public
    assert public[own["id"]] == public_before[own["id"]]
    assert public == public_before
    # Every pending revision of the demo is invisible too.
    pending = api.get("/api/v1/review/pending", "admin").get_json()
    assert len(pending) >= 30
    for entry in pending:
        if entry["op"] == "insert":
            assert entry["id"] not in public
        elif entry["layer"] == "institutions" and entry["id"] in public:
            assert public[entry["id"]]["properties"]["published_revision"] != entry["revision"]
    # Rejecting does not publish either.
    r = api.post("/api/v1/review/reject", {"push_id": answer["push_id"], "reason": "Bitte prüfen"}, "admin")
    assert r.status_code == 200
    assert api.public() == public_before


def test_approve_publishes_exactly_the_approved_revision(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    first = pushed(api, [update_of(own, name="Erster Stand", phone="05422 111")], "melle.editor")
    rev1 = first["results"][0]["revision"]
    approve(api, revisions=[rev1])
    public = api.public()[own["id"]]
    assert public["properties"]["name"] == "Erster Stand"
    assert public["properties"]["phone"] == "05422 111"
    assert public["properties"]["published_revision"] == rev1
    # The next edit stays pending: the public keeps revision rev1 exactly.
    head = api.pull_all("institutions", "melle.editor")[own["id"]]
    moved = update_of(head, name="Zweiter Stand")
    moved["geometry"] = {"type": "Point", "coordinates": [head["geometry"]["coordinates"][0] + 40,
                                                          head["geometry"]["coordinates"][1]]}
    pushed(api, [moved], "melle.editor")
    again = api.public()[own["id"]]
    assert again == public
    mine = api.pull_all("institutions", "melle.editor")[own["id"]]
    assert mine["review"]["published_revision"] == rev1 and mine["review"]["state"] == "pending"


def test_approving_the_head_folds_earlier_pending_revisions(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    a = pushed(api, [update_of(own, name="A")], "melle.editor")["results"][0]["revision"]
    head = api.pull_all("institutions", "melle.editor")[own["id"]]
    b = pushed(api, [update_of(head, name="B")], "melle.editor")["results"][0]["revision"]
    approve(api, revisions=[b])
    assert api.public()[own["id"]]["properties"]["name"] == "B"
    history = {h["revision"]: h for h in api.get(
        f"/api/v1/layers/institutions/features/{own['id']}/history", "admin").get_json()}
    assert history[a]["state"] == "superseded" and history[b]["state"] == "published"
    assert history[b]["published"] is True and history[a]["published"] is False


def test_rejected_change_keeps_the_public_state_and_tells_the_editor(api: Api) -> None:
    own = published_of(api, MELLE)[1]
    public_before = api.public()[own["id"]]
    changed = update_of(own, name="Falscher Name", website="https://falsch.example")
    changed["geometry"] = {"type": "Point", "coordinates": [own["geometry"]["coordinates"][0] + 15,
                                                            own["geometry"]["coordinates"][1] + 15]}
    rev = pushed(api, [changed], "melle.editor")["results"][0]["revision"]
    cursor = cursor_of(api, "melle.editor")
    r = api.post("/api/v1/review/reject", {"revisions": [rev], "reason": "Website stimmt nicht"}, "admin")
    assert r.status_code == 200, r.get_json()
    assert api.public()[own["id"]] == public_before
    # The decision reaches the editor through an incremental pull.
    mine = pull_one(api, "melle.editor", own["id"], since=cursor)
    assert mine is not None
    assert mine["review"] == {"state": "rejected", "reason": "Website stimmt nicht",
                              "published_revision": own["revision"]}
    assert mine["revision"] == rev  # the editor keeps working on its own (rejected) state
    assert mine["properties"]["name"] == "Falscher Name"


def test_the_demo_holds_a_rejected_change_with_its_reason(api: Api) -> None:
    rejected = [f for f in api.pull_all("institutions", "melle.editor").values() if f["review"]["state"] == "rejected"]
    assert len(rejected) == 1
    assert rejected[0]["owner"] == MELLE and rejected[0]["review"]["reason"]
    public = api.public()[rejected[0]["id"]]
    assert public["properties"]["opening_hours"] != rejected[0]["properties"]["opening_hours"]


def test_pending_delete_stays_public_until_approved(api: Api) -> None:
    own = published_of(api, MELLE)[2]
    answer = pushed(api, [{"op": "delete", "id": own["id"], "base_revision": own["revision"]}], "melle.editor")
    assert own["id"] in api.public()
    assert api.public()[own["id"]]["properties"]["published_revision"] == own["revision"]
    approve(api, push_id=answer["push_id"])
    assert own["id"] not in api.public()
    assert own["id"] not in api.pull_all("institutions", "melle.reader")


def test_rejected_delete_stays_public(api: Api) -> None:
    own = published_of(api, MELLE)[2]
    answer = pushed(api, [{"op": "delete", "id": own["id"], "base_revision": own["revision"]}], "melle.editor")
    r = api.post("/api/v1/review/reject", {"push_id": answer["push_id"], "reason": "Gibt es noch"}, "admin")
    assert r.status_code == 200
    assert api.public()[own["id"]]["properties"]["published_revision"] == own["revision"]


def test_approve_a_whole_push(api: Api) -> None:
    own = published_of(api, MELLE)
    p = inside(api, MELLE)
    new = insert(None, p.x, p.y, name="Ganz neu")
    answer = pushed(api, [new, update_of(own[0], name="Erneuert"),
                          {"op": "delete", "id": own[1]["id"], "base_revision": own[1]["revision"]}], "melle.editor")
    other = pushed(api, [update_of(own[2], name="Andere Übertragung")], "melle.editor")
    decided = approve(api, push_id=answer["push_id"])
    assert sorted(decided["revisions"]) == sorted(r["revision"] for r in answer["results"])
    public = api.public()
    assert public[new["id"]]["properties"]["name"] == "Ganz neu"
    assert public[own[0]["id"]]["properties"]["name"] == "Erneuert"
    assert own[1]["id"] not in public
    assert public[own[2]["id"]]["properties"]["name"] == own[2]["properties"]["name"]  # other push: pending
    pending = {e["revision"] for e in api.get("/api/v1/review/pending", "admin").get_json()}
    assert other["results"][0]["revision"] in pending
    assert not pending & set(decided["revisions"])
    r = api.post("/api/v1/review/approve", {"push_id": answer["push_id"]}, "admin")
    assert r.status_code == 404  # nothing of that push waits any more


def test_only_the_pending_head_can_be_reviewed(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    a = pushed(api, [update_of(own, name="A")], "melle.editor")["results"][0]["revision"]
    head = api.pull_all("institutions", "melle.editor")[own["id"]]
    b = pushed(api, [update_of(head, name="B")], "melle.editor")["results"][0]["revision"]
    public_before = api.public()
    for path, extra in (("approve", {}), ("reject", {"reason": "alt"})):
        r = api.post(f"/api/v1/review/{path}", {"revisions": [a], **extra}, "admin")
        assert r.status_code == 409, r.get_json()
        assert r.get_json()["code"] == "not_reviewable"
    # A list that holds one non-reviewable revision decides nothing at all.
    r = api.post("/api/v1/review/approve", {"revisions": [b, a]}, "admin")
    assert r.status_code == 409
    assert api.public() == public_before
    approve(api, revisions=[b])
    for path, extra in (("approve", {}), ("reject", {"reason": "schon entschieden"})):
        r = api.post(f"/api/v1/review/{path}", {"revisions": [b], **extra}, "admin")
        assert r.status_code == 409
        assert r.get_json()["code"] == "not_reviewable"
    rejected = api.pull_all("institutions", "melle.editor")[own["id"]]
    c = pushed(api, [update_of(rejected, name="C")], "melle.editor")["results"][0]["revision"]
    assert api.post("/api/v1/review/reject", {"revisions": [c], "reason": "nein"}, "admin").status_code == 200
    assert api.post("/api/v1/review/approve", {"revisions": [c]}, "admin").status_code == 409
    assert api.post("/api/v1/review/approve", {"revisions": [10_000_000]}, "admin").status_code == 404


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": None}])
def test_reject_needs_a_reason(api: Api, body: dict) -> None:
    own = published_of(api, MELLE)[0]
    rev = pushed(api, [update_of(own, name="X")], "melle.editor")["results"][0]["revision"]
    r = api.post("/api/v1/review/reject", {"revisions": [rev], **body}, "admin")
    assert r.status_code == 422, r.get_json()
    assert "reason" in {e["field"] for e in r.get_json()["errors"]}
    mine = api.pull_all("institutions", "melle.editor")[own["id"]]
    assert mine["review"]["state"] == "pending"


def test_review_is_for_the_admin_only(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    rev = pushed(api, [update_of(own, name="Selbst freigeben?")], "melle.editor")["results"][0]["revision"]
    for user in ("melle.editor", "melle.reader", "bramsche.editor"):
        assert api.post("/api/v1/review/approve", {"revisions": [rev]}, user).status_code == 403
        assert api.post("/api/v1/review/reject", {"revisions": [rev], "reason": "x"}, user).status_code == 403
        assert api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": own["id"], "reason": "x"},
                        user).status_code == 403
        assert api.get("/api/v1/review/pending", user).status_code == 403
    assert api.post("/api/v1/review/approve", {"revisions": [rev]}).status_code == 401
    assert own["id"] in api.public() and api.public()[own["id"]]["properties"]["name"] != "Selbst freigeben?"


def test_withdraw_takes_a_feature_off_the_public_side(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    cursor = cursor_of(api, "melle.editor")
    r = api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": own["id"],
                                             "reason": "Einrichtung geschlossen"}, "admin")
    assert r.status_code == 200, r.get_json()
    assert own["id"] not in api.public()
    mine = pull_one(api, "melle.editor", own["id"], since=cursor)
    assert mine is not None and mine["review"]["state"] == "withdrawn"
    assert mine["review"]["reason"] == "Einrichtung geschlossen"
    assert mine["review"]["published_revision"] is None
    # Withdrawing again, or withdrawing something never published, is a conflict.
    r = api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": own["id"], "reason": "nochmal"}, "admin")
    assert r.status_code == 409
    p = inside(api, MELLE)
    new = insert(None, p.x, p.y)
    pushed(api, [new], "melle.editor")
    r = api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": new["id"], "reason": "x"}, "admin")
    assert r.status_code == 409
    # A new edit, once approved, is public again.
    head = api.pull_all("institutions", "melle.editor")[own["id"]]
    approve(api, revisions=[pushed(api, [update_of(head, name="Wieder offen")], "melle.editor")
                            ["results"][0]["revision"]])
    assert api.public()[own["id"]]["properties"]["name"] == "Wieder offen"


# --- no personal data on the public side -----------------------------------------------------------------


def test_public_output_names_no_staff(api: Api) -> None:
    add_staff_editor(api, "m.mustermann", "Martina Mustermann-Quell", "martina.mustermann@melle.example", MELLE)
    p = inside(api, MELLE)
    new = insert(None, p.x, p.y, name="Treffpunkt Familie")
    own = published_of(api, MELLE)
    answer = pushed(api, [new, update_of(own[0], description="Neu beschrieben")], "m.mustermann")
    approve(api, push_id=answer["push_id"])
    api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": own[1]["id"], "reason": "geprüft"}, "admin")

    names, emails = staff_texts(api)
    assert "Martina Mustermann-Quell" in names and "martina.mustermann@melle.example" in emails
    for layer in ("institutions", "spatial_units"):
        response = api.get(f"/api/v1/public/{layer}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        doc = json.loads(text)
        assert doc["features"]
        for name in names | emails:
            assert not re.search(rf"(?<![\w.@-]){re.escape(name)}(?![\w@-])", text), name
        assert not {"author", "author_name", "author_id", "reviewed_by", "created_by", "user"} & json_keys(doc)
    public = api.public()
    assert public[new["id"]]["properties"]["name"] == "Treffpunkt Familie"
    assert set(public[new["id"]]["properties"]) >= {"owner", "published_revision", "email"}  # the offer's own e-mail


# --- sharing unpublished work between municipalities -------------------------------------------------------


def _bramsche_work(api: Api) -> tuple[dict, dict, dict]:
    """A pending Bramsche insert and a pending Bramsche update of a published feature."""
    p = inside(api, BRAMSCHE)
    new = insert(None, p.x, p.y, name="Bramscher Entwurf")
    published = published_of(api, BRAMSCHE)[0]
    pushed(api, [new, update_of(published, name="Bramsche intern")], "bramsche.editor")
    return new, published, api.public()[published["id"]]


def test_sharing_is_on_by_default(api: Api) -> None:
    assert api.municipality(BRAMSCHE)["shares_unpublished"] is True
    new, published, _ = _bramsche_work(api)
    for user in ("melle.reader", "melle.editor", "gmhuette.reader", "bramsche.reader", "admin"):
        seen = api.pull_all("institutions", user)
        assert seen[new["id"]]["properties"]["name"] == "Bramscher Entwurf", user
        assert seen[new["id"]]["review"]["state"] == "pending"
        assert seen[published["id"]]["properties"]["name"] == "Bramsche intern"
    history = api.get(f"/api/v1/layers/institutions/features/{new['id']}/history", "melle.reader")
    assert history.status_code == 200


def test_without_sharing_others_see_only_the_published_state(api: Api) -> None:
    bramsche = api.municipality(BRAMSCHE)
    r = api.patch(f"/api/v1/municipalities/{bramsche['id']}", {"shares_unpublished": False}, "admin")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["shares_unpublished"] is False
    r = api.patch(f"/api/v1/municipalities/{bramsche['id']}", {"shares_unpublished": True}, "melle.editor")
    assert r.status_code == 403
    cursors = {u: cursor_of(api, u) for u in ("melle.reader", "melle.editor", "gmhuette.reader")}
    new, published, public_state = _bramsche_work(api)

    for user in ("melle.reader", "melle.editor", "gmhuette.reader"):
        checkout = api.pull_all("institutions", user)
        assert new["id"] not in checkout, user
        seen = checkout[published["id"]]
        assert seen["properties"]["name"] == published["properties"]["name"] == \
            public_state["properties"]["name"]
        assert seen["revision"] == published["revision"]
        assert seen["review"]["state"] == "published"
        # Incremental pulls show nothing of the draft either, not even a tombstone that it exists.
        page = api.get(f"/api/v1/sync/institutions/pull?since={cursors[user]}", user).get_json()
        assert new["id"] not in {f["id"] for f in page["features"]}
        for f in page["features"]:
            assert f["properties"]["name"] != "Bramsche intern"
        text = json.dumps(page, ensure_ascii=False)
        assert "Bramscher Entwurf" not in text and "Bramsche intern" not in text
        r = api.get(f"/api/v1/layers/institutions/features/{new['id']}/history", user)
        assert r.status_code == 404

    for user in ("bramsche.reader", "bramsche.editor", "admin"):
        seen = api.pull_all("institutions", user)
        assert seen[new["id"]]["properties"]["name"] == "Bramscher Entwurf", user
        assert seen[published["id"]]["properties"]["name"] == "Bramsche intern"

    # Melle's own unpublished work is still shared (its setting is on).
    p = inside(api, MELLE)
    melle_new = insert(None, p.x, p.y, name="Melle teilt")
    pushed(api, [melle_new], "melle.editor")
    assert api.pull_all("institutions", "bramsche.reader")[melle_new["id"]]["properties"]["name"] == "Melle teilt"

    # Once published, the work is visible to everyone.
    pending = api.get(f"/api/v1/review/pending?municipality={BRAMSCHE}", "admin").get_json()
    approve(api, revisions=[e["revision"] for e in pending if e["id"] in (new["id"], published["id"])])
    seen = api.pull_all("institutions", "melle.reader")
    assert seen[new["id"]]["properties"]["name"] == "Bramscher Entwurf"
    assert seen[published["id"]]["properties"]["name"] == "Bramsche intern"


def test_without_sharing_a_pending_delete_keeps_the_feature_for_others(api: Api) -> None:
    """Others see the published state, and a deletion is not published before the admin approves it:
    their checkouts and their incremental pulls keep the feature, its owner's do not."""
    bramsche = api.municipality(BRAMSCHE)
    assert api.patch(f"/api/v1/municipalities/{bramsche['id']}", {"shares_unpublished": False},
                     "admin").status_code == 200
    cursor = cursor_of(api, "melle.reader")
    victim = published_of(api, BRAMSCHE)[0]
    answer = pushed(api, [{"op": "delete", "id": victim["id"], "base_revision": victim["revision"]}],
                    "bramsche.editor")
    assert victim["id"] in api.public()
    for user in ("melle.reader", "melle.editor"):
        checkout = api.pull_all("institutions", user)
        assert checkout[victim["id"]]["properties"] == victim["properties"], user
        assert checkout[victim["id"]]["deleted"] is False
        incremental = pull_one(api, user, victim["id"], since=cursor)
        assert incremental is not None and incremental["deleted"] is False
    for user in ("bramsche.reader", "admin"):
        assert victim["id"] not in api.pull_all("institutions", user)
        assert pull_one(api, user, victim["id"], since=cursor)["deleted"] is True
    approve(api, push_id=answer["push_id"])
    assert victim["id"] not in api.pull_all("institutions", "melle.reader")
    assert pull_one(api, "melle.reader", victim["id"], since=cursor)["deleted"] is True


def test_without_sharing_a_rejected_draft_stays_hidden(api: Api) -> None:
    bramsche = api.municipality(BRAMSCHE)
    assert api.patch(f"/api/v1/municipalities/{bramsche['id']}", {"shares_unpublished": False},
                     "admin").status_code == 200
    cursor = cursor_of(api, "melle.reader")
    new, published, _ = _bramsche_work(api)
    pending = api.get(f"/api/v1/review/pending?municipality={BRAMSCHE}", "admin").get_json()
    r = api.post("/api/v1/review/reject", {"revisions": [e["revision"] for e in pending
                                                         if e["id"] in (new["id"], published["id"])],
                                           "reason": "Bitte Träger ergänzen"}, "admin")
    assert r.status_code == 200, r.get_json()
    seen = api.pull_all("institutions", "melle.reader")
    assert new["id"] not in seen
    assert seen[published["id"]]["properties"]["name"] == published["properties"]["name"]
    # Not even the review of the hidden draft reaches other municipalities.
    page = api.get(f"/api/v1/sync/institutions/pull?since={cursor}", "melle.reader").get_json()
    assert {f["id"] for f in page["features"]} <= {new["id"], published["id"]}
    text = json.dumps(page, ensure_ascii=False)
    assert "Bitte Träger ergänzen" not in text and "Bramscher Entwurf" not in text and "rejected" not in text
    assert api.pull_all("institutions", "bramsche.editor")[published["id"]]["review"]["reason"] == \
        "Bitte Träger ergänzen"


def test_public_layer_is_geojson_in_wgs84(api: Api) -> None:
    response = api.get("/api/v1/public/institutions")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    doc = response.get_json()
    assert doc["type"] == "FeatureCollection"
    assert len(doc["features"]) == 288  # 320 demo institutions, every 10th still waits for its first review
    for f in doc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 7.5 < lon < 8.7 and 52.0 < lat < 52.8
    units = api.get("/api/v1/public/spatial_units").get_json()
    assert len(units["features"]) == 21
    assert api.get("/api/v1/public/nicht_da").status_code == 404


def test_public_spatial_units_follow_the_same_rule(api: Api) -> None:
    units = api.pull_all("spatial_units", "melle.editor")
    mine = next(u for u in sorted(units.values(), key=lambda u: u["id"]) if u["owner"] == MELLE)
    shrunk = shape(mine["geometry"]).buffer(-20)
    change = {"op": "update", "id": mine["id"], "base_revision": mine["revision"],
              "properties": {**mine["properties"], "name": "Umbenannter Ortsteil"}, "geometry": mapping(shrunk)}
    rev = pushed(api, [change], "melle.editor", layer="spatial_units")["results"][0]["revision"]
    public = {f["id"]: f for f in api.get("/api/v1/public/spatial_units").get_json()["features"]}
    assert public[mine["id"]]["properties"]["name"] == mine["properties"]["name"]
    approve(api, revisions=[rev])
    public = {f["id"]: f for f in api.get("/api/v1/public/spatial_units").get_json()["features"]}
    assert public[mine["id"]]["properties"]["name"] == "Umbenannter Ortsteil"
    assert public[mine["id"]]["properties"]["published_revision"] == rev


@pytest.mark.parametrize("share_first", [True, False])
def test_changing_the_sharing_reaches_working_copies_through_incremental_pulls(api: Api,
                                                                               share_first: bool) -> None:
    """A working copy kept up to date by incremental pulls equals a fresh checkout, also after the owner
    of unpublished work changed its sharing setting."""
    bramsche = api.municipality(BRAMSCHE)
    path = f"/api/v1/municipalities/{bramsche['id']}"
    assert api.patch(path, {"shares_unpublished": share_first}, "admin").status_code == 200
    new, _published, _ = _bramsche_work(api)
    copy = api.pull_all("institutions", "melle.reader")
    cursor = cursor_of(api, "melle.reader")
    assert (new["id"] in copy) is share_first
    assert api.patch(path, {"shares_unpublished": not share_first}, "admin").status_code == 200
    r = api.get(f"/api/v1/sync/institutions/pull?since={cursor}", "melle.reader")
    if share_first:  # sharing ended: the copy may hold drafts Melle may no longer read
        assert r.status_code == 409 and r.get_json()["code"] == "checkout_required"
        return
    page = r.get_json()
    for f in page["features"]:
        if f["deleted"]:
            copy.pop(f["id"], None)
        else:
            copy[f["id"]] = f
    assert copy == api.pull_all("institutions", "melle.reader")


def test_when_sharing_ends_other_working_copies_check_out_again(api: Api) -> None:
    """Copies that may hold drafts their users may no longer read are told to check out again (instead
    of getting tombstones, which would tell of every draft); the owner and the admin pull on."""
    new, _published, _ = _bramsche_work(api)
    cursors = {u: cursor_of(api, u) for u in ("melle.reader", "melle.editor", "bramsche.reader", "admin")}
    assert new["id"] in api.pull_all("institutions", "melle.reader")
    bramsche = api.municipality(BRAMSCHE)
    assert api.patch(f"/api/v1/municipalities/{bramsche['id']}", {"shares_unpublished": False},
                     "admin").status_code == 200
    for user in ("melle.reader", "melle.editor"):
        for layer in ("institutions", "spatial_units"):
            r = api.get(f"/api/v1/sync/{layer}/pull?since={cursors[user]}", user)
            assert r.status_code == 409, r.get_json()
            doc = r.get_json()
            assert doc["code"] == "checkout_required"
            assert doc["params"]["reason"] == "sharing_ended" and doc["params"]["municipality"] == BRAMSCHE
            assert doc["detail"].startswith(f"Bramsche ({BRAMSCHE}) gibt ihre unveröffentlichten Daten nicht mehr")
    for user in ("bramsche.reader", "admin"):
        page = api.get(f"/api/v1/sync/institutions/pull?since={cursors[user]}", user)
        assert page.status_code == 200, page.get_json()
    # the new checkout has no draft, and its cursor pulls on (in every layer, also in one without drafts)
    for layer in ("institutions", "spatial_units"):
        checkout = api.get(f"/api/v1/sync/{layer}/pull?since=0&limit=5000", "melle.reader").get_json()
        assert new["id"] not in {f["id"] for f in checkout["features"]}
        r = api.get(f"/api/v1/sync/{layer}/pull?since={checkout['cursor']}", "melle.reader")
        assert r.status_code == 200 and r.get_json()["features"] == []


def test_a_changed_role_or_municipality_makes_the_users_copies_check_out_again(api: Api) -> None:
    cursors = {layer: api.get(f"/api/v1/sync/{layer}/pull?since=0&limit=5000", "melle.editor").get_json()["cursor"]
               for layer in ("institutions", "spatial_units")}
    uid = next(u["id"] for u in api.get("/api/v1/admin/users", "admin").get_json() if u["username"] == "melle.editor")
    r = api.patch(f"/api/v1/admin/users/{uid}", {"display_name": "Melle GIS"}, "admin")
    assert r.status_code == 200
    assert api.get(f"/api/v1/sync/institutions/pull?since={cursors['institutions']}", "melle.editor").status_code \
        == 200  # a new name changes no rights
    r = api.patch(f"/api/v1/admin/users/{uid}", {"municipality_id": api.municipality(BRAMSCHE)["id"]}, "admin")
    assert r.status_code == 200, r.get_json()
    api.forget("melle.editor")
    for layer, cursor in cursors.items():
        r = api.get(f"/api/v1/sync/{layer}/pull?since={cursor}", "melle.editor", headers={"Accept-Language": "en"})
        assert r.status_code == 409, r.get_json()
        doc = r.get_json()
        assert doc["code"] == "checkout_required" and doc["params"]["reason"] == "rights_changed"
        assert doc["detail"].startswith("Your role or municipality was changed")
        checkout = api.get(f"/api/v1/sync/{layer}/pull?since=0&limit=5000", "melle.editor").get_json()
        assert api.get(f"/api/v1/sync/{layer}/pull?since={checkout['cursor']}", "melle.editor").status_code == 200


def _same_apart_from_ids(a: Any, b: Any, ids: tuple[str, str]) -> bool:
    return json.dumps(a, sort_keys=True).replace(ids[0], "X") == json.dumps(b, sort_keys=True).replace(ids[1], "X")


def test_a_draft_others_may_not_read_answers_like_an_id_that_does_not_exist(api: Api) -> None:
    """No tombstone in pulls, and push, history and restore answer exactly as for a random id."""
    bramsche = api.municipality(BRAMSCHE)
    assert api.patch(f"/api/v1/municipalities/{bramsche['id']}", {"shares_unpublished": False},
                     "admin").status_code == 200
    cursor = cursor_of(api, "melle.editor")
    p = inside(api, BRAMSCHE)
    draft = insert(None, p.x, p.y, name="Bramscher Entwurf")
    revision = pushed(api, [draft], "bramsche.editor")["results"][0]["revision"]
    pushed(api, [{"op": "delete", "id": draft["id"], "base_revision": revision}], "bramsche.editor")
    page = api.get(f"/api/v1/sync/institutions/pull?since={cursor}", "melle.editor").get_json()
    assert draft["id"] not in {f["id"] for f in page["features"]}
    # a second draft that lives on
    draft = insert(None, p.x, p.y, name="Bramscher Entwurf 2")
    revision = pushed(api, [draft], "bramsche.editor")["results"][0]["revision"]
    page = api.get(f"/api/v1/sync/institutions/pull?since={cursor}", "melle.editor").get_json()
    assert draft["id"] not in {f["id"] for f in page["features"]}
    unknown = str(uuid.uuid4())
    ids = (draft["id"], unknown)
    m = inside(api, MELLE)
    for change in ({"op": "update", "base_revision": revision, **institution(None, m.x, m.y)},
                   {"op": "delete", "base_revision": revision}):
        answers = []
        for fid in ids:
            body = {"idempotency_key": "k-" + fid, "schema_version": INSTITUTIONS.schema_version,
                    "changes": [{**change, "id": fid}]}
            r = api.post("/api/v1/sync/institutions/push", body, "melle.editor")
            answers.append((r.status_code, r.get_json()))
        assert answers[0][0] == 422 and answers[0][1]["results"][0]["errors"][0]["code"] == "unknown_feature"
        assert _same_apart_from_ids(answers[0], answers[1], ids), answers
    for method, path, body in (("get", "history", None), ("post", "restore", {"revision": revision})):
        answers = [getattr(api, method)(f"/api/v1/layers/institutions/features/{fid}/{path}",
                                        *([body] if body else []), user="melle.editor") for fid in ids]
        assert answers[0].status_code == answers[1].status_code == 404
        assert _same_apart_from_ids(answers[0].get_json(), answers[1].get_json(), ids)
    # an insert with the draft's id cannot be taken, but shows nothing of it
    r = api.push("institutions", [insert(None, m.x, m.y, fid=draft["id"])], "melle.editor")
    assert r.status_code == 409
    result = r.get_json()["results"][0]
    assert result["code"] == "already_exists" and "current" not in result
    assert BRAMSCHE not in json.dumps(r.get_json())


def test_tombstones_still_reach_copies_that_held_the_feature(api: Api) -> None:
    """A withdrawn feature was public, a draft handed by the admin to a municipality that does not share
    was readable: copies that may hold them get their tombstones."""
    bramsche = api.municipality(BRAMSCHE)
    assert api.patch(f"/api/v1/municipalities/{bramsche['id']}", {"shares_unpublished": False},
                     "admin").status_code == 200
    withdrawn = published_of(api, BRAMSCHE)[0]
    p = inside(api, MELLE)
    draft = insert(None, p.x, p.y, name="Melle Entwurf")
    pushed(api, [draft], "melle.editor")
    cursor = cursor_of(api, "melle.reader")
    r = api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": withdrawn["id"], "reason": "veraltet"},
                 "admin")
    assert r.status_code == 200, r.get_json()
    head = api.pull_all("institutions", "admin")[draft["id"]]
    pushed(api, [{"op": "update", "id": draft["id"], "base_revision": head["revision"],
                  "properties": {**head["properties"], "owner": BRAMSCHE}, "geometry": head["geometry"]}], "admin")
    page = api.get(f"/api/v1/sync/institutions/pull?since={cursor}", "melle.reader").get_json()
    assert {f["id"]: f["deleted"] for f in page["features"]} == {withdrawn["id"]: True, draft["id"]: True}


def test_rejected_delete_returns_to_the_editors_working_copy(api: Api) -> None:
    """The editor's pull after a refused deletion shows the published feature again, with the reason,
    and its revision is the base for the next change."""
    own = published_of(api, MELLE)[3]
    answer = pushed(api, [{"op": "delete", "id": own["id"], "base_revision": own["revision"]}], "melle.editor")
    cursor = cursor_of(api, "melle.editor")
    r = api.post("/api/v1/review/reject", {"push_id": answer["push_id"], "reason": "Gibt es noch"}, "admin")
    assert r.status_code == 200
    seen = pull_one(api, "melle.editor", own["id"], since=cursor)
    assert seen["deleted"] is False
    assert seen["properties"] == own["properties"]
    assert seen["review"]["state"] == "rejected" and seen["review"]["reason"] == "Gibt es noch"
    assert seen["revision"] == answer["results"][0]["revision"]
    edited = pushed(api, [update_of(seen, name="Weiter da")], "melle.editor")
    assert edited["results"][0]["status"] == "accepted"


def test_approving_a_push_leaves_features_edited_again_to_their_newer_change(api: Api) -> None:
    own = published_of(api, MELLE)
    first = pushed(api, [update_of(own[0], name="Erste Fassung"), update_of(own[1], name="Nur hier")],
                   "melle.editor")
    again = pull_one(api, "melle.editor", own[0]["id"])
    second = pushed(api, [update_of(again, name="Zweite Fassung")], "melle.editor")
    decided = approve(api, push_id=first["push_id"])
    assert decided["revisions"] == [first["results"][1]["revision"]]
    public = api.public()
    assert public[own[1]["id"]]["properties"]["name"] == "Nur hier"
    assert public[own[0]["id"]]["properties"]["name"] == own[0]["properties"]["name"]
    pending = {e["revision"] for e in api.get("/api/v1/review/pending", "admin").get_json()}
    assert second["results"][0]["revision"] in pending


def test_units_of_levels_the_county_keeps_are_refused_to_editors(api: Api) -> None:
    """Only levels marked maintained_by_municipalities (the demo's Ortsteile) are open to editors."""
    p = shape(api.municipality(MELLE)["territory"]).representative_point()
    square = mapping(p.buffer(200, cap_style="square"))
    unit = {"op": "insert", "id": "7d1b8a52-0a55-4bde-9a1e-3f9c2b1e0c11", "geometry": square,
            "properties": {"level": "gemeinde", "key": "X-1", "name": "Selbst gemacht"}}
    r = api.push("spatial_units", [unit], "melle.editor")
    assert r.status_code == 403
    result = r.get_json()["results"][0]
    assert result["status"] == "forbidden" and result["code"] == "county_level"
    assert "gemeinde" in result["message"]
    ortsteil = {**unit, "properties": {**unit["properties"], "level": "ortsteil"}}
    assert api.push("spatial_units", [ortsteil], "melle.editor").status_code == 200
    admin_unit = {**unit, "id": "7d1b8a52-0a55-4bde-9a1e-3f9c2b1e0c12",
                  "properties": {**unit["properties"], "owner": MELLE, "key": "X-2"}}
    assert api.push("spatial_units", [admin_unit], "admin").status_code == 200
    stored = api.pull_all("spatial_units", "melle.editor")[admin_unit["id"]]
    r = api.push("spatial_units", [{"op": "update", "id": stored["id"], "base_revision": stored["revision"],
                                    "properties": {**stored["properties"], "name": "Umbenannt"},
                                    "geometry": stored["geometry"]}], "melle.editor")
    assert r.status_code == 403 and r.get_json()["results"][0]["code"] == "county_level"
