"""Upload of indicator values from a spreadsheet: the dry run's report and the one push that applies it.

The file is read by :mod:`.spreadsheet`; here its rows meet the atlas: units are matched by key (with
the tolerance real files need: a lost leading zero, the 8-digit AGS for a 12-digit ARS) or by name
(case, umlaut, space and hyphen tolerant), indicators by key or name, and every row is checked with the
value rules of :mod:`.values`. What may be written is decided where every other write is decided:
the rows become one push of the ``indicator_values`` layer through :func:`..sync.push` (ownership
through :func:`..rights.write_refusal`), in a dry run only checked, for real applied as a whole or not
at all. Nothing here knows HTTP.

Per row the report says ``new``, ``changed`` (old -> new), ``unchanged``, ``refused`` (the ownership
rule's code) or ``invalid`` (the problem's code); rows the reader skipped (title, totals, blank rows,
cells without a value) are listed apart.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from ...storage.db import in_chunks, packed_json, unpacked_json
from ...storage.models import Push
from .. import lifecycle, sequence, sync
from ..answers import PushAnswer, SkippedLine, UploadFile, UploadReport, UploadRow
from ..commands import UploadOptions
from ..context import AtlasContext
from ..contract import dump, load
from ..errors import DomainError, FieldError, Invalid, NotFound
from ..rights import Actor, may_read_unpublished
from . import values
from .catalogue import RATIO_KINDS, IndicatorDef
from .confidentiality import SCALES
from .spreadsheet import RawRow, Table, fold, read_table
from .units import Unit

STATUSES = ("new", "changed", "unchanged", "refused", "invalid")
_CHUNK = 5_000  # rows checked at a time where nothing needs them all at once
_COMPARED = ("value", "numerator", "denominator", "provisional", "estimated", "series_break", "note", "level")


# --- matching -----------------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Like :func:`.spreadsheet.fold`, with umlauts as plain vowels: "Fürstenau" = "Furstenau"."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", text.replace("ß", "ss"))


# Words in front of a name that files add or leave out: "Samtgemeinde Bersenbrück" / "Bersenbrück".
_KIND_WORDS = re.compile(r"^(samtgemeinde|sg|stadt|gemeinde|einheitsgemeinde|flecken|landkreis|lk|kreis|ortsteil|"
                         r"ot|stadtteil|mitgliedsgemeinde)\b[\s.:-]*", re.IGNORECASE)
_KIND_LEVEL = {"samtgemeinde": "gemeinde", "sg": "gemeinde", "landkreis": "landkreis", "lk": "landkreis",
               "kreis": "landkreis", "mitgliedsgemeinde": "mitgliedsgemeinde"}


def _name_forms(name: str) -> tuple[set[str], set[str]]:
    """The spellings a name is found by: as written, and without a kind word in front."""
    stripped = _KIND_WORDS.sub("", name.strip())
    full = {fold(name), _plain(name)}
    bare = {fold(stripped), _plain(stripped)} if stripped and stripped != name.strip() else set(full)
    return full - {""}, bare - {""}


@dataclass
class UnitMatcher:
    """Finds units by what a file writes for them; built once per upload (one pass over the units)."""

    units: dict[str, Unit]
    by_key: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_name: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    by_bare_name: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _cache: dict[tuple[str, tuple[str, ...]], tuple[str | None, str | None, list[str]]] = field(
        default_factory=dict)

    def __post_init__(self) -> None:
        for key, unit in self.units.items():
            forms = {key.lower(), key.lstrip("0")}
            if len(key) == 12 and key.isdigit():
                ags = key[:5] + key[9:]  # the 12-digit ARS of a municipality and its 8-digit AGS
                forms |= {ags, ags.lstrip("0")}
            for form in forms:
                self.by_key[form].append(key)
            full, bare = _name_forms(unit.name)
            for form in full:
                self.by_name[form].append(key)
            for form in bare | full:
                self.by_bare_name[form].append(key)

    def match(self, written: str, levels: tuple[str, ...]) -> tuple[str | None, str | None, list[str]]:
        """(unit key, None, []) when found; (None, code, candidates) when not: unknown_unit, ambiguous_unit.

        ``levels`` narrows the candidates (the upload's level, else the indicator's levels)."""
        cached = self._cache.get((written, levels))
        if cached is None:
            cached = self._cache[(written, levels)] = self._match(written, levels)
        return cached

    def _match(self, written: str, levels: tuple[str, ...]) -> tuple[str | None, str | None, list[str]]:
        text = written.strip()
        if text in self.units:
            return text, None, []
        compact = re.sub(r"[\s.]", "", text)
        full, bare = _name_forms(text)
        kind = _KIND_WORDS.match(text)
        hint = _KIND_LEVEL.get(kind.group(1).lower()) if kind else None
        # Strictest first: the key, the whole name, the name without "Samtgemeinde"/"Stadt". A unit on
        # another level than asked is kept in reserve: the row then says "wrong level", not "unknown".
        reserve: list[str] = []
        for index, forms in ((self.by_key, {compact.lower(), compact.lstrip("0")}), (self.by_name, full),
                             (self.by_bare_name, bare | full)):
            candidates = sorted({k for form in forms for k in index.get(form, [])})
            fitting = [k for k in candidates if not levels or self.units[k].level in levels]
            if len(fitting) > 1 and hint is not None:
                fitting = [k for k in fitting if self.units[k].level == hint] or fitting
            if len(fitting) == 1:
                return fitting[0], None, []
            if fitting:
                return None, "ambiguous_unit", fitting
            reserve = reserve or candidates
        if len(reserve) == 1:
            return reserve[0], None, []
        return (None, "ambiguous_unit", reserve) if reserve else (None, "unknown_unit", [])


@dataclass
class IndicatorMatcher:
    indicators: dict[str, IndicatorDef]
    by_name: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, ind in self.indicators.items():
            for name in (key, ind.name_de, ind.name_en):
                if name:
                    self.by_name.setdefault(fold(name), key)

    def match(self, written: str) -> str | None:
        text = written.strip()
        for candidate in (text, text.lower()):
            if candidate in self.indicators:
                return candidate
        return self.by_name.get(fold(text))


# --- the report ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ReportRow:
    raw: RawRow
    status: str = "new"
    unit: str | None = None
    indicator: str | None = None
    year: int | None = None
    code: str | None = None
    params: dict[str, Any] | None = None  # set with ``code``
    level: str | None = None  # set, with ``value``, once the row's numbers passed: it has properties
    value: float | None = None
    old: float | None = None
    fid: str | None = None

    def refuse(self, status: str, code: str, **params: Any) -> None:
        self.status, self.code, self.params = status, code, params

    def properties(self) -> dict[str, Any] | None:
        """The value's properties as the push writes them (None before the row's numbers passed).

        Built when asked, not kept: a dict each for 100,000 rows held about 50 MB for the whole upload,
        where the dry run's push needs 5,000 of them at a time."""
        if self.level is None:
            return None
        raw = self.raw
        return {"indicator": self.indicator, "unit": self.unit, "level": self.level, "year": self.year,
                "value": self.value, "numerator": raw.numerator, "denominator": raw.denominator,
                **{flag: flag in raw.flags for flag in values.FLAGS}, "note": raw.note}

    def answer(self) -> UploadRow:
        """The row as the report shows it."""
        return UploadRow(
            source=self.raw.source, line=self.raw.line, status=self.status,  # type: ignore[arg-type]
            unit=self.unit or self.raw.unit, unit_name=self.raw.unit_name,
            indicator=self.indicator or self.raw.indicator, year=self.year if self.year else self.raw.year,
            new=self.value if self.level is not None else self.raw.value,
            old=self.old if self.status in ("changed", "unchanged") else None, symbol=self.raw.symbol or None,
            code=self.code or None, params=self.params if self.code else None)


