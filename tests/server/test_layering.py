"""The domain layer and the OGC API documents know no web framework: they run under the CLI, the
demo loader and the tests as they run under Flask (docs/architecture.md, layers of the code)."""

from __future__ import annotations

import subprocess
import sys

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
