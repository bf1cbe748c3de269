"""The README's configuration table names exactly the variables the server reads (sync_server/config.py),
so an operator never looks for a setting that does not exist or misses one that does."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIABLE = re.compile(r"FAMILIENATLAS_[A-Z0-9_]+")


def _readme_table() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `FAMILIENATLAS_")]
    return {name for cell in rows for name in VARIABLE.findall(cell)}


def test_readme_lists_every_setting_of_config_py() -> None:
    read = set(VARIABLE.findall((ROOT / "sync_server" / "config.py").read_text(encoding="utf-8")))
    documented = _readme_table()
    assert read, "config.py reads no FAMILIENATLAS_ variables?"
    assert read - documented == set(), "settings missing from the README's configuration table"
    assert documented - read == set(), "README documents settings the server does not read"