def _finite(x: float | None) -> float | None:
    return x if x is None or math.isfinite(x) else None


def _check_options(ctx: AtlasContext, options: UploadOptions, levels: set[str]) -> None:
    errors = []
    if options.indicator is not None and options.indicator not in ctx.indicators.indicators:
        errors.append(FieldError("indicator", "unknown_indicator", {"value": options.indicator}))
    if options.level is not None and options.level not in levels:
        errors.append(FieldError("level", "unknown_choice", {"value": options.level}))
    if options.year is not None:
        error = values.check_year(options.year)
        if error is not None:
            errors.append(error)
    if errors:
        raise Invalid("invalid_body", errors=errors)


@dataclass(frozen=True, slots=True)
class _Matched:
    """What a written (indicator, unit) matched: the indicator and the unit's key and level, or the code
    and parameters of why not (with the indicator and unit found so far, which the report shows)."""

    indicator: str | None
    unit: str | None
    ind: IndicatorDef | None = None
    level: str | None = None
    code: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


def _match_pair(written: str, unit_written: str, options: UploadOptions, indicators: dict[str, IndicatorDef],
                known: dict[str, Unit], indicator_matcher: IndicatorMatcher, unit_matcher: UnitMatcher) -> _Matched:
    """The indicator and unit a row names, with their levels checked."""
    key = indicator_matcher.match(written)
    if key is None:
        return _Matched(None, None, code="unknown_indicator", params={"value": written})
    ind = indicators[key]
    levels = (options.level,) if options.level else ind.levels
    unit, code, candidates = unit_matcher.match(unit_written, tuple(levels))
    if unit is None:
        return _Matched(key, None, code=code or "unknown_unit",
                        params={"value": unit_written, "candidates": ", ".join(candidates)})
    level = known[unit].level
    if options.level and level != options.level:
        return _Matched(key, unit, code="level_mismatch",
                        params={"value": options.level, "expected": level, "unit": unit})
    if level not in ind.levels:
        return _Matched(key, unit, code="level_not_collected", params={"indicator": key, "level": level})
    return _Matched(key, unit, ind, level)


