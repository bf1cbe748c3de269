"""``load-standard-catalogue``: a fresh atlas gets the standard German catalogue; an atlas that has one
keeps whatever its admin adapted (idempotent, the version moves only when something is added)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from sync_server.domain.context import AtlasContext
from sync_server.domain.contract import dump
from sync_server.domain.indicators import catalogue, standard
from sync_server.domain.rights import OPERATOR
from sync_server.storage.db import make_engine, make_session_factory, session_scope
from sync_server.storage.models import Category, Indicator, IndicatorTheme
from tests import conftest

CLI = [sys.executable, "-m", "sync_server.cli"]


def test_an_adapted_catalogue_keeps_its_changes_and_gets_only_what_is_missing(db_url: str) -> None:
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:  # the demo is built on the standard catalogue
        assert set(session.scalars(select(Indicator.key))) == set(standard.BY_KEY)
        operator = AtlasContext(session, conftest.test_settings(db_url), OPERATOR)
        catalogue.save_indicator(operator, {"name_de": "Kita-Quote U3", "min_denominator": 20},
                                 key="betreuungsquote_u3")
        catalogue.delete_indicator(operator, "angebote_freizeit_je_1000")
        before = catalogue.version(session)
    with session_scope(factory) as session:
        report = standard.load_standard_catalogue(AtlasContext(session, conftest.test_settings(db_url), OPERATOR))
        assert (report["levels"], report["categories"], report["themes"], report["indicators"]) == (0, 0, 0, 1)
        assert report["version"] == before + 1
    with session_scope(factory) as session:
        quote = session.scalar(select(Indicator).where(Indicator.key == "betreuungsquote_u3"))
        assert (quote.name_de, quote.min_denominator) == ("Kita-Quote U3", 20)
        back = catalogue.load(session).indicators["angebote_freizeit_je_1000"]
        assert back.provision == {"category": "freizeit", "population": "bev_u18", "per": 1000}
        again = standard.load_standard_catalogue(AtlasContext(session, conftest.test_settings(db_url), OPERATOR))
        assert (again["indicators"], again["version"]) == (0, before + 1)
    engine.dispose()


def test_the_command_fills_a_fresh_atlas_once(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILIENATLAS_")}
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*CLI, "--database", url, "--mode", "demo", *args], env=env, capture_output=True,
                              text=True, timeout=120, check=False)

    assert run("init-db").returncode == 0
    first = run("load-standard-catalogue")
    assert first.returncode == 0, first.stderr
    assert "added 4 levels, 41 categories, 7 themes, 74 indicators; indicator catalogue version 1." in first.stdout
    second = run("load-standard-catalogue")
    assert second.returncode == 0, second.stderr
    assert "added 0 levels, 0 categories, 0 themes, 0 indicators; indicator catalogue version 1." in second.stdout
    engine = make_engine(url)
    with session_scope(make_session_factory(engine)) as session:
        assert session.scalar(select(func.count()).select_from(Category)) == 41
        assert list(session.scalars(select(IndicatorTheme.key).order_by(IndicatorTheme.position))) == [
            t.key for t in standard.THEMES]
        view = dump(catalogue.catalogue_view(AtlasContext(session, conftest.test_settings(url), OPERATOR)))
        stored = {i["key"]: i for i in view["indicators"]}
        for definition in standard.INDICATORS:
            body = definition.body()
            assert {k: stored[definition.key][k] for k in body} == body, definition.key
    engine.dispose()
