"""A static guard for QGIS 4 / Qt6: every .py file of qgis_plugin/ must run on PyQt5 and PyQt6.

Qt6 drops ``exec_()``, makes every enum scoped (``Qt.AlignmentFlag.AlignLeft``, never
``Qt.AlignLeft``) and QGIS 4 ships only ``qgis.PyQt``'s shims for the binding. Three checks, each
finding reported as ``file:line``:

* patterns over the code with strings and comments blanked out (``exec_(``, the common unscoped
  enums, ``QVariant`` types and ``QRegExp`` that Qt6 removed);
* imports, read from the syntax tree (no PyQt5/PyQt6/PySide/sip directly, only ``qgis.PyQt``);
* every ``Class.Member`` on a class imported from ``qgis.*`` resolved against the running QGIS: an
  enum member reached through its enclosing class instead of its enum is unscoped.

Plus metadata.txt: ``supportsQt6=True`` and ``qgisMinimumVersion=3.22``.
"""

from __future__ import annotations

import ast
import configparser
import enum
import importlib
import io
import re
import tokenize
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "qgis_plugin"

#: (pattern, what is wrong), matched against code without strings and comments.
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), why) for p, why in (
    (r"\bexec_\s*\(", "exec_() is gone in Qt6; use exec()"),
    (r"(?<![\w.])(?:QtCore\.)?Qt\.(AlignLeft|AlignRight|AlignCenter|AlignHCenter|AlignVCenter|AlignTop|AlignBottom"
     r"|UserRole|DisplayRole|EditRole|ToolTipRole|DecorationRole|CheckStateRole|ForegroundRole|BackgroundRole"
     r"|Checked|Unchecked|PartiallyChecked|ItemIsEnabled|ItemIsSelectable|ItemIsEditable|ItemIsUserCheckable"
     r"|NoItemFlags|Horizontal|Vertical|WaitCursor|RightDockWidgetArea|LeftDockWidgetArea|AscendingOrder"
     r"|DescendingOrder|CaseInsensitive|MatchExactly|PlainText|RichText|WindowModal|ApplicationModal)\b",
     "unscoped Qt enum"),
    (r"\bQDialogButtonBox\.(Ok|Cancel|Save|Close|Apply|Yes|No|Discard|Reset|Help)\b", "unscoped QDialogButtonBox enum"),
    (r"\bQMessageBox\.(Yes|No|Ok|Cancel|Save|Discard|Close|Warning|Information|Critical|Question)\b",
     "unscoped QMessageBox enum"),
    (r"\bQSizePolicy\.(Expanding|Fixed|Preferred|Minimum|Maximum|MinimumExpanding|Ignored)\b",
     "unscoped QSizePolicy enum"),
    (r"\bQAbstractItemView\.(SelectRows|SelectItems|SingleSelection|ExtendedSelection|MultiSelection"
     r"|NoSelection|NoEditTriggers)\b", "unscoped QAbstractItemView enum"),
    (r"\bQHeaderView\.(Stretch|ResizeToContents|Interactive|Fixed)\b", "unscoped QHeaderView enum"),
    (r"\bQDialog\.(Accepted|Rejected)\b", "unscoped QDialog enum"),
    (r"\bQgsTask\.(CanCancel|CancelWithoutPrompt|Hidden|Silent|AllFlags)\b", "unscoped QgsTask enum"),
    (r"\bQVariant\.(String|Int|Double|Bool|Date|DateTime|LongLong|StringList|Invalid)\b",
     "QVariant types are gone in Qt6; use QMetaType.Type"),
    (r"\bQRegExp\b", "QRegExp is gone in Qt6; use QRegularExpression"),
))

#: Modules the plugin must reach only through qgis.PyQt.
BINDINGS = ("PyQt5", "PyQt6", "PySide2", "PySide6", "sip", "shiboken2", "shiboken6")


def plugin_files() -> list[Path]:
    files = sorted(PLUGIN.rglob("*.py"))
    assert len(files) > 20 and PLUGIN / "plugin.py" in files  # the guard really looks at the plugin
    return files


def _code_only(source: str) -> list[str]:
    """The source's lines with every string and comment replaced by spaces (lines keep their numbers)."""
    lines = source.splitlines(keepends=True)
    blank = {tokenize.STRING, tokenize.COMMENT}
    blank |= {getattr(tokenize, name) for name in ("FSTRING_MIDDLE",) if hasattr(tokenize, name)}
    chars = [list(line) for line in lines]
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in blank:
            continue
        (row, col), (end_row, end_col) = token.start, token.end
        for r in range(row, end_row + 1):
            line = chars[r - 1]
            start = col if r == row else 0
            stop = end_col if r == end_row else len(line)
            for i in range(start, min(stop, len(line))):
                if line[i] != "\n":
                    line[i] = " "
    return ["".join(line) for line in chars]


def pattern_findings(path: Path, source: str) -> list[str]:
    found = []
    for number, line in enumerate(_code_only(source), start=1):
        for pattern, why in PATTERNS:
            for match in pattern.finditer(line):
                found.append(f"{path}:{number}: {match.group(0).strip()} ({why})")
    return found