_IDS_AT_ONCE = 5_000  # value ids computed per pass (the digests of all 102,000 at once: 10 MB more at the peak)


def _build_rows(ctx: AtlasContext, actor: Actor, table: Table, options: UploadOptions) -> list[ReportRow]:
    """Match and check every row (no database beyond the request's catalogue and the units the caller
    may know).

    The work goes by what repeats: an indicator and a unit are matched once per (indicator, unit) as the
    file writes them, a year is checked once, and the value rules run for each indicator's column of
    values at once (:func:`.values.accepted_alone`; only the rows it does not accept, and those with
    numerator and denominator, are asked one by one, so every problem keeps its words). The verdicts are
    the ones a row-by-row check gives, duplicates judged in the file's order."""
    indicators = ctx.indicators.indicators
    known = ctx.units_for(actor).units
    unit_matcher = UnitMatcher(known)
    indicator_matcher = IndicatorMatcher(indicators)
    rows = [ReportRow(raw) for raw in table.rows]
    pairs: dict[tuple[str, str], _Matched] = {}
    years: dict[Any, FieldError | None] = {}
    checked: list[tuple[ReportRow, IndicatorDef, str, str, int, float]] = []
    alone: dict[str, list[int]] = defaultdict(list)  # indicator -> places in ``checked`` of values given alone
    for row in rows:
        raw = row.raw
        if raw.problem:
            row.refuse("invalid", raw.problem, column=raw.column)
            continue
        written = raw.indicator or options.indicator
        if written is None:
            row.refuse("invalid", "no_indicator")
            continue
        matched = pairs.get((written, raw.unit))
        if matched is None:
            matched = pairs[(written, raw.unit)] = _match_pair(written, raw.unit, options, indicators, known,
                                                               indicator_matcher, unit_matcher)
        row.indicator, row.unit = matched.indicator, matched.unit
        ind, unit, level = matched.ind, matched.unit, matched.level
        if ind is None or unit is None or level is None:
            row.refuse("invalid", matched.code or "unknown_unit", **matched.params)
            continue
        year = raw.year if raw.year is not None else options.year
        if year is None:
            row.refuse("invalid", "no_year")
            continue
        row.year = year
        if year in years:
            year_error = years[year]
        else:
            year_error = years[year] = values.check_year(year)
        if year_error is not None:
            row.refuse("invalid", year_error.code, **year_error.params)
            continue
        value = raw.value
        if value is None and ind.kind in RATIO_KINDS and raw.numerator is not None and raw.denominator:
            value = round(raw.numerator / raw.denominator * SCALES.get(ind.unit, 1.0), ind.decimals)
        if value is None:
            row.refuse("invalid", "missing_value")
            continue
        if raw.numerator is None and raw.denominator is None and value.__class__ is float:
            alone[ind.key].append(len(checked))
        checked.append((row, ind, unit, level, year, value))
    plain = [False] * len(checked)  # True: the value rules accept the row's value (asked by column)
    for key, places in alone.items():
        column = np.fromiter((checked[i][5] for i in places), dtype=float, count=len(places))
        for i, ok in zip(places, values.accepted_alone(indicators[key], column).tolist(), strict=True):
            plain[i] = ok
    first_of: dict[tuple[str, str, int], ReportRow] = {}
    identified: list[tuple[ReportRow, tuple[str, str, int]]] = []  # rows whose numbers passed, to identify
    for (row, ind, unit, level, year, value), ok in zip(checked, plain, strict=True):
        raw = row.raw
        if not ok:
            number_errors = values.check_numbers(ind, value, raw.numerator, raw.denominator)
            if number_errors:
                row.refuse("invalid", number_errors[0].code, **number_errors[0].params)
                continue
        key = ind.key
        row.level, row.value = level, value  # row.indicator, row.unit, row.year are key, unit, year
        cell = (key, unit, year)
        identified.append((row, cell))
        if len(identified) == _IDS_AT_ONCE:
            _identify(identified)
        first = first_of.get(cell)
        if first is not None:
            row.refuse("invalid", "duplicate_row", first=first.raw.source)
            if first.status != "invalid":
                first.refuse("invalid", "duplicate_row", first=row.raw.source)
        else:
            first_of[cell] = row
    _identify(identified)
    return rows


