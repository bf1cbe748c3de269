"""kept answers of pushes compact: results rebuilt from the push's revisions, an upload's rows packed

An applied push keeps its answer for a retry with its idempotency key (``pushes.response``). Its results
are its revisions (every change accepted, in order, numbered from the push's first), so it now keeps
everything but them (``sync.kept_answer`` rebuilds them); an indicator upload keeps its report's rows
packed (``storage.db.packed_json``). For an upload of 100,000 values the full form was one JSON document
of 30 MB, built and written with the push at the peak of its memory.

Upgrade brings the answers kept before into the compact form where the revisions give back exactly the
kept results (a push whose revisions do not, kept in full, is left as it is: the server reads both).
Downgrade writes every compact answer in full again, so the older server reads them as before.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 06:45:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from sync_server.storage.db import packed_json, unpacked_json
from sync_server.storage.models import JsonType

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_PUSHES = sa.table("pushes", sa.column("id", sa.String), sa.column("response", JsonType))
_REVISIONS = sa.table("revisions", sa.column("seq", sa.BigInteger), sa.column("feature_id", sa.String),
                      sa.column("op", sa.String), sa.column("push_id", sa.String))
_ROWS = 5000


def _results(bind: sa.Connection, push_id: str) -> list[dict[str, Any]]:
    """The results of an applied push as its full answer listed them, from its revisions."""
    r = _REVISIONS.c
    rows = bind.execute(sa.select(r.seq, r.feature_id, r.op).where(r.push_id == push_id).order_by(r.seq))
    return [{"index": index, "id": fid, "op": op_, "status": "accepted", "revision": seq}
            for index, (seq, fid, op_) in enumerate(rows)]


def _each_answer(bind: sa.Connection) -> Any:
    """(push id, kept answer) of every push, one answer at a time (an upload's can be tens of MB)."""
    for (push_id,) in bind.execute(sa.select(_PUSHES.c.id).order_by(_PUSHES.c.id)).all():
        yield push_id, bind.execute(sa.select(_PUSHES.c.response).where(_PUSHES.c.id == push_id)).scalar()


def _write(bind: sa.Connection, push_id: str, response: dict[str, Any]) -> None:
    bind.execute(sa.update(_PUSHES).where(_PUSHES.c.id == push_id).values(response=response))


def upgrade() -> None:
    bind = op.get_bind()
    for push_id, response in _each_answer(bind):
        if not isinstance(response, dict) or "results" not in response:
            continue
        rest = {k: v for k, v in response.items() if k not in ("applied", "layer", "results", "push_id")}
        if (response.get("applied") is not True or response.get("push_id") != push_id or set(rest) - {"upload"}
                or response["results"] != _results(bind, push_id)):
            continue
        compact = {"applied": True, "layer": response["layer"], "push_id": push_id}
        upload = rest.get("upload")
        if isinstance(upload, dict) and isinstance(upload.get("answer"), dict) and "rows" in upload["answer"]:
            rows = upload["answer"]["rows"]
            compact["upload"] = {**upload, "answer": {**upload["answer"], "rows": []},
                                 "packed_rows": packed_json(rows[i:i + _ROWS] for i in range(0, len(rows), _ROWS))}
        elif upload is not None:
            compact["upload"] = upload
        _write(bind, push_id, compact)


def downgrade() -> None:
    bind = op.get_bind()
    for push_id, response in _each_answer(bind):
        if not isinstance(response, dict) or "results" in response:
            continue
        full: dict[str, Any] = {"applied": response["applied"], "layer": response["layer"],
                                "results": _results(bind, push_id), "push_id": response["push_id"]}
        upload = response.get("upload")
        if isinstance(upload, dict) and "packed_rows" in upload:
            kept = {k: v for k, v in upload.items() if k != "packed_rows"}
            full["upload"] = {**kept, "answer": {**kept["answer"], "rows": unpacked_json(upload["packed_rows"])}}
        elif upload is not None:
            full["upload"] = upload
        _write(bind, push_id, full)
