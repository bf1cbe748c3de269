"""A pull page is written from stored text (``contract.Encoded``): it must be the typed answer, byte for
byte - every feature as ``sync.feature_view`` gives it, dumped and encoded as every other answer - for
every kind of feature a caller can get (own head, someone else's published state, pending, rejected with a
reason, tombstones, spatial units with polygons), and the same JSON for properties stored in an older form."""

from __future__ import annotations

import json

from alembic.script import ScriptDirectory
from flask import Flask
from shapely.geometry import shape
from sqlalchemy import select, update

from sync_server.domain import accounts, sync
from sync_server.domain.context import AtlasContext
from sync_server.domain.contract import dump, json_text
from sync_server.storage import migrate
from sync_server.storage.models import Feature, Revision, User
from tests.support import BRAMSCHE, GMHUETTE, MELLE, Api, insert, update_of


def typed_page(app: Flask, username: str, layer: str, body: bytes) -> str:
    """The answer as the typed path writes it: the page's fields as sent, each feature through
    ``feature_view`` (its own queries, the ORM, one geometry at a time) and ``dump``."""
    page = json.loads(body)
    state = app.extensions["familienatlas"]
    with state.session_factory() as session:
        actor = accounts.actor_of(session.scalar(select(User).where(User.username == username)))
        ctx = AtlasContext(session, state.settings, actor)
        ids = [f["id"] for f in page["features"]]
        stored = sync.load_features(session, layer, ids)
        published = sync.revisions_by_seq(session, [f.published_seq for f, _h in stored.values()
                                                    if f.published_seq is not None])
        views = [dump(sync.feature_view(ctx, actor, stored[i][0], stored[i][1],
                                        published.get(stored[i][0].published_seq))) for i in ids]
    return json_text({**page, "features": views}) + "\n"


def pull(api: Api, username: str, layer: str = "institutions", since: int = 0) -> bytes:
    response = api.get(f"/api/v1/sync/{layer}/pull?since={since}&limit=5000", username)
    assert response.status_code == 200
    return response.data


def test_checkout_pages_are_the_typed_answer_byte_for_byte(api: Api, app: Flask) -> None:
    for username in ("admin", "melle.editor", "melle.reader", "bramsche.editor"):
        for layer in ("institutions", "spatial_units", "indicator_values"):
            body = pull(api, username, layer)
            assert json.loads(body)["features"], (username, layer)
            assert body.decode() == typed_page(app, username, layer, body), (username, layer)


def test_pages_with_tombstones_rejections_and_pending_work_are_the_typed_answer(api: Api, app: Flask) -> None:
    start = json.loads(pull(api, "admin"))["cursor"]
    own = [f for f in api.pull_all("institutions", "melle.editor").values()
           if f["owner"] == MELLE and f["review"]["state"] == "published"]
    point = shape(api.municipality(MELLE)["territory"]).representative_point()
    changes = [update_of(own[0], name="Umbenannt \"owner\" – ü"),
               {"op": "delete", "id": own[1]["id"], "base_revision": own[1]["revision"]},
               {"op": "delete", "id": own[2]["id"], "base_revision": own[2]["revision"]},
               insert(None, point.x, point.y, name="Neu")]
    answer = api.push("institutions", changes, "melle.editor")
    assert answer.status_code == 200, answer.get_json()
    revisions = [r["revision"] for r in answer.get_json()["results"]]
    reject = api.post("/api/v1/review/reject", {"revisions": revisions[1:2], "reason": "Bitte \"nicht\" löschen"},
                      "admin")
    assert reject.status_code == 200, reject.get_json()
    approve = api.post("/api/v1/review/approve", {"revisions": revisions[2:3]}, "admin")
    assert approve.status_code == 200, approve.get_json()
    for username in ("admin", "melle.editor", "bramsche.editor", "melle.reader"):
        body = pull(api, username, since=start)
        features = json.loads(body)["features"]
        assert features, username
        assert body.decode() == typed_page(app, username, "institutions", body), username
    deleted = {f["id"]: f for f in json.loads(pull(api, "bramsche.editor", since=start))["features"]}
    assert deleted[own[2]["id"]]["deleted"] is True  # a tombstone is among them


def _restore_text(app: Flask, seq: int, text: str) -> None:
    """Write a revision's properties column as raw text (as older versions or other tools stored it)."""
    with app.extensions["familienatlas"].session_factory() as session:
        if session.get_bind().dialect.name != "sqlite":
            session.execute(update(Revision).where(Revision.seq == seq).values(properties=json.loads(text)))
        else:
            session.connection().exec_driver_sql("UPDATE revisions SET properties = ? WHERE seq = ?", (text, seq))
        session.commit()