def _identify(identified: list[tuple[ReportRow, tuple[str, str, int]]]) -> None:
    """Give each row its value id (:func:`.values.value_ids` of its (indicator, unit, year)) and empty
    the list: the rows are identified a part at a time, not held as pairs for all 102,000 (7 MB)."""
    for (row, _cell), fid in zip(identified, values.value_ids([cell for _row, cell in identified]), strict=True):
        row.fid = fid
    identified.clear()


def _compare_with_stored(ctx: AtlasContext, actor: Actor, rows: Sequence[ReportRow],
                         stored: dict[str, tuple[sync.StoredFeature, sync.StoredHead]]) -> None:
    """new, changed or unchanged against the stored head.

    Only a head the caller may read is compared: "unchanged" (or an old value) for the head of a
    municipality that does not share would let anyone guess its unpublished numbers row by row. Such a
    row stays "new" and goes to the push, whose ownership rule refuses it like any foreign row. The rule
    is asked once per owner (the heads of an upload belong to a few dozen)."""
    readable: dict[int, bool] = {}
    for row in rows:
        if row.status != "new" or row.fid not in stored:
            continue
        feature, head = stored[row.fid]
        if head.op == "delete":
            continue  # a deleted value written again is new
        owner = feature.owner_id
        may = readable.get(owner)
        if may is None:
            may = readable[owner] = may_read_unpublished(actor, owner, ctx.shares(owner))
        if not may:
            continue  # an unreadable head is not compared
        old = head.properties
        row.old = old.get("value")
        props = row.properties() or {}
        row.status = "unchanged" if all(old.get(name) == props.get(name) for name in _COMPARED) else "changed"


# The ownership rule reads these of a stored value's head (ctx.owned_state: the unit's level, the indicator).
_OWNER_FACTS = ("indicator", "level")


def _stored_heads(ctx: AtlasContext, rows: list[ReportRow]) -> dict[str, tuple[sync.StoredFeature, sync.StoredHead]]:
    """Compare the rows with the stored heads, read in chunks; returns the heads for the push, each
    keeping of its properties only what the ownership rule decides on.

    One read of the stored heads serves the report and the push (which would otherwise read them again).
    The push needs the rest of a head's properties only to show the current state of a conflict, which
    an upload cannot meet: its base revisions are these heads. Whole heads of 100,000 stored values
    (a JSON document each) held 180 MB at once; a chunk of them at a time and the two facts do not."""
    heads: dict[str, tuple[sync.StoredFeature, sync.StoredHead]] = {}
    facts: dict[tuple[Any, ...], dict[str, Any]] = {}  # the same few (indicator, level) pairs, shared
    candidates = [r for r in rows if r.status == "new" and r.fid]
    StoredHead = sync.StoredHead
    for part in in_chunks(candidates, _CHUNK):
        stored = sync.load_heads(ctx.session, values.LAYER, [r.fid for r in part])
        _compare_with_stored(ctx, ctx.actor, part, stored)
        for fid, (feature, head) in stored.items():
            props = head.properties
            key = (props.get("indicator"), props.get("level"))
            kept = facts.get(key)
            if kept is None:
                kept = facts[key] = dict(zip(_OWNER_FACTS, key, strict=True))
            heads[fid] = (feature, StoredHead(head.seq, head.op, head.owner_id, kept, head.geometry, head.state,
                                              head.reason))
    return heads


