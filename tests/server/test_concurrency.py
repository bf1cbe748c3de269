"""Real concurrency on both databases: threads with their own test client and login push at once.

The app's engine is shared and every request opens its own session, so these threads meet in the
database exactly as requests of several gunicorn workers do.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from shapely.geometry import Point, shape
from sqlalchemy import select

from sync_server.demo.loader import demo_password
from sync_server.domain import accounts, review
from sync_server.domain.context import AtlasContext
from sync_server.domain.errors import DomainError
from sync_server.storage.models import Feature, User
from tests.support import BRAMSCHE, MELLE, Api, insert, update_of

TIMEOUT_S = 180


def client(app: Flask, user: str) -> Api:
    """A test client of its own, logged in before the threads start."""
    api = Api(app.test_client())
    api.headers(user)
    return api


def second_melle_editor(app: Flask) -> str:
    admin = client(app, "admin")
    melle = admin.municipality(MELLE)
    r = admin.post("/api/v1/admin/users", {"username": "melle.editor2", "password": demo_password("melle.editor2"),
                                           "role": "editor", "municipality_id": melle["id"]}, "admin")
    assert r.status_code == 201, r.get_json()
    return "melle.editor2"


def run_all(tasks: list[Callable[[], Any]]) -> list[Any]:
    """Run the tasks in threads at once (they meet at a barrier first); re-raise their failures."""
    barrier = threading.Barrier(len(tasks), timeout=TIMEOUT_S)

    def start(task: Callable[[], Any]) -> Any:
        barrier.wait()
        return task()

    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        futures = [pool.submit(start, t) for t in tasks]
        return [f.result(timeout=TIMEOUT_S) for f in futures]


def spot(api: Api, key: str, dx: float, dy: float) -> Point:
    p = shape(api.municipality(key)["territory"]).representative_point()
    return Point(p.x + dx, p.y + dy)


# --- (a) two editors, one feature, one base ----------------------------------------------------------------


def test_same_feature_same_base_exactly_one_wins(app: Flask) -> None:
    other = second_melle_editor(app)
    editors = {"melle.editor": client(app, "melle.editor"), other: client(app, other)}
    reader = client(app, "admin")
    target = next(f for f in sorted(reader.pull_all("institutions", "melle.editor").values(), key=lambda f: f["id"])
                  if f["owner"] == MELLE and f["review"]["state"] == "published")
    for round_ in range(6):
        base = reader.pull_all("institutions", "admin")[target["id"]]

        def edit(user: str, base: dict = base, round_: int = round_) -> tuple[str, int, dict]:
            r = editors[user].push("institutions", [update_of(base, name=f"{user} Runde {round_}")], user)
            return user, r.status_code, r.get_json()

        answers = run_all([lambda u=u: edit(u) for u in editors])
        statuses = sorted(status for _u, status, _doc in answers)
        assert statuses == [200, 409], answers
        (winner, _s, won), = [a for a in answers if a[1] == 200]
        (_loser, _s, lost), = [a for a in answers if a[1] == 409]
        (result,) = lost["results"]
        assert result["status"] == "conflict" and result["code"] == "stale_revision"
        assert result["current"]["revision"] == won["results"][0]["revision"]
        assert result["current"]["properties"]["name"] == f"{winner} Runde {round_}"
        final = reader.pull_all("institutions", "admin")[target["id"]]
        assert final["revision"] == won["results"][0]["revision"]
        assert final["properties"]["name"] == f"{winner} Runde {round_}"
    history = reader.get(f"/api/v1/layers/institutions/features/{target['id']}/history", "admin").get_json()
    assert len(history) == 1 + 6  # the demo insert and one accepted edit per round


# --- (b) many pushers, different features ----------------------------------------------------------------


def test_parallel_inserts_all_land_with_unique_revisions(app: Flask) -> None:
    other = second_melle_editor(app)
    users = [("melle.editor", MELLE), (other, MELLE), ("bramsche.editor", BRAMSCHE), ("admin", BRAMSCHE)]
    clients = {u: client(app, u) for u, _k in users}
    pushes = 20

    def pusher(index: int, user: str, key: str) -> list[tuple[str, int]]:
        api = clients[user]
        done = []
        for n in range(pushes):
            p = spot(api, key, dx=index * 40.0, dy=n * 15.0)
            change = insert(key, p.x, p.y, name=f"{user} #{n}")
            r = api.push("institutions", [change], user)
            assert r.status_code == 200, (user, n, r.get_json())
            done.append((change["id"], r.get_json()["results"][0]["revision"]))
        return done

    results = run_all([lambda i=i, u=u, k=k: pusher(i, u, k) for i, (u, k) in enumerate(users)])
    made = [item for part in results for item in part]
    assert len(made) == 4 * pushes
    revisions = [rev for _id, rev in made]
    assert len(set(revisions)) == len(revisions)
    # Each thread's own pushes got rising revision numbers.
    for part in results:
        assert [rev for _id, rev in part] == sorted(rev for _id, rev in part)
    pulled = clients["admin"].pull_all("institutions", "admin")
    assert len(pulled) == 320 + 4 * pushes
    for fid, rev in made:
        assert pulled[fid]["revision"] == rev
    pending = clients["admin"].get("/api/v1/review/pending?limit=1000", "admin").get_json()
    assert {fid for fid, _rev in made} <= {e["id"] for e in pending}


# --- (c) a puller never misses a change -------------------------------------------------------------------


def test_incremental_pulls_during_pushes_miss_nothing(app: Flask) -> None:
    other = second_melle_editor(app)
    pusher_users = [("melle.editor", MELLE), (other, MELLE), ("bramsche.editor", BRAMSCHE)]
    clients = {u: client(app, u) for u in [*(u for u, _k in pusher_users), "admin", "melle.reader"]}
    puller = clients["melle.reader"]
    stop = threading.Event()

    start = puller.get("/api/v1/sync/institutions/pull?since=0&limit=5000", "melle.reader").get_json()
    assert not start["more"]
    copy = {f["id"]: f for f in start["features"]}
    cursor = start["cursor"]

    def pull_page(since: int) -> tuple[int, bool]:
        page = puller.get(f"/api/v1/sync/institutions/pull?since={since}&limit=7", "melle.reader").get_json()
        for f in page["features"]:
            if f["deleted"]:
                copy.pop(f["id"], None)
            else:
                copy[f["id"]] = f
        assert page["cursor"] >= since
        return page["cursor"], page["more"]

    def pulling() -> int:
        nonlocal cursor
        rounds = 0
        while not stop.is_set() and rounds < 5000:
            cursor, _more = pull_page(cursor)
            rounds += 1
        return rounds

    def pushing(index: int, user: str, key: str) -> int:
        api = clients[user]
        mine: list[dict] = []
        for n in range(15):
            if n % 3 == 2 and mine:  # every third push edits or deletes one of its earlier inserts
                head = api.pull_all("institutions", user)[mine.pop(0)["id"]]
                change = (update_of(head, name=f"{user} geändert {n}") if n % 2 else
                          {"op": "delete", "id": head["id"], "base_revision": head["revision"]})
            else:
                p = spot(api, key, dx=index * 50.0, dy=n * 12.0)
                change = insert(None, p.x, p.y, name=f"{user} neu {n}")
                mine.append(change)
            r = api.push("institutions", [change], user)
            assert r.status_code == 200, (user, n, r.get_json())
        return 15

    def approving() -> int:
        api = clients["admin"]
        decided = 0
        for _ in range(10):
            queue = api.get("/api/v1/review/pending?limit=5", "admin").get_json()
            if queue:
                r = api.post("/api/v1/review/approve", {"revisions": [e["revision"] for e in queue]}, "admin")
                assert r.status_code in (200, 409), r.get_json()  # 409: a newer edit came in meanwhile
                decided += r.status_code == 200
        return decided

    with ThreadPoolExecutor(max_workers=5) as pool:
        pull_future = pool.submit(pulling)
        work = [pool.submit(pushing, i, u, k) for i, (u, k) in enumerate(pusher_users)]
        work.append(pool.submit(approving))
        try:
            for f in work:
                f.result(timeout=TIMEOUT_S)
        finally:
            stop.set()
        assert pull_future.result(timeout=TIMEOUT_S) > 0

    more = True
    for _ in range(1000):  # catch up, as a client does at the end of its sync
        cursor, more = pull_page(cursor)
        if not more:
            break
    assert not more
    final = puller.get("/api/v1/sync/institutions/pull?since=0&limit=5000", "melle.reader").get_json()
    assert not final["more"] and final["cursor"] <= cursor
    assert copy == {f["id"]: f for f in final["features"]}
    assert len(copy) > 320


# --- more races -------------------------------------------------------------------------------------------


def test_the_same_retry_sent_twice_at_once_applies_once(app: Flask) -> None:
    """A client that retries while its first request is still running: one push, one revision."""
    apis = [client(app, "melle.editor"), client(app, "melle.editor")]
    p = spot(apis[0], MELLE, 0, 0)
    for _ in range(5):
        key = str(uuid.uuid4())
        change = insert(None, p.x, p.y)
        answers = run_all([lambda a=a, c=change, k=key: a.push("institutions", [c], "melle.editor", key=k)
                           for a in apis])
        assert [r.status_code for r in answers] == [200, 200]
        docs = [r.get_json() for r in answers]
        assert sum(bool(d.get("replayed")) for d in docs) == 1
        assert docs[0]["push_id"] == docs[1]["push_id"]
        history = apis[0].get(f"/api/v1/layers/institutions/features/{change['id']}/history",
                              "melle.editor").get_json()
        assert len(history) == 1


def test_approve_racing_with_a_new_edit(app: Flask) -> None:
    """The admin approves revision X while the editor pushes Y on top of it: either X is published and Y
    waits, or Y came first and approving X is refused; never both, never an error."""
    admin, editor = client(app, "admin"), client(app, "melle.editor")
    own = [f for f in sorted(editor.pull_all("institutions", "melle.editor").values(), key=lambda f: f["id"])
           if f["owner"] == MELLE and f["review"]["state"] == "published"][:5]
    for feature in own:
        x = editor.push("institutions", [update_of(feature, name="X")], "melle.editor")
        assert x.status_code == 200
        head = editor.pull_all("institutions", "melle.editor")[feature["id"]]
        rev_x = x.get_json()["results"][0]["revision"]
        approve, push = run_all([
            lambda rev=rev_x: admin.post("/api/v1/review/approve", {"revisions": [rev]}, "admin"),
            lambda head=head: editor.push("institutions", [update_of(head, name="Y")], "melle.editor"),
        ])
        assert push.status_code == 200, push.get_json()
        assert approve.status_code in (200, 409), approve.get_json()
        public = admin.public()[feature["id"]]["properties"]
        state = editor.pull_all("institutions", "melle.editor")[feature["id"]]
        assert state["properties"]["name"] == "Y" and state["review"]["state"] == "pending"
        if approve.status_code == 200:
            assert public["name"] == "X" and public["published_revision"] == rev_x
        else:
            assert approve.get_json()["code"] == "not_reviewable"
            assert public["name"] == feature["properties"]["name"]


# --- interleavings inside one request ---------------------------------------------------------------------


def test_a_write_checks_the_state_after_taking_the_lock(app: Flask) -> None:
    """Restore reads the feature before the push inside it takes the atlas lock. When another write
    commits in between (here: the admin hands the feature to Bramsche), the ownership rule must judge
    the state after the lock, not the one read before it."""
    api = client(app, "melle.editor")
    own = next(f for f in sorted(api.pull_all("institutions", "melle.editor").values(), key=lambda f: f["id"])
               if f["owner"] == MELLE and f["review"]["state"] == "published")
    state = app.extensions["familienatlas"]
    with state.session_factory() as session:
        melle = accounts.actor_of(session.scalar(select(User).where(User.username == "melle.editor")))
        ctx = AtlasContext(session, state.settings, melle)
        read = session.get(Feature, ("institutions", own["id"]))  # held, as restore holds what it read
        assert read.owner_id == melle.municipality_id
        handed = client(app, "admin").push("institutions", [update_of(own, owner=BRAMSCHE)], "admin")
        assert handed.status_code == 200, handed.get_json()
        with pytest.raises(DomainError) as refused:
            review.restore(ctx, "institutions", own["id"], {"revision": own["revision"]})
        session.rollback()
        del read
    assert refused.value.status == 403
    assert [r["code"] for r in refused.value.body["results"]] == ["not_owner"]
    head = client(app, "admin").pull_all("institutions", "admin")[own["id"]]
    assert head["owner"] == BRAMSCHE and head["revision"] == handed.get_json()["results"][0]["revision"]