def test_properties_stored_in_another_form_give_the_same_json(api: Api, app: Flask) -> None:
    before = {f["id"]: f for f in json.loads(pull(api, "admin"))["features"]}
    some = list(before.values())[:3]
    spaced = {k: v for k, v in some[0]["properties"].items() if k != "owner"}
    _restore_text(app, some[0]["revision"], json.dumps(spaced))  # spaces and ASCII escapes
    _restore_text(app, some[1]["revision"], json.dumps({"owner": "x", **spaced}))  # an owner of its own
    _restore_text(app, some[2]["revision"], "{}")
    after = {f["id"]: f for f in json.loads(pull(api, "admin"))["features"]}
    assert after[some[0]["id"]] == before[some[0]["id"]]
    assert after[some[1]["id"]]["properties"] == {**spaced, "owner": some[1]["owner"]}
    assert after[some[2]["id"]]["properties"] == {"owner": some[2]["owner"]}


def test_the_migration_brings_older_stored_text_into_the_answers_form(api: Api, app: Flask, db_url: str) -> None:
    before = pull(api, "admin")
    for feature in json.loads(before)["features"][:50]:  # written as before: spaces, ASCII escapes
        _restore_text(app, feature["revision"], json.dumps({k: v for k, v in feature["properties"].items()
                                                            if k != "owner"}))
    script = ScriptDirectory.from_config(migrate.alembic_config(db_url))
    step = next(r for r in script.walk_revisions() if r.path.endswith("_compact_revision_json.py"))
    engine = app.extensions["familienatlas"].engine
    migrate.downgrade(engine, step.down_revision)
    migrate.upgrade(engine)
    assert pull(api, "admin") == before


def _views(app: Flask, username: str, layer: str) -> dict[str, dict]:
    """Every stored feature of ``layer`` as ``feature_view`` gives it to ``username``, one at a time."""
    state = app.extensions["familienatlas"]
    with state.session_factory() as session:
        actor = accounts.actor_of(session.scalar(select(User).where(User.username == username)))
        ctx = AtlasContext(session, state.settings, actor)
        ids = list(session.scalars(select(Feature.id).where(Feature.layer == layer)))
        stored = sync.load_features(session, layer, ids)
        published = sync.revisions_by_seq(session, [f.published_seq for f, _h in stored.values()
                                                    if f.published_seq is not None])
        return {i: dump(sync.feature_view(ctx, actor, f, h, published.get(f.published_seq)))
                for i, (f, h) in stored.items()}


def test_a_mixed_atlas_is_decided_as_feature_by_feature_for_every_caller(api: Api, app: Flask) -> None:
    """A pull decides once for all features alike (owner, head's op and state, published state): its pages
    are what ``feature_view`` gives of each feature, and a checkout holds exactly the features that are no
    tombstone for the caller, for the admin, editors and a reader of an owner that shares its unpublished
    work and of one that does not, with every kind of state: pending inserts, updates and deletions,
    rejected updates and deletions, withdrawn, deleted, and an owner changed by the admin."""
    start = json.loads(pull(api, "admin"))["cursor"]
    point = shape(api.municipality(MELLE)["territory"]).representative_point()
    for owner, editor in ((MELLE, "melle.editor"), (BRAMSCHE, "bramsche.editor")):
        own = [f for f in api.pull_all("institutions", editor).values()
               if f["owner"] == owner and f["review"]["state"] == "published"][:8]
        changes = [update_of(own[0], name="Neu"), update_of(own[1], name="Abgelehnt"),
                   {"op": "delete", "id": own[2]["id"], "base_revision": own[2]["revision"]},
                   {"op": "delete", "id": own[3]["id"], "base_revision": own[3]["revision"]},
                   {"op": "delete", "id": own[4]["id"], "base_revision": own[4]["revision"]}]
        if owner == MELLE:
            changes.append(insert(None, point.x, point.y, name="Entwurf"))
        answer = api.push("institutions", changes, editor)
        assert answer.status_code == 200, answer.get_json()
        revisions = [r["revision"] for r in answer.get_json()["results"]]
        assert api.post("/api/v1/review/reject", {"revisions": [revisions[1], revisions[3]], "reason": "Nein"},
                        "admin").status_code == 200
        assert api.post("/api/v1/review/approve", {"revisions": [revisions[4]]}, "admin").status_code == 200
        assert api.post("/api/v1/review/withdraw", {"layer": "institutions", "id": own[5]["id"], "reason": "Zu"},
                        "admin").status_code == 200
        moved = update_of(own[6])
        moved["properties"]["owner"] = GMHUETTE
        assert api.push("institutions", [moved], "admin").status_code == 200
    users = ("admin", "melle.editor", "melle.reader", "bramsche.editor", "bramsche.reader")
    for username in users:
        body = pull(api, username, since=start)
        assert body.decode() == typed_page(app, username, "institutions", body), username
    bramsche = api.municipality(BRAMSCHE)["id"]
    for shares in (True, False):
        assert api.patch(f"/api/v1/municipalities/{bramsche}", {"shares_unpublished": shares},
                         "admin").status_code == 200
        for username in users:
            views = _views(app, username, "institutions")
            body = pull(api, username)
            checkout = json.loads(body)["features"]
            assert {f["id"] for f in checkout} == {i for i, v in views.items() if not v["deleted"]}, username
            assert all(f == views[f["id"]] for f in checkout), username
            assert body.decode() == typed_page(app, username, "institutions", body), (username, shares)