def _request_hash(data: bytes, filename: str, options: UploadOptions) -> str:
    digest = hashlib.sha256(data)
    digest.update(repr((filename, options.indicator, options.level, options.year, options.sheet)).encode())
    return digest.hexdigest()


def _answer(rows: list[ReportRow], table: Table, options: UploadOptions, *, applied: bool,
            push_id: str | None = None) -> UploadReport:
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        counts[row.status] += 1
    return UploadReport(
        dry_run=bool(options.dry_run), applied=applied, push_id=push_id, counts=counts,
        file=UploadFile(format=table.format, layout=table.layout, sheet=table.sheet, encoding=table.encoding,
                        separator=table.separator, decimal=table.decimal, header=table.header,
                        columns=table.columns, ignored_columns=list(table.ignored_columns)),
        rows=[row.answer() for row in rows],
        skipped=[SkippedLine(source=source, reason=reason) for source, reason in table.skipped])


@sync.collector_paused()
def upload(ctx: AtlasContext, data: bytes, filename: str, options: UploadOptions, *,
           max_rows: int = 200_000) -> UploadReport:
    """Read, match, check and (unless a dry run) apply an upload; raise for a refused one.

    A refused upload raises :class:`DomainError` (``upload_invalid`` 422 or ``upload_refused`` 403) whose
    body is the full report, so the caller rolls back and nothing is written. A real upload whose
    ``idempotency_key`` was used before returns the first answer again (a different file with the same
    key is a conflict). Python's cyclic garbage collector is paused meanwhile, as for a push
    (:func:`..sync.collector_paused`): the rows of a file make some ten objects each, none in a cycle."""
    session, actor = ctx.session, ctx.actor
    key = options.idempotency_key
    digest = _request_hash(data, filename, options)
    if not options.dry_run and key:
        earlier = sync.earlier_push(session, actor, key)
        if earlier is not None:
            kept = (earlier.response or {}).get("upload")
            if not kept or kept.get("request_hash") != digest:
                raise DomainError("idempotency_key_reused", {"key": key}, status=409)
            return replace(_kept_report(kept), replayed=True)
    _check_options(ctx, options, set(ctx.catalogue.levels) | {u.level for u in ctx.units.units.values()})
    table = read_table(data, filename, sheet=options.sheet, max_rows=max_rows,
                       max_bytes=ctx.settings.max_body_bytes)
    rows = _build_rows(ctx, actor, table, options)
    if not options.dry_run:
        sequence.lock(session)  # the heads compared below are the ones the push writes over
    stored = _stored_heads(ctx, rows)
    pending = [r for r in rows if r.status in ("new", "changed")]
    invalid = any(r.status == "invalid" for r in rows)
    push_answer: PushAnswer | None = None
    if options.dry_run or invalid:
        # Only checked: in chunks, so the push's per-change state of one chunk is held at a time.
        for part in in_chunks(pending, _CHUNK):
            _push(ctx, part, stored, key=None, dry_run=True)
    elif pending:
        push_answer = _push(ctx, pending, stored, key=key, dry_run=False)
    for row in rows:  # what is refused is not the caller's to compare with
        if row.status == "refused":
            row.old = None
    refused = any(r.status == "refused" for r in rows)
    if refused or invalid:
        answer = _answer(rows, table, options, applied=False)
        code, status = ("upload_refused", 403) if refused else ("upload_invalid", 422)
        counts = answer.counts
        raise DomainError(code, {"count": counts["refused"] if refused else counts["invalid"], "total": len(rows)},
                          status=status, body=dump(answer))
    if options.dry_run or push_answer is None:
        return _answer(rows, table, options, applied=not options.dry_run)
    answer = _answer(rows, table, options, applied=True, push_id=push_answer.push_id)
    _keep_for_replay(session, push_answer.push_id, digest, answer)
    return answer


