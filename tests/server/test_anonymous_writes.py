"""The anonymous caller (``rights.ANONYMOUS``: the public, a login attempt) writes nothing through any
service that writes, whatever the route in front of it checks: each write service, given a context with
that actor, refuses with 403 and leaves the database as it was. One service of each kind of write; the
one write the public makes, a visitor's report, is tested in test_offer_reports.py.

Runs on SQLite and PostgreSQL/PostGIS (the ``db_url`` fixture), on the demo atlas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from sync_server.domain import accounts, configuration, pages, reports, review, sync, views
from sync_server.domain.commands import UploadOptions
from sync_server.domain.context import AtlasContext
from sync_server.domain.errors import DomainError
from sync_server.domain.indicators import catalogue
from sync_server.domain.indicators.upload import upload
from sync_server.domain.rights import ANONYMOUS
from sync_server.storage.db import make_engine, make_session_factory
from sync_server.storage.models import AuditEntry, Revision
from tests import conftest

CSV = b"Gemeinde;Jahr;Wert\n034590014014;2024;12\n"
OFFER = {"op": "insert", "id": "0b9c8a52-2f7e-4c55-9a2e-5d0a4c1f6e01", "properties": {"name": "Kita"},
         "geometry": {"type": "Point", "coordinates": [437000.0, 5800000.0]}}

WRITES: dict[str, Callable[[AtlasContext], Any]] = {
    "accounts.create_user": lambda ctx: accounts.create_user(ctx, {
        "username": "mallory", "password": "x" * 16, "role": "admin", "municipality_id": 1}),
    "configuration.save_category": lambda ctx: configuration.save_category(ctx, {"key": "k", "name": "K"}),
    "pages.save_page": lambda ctx: pages.save_page(ctx, "impressum", {"body": "defaced"}),
    "catalogue.save_theme": lambda ctx: catalogue.save_theme(ctx, {"key": "t", "name_de": "T", "name_en": "T"}),
    "review.approve": lambda ctx: review.approve(ctx, {"revisions": [1]}),
    "sync.push": lambda ctx: sync.push(ctx, "institutions", {
        "idempotency_key": "anonymous", "schema_version": sync.get_layer("institutions").schema_version,
        "changes": [OFFER]}),
    "upload.upload": lambda ctx: upload(ctx, CSV, "werte.csv", UploadOptions(indicator="bev_gesamt")),
    "views.create_view": lambda ctx: views.create_view(ctx, {
        "name": "V", "state": {"indicator": "bev_gesamt", "level": "gemeinde"}}),
    "views.decide_view": lambda ctx: views.decide_view(ctx, 1, "publish"),
    "reports.close": lambda ctx: reports.close(ctx, 1, {"answer": "done"}),
}


@pytest.mark.parametrize("service", sorted(WRITES))
def test_the_anonymous_caller_writes_nothing(db_url: str, service: str) -> None:
    engine = make_engine(db_url)
    session = make_session_factory(engine)()
    try:
        before = [session.scalar(select(func.count()).select_from(m)) for m in (AuditEntry, Revision)]
        with pytest.raises(DomainError) as refused:
            WRITES[service](AtlasContext(session, conftest.test_settings(db_url), ANONYMOUS))
        assert refused.value.status == 403, refused.value
        session.flush()
        assert [session.scalar(select(func.count()).select_from(m)) for m in (AuditEntry, Revision)] == before
    finally:
        session.rollback()
        session.close()
        engine.dispose()
