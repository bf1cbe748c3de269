"""The admin's review queue (filters, before/after), feature history, restore and the audit log."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from shapely import affinity
from shapely.geometry import mapping, shape

from tests.support import BRAMSCHE, MELLE, Api, insert, update_of


def pushed(api: Api, changes: list[dict], user: str, layer: str = "institutions") -> dict:
    r = api.push(layer, changes, user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def pending(api: Api, **filters: str) -> list[dict]:
    query = "&".join(f"{k}={quote(v)}" for k, v in filters.items())
    r = api.get(f"/api/v1/review/pending?{query}", "admin")
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def published_of(api: Api, owner: str, layer: str = "institutions") -> list[dict]:
    return [f for f in sorted(api.pull_all(layer, "admin").values(), key=lambda f: f["id"])
            if f["owner"] == owner and f["review"]["state"] == "published"]


def history(api: Api, fid: str, user: str = "admin", layer: str = "institutions") -> list[dict]:
    r = api.get(f"/api/v1/layers/{layer}/features/{fid}/history", user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def point_in(api: Api, key: str) -> Any:
    return shape(api.municipality(key)["territory"]).representative_point()


# --- the queue and its filters ----------------------------------------------------------------------------


@pytest.fixture
def queue(api: Api) -> dict[str, Any]:
    """Fresh pending work of three authors in two layers, on top of the demo's pending revisions."""
    melle_feature = published_of(api, MELLE)[0]
    melle = pushed(api, [update_of(melle_feature, name="Melle geändert")], "melle.editor")
    time.sleep(0.05)
    p = point_in(api, BRAMSCHE)
    new = insert(None, p.x, p.y, category="gesundheit", subcategory="hebammenpraxis", name="Hebammenpraxis Neu")
    bramsche = pushed(api, [new], "bramsche.editor")
    unit = published_of(api, MELLE, "spatial_units")[0]
    unit_push = pushed(api, [{"op": "update", "id": unit["id"], "base_revision": unit["revision"],
                              "properties": {**unit["properties"], "name": "Ortsteil neu benannt"},
                              "geometry": unit["geometry"]}], "admin", layer="spatial_units")
    return {"melle": melle["results"][0]["revision"], "bramsche": bramsche["results"][0]["revision"],
            "unit": unit_push["results"][0]["revision"], "melle_id": melle_feature["id"], "bramsche_id": new["id"],
            "unit_id": unit["id"]}


def test_pending_lists_the_demo_queue(api: Api) -> None:
    queue = pending(api)
    values = [e for e in queue if e["layer"] == "indicator_values"]
    assert len(values) == 9 and {e["author"] for e in values} == {"melle.editor"}  # Melle's Kita places upload
    entries = [e for e in queue if e["layer"] != "indicator_values"]
    assert len(entries) == 33  # 32 first reviews and one edit of the Melle editor
    assert all(e["layer"] == "institutions" for e in entries)
    assert [e["revision"] for e in entries] == sorted(e["revision"] for e in entries)
    edit = [e for e in entries if e["op"] == "update"]
    assert len(edit) == 1 and edit[0]["author"] == "melle.editor"
    assert set(edit[0]["changed_fields"]) == {"opening_hours"}
    assert all(e["before"] is None and e["author"] == "admin" for e in entries if e["op"] == "insert")


def test_pending_filters(api: Api, queue: dict[str, Any]) -> None:
    everything = pending(api)
    revisions = {e["revision"] for e in everything}
    assert {queue["melle"], queue["bramsche"], queue["unit"]} <= revisions
    assert len(everything) == 36 + 9  # and the demo's pending upload of indicator values

    units = pending(api, layer="spatial_units")
    assert [e["revision"] for e in units] == [queue["unit"]]
    institutions = pending(api, layer="institutions")
    values = {e["revision"] for e in everything if e["layer"] == "indicator_values"}
    assert {e["revision"] for e in institutions} == revisions - {queue["unit"]} - values

    bramsche = pending(api, municipality=BRAMSCHE)
    assert queue["bramsche"] in {e["revision"] for e in bramsche}
    assert bramsche and all(e["owner"] == BRAMSCHE for e in bramsche)
    assert {e["revision"] for e in bramsche} == {e["revision"] for e in everything if e["owner"] == BRAMSCHE}

    health = pending(api, category="gesundheit")
    assert queue["bramsche"] in {e["revision"] for e in health}
    assert all(e["after"]["properties"]["category"] == "gesundheit" for e in health)
    assert {e["revision"] for e in health} == {
        e["revision"] for e in everything if e["after"] and e["after"]["properties"].get("category") == "gesundheit"}

    by_author = pending(api, author="bramsche.editor")
    assert [e["revision"] for e in by_author] == [queue["bramsche"]]
    assert by_author[0]["author"] == "bramsche.editor"
    assert [e["revision"] for e in pending(api, author="melle.editor")] == sorted(
        e["revision"] for e in everything if e["author"] == "melle.editor")

    combined = pending(api, layer="institutions", municipality=MELLE, author="melle.editor")
    assert queue["melle"] in {e["revision"] for e in combined}
    assert all(e["owner"] == MELLE and e["author"] == "melle.editor" for e in combined)
    assert pending(api, municipality="999999999999") == []
    assert pending(api, author="niemand") == []


