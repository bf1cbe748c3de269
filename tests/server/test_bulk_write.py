"""The bulk write stores the same rows whether they are given as dicts or column by column.

``lifecycle.submit`` hands a push's revisions to ``storage.db.bulk_insert`` as :class:`Columns` (the values
every row shares given once); rows given as dicts (the read model's writes) must come out the same: JSON as
the text the storage writes, geometry, times, on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from shapely.geometry import Point
from sqlalchemy import Text, func, select, type_coerce

from sync_server.storage.db import Columns, bulk_insert, make_engine
from sync_server.storage.models import Municipality, Revision, User

_PER_ROW = ("seq", "feature_id", "properties", "geometry")


def test_rows_given_column_by_column_are_stored_as_rows_given_as_dicts(db_url: str) -> None:
    engine = make_engine(db_url)
    r = Revision.__table__.c
    try:
        with engine.connect() as conn:  # rolled back at the end
            owner = conn.execute(select(Municipality.id).limit(1)).scalar_one()
            author = conn.execute(select(User.id).limit(1)).scalar_one()
            top = conn.execute(select(func.max(r.seq))).scalar() or 0
            now = datetime(2026, 12, 2, 10, 30, 15, 123456, tzinfo=UTC)

            def row(seq: int, fid: str, i: int) -> dict[str, Any]:
                return {"seq": seq, "layer": "bulk_test", "feature_id": fid, "parent_seq": None, "op": "insert",
                        "owner_id": owner, "properties": {"n": i, "Straße": "Müller \"Süd\"", "x": None, "v": 0.1 + i},
                        "geometry": Point(430000.5 + i, 5790000.25) if i else None, "author_id": author,
                        "created_at": now, "push_id": "bulk-push", "state": "pending"}

            as_dicts = [row(top + 1 + i, f"a{i}", i) for i in range(3)]
            by_column = [row(top + 4 + i, f"b{i}", i) for i in range(3)]
            bulk_insert(conn, Revision.__table__, as_dicts)
            bulk_insert(conn, Revision.__table__, Columns(
                each={name: [one[name] for one in by_column] for name in _PER_ROW},
                same={name: value for name, value in by_column[0].items() if name not in _PER_ROW}))
            stored = conn.execute(select(r.feature_id, r.parent_seq, r.op, r.owner_id, type_coerce(r.properties, Text),
                                         type_coerce(r.geometry, Text), r.author_id, r.created_at, r.push_id, r.state)
                                  .where(r.layer == "bulk_test").order_by(r.seq)).all()
    finally:
        engine.dispose()
    assert [row[0] for row in stored] == ["a0", "a1", "a2", "b0", "b1", "b2"]
    assert [tuple(row[1:]) for row in stored[:3]] == [tuple(row[1:]) for row in stored[3:]]
    assert stored[1][4] is not None and stored[0][5] is None and stored[1][5] is not None
