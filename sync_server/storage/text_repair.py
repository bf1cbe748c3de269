"""Find and repair stored text that cannot be encoded as UTF-8, in every text and JSON column.

Before the server refused them at the door, lone UTF-16 surrogates (``"x\\ud800y"``) could reach an
SQLite database: in JSON columns as escapes (``revisions.properties``, ``pushes.response``,
``audit_log.details``), in text columns as bytes that are no UTF-8. Every answer holding such a text
then failed while being encoded (pull, review, history, the public GeoJSON, the OGC API).
PostgreSQL refuses such text on write (UTF-8 text, ``jsonb``), so there the check finds nothing.

The repair replaces each bad character with U+FFFD (the replacement character), so the rest of
the text survives and the place stays visible. It works on the tables as the database has them
(reflected, not the current models), so the Alembic migration that runs it stays valid when the
models change later. Used by ``familienatlas-server check-text`` and by migration 0004.
"""

from __future__ import annotations

import json
import re
import warnings
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection

from ..domain.text import SURROGATES, without_surrogates
from .db import stored_json

# A JSON escape of a surrogate (\ud800 to \udfff); valid pairs match too and are sorted out by parsing.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass
class Finding:
    """One stored value that cannot be encoded as UTF-8, with its repaired form."""

    table: str
    column: str
    key: dict[str, Any]
    repaired: Any
    is_json: bool = False
    sql_type: str = ""

    def describe(self) -> str:
        keys = ", ".join(f"{k}={v}" for k, v in self.key.items())
        text = self.repaired if isinstance(self.repaired, str) else json.dumps(self.repaired, ensure_ascii=False)
        return f"{self.table}.{self.column} [{keys}]: {text[:120]!r}"


def _clean(value: Any) -> tuple[Any, bool]:
    """``value`` (text or parsed JSON) with surrogates replaced, and whether anything was replaced."""
    if isinstance(value, str):
        return (without_surrogates(value), True) if SURROGATES.search(value) else (value, False)
    if isinstance(value, list):
        items = [_clean(item) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    if isinstance(value, dict):
        pairs = [(_clean(k), _clean(v)) for k, v in value.items()]
        return {k: v for (k, _), (v, _) in pairs}, any(kc or vc for (_, kc), (_, vc) in pairs)
    return value, False


def _check_value(raw: Any, is_json: bool) -> tuple[Any, bool]:
    """The repaired value of one cell and whether it needed repair. SQLite cells arrive as bytes
    (read as BLOB, so bytes that are no UTF-8 do not fail the read); PostgreSQL's as str or, for
    jsonb, parsed."""
    if isinstance(raw, bytes):
        try:
            text, bad_bytes = raw.decode("utf-8"), False
        except UnicodeDecodeError:
            text, bad_bytes = raw.decode("utf-8", "replace"), True
        if not is_json:
            return text, bad_bytes
        if not bad_bytes and not _ESCAPED_SURROGATE.search(raw):
            return None, False
        try:
            parsed = json.loads(text)
        except ValueError:
            return text, bad_bytes  # not JSON at all: keep the decoded text
        repaired, changed = _clean(parsed)
        return repaired, changed or bad_bytes
    if isinstance(raw, str | dict | list):
        return _clean(raw)
    return raw, False


def _text_columns(inspector: sa.Inspector, table: str) -> list[tuple[str, bool, str]]:
    """(name, is JSON, SQL type) of the columns of ``table`` that hold text or JSON."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sa.exc.SAWarning)  # PostGIS's geometry type is not known to SQLAlchemy
        columns = inspector.get_columns(table)
    out = []
    for column in columns:
        kind = column["type"]
        if isinstance(kind, sa.JSON | sa.String):
            out.append((column["name"], isinstance(kind, sa.JSON), kind.__class__.__name__.upper()))
    return out


def check_text(connection: Connection, repair: bool = False) -> list[Finding]:
    """Every stored value that cannot be encoded as UTF-8; with ``repair``, each is rewritten with
    U+FFFD in place of the bad characters (in the caller's transaction)."""
    inspector = sa.inspect(connection)
    sqlite = connection.dialect.name == "sqlite"
    findings: list[Finding] = []
    for table in inspector.get_table_names():
        keys = inspector.get_pk_constraint(table)["constrained_columns"]
        columns = _text_columns(inspector, table)
        if not keys or not columns:
            continue
        selected = [sa.column(k) for k in keys] + [
            sa.cast(sa.column(name), sa.LargeBinary) if sqlite else sa.column(name) for name, _, _ in columns]
        query = sa.select(*selected).select_from(sa.table(table)).execution_options(stream_results=True)
        result = connection.execute(query)
        for row in result:
            for (name, is_json, sql_type), raw in zip(columns, row[len(keys):], strict=True):
                if raw is None:
                    continue
                repaired, bad = _check_value(raw, is_json)
                if bad:
                    key = dict(zip(keys, row[:len(keys)], strict=True))
                    findings.append(Finding(table, name, key, repaired, is_json, sql_type))
    if repair:
        for finding in findings:
            _write(connection, finding, sqlite)
    return findings


def _write(connection: Connection, finding: Finding, sqlite: bool) -> None:
    value = stored_json(finding.repaired) if finding.is_json else finding.repaired  # as the storage writes JSON
    target: Any = sa.bindparam("value")
    if finding.is_json and not sqlite:
        target = sa.cast(target, JSONB if finding.sql_type == "JSONB" else sa.JSON)
    where = [sa.column(k) == sa.bindparam(f"key_{k}") for k in finding.key]
    statement = sa.update(sa.table(finding.table, sa.column(finding.column), *map(sa.column, finding.key)))
    connection.execute(statement.where(*where).values({finding.column: target}),
                       {"value": value, **{f"key_{k}": v for k, v in finding.key.items()}})