def import_findings(path: Path, tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        for module in modules:
            if module.split(".")[0] in BINDINGS:
                found.append(f"{path}:{node.lineno}: import of {module} (use qgis.PyQt)")
    return found


def _is_enum_member(value: Any) -> bool:
    """An enum member of PyQt5 (sip enum: an int whose type is a sip enumtype) or PyQt6/Python enums."""
    if isinstance(value, enum.Enum):
        return True
    return isinstance(value, int) and type(type(value)).__name__ == "enumtype"


def _dotted(node: ast.expr) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return [node.id, *reversed(parts)]


def enum_findings(path: Path, tree: ast.AST) -> list[str]:
    """``Class.Member`` where Member is an enum member of a nested enum of Class (needs a running QGIS)."""
    imported: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "qgis":
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    imported[alias.asname or alias.name] = getattr(module, alias.name)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        chain = _dotted(node)
        if chain is None or chain[0] not in imported:
            continue
        parent: Any = imported[chain[0]]
        for name in chain[1:-1]:
            parent = getattr(parent, name, None)
        if not isinstance(parent, type) or _is_enum_member_type(parent):
            continue
        try:
            value = getattr(parent, chain[-1])
        except AttributeError:
            found.append(f"{path}:{node.lineno}: {'.'.join(chain)} does not exist in this QGIS/Qt")
            continue
        if _is_enum_member(value) and type(value) is not parent:
            scoped = f"{'.'.join(chain[:-1])}.{type(value).__name__}.{chain[-1]}"
            found.append(f"{path}:{node.lineno}: unscoped enum {'.'.join(chain)} (use {scoped})")
    return found


def _is_enum_member_type(cls: type) -> bool:
    """The enum types themselves: members reached through them are the scoped form."""
    return issubclass(cls, enum.Enum) or type(cls).__name__ == "enumtype"


def findings(path: Path, source: str) -> list[str]:
    tree = ast.parse(source, str(path))
    return pattern_findings(path, source) + import_findings(path, tree) + enum_findings(path, tree)


def test_every_plugin_file_is_qt6_ready() -> None:
    problems = []
    for path in plugin_files():
        problems += findings(path.relative_to(ROOT), path.read_text(encoding="utf-8"))
    assert not problems, "Not ready for QGIS 4 / Qt6:\n" + "\n".join(problems)


def test_metadata_declares_qt6_and_the_minimum_version() -> None:
    meta = configparser.ConfigParser(interpolation=None)
    assert meta.read(ROOT / "metadata.txt", encoding="utf-8")
    general = meta["general"]
    assert general.get("supportsQt6") == "True", "metadata.txt: supportsQt6=True is missing"
    assert general.get("qgisMinimumVersion") == "3.22", "metadata.txt: qgisMinimumVersion must be 3.22"


BAD = '''\
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLineEdit
from qgis.core import QgsTask
from PyQt5.QtCore import QVariant
import sip

def show(dialog):
    dialog.exec_()
    label.setAlignment(Qt.AlignLeft)
    box = QDialogButtonBox(QDialogButtonBox.Ok)
    header.setSectionResizeMode(QHeaderView.Stretch)
    task = QgsTask("x", QgsTask.CanCancel)
    if dialog.result() == QDialog.Accepted:
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable
    edit.setEchoMode(QLineEdit.Password)
'''

GOOD = '''\
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QHeaderView
from qgis.core import QgsTask

def show(dialog):
    """Not dialog.exec_(), not Qt.AlignLeft: scoped, as Qt6 wants."""
    dialog.exec()  # was exec_() and Qt.AlignLeft
    label.setAlignment(Qt.AlignmentFlag.AlignLeft)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    task = QgsTask("x", QgsTask.Flag.CanCancel)
    note = f"QMessageBox.Yes {Qt.AlignmentFlag.AlignRight}"
    return dialog.result() == QDialog.DialogCode.Accepted
'''


@pytest.mark.parametrize(("line", "needle"), [
    (4, "import of PyQt5.QtCore"), (5, "import of sip"), (8, "exec_("), (9, "Qt.AlignLeft"),
    (10, "QDialogButtonBox.Ok"), (11, "QHeaderView.Stretch"), (12, "QgsTask.CanCancel"), (13, "QDialog.Accepted"),
    (14, "Qt.ItemIsEnabled"), (14, "Qt.ItemIsSelectable"),
    (15, "QLineEdit.Password (use QLineEdit.EchoMode.Password)"),  # found by resolving, not by a pattern
])
def test_the_guard_finds_each_kind_of_violation(line: int, needle: str) -> None:
    problems = findings(Path("bad.py"), BAD)
    assert any(p.startswith(f"bad.py:{line}:") and needle in p for p in problems), problems


def test_the_guard_accepts_the_scoped_forms_and_ignores_strings_and_comments() -> None:
    assert findings(Path("good.py"), GOOD) == []
