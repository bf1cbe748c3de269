"""Checkout and synchronisation between a working copy and the atlas server.

The promise of docs/architecture.md ("a sync never loses local work") is kept by three rules:

1. A row with a local change is never overwritten by the server; only a merge may change it,
   and a merge keeps my side of every clash nobody decided.
2. A push is written to ``fa_outbox`` (key and change list) *before* it is sent, and the
   bookkeeping of its answer is written in the same transaction that clears the outbox. A sync cut
   off anywhere re-sends the same push with the same idempotency key, so the server applies it once.
3. A pulled page and the cursor after it are written in one transaction: a page is either fully in
   the working copy (and not asked for again) or not at all.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import errors, reference
from .api import AtlasClient
from .merge import DELETED, GEOMETRY, Clash, MergeResult, Side, merge
from .messages import tr
from .workcopy import LOCAL_STATE, Change, FeatureState, Outbox, WorkingCopy

Progress = Callable[[float, str], None]
IsCancelled = Callable[[], bool]
Resolver = Callable[[list[Clash]], Mapping[tuple[str, str], Side] | None]

UNKNOWN_SERVER_STATE = "__unknown__"

ACCEPTED, CONFLICT, REFUSED = "accepted", "conflict", "refused"


@dataclass
class SyncReport:
    """What a sync did, for the GUI's summary and the CLI's exit code."""

    sent: int = 0
    accepted: int = 0
    received: int = 0
    conflicts_merged: int = 0
    clashes_unresolved: list[Clash] = field(default_factory=list)
    refused: list[tuple[str, str, str]] = field(default_factory=list)
    #: Layers pulled again from the start because the server could not continue their cursor:
    #: ``(layer, reason)``, e.g. ``("institutions", "cursor_ahead")``.
    pulled_again: list[tuple[str, str]] = field(default_factory=list)
    #: ``(layer, uuid)`` of locally edited features the server no longer shows after such a pull:
    #: kept in the working copy (nothing local is thrown away), for the person to look at.
    gone_from_server: list[tuple[str, str]] = field(default_factory=list)
    #: ``(layer, uuid, reason)`` of changes the county rejected, learnt in this sync.
    rejected: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Everything local reached the server and nothing waits for a person."""
        return not self.clashes_unresolved and not self.refused


def _no_progress(percent: float, message: str) -> None:
    pass


def _never_cancelled() -> bool:
    return False


