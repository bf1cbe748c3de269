"""Collect the plugin's translatable strings into ``qgis_plugin/i18n/familienatlas_en.ts`` (a
lupdate for Python, which Qt 5's lupdate cannot read) and compile the .qm with lrelease.

Recognised calls (German source text as a string literal):

- ``tr("…")`` with ``tr`` imported from the plugin's ``i18n`` module: context ``Familienatlas``
- ``QCoreApplication.translate("Context", "…")``
- ``self.tr("…")`` inside ``class Name``: context ``Name`` (PyQt uses the class name)

Existing translations are kept; new strings are added as unfinished (the English UI shows the
German text until someone translates them); strings no longer in the code are dropped.
``--check`` only reports what is missing or unfinished and exits with 1 if anything is.
"""

from __future__ import annotations

import argparse
import ast
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "qgis_plugin"
TS_FILE = PLUGIN / "i18n" / "familienatlas_en.ts"
DEFAULT_CONTEXT = "Familienatlas"


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    location: str


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _imports_plugin_tr(tree: ast.Module) -> bool:
    return any(isinstance(node, ast.ImportFrom) and (node.module or "").endswith("i18n")
               and any(alias.name == "tr" for alias in node.names) for node in ast.walk(tree))


def extract(path: Path) -> list[Message]:
    """The translatable strings of one Python file, in order of appearance."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    plugin_tr = _imports_plugin_tr(tree)
    found: list[Message] = []
    relative = path.relative_to(ROOT).as_posix()

    def visit(node: ast.AST, class_name: str | None) -> None:
        if isinstance(node, ast.ClassDef):
            class_name = node.name
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            where = f"{relative}:{node.lineno}"
            if isinstance(func, ast.Name) and func.id == "tr" and plugin_tr:
                text = _literal(node.args[0])
                if text is not None:
                    found.append(Message(DEFAULT_CONTEXT, text, where))
            elif isinstance(func, ast.Attribute) and func.attr == "translate" and len(node.args) >= 2:
                context, text = _literal(node.args[0]), _literal(node.args[1])
                if context is not None and text is not None:
                    found.append(Message(context, text, where))
            elif (isinstance(func, ast.Attribute) and func.attr == "tr" and isinstance(func.value, ast.Name)
                  and func.value.id == "self" and class_name):
                text = _literal(node.args[0])
                if text is not None:
                    found.append(Message(class_name, text, where))
        for child in ast.iter_child_nodes(node):
            visit(child, class_name)

    visit(tree, None)
    return found


def collect(plugin_dir: Path = PLUGIN) -> list[Message]:
    messages: list[Message] = []
    for path in sorted(plugin_dir.rglob("*.py")):
        if "__pycache__" not in path.parts:
            messages.extend(extract(path))
    return messages


def read_ts(path: Path = TS_FILE) -> dict[tuple[str, str], tuple[str, bool]]:
    """``{(context, source): (translation, finished)}`` of an existing .ts file."""
    if not path.is_file():
        return {}
    out: dict[tuple[str, str], tuple[str, bool]] = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            text = translation.text if translation is not None and translation.text else ""
            finished = translation is not None and translation.get("type") not in ("unfinished", "obsolete",
                                                                                   "vanished")
            out[(name, message.findtext("source") or "")] = (text, finished and bool(text))
    return out


def build_ts(messages: list[Message], existing: dict[tuple[str, str], tuple[str, bool]]) -> ET.ElementTree:
    root = ET.Element("TS", version="2.1", language="en_GB", sourcelanguage="de_DE")
    contexts: dict[str, ET.Element] = {}
    seen: set[tuple[str, str]] = set()
    for message in sorted(messages, key=lambda m: (m.context != DEFAULT_CONTEXT, m.context)):
        key = (message.context, message.source)
        if key in seen:
            continue
        seen.add(key)
        if message.context not in contexts:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = message.context
            contexts[message.context] = context
        element = ET.SubElement(contexts[message.context], "message")
        file_name = message.location.rsplit(":", 1)[0]
        ET.SubElement(element, "location", filename="../../" + file_name)
        ET.SubElement(element, "source").text = message.source
        text, finished = existing.get(key, ("", False))
        translation = ET.SubElement(element, "translation")
        translation.text = text
        if not finished:
            translation.set("type", "unfinished")
    ET.indent(root, space="    ")
    return ET.ElementTree(root)


def missing(messages: list[Message], existing: dict[tuple[str, str], tuple[str, bool]],
            contexts: set[str] | None = None) -> list[Message]:
    """Messages without a finished translation (optionally only of some contexts)."""
    return [m for m in messages if (contexts is None or m.context in contexts)
            and not existing.get((m.context, m.source), ("", False))[1]]


def write(path: Path = TS_FILE) -> Path:
    tree = build_ts(collect(), read_ts(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(out, encoding="unicode")
        out.write("\n")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report missing translations")
    args = parser.parse_args()
    if args.check:
        gaps = missing(collect(), read_ts())
        for message in gaps:
            print(f"{message.location}: [{message.context}] {message.source!r}")
        return 1 if gaps else 0
    print(write())
    sys.path.insert(0, str(ROOT / "scripts"))
    from build_plugin import compile_translations

    compile_translations(TS_FILE.parent)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
