"""The answer a push and an indicator upload keep for a retry with their idempotency key, on both databases:
kept compactly (a push's results are its revisions; an upload's report rows packed), a retry gets the
first answer exactly, and migration 0015 writes the kept answers in full and back again without changing
what a retry gets."""

from __future__ import annotations

import uuid

from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import select

from sync_server.storage import migrate
from sync_server.storage.db import unpacked_json
from sync_server.storage.models import Push
from tests.server.test_indicator_upload import atlas, csv, send  # noqa: F401 - atlas is a fixture
from tests.server.test_push_protocol import melle_point
from tests.support import MELLE, Api, insert


def kept(app: Flask, push_id: str) -> dict:
    with app.extensions["familienatlas"].session_factory() as session:
        return session.scalar(select(Push.response).where(Push.id == push_id))


def unpacked(response: dict) -> dict:
    """A kept answer with an upload's packed rows unpacked (PostgreSQL keeps JSON keys in an order of its
    own, so packing them again need not give the same text)."""
    upload = response.get("upload")
    if upload is None or "packed_rows" not in upload:
        return response
    return {**response, "upload": {**upload, "packed_rows": unpacked_json(upload["packed_rows"])}}


def first_answers(api: Api, atlas: dict) -> list[tuple]:  # noqa: F811
    """A push of two institutions and an upload of three values: (how to retry, the first answer)."""
    p = melle_point(api)
    changes = [insert(None, p.x, p.y, name="Erste"), insert(None, p.x + 20, p.y, name="Zweite")]
    key = str(uuid.uuid4())
    pushed = api.push("institutions", changes, "melle.editor", key=key)
    assert pushed.status_code == 200, pushed.get_json()
    a, b = atlas[MELLE][:2]
    data = csv(f"{a['key']};;2022;10", f"{a['key']};;2023;12", f"{b['key']};Ortsteil;2023;30")
    upload_key = str(uuid.uuid4())
    uploaded = send(api, "melle.editor", data, indicator="up_kinder", dry_run=False, idempotency_key=upload_key)
    assert uploaded.status_code == 200, uploaded.get_json()

    def push_again():  # noqa: ANN202
        return api.push("institutions", changes, "melle.editor", key=key)

    def upload_again():  # noqa: ANN202
        return send(api, "melle.editor", data, indicator="up_kinder", dry_run=False, idempotency_key=upload_key)

    return [(push_again, pushed.get_json()), (upload_again, uploaded.get_json())]


def retries_get_the_first_answers(answers: list[tuple]) -> None:
    for again, first in answers:
        r = again()
        assert r.status_code == 200 and r.get_json() == {**first, "replayed": True}


def test_kept_answers_are_compact_and_a_retry_gets_the_first_answer(api: Api, app: Flask, atlas: dict) -> None:  # noqa: F811
    answers = first_answers(api, atlas)
    (_p, pushed), (_u, uploaded) = answers
    assert kept(app, pushed["push_id"]) == {"applied": True, "layer": "institutions", "push_id": pushed["push_id"]}
    upload = kept(app, uploaded["push_id"])
    assert "results" not in upload and upload["upload"]["answer"]["rows"] == []
    assert isinstance(upload["upload"]["packed_rows"], str)
    retries_get_the_first_answers(answers)


def test_the_migration_writes_kept_answers_in_full_and_back(api: Api, app: Flask, atlas: dict,  # noqa: F811
                                                            db_url: str) -> None:
    answers = first_answers(api, atlas)
    (_p, pushed), (_u, uploaded) = answers
    compact = {a["push_id"]: unpacked(kept(app, a["push_id"])) for _again, a in answers}
    script = ScriptDirectory.from_config(migrate.alembic_config(db_url))
    step = next(r for r in script.walk_revisions() if r.path.endswith("_compact_kept_answers.py"))
    engine = app.extensions["familienatlas"].engine
    migrate.downgrade(engine, step.down_revision)
    # in full, as the server before kept them (and still reads them)
    assert kept(app, pushed["push_id"]) == pushed
    full = kept(app, uploaded["push_id"])
    assert {k: v for k, v in full.items() if k != "upload"} == {
        "applied": True, "layer": "indicator_values", "push_id": uploaded["push_id"],
        "results": [{"index": i, "id": r["id"], "op": "insert", "status": "accepted", "revision": r["revision"]}
                    for i, r in enumerate(full["results"])]}
    assert len(full["results"]) == 3
    assert full["upload"]["answer"] == uploaded
    retries_get_the_first_answers(answers)
    migrate.upgrade(engine)
    assert {a["push_id"]: unpacked(kept(app, a["push_id"])) for _again, a in answers} == compact
    retries_get_the_first_answers(answers)