@pytest.mark.parametrize("offset_hours", [0, 2, -5])
def test_pending_since_and_until(api: Api, queue: dict[str, Any], offset_hours: int) -> None:
    """Times may be given in any UTC offset; they mean the same moment on both databases."""
    everything = {e["revision"]: e for e in pending(api)}
    start = parse_time(everything[queue["bramsche"]]["created_at"])
    zone = timezone(timedelta(hours=offset_hours))
    since = start.astimezone(zone).isoformat()
    later = {e["revision"] for e in pending(api, since=since)}
    assert later == {queue["bramsche"], queue["unit"]}
    before = pending(api, until=(start - timedelta(milliseconds=1)).astimezone(zone).isoformat())
    assert queue["melle"] in {e["revision"] for e in before}
    assert not {queue["bramsche"], queue["unit"]} & {e["revision"] for e in before}
    assert pending(api, since=(start + timedelta(hours=1)).astimezone(zone).isoformat()) == []


def test_times_carry_their_utc_offset(api: Api, queue: dict[str, Any]) -> None:
    entry = next(e for e in pending(api) if e["revision"] == queue["melle"])
    created = datetime.fromisoformat(entry["created_at"])
    assert created.tzinfo is not None and created.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)
    for h in history(api, queue["melle_id"]):
        assert datetime.fromisoformat(h["created_at"]).tzinfo is not None


def test_pending_needs_valid_filters(api: Api) -> None:
    assert api.get("/api/v1/review/pending?layer=nicht_da", "admin").status_code == 404
    assert api.get("/api/v1/review/pending?since=gestern", "admin").status_code == 422
    assert api.get("/api/v1/review/pending", "melle.editor").status_code == 403
    assert api.get("/api/v1/review/pending").status_code == 401


# --- before and after ---------------------------------------------------------------------------------------


