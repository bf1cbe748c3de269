"""The offer catalogue in two languages with its search words: served with the public catalogue,
edited by the admin (checked, audited), seeded by the standard catalogue without overwriting an admin's
choice. The rights of the edit are checked cell by cell in test_admin_api.py (its rights table).

Every test runs on SQLite and PostgreSQL/PostGIS (through the ``api`` fixture) against the real app.
"""

from __future__ import annotations

from sqlalchemy import select

from sync_server.domain.context import AtlasContext
from sync_server.domain.indicators import standard
from sync_server.domain.rights import OPERATOR
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import Category
from tests import conftest
from tests.server.test_admin_api import API, assert_problem, audit, category, snapshot


def test_the_public_catalogue_carries_english_names_and_search_words(api) -> None:  # noqa: ANN001
    childminding = category(api, "kindertagespflege")
    assert childminding["name"] == "Kindertagespflege"
    assert childminding["name_en"] == "Childminding"
    assert {"Tagesmutter", "Tagesvater"} <= set(childminding["keywords_de"])
    assert "childminder" in childminding["keywords_en"]
    assert "Jugendamt" in category(api, "erziehungsberatung")["keywords_de"]
    assert "Schulden" in category(api, "schuldnerberatung")["keywords_de"]


def test_the_admin_edits_the_search_words(api) -> None:  # noqa: ANN001
    cat = category(api, "schuldnerberatung")
    r = api.patch(f"{API}/categories/{cat['id']}",
                  {"keywords_de": [" Schulden ", "Pfändung", "schulden"], "keywords_en": []}, "admin")
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["keywords_de"], r.get_json()["keywords_en"]) == (["Schulden", "Pfändung"], [])
    again = category(api, "schuldnerberatung")
    assert (again["keywords_de"], again["keywords_en"], again["name"]) == (["Schulden", "Pfändung"], [],
                                                                            "Schuldnerberatung")
    entry = audit(api, action="category_saved")[0]
    assert entry["target"] == f"category:{cat['id']}"
    assert entry["details"]["keywords_de"] == ["Schulden", "Pfändung"]


def test_bad_search_words_are_refused_and_nothing_is_written(api, app) -> None:  # noqa: ANN001
    cat = category(api, "schuldnerberatung")
    api.headers("admin")
    before = snapshot(app)
    for body, field in (({"keywords_de": "Schulden"}, "keywords_de"), ({"keywords_en": ["debt", 5]}, "keywords_en"),
                        ({"keywords_de": ["x" * 61]}, "keywords_de"), ({"keywords_en": [" "]}, "keywords_en"),
                        ({"keywords_de": [f"w{i}" for i in range(31)]}, "keywords_de"),
                        ({"name_en": "x" * 201}, "name_en")):
        doc = assert_problem(api.patch(f"{API}/categories/{cat['id']}", body, "admin"), 422, "invalid_body")
        assert [e["field"] for e in doc["errors"]] == [field], doc
    assert snapshot(app) == before


def test_an_empty_english_name_falls_back_to_none(api) -> None:  # noqa: ANN001
    cat = category(api, "hort")
    r = api.patch(f"{API}/categories/{cat['id']}", {"name_en": "  "}, "admin")
    assert r.status_code == 200, r.get_json()
    assert category(api, "hort")["name_en"] is None


def test_the_standard_catalogue_completes_what_was_never_set(db_url: str) -> None:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:  # an atlas from before the search words; one emptied by its admin
        for cat in session.scalars(select(Category).where(Category.key.in_(("kindertagespflege", "hort")))):
            cat.name_en = None
            cat.keywords_de = cat.keywords_en = None
        session.scalar(select(Category).where(Category.key == "schuldnerberatung")).keywords_de = []
    with session_scope(factory) as session:
        report = standard.load_standard_catalogue(AtlasContext(session, conftest.test_settings(db_url), OPERATOR))
        assert report["categories"] == 0
    with session_scope(factory) as session:
        by_key = {c.key: c for c in session.scalars(select(Category))}
        assert by_key["kindertagespflege"].name_en == "Childminding"
        assert "Tagesmutter" in by_key["kindertagespflege"].keywords_de
        assert by_key["hort"].keywords_en
        assert by_key["schuldnerberatung"].keywords_de == []  # the admin's choice stays
    engine.dispose()
