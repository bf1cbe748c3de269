"""Text the atlas cannot store: one rule for every way text comes in (HTTP bodies, URLs, the CLI, imports).

Two kinds of characters are refused:

- NUL (U+0000): PostgreSQL cannot store it in text or JSON columns;
- lone UTF-16 surrogates (U+D800 to U+DFFF, e.g. the JSON escape ``\\ud800`` without its partner):
  they are no Unicode characters and cannot be encoded as UTF-8. PostgreSQL refuses them, SQLite
  stores them, and every answer that later includes such a text fails when it is encoded.

The check walks parsed JSON without allocating anything per element: the path of a finding (e.g.
``changes[3].properties.name``) is worked out only once something is wrong, from the open containers.
"""

from __future__ import annotations

import re
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


def _member_name(container: dict | list, member: Any) -> Any:
    """The key or index under which ``member`` (an object, by identity) lies in ``container``; only
    called on a finding."""
    pairs = container.items() if isinstance(container, dict) else enumerate(container)
    return next(key for key, value in pairs if value is member)


def _error(containers: list[dict | list], last: Any, code: str, is_key: bool = False) -> FieldError:
    """The field error for ``last`` (the bad text, or a dict key) inside the innermost of
    ``containers``; the path is worked out from the containers now that something is wrong."""
    names = [_member_name(parent, child) for parent, child in zip(containers, containers[1:], strict=False)]
    names.append(last if is_key else _member_name(containers[-1], last))
    path = ""
    for name in names:
        path += f"[{name}]" if isinstance(name, int) else (f".{name}" if path else str(name))
    return FieldError(printable(path) or "body", code)


def find_bad_text(data: Any) -> FieldError | None:
    """The first text in ``data`` (parsed JSON: values and object keys) that cannot be stored, as a
    field error naming its path; None when all text is fine.

    The walk keeps only the open containers and their iterators: no path, index or tuple per
    element (parsed JSON has exact types, so ``type(x) is str`` is enough and fast)."""
    if type(data) is str:
        code = text_fault(data)
        return FieldError("body", code) if code else None
    if type(data) is not dict and type(data) is not list:
        return None
    search = UNSTORABLE.search
    containers: list[Any] = [data]
    frames: list[Any] = [iter(data.items()) if type(data) is dict else iter(data)]
    while frames:
        child = None
        if type(containers[-1]) is dict:
            for key, value in frames[-1]:
                if search(key):
                    return _error(containers, key, text_fault(key) or "bad_text", is_key=True)
                kind = type(value)
                if kind is str:
                    if search(value):
                        return _error(containers, key, text_fault(value) or "bad_text", is_key=True)
                elif kind is dict or kind is list:
                    child = value
                    break
        else:
            for value in frames[-1]:
                kind = type(value)
                if kind is str:
                    if search(value):
                        return _error(containers, value, text_fault(value) or "bad_text")
                elif kind is dict or kind is list:
                    child = value
                    break
        if child is None:
            frames.pop()
            containers.pop()
        else:
            containers.append(child)
            frames.append(iter(child.items()) if type(child) is dict else iter(child))
    return None


def json_values_bound(raw: bytes) -> int:
    """An upper bound of the number of values (array elements, object members, scalars) in the JSON
    text ``raw``, counted on the bytes before parsing: every value but the first in a container
    follows a comma, and every container opens with a bracket. Commas inside strings count too, so
    the bound is never too low."""
    return raw.count(b",") + raw.count(b"[") + raw.count(b"{") + 1