class Synchronizer:
    """Moves changes between one :class:`WorkingCopy` and the server behind one :class:`AtlasClient`."""

    #: Conflict rounds per layer and sync; each round rebases, so more rounds only happen when
    #: others keep editing the same features while we sync.
    max_conflict_rounds = 5
    #: Changes per push (the server refuses pushes above its own limit, 10 000 by default).
    push_batch_size = 1000
    #: Features per pull page.
    page_size = 2000

    def __init__(self, client: AtlasClient, workcopy: WorkingCopy, progress: Progress | None = None,
                 is_cancelled: IsCancelled | None = None) -> None:
        self.client = client
        self.workcopy = workcopy
        self.progress: Progress = progress or _no_progress
        self.is_cancelled: IsCancelled = is_cancelled or _never_cancelled

    # ------------------------------------------------------------------ checkout

    def checkout(self, layers: Sequence[str] | None = None, *, force: bool = False,
                 progress: Progress | None = None, is_cancelled: IsCancelled | None = None) -> SyncReport:
        """Create the layers from the server's schemas and pull them completely.

        Refuses to replace a layer that holds unsent changes unless ``force`` is given. An
        interrupted checkout leaves the pages written so far; a following :meth:`sync` continues
        from there.
        """
        self._use(progress, is_cancelled)
        self.progress(0.0, tr("progress.layers"))
        server = self._server_layers(layers)
        wc = self.workcopy
        if not force:
            for name in server:
                if wc.has_layer(name) and (wc.outbox(name) is not None or wc.local_changes(name)):
                    raise errors.AtlasError(tr("error.local_changes_exist", layer=name), "local_changes_exist")
        wc.server_url = self.client.server_url
        if self.client.user and self.client.user.get("username"):
            wc.username = self.client.user["username"]
        report = SyncReport()
        for index, (name, schema) in enumerate(server.items()):
            wc.create_layer(schema, replace=True)
            self._pull(name, report, set(), (index / len(server), (index + 1) / len(server)))
        self.progress(100.0, tr("progress.done"))
        return report

    # ------------------------------------------------------------------ sync

    def sync(self, layers: Sequence[str] | None = None, resolve: Resolver | None = None, *,
             progress: Progress | None = None, is_cancelled: IsCancelled | None = None,
             hold_back: Mapping[str, Iterable[str]] | None = None) -> SyncReport:
        """Send local changes (finishing an interrupted push first), then pull what changed.

        Same-field clashes go to ``resolve``; clashes it leaves open keep my values locally and the
        feature is not sent (listed in ``clashes_unresolved``). Refused changes stay in the working
        copy and are listed in ``refused`` and in ``fa_rejected``. ``hold_back`` names, per layer,
        features that must not be sent this time (e.g. what :mod:`.validation` found faulty): they
        stay local and untouched by the pull, like unresolved clashes.
        """
        self._use(progress, is_cancelled)
        check_account(self.client, self.workcopy)
        wc = self.workcopy
        names = list(layers) if layers is not None else wc.layer_names()
        for name in names:
            wc.schema(name)  # raises for a layer that is not checked out
        self.progress(0.0, tr("progress.layers"))
        server = self._server_layers(names)
        for name in names:
            if int(server[name].get("schema_version", 1)) != wc.schema_version(name):
                raise errors.SchemaOutdated(layer=name)
        for name in names:
            wc.refresh_schema(server[name])
        report = SyncReport()
        for index, name in enumerate(names):
            start, end = index / len(names), (index + 1) / len(names)
            held = set((hold_back or {}).get(name, ()))
            held_back = self._push_layer(name, report, resolve, (start, start + (end - start) / 2), held)
            self._pull(name, report, held_back, (start + (end - start) / 2, end))
        self.progress(100.0, tr("progress.done"))
        return report

    # ------------------------------------------------------------------ push

    def _push_layer(self, layer: str, report: SyncReport, resolve: Resolver | None,
                    span: tuple[float, float], hold_back: Iterable[str] = ()) -> set[str]:
        """Push a layer's changes until nothing more can go; returns the uuids held back.

        A refused push ends the layer's pushing: the server applies all of a push or nothing, and
        the person should see the refusal before anything else of theirs goes out. Large change
        sets go in batches of :attr:`push_batch_size` (the server limits the size of one push).
        """
        wc = self.workcopy
        held_back: set[str] = set(hold_back)
        done: set[str] = set()
        outbox = wc.outbox(layer)
        if outbox is not None:
            self._report_progress(span[0], tr("progress.retry_outbox", layer=layer))
            outcome = self._send(outbox, report, resolve, held_back)
            if outcome == REFUSED:
                return held_back
            if outcome == ACCEPTED:
                done.update(c.uuid for c in outbox.changes)
        conflict_rounds = 0
        first = True
        while True:
            self._check_cancelled()
            local = wc.local_changes(layer)
            if first:
                self._forget_stale_refusals(layer, local)
                for change in local:
                    if change.geometry_error and change.uuid not in held_back:
                        # Never sent, never overwritten by the pull: the person must redraw it.
                        held_back.add(change.uuid)
                        report.refused.append((change.uuid, "invalid_geometry", tr(
                            "error.invalid_geometry", reason=change.geometry_error)))
                first = False
            changes = [c for c in local if c.uuid not in held_back and c.uuid not in done]
            if not changes:
                break
            batch = changes[: self.push_batch_size]
            self._report_progress(span[0], tr("progress.push", layer=layer, count=len(changes)))
            outbox = wc.write_outbox(layer, str(uuidlib.uuid4()), wc.schema_version(layer), batch)
            outcome = self._send(outbox, report, resolve, held_back)
            if outcome == REFUSED:
                break
            if outcome == CONFLICT:
                conflict_rounds += 1
                if conflict_rounds >= self.max_conflict_rounds:
                    break
            else:
                # Accepted rows now equal their base; ``done`` guards against a value that does not
                # survive the round trip making us push the same feature forever.
                done.update(c.uuid for c in batch)
                if len(batch) == len(changes):
                    break  # everything went out: no need to scan the working copy once more
        return held_back

    def _forget_stale_refusals(self, layer: str, changes: list[Change]) -> None:
        """A refusal whose feature has no local change any more (edit undone) is history."""
        pending = {c.uuid for c in changes}
        with self.workcopy.transaction():
            for refusal in self.workcopy.refusals(layer):
                if refusal.uuid not in pending:
                    self.workcopy.clear_refusal(layer, refusal.uuid)

    def _send(self, outbox: Outbox, report: SyncReport, resolve: Resolver | None,
              held_back: set[str]) -> str:
        """Send one push and book its answer; returns ACCEPTED, CONFLICT or REFUSED."""
        layer = outbox.layer
        report.sent += len(outbox.changes)
        try:
            answer = self.client.push(layer, [c.to_wire() for c in outbox.changes], outbox.idempotency_key,
                                      outbox.schema_version)
        except errors.SchemaOutdated as exc:
            exc.layer = exc.layer or layer
            raise
        except errors.PushRejected as exc:
            statuses = {r.get("status") for r in exc.results}
            if statuses & {"forbidden", "invalid"} or "conflict" not in statuses:
                self._book_refusals(outbox, exc.results, report, held_back, exc)
                return REFUSED
            self._resolve_conflicts(outbox, exc.results, report, resolve, held_back)
            return CONFLICT
        except (errors.Forbidden, errors.InvalidData) as exc:
            # Refused as a whole without per-change results (e.g. a reader pushing).
            self._book_refusals(outbox, [], report, held_back, exc)
            return REFUSED
        except errors.Conflict as exc:
            if exc.code != "idempotency_key_reused":
                raise
            # The key is known with another body: a different push took it. Drop the outbox; the
            # next round recomputes the changes against the base and merges whatever was applied.
            self.workcopy.clear_outbox(layer)
            return CONFLICT
        self._book_accepted(outbox, answer.get("results") or [], report)
        return ACCEPTED

    def _book_accepted(self, outbox: Outbox, results: list[dict[str, Any]], report: SyncReport) -> None:
        """The base of every accepted change becomes what was sent, at the new revision."""
        wc = self.workcopy
        layer = outbox.layer
        by_id = {c.uuid: c for c in outbox.changes}
        with wc.transaction():
            for result in results:
                change = by_id.get(result.get("id"))
                if change is None or result.get("status") != "accepted":
                    continue
                report.accepted += 1
                wc.clear_refusal(layer, change.uuid)
                if change.op == "delete":
                    wc.delete_base(layer, change.uuid)
                    continue
                revision = result.get("revision")
                wc.write_base(layer, FeatureState(change.uuid, revision, change.properties or {},
                                                  change.geometry, "pending", None))
                wc.set_row_state(layer, change.uuid, revision, "pending", None)
            wc.clear_outbox(layer)

    def _book_refusals(self, outbox: Outbox, results: list[dict[str, Any]], report: SyncReport,
                       held_back: set[str], error: errors.AtlasError) -> None:
        """Nothing of the push was applied: keep the edits, remember why the server said no."""
        wc = self.workcopy
        layer = outbox.layer
        refusals = []
        for result in results:
            status = result.get("status")
            if status not in ("forbidden", "invalid"):
                continue
            message = result.get("message") or ""
            if result.get("field") and not result.get("errors"):
                message = tr("refusal.invalid_field", field=result["field"], message=message)
            # Field problems of an invalid change: "<message>; Feld „name“: <why>; ..."
            details = [tr("refusal.invalid_field", field=e.get("field"), message=e.get("message") or e.get("code"))
                       for e in result.get("errors") or [] if isinstance(e, dict)]
            message = "; ".join(filter(None, [message, *details]))
            refusals.append((result.get("id"), result.get("code") or status, message))
        if not refusals:
            # No change was named: the refusal concerns the push as a whole, so it concerns each change.
            code = error.code or "refused"
            refusals = [(c.uuid, code, error.message) for c in outbox.changes]
        with wc.transaction():
            for uuid, code, message in refusals:
                wc.record_refusal(layer, uuid, code, message)
                report.refused.append((uuid, code, message))
                held_back.add(uuid)
            wc.clear_outbox(layer)

    # ------------------------------------------------------------------ conflicts

    def _resolve_conflicts(self, outbox: Outbox, results: list[dict[str, Any]], report: SyncReport,
                           resolve: Resolver | None, held_back: set[str]) -> None:
        """Pull, merge each stale feature three-way, ask about clashes, rebase what is decided."""
        wc = self.workcopy
        layer = outbox.layer
        # Bring everything else up to date first; the states of locally changed rows come back here.
        seen = self._pull(layer, report, set(), None)
        merges: list[tuple[str, FeatureState | None, MergeResult, dict | None, dict | None]] = []
        unknown: list[Clash] = []
        for result in results:
            if result.get("status") != "conflict":
                continue
            uuid = result["id"]
            feature = seen.get(uuid) or result.get("current")
            if feature is None:
                unknown.append(Clash(UNKNOWN_SERVER_STATE, None, None, None, uuid))
                continue
            theirs = wc.server_state(layer, feature)
            base = wc.read_base(layer, uuid)
            mine = wc.read_row(layer, uuid)
            mine_values = mine.values() if mine is not None else None
            theirs_values = theirs.values() if theirs is not None else None
            result_merge = merge(base.values() if base is not None else None, mine_values, theirs_values,
                                 uuid=uuid)
            merges.append((uuid, theirs, result_merge, mine_values, theirs_values))
        clashes = [c for _, _, m, _, _ in merges for c in m.clashes]
        answered = (resolve(clashes) or {}) if (clashes and resolve) else {}
        choices = {key: side for key, side in answered.items() if side in ("mine", "theirs")}
        report.clashes_unresolved.extend(unknown)
        held_back.update(c.uuid for c in unknown if c.uuid)
        with wc.transaction():
            for uuid, theirs, merged_result, mine_values, theirs_values in merges:
                open_clashes = [c for c in merged_result.clashes if (uuid, c.field) not in choices]
                if open_clashes:
                    report.clashes_unresolved.extend(open_clashes)
                    held_back.add(uuid)
                    continue
                merged = merged_result.resolve({c.field: choices[(uuid, c.field)] for c in merged_result.clashes},
                                               mine_values, theirs_values)
                self._rebase(layer, uuid, theirs, merged)
                report.conflicts_merged += 1
            wc.clear_outbox(layer)

    def _rebase(self, layer: str, uuid: str, theirs: FeatureState | None, merged: dict[str, Any] | None) -> None:
        """Make the server's state the new base and the merged state the local row."""
        wc = self.workcopy
        if theirs is None:
            wc.delete_base(layer, uuid)
            if merged is None:
                wc.delete_row(layer, uuid)
                return
            # I keep a feature the server deleted: it comes back as a new feature with a new id.
            properties = {k: v for k, v in merged.items() if k != GEOMETRY}
            wc.delete_row(layer, uuid)
            wc.write_row(layer, FeatureState(str(uuidlib.uuid4()), None, properties, merged.get(GEOMETRY),
                                             LOCAL_STATE, tr("refusal.deleted_on_server")))
            return
        wc.write_base(layer, theirs)
        if merged is None:
            wc.delete_row(layer, uuid)  # my deletion stands; it is pushed against their revision
            return
        properties = {k: v for k, v in merged.items() if k != GEOMETRY}
        state = FeatureState(uuid, theirs.revision, properties, merged.get(GEOMETRY), theirs.state, theirs.reason)
        if state.values() != theirs.values():
            state.state = LOCAL_STATE
        wc.write_row(layer, state)

    # ------------------------------------------------------------------ pull

    def _pull(self, layer: str, report: SyncReport, held_back: set[str],
              span: tuple[float, float] | None) -> dict[str, dict[str, Any]]:
        """Pull everything after the layer's cursor, page by page, one transaction per page.

        Rows with a local change keep their values and their base (the next push will meet the
        server's newer revision as a conflict and merge). Returns the server's latest state of
        those rows, keyed by uuid, for the conflict handling.
        """
        wc = self.workcopy
        keep = {c.uuid for c in wc.local_changes(layer)} | held_back
        kept: dict[str, dict[str, Any]] = {}
        received = 0
        pages = 0
        since = wc.cursor(layer)
        try:
            for page in self.client.pull_all(layer, since=since, page_size=self.page_size):
                self._check_schema(layer, page)
                with wc.transaction():
                    for feature in page.get("features") or []:
                        if feature["id"] in keep:
                            kept[feature["id"]] = feature
                            continue
                        received += self._is_news(layer, feature, report)
                        wc.apply_server_feature(layer, feature)
                    if page.get("cursor") is not None:
                        wc.set_cursor(layer, page["cursor"])
                pages += 1
                if span is not None:
                    # The API gives no total, so progress within a layer approaches its end page by page.
                    fraction = span[0] + (span[1] - span[0]) * (1 - 0.5**pages)
                    self._report_progress(fraction, tr("progress.pull", layer=layer, count=received))
                if page.get("more"):
                    self._check_cancelled()
        except errors.CheckoutRequired as exc:
            if since == 0:
                raise  # already pulling from the start: nothing more to try
            report.pulled_again.append((layer, exc.reason or "checkout_required"))
            kept, received = self._pull_again(layer, keep, report)
        wc.update_extent(layer)
        report.received += received
        return kept

    def _pull_again(self, layer: str, keep: set[str], report: SyncReport) -> tuple[dict[str, dict[str, Any]], int]:
        """Pull ``layer`` from the start into the working copy, keeping every local edit.

        The server could not continue the cursor (a copy restored from another server or an old
        backup, or what the account may read changed), so incremental pulls would miss changes.
        All pages are read first and applied in one transaction, so a cut-off leaves the working
        copy as it was. Rows in ``keep`` (local edits, held-back features) keep their values and
        get the server's state as their new base, so they stay changed against it; unedited rows
        become the server's state; rows the server no longer shows disappear unless edited
        locally: those stay and are listed in ``report.gone_from_server``. Returns the server's
        state of the kept rows and how many features changed.
        """
        wc = self.workcopy
        self._report_progress(0.0, tr("progress.pull_again", layer=layer))
        features: dict[str, dict[str, Any]] = {}
        cursor: int | None = None
        for page in self.client.pull_all(layer, since=0, page_size=self.page_size):
            self._check_schema(layer, page)
            features.update((f["id"], f) for f in page.get("features") or [])
            cursor = page.get("cursor") if page.get("cursor") is not None else cursor
            if page.get("more"):
                self._check_cancelled()
        kept: dict[str, dict[str, Any]] = {}
        changed = 0
        with wc.transaction():
            had_base = wc.base_uuids(layer)
            known = {state.uuid for state in wc.rows(layer)} | had_base
            for uuid, feature in features.items():
                theirs = wc.server_state(layer, feature)
                base = wc.read_base(layer, uuid)
                changed += self._is_news(layer, feature, report)
                if uuid in keep:
                    kept[uuid] = feature
                    self._rebase_kept(layer, uuid, base, theirs)
                    continue
                wc.apply_server_feature(layer, feature)
            for uuid in sorted(known - set(features)):
                if uuid in keep:
                    if uuid in had_base:  # a local insert was never on the server: nothing to say
                        report.gone_from_server.append((layer, uuid))
                    continue
                wc.delete_row(layer, uuid)
                wc.delete_base(layer, uuid)
                changed += 1
            if cursor is not None:
                wc.set_cursor(layer, cursor)
        return kept, changed

    def _is_news(self, layer: str, feature: Mapping[str, Any], report: SyncReport) -> bool:
        """Whether a pulled feature tells something new, i.e. differs from what the working copy last
        had from the server; notes a fresh rejection in ``report.rejected``.

        The user's own accepted changes come back in the next pull with the revision and state the
        push left in the base: they are no news and are not counted as received.
        """
        base = self.workcopy.read_base(layer, feature["id"])
        theirs = self.workcopy.server_state(layer, feature)
        if theirs is None:
            return base is not None
        if theirs.state == "rejected" and (base is None or base.state != "rejected"):
            report.rejected.append((layer, theirs.uuid, theirs.reason or ""))
        # The same revision is the same change (the server may have filled in the owner or rounded
        # coordinates of what was sent): news are a new revision or a new review state.
        return base is None or (base.revision, base.state, base.reason) != (theirs.revision, theirs.state,
                                                                           theirs.reason)

    def _rebase_kept(self, layer: str, uuid: str, base: FeatureState | None, theirs: FeatureState | None) -> None:
        """A locally edited row meets the server's state in a full pull: merge three-way and rebase.

        Without clashes the server's state becomes the base and the merge the row (my edits stay
        changes against it, the server's other changes are taken over). With clashes, or for a
        local insert, nothing changes here: the next push meets the server's revision as a
        conflict and the person decides, as in any sync.
        """
        mine = self.workcopy.read_row(layer, uuid)
        if base is None:
            return
        mine_values = mine.values() if mine is not None else None
        theirs_values = theirs.values() if theirs is not None else None
        result = merge(base.values(), mine_values, theirs_values, uuid=uuid)
        if result.clashes:
            return
        self._rebase(layer, uuid, theirs, result.resolve({}, mine_values, theirs_values))

    def _check_schema(self, layer: str, page: Mapping[str, Any]) -> None:
        page_version = page.get("schema_version")
        if page_version is not None and int(page_version) != self.workcopy.schema_version(layer):
            raise errors.SchemaOutdated(layer=layer)

    # ------------------------------------------------------------------ helpers

    def _server_layers(self, names: Sequence[str] | None) -> dict[str, dict[str, Any]]:
        """The server's layers; first makes sure the server speaks our API version, so nothing is
        sent to (or read from) a server that would misunderstand it."""
        self.client.health()
        available = {layer["name"]: layer for layer in self.client.layers()}
        if names is None:
            return available
        for name in names:
            if name not in available:
                raise errors.AtlasError(tr("error.unknown_layer", layer=name), "unknown_layer")
        return {name: available[name] for name in names}

    def _use(self, progress: Progress | None, is_cancelled: IsCancelled | None) -> None:
        if progress is not None:
            self.progress = progress
        if is_cancelled is not None:
            self.is_cancelled = is_cancelled

    def _report_progress(self, fraction: float, message: str) -> None:
        self.progress(round(100.0 * min(max(fraction, 0.0), 1.0), 1), message)

    def _check_cancelled(self) -> None:
        if self.is_cancelled():
            raise errors.Cancelled(code="cancelled")


def check_account(client: AtlasClient, workcopy: WorkingCopy) -> None:
    """Raise :class:`.errors.WrongAccount` when ``client`` is logged in as another account than the
    one that checked ``workcopy`` out.

    Which features are "own", which layer is editable, which checks run before a sync and which
    municipality a new feature gets: all follow the account stored at checkout. Syncing under
    another login (the county admin in the same QGIS profile) would rebind the copy to that account
    and mix both up, so a copy is synced only by its own account.
    """
    owner = workcopy.username
    user = (client.user or {}).get("username")
    if owner and user and owner != user:
        stored = reference.user(workcopy) or {}
        raise errors.WrongAccount(owner, user, (stored.get("municipality") or {}).get("name"))


def prefer(side: Side) -> Resolver:
    """A resolver that decides every clash for one side (the CLI's ``--prefer``)."""

    def resolver(clashes: list[Clash]) -> dict[tuple[str, str], Side]:
        return {(c.uuid or "", c.field): side for c in clashes if c.field != UNKNOWN_SERVER_STATE}

    return resolver


__all__ = ["DELETED", "Synchronizer", "SyncReport", "check_account", "prefer"]