def _push(ctx: AtlasContext, part: Sequence[ReportRow],
          stored: dict[str, tuple[sync.StoredFeature, sync.StoredHead]], *, key: str | None,
          dry_run: bool) -> PushAnswer | None:
    """``part`` as one push of the values layer (only checked in a dry run); the verdicts of a refused
    push go back on its rows."""
    changes = [{"op": "update" if r.fid in stored else "insert", "id": r.fid,
                **({"base_revision": stored[r.fid][1].seq} if r.fid in stored else {}), "properties": r.properties()}
               for r in part]
    body = {"idempotency_key": key or f"upload-{uuid.uuid4()}",
            "schema_version": sync.get_layer(values.LAYER).schema_version, "changes": changes}
    try:
        return sync.push(ctx, values.LAYER, body, dry_run=dry_run,
                         max_changes=max(len(changes), ctx.settings.max_changes_per_push), heads=stored)
    except DomainError as exc:
        if not isinstance(exc.body.get("results"), list):
            raise
        _apply_results(ctx, part, exc.body["results"])
    return None


def _apply_results(ctx: AtlasContext, pending: Sequence[ReportRow], results: list[dict[str, Any]]) -> None:
    """The push's verdict per change, back on the rows the changes came from."""
    for result in results:
        index = result.get("index")
        if not isinstance(index, int) or not 0 <= index < len(pending):
            continue
        row = pending[index]
        status = result.get("status")
        if status == "forbidden":
            row.refuse("refused", result.get("code") or "forbidden", **ctx.with_names(result.get("params") or {}))
        elif status in ("invalid", "conflict"):
            errors = result.get("errors") or []
            if errors:
                row.refuse("invalid", errors[0]["code"], **(errors[0].get("params") or {}))
            else:
                row.refuse("invalid", result.get("code") or "invalid_change", **(result.get("params") or {}))


def _keep_for_replay(session: Session, push_id: str, digest: str, answer: UploadReport) -> None:
    """The push keeps its answer under the idempotency key; the upload's answer goes with it, so a retry
    of the same upload gets this answer back instead of a report of everything now unchanged."""
    # The push's row is still pending in the session: found there, not by session.get, whose autoflush would
    # write the push's answer of 100,000 results as JSON only for this to write it again with the report.
    kept = next((obj for obj in session.new if isinstance(obj, Push) and obj.id == push_id), None)
    if kept is None:
        kept = session.get(Push, push_id)
    if kept is not None:
        kept.response = {**kept.response, "upload": {"request_hash": digest, "answer": dump(replace(answer, rows=[])),
                                                      "packed_rows": _packed(answer.rows)}}


def _packed(rows: list[UploadRow]) -> str:
    """The report's rows for the kept answer, packed (:func:`..storage.db.packed_json`) a chunk at a time.

    Kept as one JSON value, the rows of an upload of 100,000 values were 100,000 objects built at once and
    a document of 26 MB written with the push: about 110 MB for a moment, the peak of the upload."""
    return packed_json([dump(row) for row in rows[start:start + _CHUNK]] for start in range(0, len(rows), _CHUNK))


def _kept_report(kept: dict[str, Any]) -> UploadReport:
    """The report an upload kept for a retry: its rows unpacked (:func:`_packed`), or as they were kept in
    full before migration 0015."""
    answer = kept["answer"]
    if "packed_rows" in kept:
        answer = {**answer, "rows": unpacked_json(kept["packed_rows"])}
    return load(UploadReport, answer)


# --- the template -------------------------------------------------------------------------------------------

TEMPLATE_YEARS = 5
_TEMPLATE_HEADERS = ("Schlüssel", "Gebiet", "Jahr", "Wert", "Zähler", "Nenner", "vorläufig", "geschätzt",
                     "Zeitreihenbruch", "Anmerkung")


