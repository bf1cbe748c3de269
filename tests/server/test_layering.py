"""The domain layer and the OGC API documents know no web framework: they run under the CLI, the
demo loader and the tests as they run under Flask (docs/architecture.md, layers of the code)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import sync_server

CODE = """
import importlib, pkgutil, sys
import sync_server.domain, sync_server.ogcapi
for package in (sync_server.domain, sync_server.ogcapi):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):
        importlib.import_module(info.name)
banned = {'flask', 'flask_jwt_extended', 'werkzeug'}
print(sorted({m.split('.')[0] for m in sys.modules} & banned))
"""


def test_domain_and_ogcapi_import_no_web_framework() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_only_the_unit_of_work_commits() -> None:
    """A request's writes are committed in one place (the app's unit of work, docs/architecture.md); routes
    and domain services never commit or roll back a transaction themselves. The login throttle's own
    transactions and the command line go through storage.db.session_scope."""
    root = Path(sync_server.__file__).parent
    found = [f"{path.relative_to(root)}:{number}" for folder in ("domain", "http", "ogcapi")
             for path in sorted((root / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"\.commit\(\)", line)]
    assert found == []
