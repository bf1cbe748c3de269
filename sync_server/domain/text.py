"""Text the atlas cannot store: one rule for every way text comes in (HTTP bodies, URLs, the CLI, imports).

Two kinds of characters are refused:

- NUL (U+0000): PostgreSQL cannot store it in text or JSON columns;
- lone UTF-16 surrogates (U+D800 to U+DFFF, e.g. the JSON escape ``\\ud800`` without its partner):
  they are no Unicode characters and cannot be encoded as UTF-8. PostgreSQL refuses them, SQLite
  stores them, and every answer that later includes such a text fails when it is encoded.

The check walks parsed JSON without allocating anything per element: the path of a finding (e.g.
``changes[3].properties.name``) is built only once something is wrong, from the walk's own stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .errors import FieldError

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def text_fault(value: str) -> str | None:
    """The field error code for ``value`` (``nul_character`` or ``bad_text``), or None when it can be stored."""
    found = UNSTORABLE.search(value)
    if found is None:
        return None
    return "nul_character" if found.group() == "\x00" else "bad_text"


def printable(value: str) -> str:
    """``value`` with every unstorable character replaced by U+FFFD, safe to echo in an answer."""
    return UNSTORABLE.sub(REPLACEMENT, value)


def without_surrogates(value: str) -> str:
    """``value`` with lone surrogates replaced by U+FFFD (what a repair of stored text writes)."""
    return SURROGATES.sub(REPLACEMENT, value)


def _members(value: dict | list) -> Iterator[tuple[Any, Any]]:
    return iter(value.items()) if isinstance(value, dict) else enumerate(value)


def _path(keys: list[Any]) -> str:
    out = ""
    for key in keys:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return printable(out) or "body"


def find_bad_text(data: Any) -> FieldError | None:
    """The first text in ``data`` (parsed JSON: values and object keys) that cannot be stored, as a
    field error naming its path; None when all text is fine."""
    if isinstance(data, str):
        code = text_fault(data)
        return FieldError("body", code) if code else None
    if not isinstance(data, dict | list):
        return None
    keys: list[Any] = []  # the key or index of each open container below the top
    frames = [_members(data)]
    while frames:
        for key, value in frames[-1]:
            if isinstance(key, str) and (code := text_fault(key)):
                return FieldError(_path([*keys, key]), code)
            if isinstance(value, str):
                if code := text_fault(value):
                    return FieldError(_path([*keys, key]), code)
            elif isinstance(value, dict | list):
                keys.append(key)
                frames.append(_members(value))
                break
        else:
            frames.pop()
            if keys:
                keys.pop()
    return None


def json_values_bound(raw: bytes) -> int:
    """An upper bound of the number of values (array elements, object members, scalars) in the JSON
    text ``raw``, counted on the bytes before parsing: every value but the first in a container
    follows a comma, and every container opens with a bracket. Commas inside strings count too, so
    the bound is never too low."""
    return raw.count(b",") + raw.count(b"[") + raw.count(b"{") + 1