def template_units(ctx: AtlasContext, actor: Actor, ind: IndicatorDef, municipality_id: int) -> list[Unit]:
    """The units a municipality delivers values of this indicator for: those it owns on the indicator's
    levels (for the county: every unit on them) as ``actor`` may know them, without the levels the county
    keeps unless the admin asks (an editor could not upload them)."""
    county = ctx.municipalities[municipality_id].parent_id is None
    own_levels = ctx.catalogue.municipal_levels
    return sorted((u for u in ctx.units_for(actor).units.values()
                   if u.level in ind.levels and (county or u.owner_id == municipality_id)
                   and (actor.is_admin or u.level in own_levels)),
                  key=lambda u: (ind.levels.index(u.level), u.key))


def template_workbook(ctx: AtlasContext, indicator: str, municipality: str | None) -> tuple[bytes, str]:
    """An XLSX to fill in: the municipality's units with the last years of this indicator pre-filled from
    what ``actor`` may read (its own and shared unpublished work, else the published values), and the
    years since then empty. The upload reads it back as it is (long layout, German headers)."""
    import openpyxl
    from openpyxl.styles import Font

    session, actor = ctx.session, ctx.actor
    ind = ctx.indicators.indicators.get(indicator)
    if ind is None:
        raise NotFound("indicator_not_found", key=indicator)
    key = municipality or actor.municipality_key
    if key not in ctx.id_by_key:
        raise NotFound("municipality_not_found", id=key)
    units = template_units(ctx, actor, ind, ctx.id_by_key[key])
    years = range(values.FIRST_YEAR, values.last_year() + 1)
    ids = {values.value_id(ind.key, u.key, y): (u.key, y) for u in units for y in years}
    stored = sync.load_features(session, values.LAYER, list(ids))
    published_seqs = [f.published_seq for f, h in stored.values()
                      if f.published_seq is not None and f.published_seq != h.seq]
    published = sync.revisions_by_seq(session, published_seqs)
    shown: dict[tuple[str, int], dict[str, Any]] = {}
    for fid, (feature, head) in stored.items():
        readable = may_read_unpublished(actor, feature.owner_id, ctx.shares(feature.owner_id))
        revision = lifecycle.shown_revision(head, head if feature.published_seq == head.seq else published.get(
            feature.published_seq or -1), readable)
        if revision is not None:
            shown[ids[fid]] = revision.properties or {}
    with_values = sorted({y for _, y in shown})
    last_done = date.today().year - 1
    latest = with_values[-3:] if with_values else []
    chosen = sorted(set(latest) | set(range((latest[-1] + 1) if latest else last_done, last_done + 1)))
    chosen = chosen[-TEMPLATE_YEARS:] or [last_done]
    ratio = ind.kind in RATIO_KINDS
    headers = [h for h in _TEMPLATE_HEADERS if ratio or h not in ("Zähler", "Nenner")]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Werte"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for unit in units:
        for year in chosen:
            props = shown.get((unit.key, year), {})
            row = [unit.key, unit.name, year, props.get("value")]
            if ratio:
                row += [props.get("numerator"), props.get("denominator")]
            row += ["ja" if props.get(f) else None for f in values.FLAGS] + [props.get("note")]
            sheet.append(row)
    for cell in sheet["A"][1:]:
        cell.number_format = "@"  # keys stay text: Excel would drop the leading zero
    for letter, width in zip("ABCDEFGHIJK", (16, 28, 8, 12, 12, 12, 10, 10, 16, 40), strict=False):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("Hinweise")
    for line in (
        [f"Indikator: {ind.name_de or ind.key} ({ind.key})"],
        [f"Einheit: {ind.unit}, Art: {ind.kind}, Nachkommastellen: {ind.decimals}"],
        [f"Raumeinheiten von {ctx.name_of(ctx.id_by_key[key])} ({key}); Jahre {chosen[0]} bis {chosen[-1]}."],
        ["Eine Zeile je Raumeinheit und Jahr; weitere Jahre als weitere Zeilen."],
        ["Zahlen mit Komma (12,5); '-' heißt 0 (nichts vorhanden); '.', 'x' oder leer: kein Wert."],
        ["vorläufig, geschätzt, Zeitreihenbruch: 'ja' oder 'x' eintragen, sonst leer lassen."],
        ["Zuerst als Probelauf hochladen: der Bericht zeigt je Zeile, was geschähe."],
    ):
        notes.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), f"vorlage_{ind.key}_{key}.xlsx"