def test_before_after_of_an_update_with_a_move(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    x, y = own["geometry"]["coordinates"]
    change = update_of(own, name="Neuer Name", phone="05422 987654")
    change["geometry"] = {"type": "Point", "coordinates": [x + 30.0, y]}
    rev = pushed(api, [change], "melle.editor")["results"][0]["revision"]
    (entry,) = [e for e in pending(api) if e["revision"] == rev]
    assert entry["op"] == "update" and entry["id"] == own["id"] and entry["owner"] == MELLE
    assert entry["author"] == "melle.editor"
    assert entry["changed_fields"] == {"name": [own["properties"]["name"], "Neuer Name"],
                                       "phone": [own["properties"]["phone"], "05422 987654"]}
    assert entry["moved_m"] == 30.0
    assert entry["before"] == {"properties": own["properties"], "geometry": own["geometry"]}
    assert entry["after"]["properties"] == {**own["properties"], "name": "Neuer Name", "phone": "05422 987654"}
    assert entry["after"]["geometry"]["coordinates"] == pytest.approx([x + 30.0, y], abs=0.001)
    assert entry["push_id"]


def test_before_after_compares_with_the_published_state(api: Api) -> None:
    """Two pending edits: the queue shows one entry, from the public state to the newest edit."""
    own = published_of(api, MELLE)[0]
    x, y = own["geometry"]["coordinates"]
    first = update_of(own, name="Zwischenstand")
    first["geometry"] = {"type": "Point", "coordinates": [x, y + 10.0]}
    pushed(api, [first], "melle.editor")
    head = api.pull_all("institutions", "melle.editor")[own["id"]]
    second = update_of(head, name=own["properties"]["name"], website="https://neu.example")
    second["geometry"] = {"type": "Point", "coordinates": [x + 30.0, y + 40.0]}
    rev = pushed(api, [second], "melle.editor")["results"][0]["revision"]
    entries = [e for e in pending(api) if e["id"] == own["id"]]
    assert [e["revision"] for e in entries] == [rev]
    assert entries[0]["changed_fields"] == {"website": [own["properties"]["website"], "https://neu.example"]}
    assert entries[0]["moved_m"] == 50.0


def test_before_after_of_insert_delete_and_owner_change(api: Api) -> None:
    own = published_of(api, MELLE)
    p = point_in(api, MELLE)
    new = insert(None, p.x, p.y, name="Neu", age_min=3, age_max=6)
    answer = pushed(api, [new, {"op": "delete", "id": own[0]["id"], "base_revision": own[0]["revision"]}],
                    "melle.editor")
    handed = pushed(api, [update_of(own[1], owner=BRAMSCHE)], "admin")
    entries = {e["id"]: e for e in pending(api)}
    ins, dele, moved = entries[new["id"]], entries[own[0]["id"]], entries[own[1]["id"]]
    assert ins["op"] == "insert" and ins["before"] is None and ins["moved_m"] is None
    assert ins["changed_fields"] == {k: [None, v] for k, v in ins["after"]["properties"].items() if v is not None}
    assert {"name", "age_min", "age_max", "owner", "category"} <= set(ins["changed_fields"])
    assert dele["op"] == "delete" and dele["after"] is None and dele["moved_m"] is None
    assert dele["before"]["properties"] == own[0]["properties"]
    assert dele["revision"] == answer["results"][1]["revision"]
    assert moved["changed_fields"] == {"owner": [MELLE, BRAMSCHE]} and moved["moved_m"] == 0.0
    assert moved["owner"] == BRAMSCHE and moved["author"] == "admin"
    assert moved["revision"] == handed["results"][0]["revision"]


def test_before_after_of_a_moved_polygon(api: Api) -> None:
    unit = published_of(api, MELLE, "spatial_units")[0]
    moved = affinity.translate(shape(unit["geometry"]), 18.0, 24.0)  # 30 m
    rev = pushed(api, [{"op": "update", "id": unit["id"], "base_revision": unit["revision"],
                        "properties": unit["properties"], "geometry": mapping(moved)}], "admin",
                 layer="spatial_units")["results"][0]["revision"]
    (entry,) = pending(api, layer="spatial_units")
    assert entry["revision"] == rev
    assert entry["changed_fields"] == {}
    assert entry["moved_m"] == 30.0


# --- history --------------------------------------------------------------------------------------------------


def test_history_lists_every_revision(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    r1 = pushed(api, [update_of(own, name="Erster Versuch")], "melle.editor")["results"][0]["revision"]
    assert api.post("/api/v1/review/reject", {"revisions": [r1], "reason": "Name falsch geschrieben"},
                    "admin").status_code == 200
    head = api.pull_all("institutions", "melle.editor")[own["id"]]
    r2 = pushed(api, [update_of(head, name="Zweiter Versuch")], "melle.editor")["results"][0]["revision"]
    assert api.post("/api/v1/review/approve", {"revisions": [r2]}, "admin").status_code == 200
    head = api.pull_all("institutions", "melle.editor")[own["id"]]
    r3 = pushed(api, [{"op": "delete", "id": own["id"], "base_revision": head["revision"]}],
                "melle.editor")["results"][0]["revision"]

    entries = history(api, own["id"])
    assert [h["revision"] for h in entries] == [own["revision"], r1, r2, r3]
    assert [h["op"] for h in entries] == ["insert", "update", "update", "delete"]
    assert [h["author"] for h in entries] == ["admin", "melle.editor", "melle.editor", "melle.editor"]
    assert [h["state"] for h in entries][1:] == ["rejected", "published", "pending"]
    assert [h["reason"] for h in entries] == [None, "Name falsch geschrieben", None, None]
    assert [h["reviewed_by"] for h in entries] == ["admin", "admin", "admin", None]
    assert [h["published"] for h in entries] == [False, False, True, False]
    assert entries[1]["changed_fields"] == {"name": [own["properties"]["name"], "Erster Versuch"]}
    assert entries[2]["changed_fields"] == {"name": ["Erster Versuch", "Zweiter Versuch"]}
    assert all(h["owner"] == MELLE for h in entries)
    assert all(h["created_at"] for h in entries)
    assert entries[0]["reviewed_at"] is not None and entries[3]["reviewed_at"] is None
    # Everyone who may read the feature may read its history; the public may not.
    assert history(api, own["id"], "bramsche.reader") == entries
    assert api.get(f"/api/v1/layers/institutions/features/{own['id']}/history").status_code == 401
    assert api.get("/api/v1/layers/institutions/features/00000000-0000-0000-0000-000000000000/history",
                   "admin").status_code == 404


# --- restore --------------------------------------------------------------------------------------------------


def test_restore_makes_a_new_pending_revision_with_the_old_content(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    changed = update_of(own, name="Verschlimmbessert", phone=None)
    changed["geometry"] = {"type": "Point", "coordinates": [own["geometry"]["coordinates"][0] + 80,
                                                            own["geometry"]["coordinates"][1]]}
    r1 = pushed(api, [changed], "melle.editor")["results"][0]["revision"]
    assert api.post("/api/v1/review/approve", {"revisions": [r1]}, "admin").status_code == 200

    r = api.post(f"/api/v1/layers/institutions/features/{own['id']}/restore", {"revision": own["revision"]},
                 "melle.editor")
    assert r.status_code == 200, r.get_json()
    answer = r.get_json()
    (result,) = answer["results"]
    assert result["status"] == "accepted" and result["revision"] > r1
    head = api.pull_all("institutions", "melle.editor")[own["id"]]
    assert head["revision"] == result["revision"]
    assert head["properties"] == own["properties"]
    assert head["geometry"] == own["geometry"]
    assert head["review"]["state"] == "pending"
    assert api.public()[own["id"]]["properties"]["name"] == "Verschlimmbessert"  # not yet published
    entries = history(api, own["id"])
    assert [h["revision"] for h in entries] == [own["revision"], r1, result["revision"]]
    assert entries[-1]["author"] == "melle.editor" and entries[-1]["state"] == "pending"
    (queued,) = [e for e in pending(api) if e["id"] == own["id"]]
    assert queued["revision"] == result["revision"] and queued["moved_m"] == 80.0
    assert api.post("/api/v1/review/approve", {"revisions": [result["revision"]]}, "admin").status_code == 200
    assert api.public()[own["id"]]["properties"]["name"] == own["properties"]["name"]


def test_a_retried_restore_with_its_key_restores_once(api: Api) -> None:
    own, other = published_of(api, MELLE)[:2]
    r1 = pushed(api, [update_of(own, name="Zwischenstand")], "melle.editor")["results"][0]["revision"]
    url = f"/api/v1/layers/institutions/features/{own['id']}/restore"
    body = {"revision": own["revision"], "idempotency_key": "restore-melle-1"}
    first = api.post(url, body, "melle.editor")
    assert first.status_code == 200, first.get_json()
    again = api.post(url, body, "melle.editor")  # the answer was lost, QGIS asks again
    assert again.status_code == 200 and again.get_json()["replayed"] is True
    assert again.get_json()["results"] == first.get_json()["results"]
    assert [h["revision"] for h in history(api, own["id"])] == [own["revision"], r1,
                                                                first.get_json()["results"][0]["revision"]]
    # the same key for another feature is a mistake, not a retry
    r = api.post(f"/api/v1/layers/institutions/features/{other['id']}/restore",
                 {"revision": other["revision"], "idempotency_key": "restore-melle-1"}, "melle.editor")
    assert r.status_code == 409 and r.get_json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(("user", "status", "code"), [
    ("bramsche.editor", 403, "not_owner"), ("melle.reader", 403, "read_only_role"), (None, 401, "missing_token"),
])
def test_restore_follows_the_rights_table(api: Api, user: str | None, status: int, code: str) -> None:
    own = published_of(api, MELLE)[0]
    pushed(api, [update_of(own, name="Geändert")], "melle.editor")
    before = api.pull_all("institutions", "admin")
    r = api.post(f"/api/v1/layers/institutions/features/{own['id']}/restore", {"revision": own["revision"]}, user)
    assert r.status_code == status, r.get_json()
    doc = r.get_json()
    if status == 403:
        assert doc["results"][0]["status"] == "forbidden"
        assert doc["results"][0]["code"] == code
    else:
        assert doc["code"] == code
    assert api.pull_all("institutions", "admin") == before
    assert len(history(api, own["id"])) == 2


def test_restore_of_an_unknown_revision_is_404(api: Api) -> None:
    own = published_of(api, MELLE)
    r = api.post(f"/api/v1/layers/institutions/features/{own[0]['id']}/restore", {"revision": own[1]["revision"]},
                 "melle.editor")
    assert r.status_code == 404
    r = api.post(f"/api/v1/layers/institutions/features/{own[0]['id']}/restore", {}, "melle.editor")
    assert r.status_code == 422


def test_restore_of_a_deleted_feature_brings_it_back(api: Api) -> None:
    own = published_of(api, MELLE)[0]
    gone = pushed(api, [{"op": "delete", "id": own["id"], "base_revision": own["revision"]}], "melle.editor")
    assert api.post("/api/v1/review/approve", {"push_id": gone["push_id"]}, "admin").status_code == 200
    assert own["id"] not in api.public()
    r = api.post(f"/api/v1/layers/institutions/features/{own['id']}/restore", {"revision": own["revision"]},
                 "melle.editor")
    assert r.status_code == 200, r.get_json()
    back = api.pull_all("institutions", "melle.editor")[own["id"]]
    assert back["properties"] == own["properties"] and back["deleted"] is False
    assert api.post("/api/v1/review/approve", {"revisions": [back["revision"]]}, "admin").status_code == 200
    assert api.public()[own["id"]]["properties"]["name"] == own["properties"]["name"]


# --- audit ----------------------------------------------------------------------------------------------------


def test_audit_log_has_push_and_review_entries(api: Api) -> None:
    own = published_of(api, MELLE)
    a = pushed(api, [update_of(own[0], name="Für das Protokoll")], "melle.editor")
    b = pushed(api, [update_of(own[1], name="Abgelehnt")], "melle.editor")
    assert api.post("/api/v1/review/approve", {"push_id": a["push_id"]}, "admin").status_code == 200
    assert api.post("/api/v1/review/reject", {"push_id": b["push_id"], "reason": "Nein"}, "admin").status_code == 200
    assert api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": own[2]["id"], "reason": "zu"},
                    "admin").status_code == 200
    logged = len(api.get("/api/v1/admin/audit?action=push&limit=5000", "admin").get_json())
    refused = api.push("institutions", [update_of(published_of(api, BRAMSCHE)[0], name="x")], "melle.editor")
    assert refused.status_code == 403
    # A refused push changes nothing, so there is no push in the log for it.
    assert len(api.get("/api/v1/admin/audit?action=push&limit=5000", "admin").get_json()) == logged

    users = {u["username"]: u["id"] for u in api.get("/api/v1/admin/users", "admin").get_json()}
    log = api.get("/api/v1/admin/audit?limit=50", "admin").get_json()
    ids = [e["id"] for e in log]
    assert ids == sorted(ids, reverse=True)  # newest first
    pushes = [e for e in log if e["action"] == "push"]
    by_push = {e["details"]["push_id"]: e for e in pushes}
    assert set(by_push) >= {a["push_id"], b["push_id"]}
    entry = by_push[a["push_id"]]
    assert entry["actor_id"] == users["melle.editor"]
    assert entry["details"]["changes"] == [["update", own[0]["id"], a["results"][0]["revision"]]]
    assert entry["target"] == "layer:institutions"
    actions = {e["action"]: e for e in reversed(log)}  # the newest of each action
    assert actions["review_published"]["details"]["revisions"] == [a["results"][0]["revision"]]
    assert actions["review_rejected"]["details"] == {"revisions": [b["results"][0]["revision"]], "reason": "Nein"}
    assert actions["review_withdrawn"]["target"] == f"institutions:{own[2]['id']}"
    assert all(e["actor_id"] == users["admin"] for e in log if e["action"].startswith("review_"))

    only = api.get("/api/v1/admin/audit?action=push", "admin").get_json()
    assert only and all(e["action"] == "push" for e in only)
    mine = api.get(f"/api/v1/admin/audit?actor={users['melle.editor']}", "admin").get_json()
    assert {e["details"]["push_id"] for e in mine if e["action"] == "push"} >= {a["push_id"], b["push_id"]}
    assert all(e["actor_id"] == users["melle.editor"] for e in mine)
    assert api.get("/api/v1/admin/audit", "melle.editor").status_code == 403
