"""Push and pull: how working copies and the server exchange changes.

A push is checked change by change, then applied in one transaction or not at all. Each accepted
change becomes a pending :class:`Revision`; nothing reaches the public before the admin publishes it.
"""

from __future__ import annotations

import gc
import hashlib
import json
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # what json.dumps uses for strings
from typing import Any

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Text, or_, select, type_coerce
from sqlalchemy.orm import Session

from ..storage.db import among, in_chunks
from ..storage.models import Feature, Push, Revision, User
from . import audit, lifecycle, sequence
from .answers import ChangeResult, FeatureView, FieldProblem, LayerDescription, PullPage, PushAnswer, ReviewView
from .commands import IDEMPOTENCY_KEY_MAX, Change, PushBody, names
from .context import AtlasContext
from .contract import Encoded, dump, json_text, load
from .errors import Conflict, DomainError, FieldError, Invalid, NotFound
from .geometry import STORAGE_CRS, normalize_crs, parse_geometry, parse_points, to_geojson, wkb_to_geojson_text
from .indicators import values
from .layers import LAYERS, LayerSpec, clean_properties_many
from .lifecycle import ONCE_PUBLIC, Op
from .rights import Actor, OwnedState, Refusal, bound_by_ownership, may_read_unpublished, write_refusals
from .validation import INT64_MAX

OPS = tuple(Op)


def get_layer(name: str) -> LayerSpec:
    layer = LAYERS.get(name)
    if layer is None:
        raise NotFound("layer_not_found", layer=name, known=", ".join(LAYERS))
    return layer


def describe_layer(ctx: AtlasContext, name: str) -> LayerDescription:
    """A sync layer's schema as clients read it: its fields and constraints with the configured choices,
    in the storage CRS."""
    return LayerDescription(**get_layer(name).describe(ctx.catalogue), crs=STORAGE_CRS)


def load_features(session: Session, layer: str, ids: list[str]) -> dict[str, tuple[Feature, Revision]]:
    """Features with their head revisions, fetched in chunks.

    Always the database's state, also for features the session read before (restore does, before the
    push inside it takes the lock): a write judges what is stored after the lock, not an older copy.
    """
    out: dict[str, tuple[Feature, Revision]] = {}
    for part in in_chunks(ids):
        rows = session.execute(
            select(Feature, Revision).join(Revision, Revision.seq == Feature.head_seq)
            .where(Feature.layer == layer, Feature.id.in_(part))
            .execution_options(populate_existing=True)
        )
        out.update({f.id: (f, r) for f, r in rows})
    return out


@dataclass(frozen=True, slots=True)
class StoredFeature:
    """A stored feature as a write judges it: the columns of its ``features`` row, no ORM object."""

    id: str
    owner_id: int
    head_seq: int
    published_seq: int | None
    deleted: bool


class StoredHead:
    """The head revision of a stored feature: the columns a write and a conflict answer need.

    ``properties`` may be given as the stored JSON text (what SQLite gives) and is then decoded on first
    use: a push of 3,000 updates of institutions decoded 3,000 stored property documents that nothing
    read (the ownership rule reads them only for some layers, :meth:`.context.AtlasContext.reads_properties`;
    a conflict's answer and a deletion read them), a tenth of the push's CPU time beside the database's."""

    __slots__ = ("_properties", "geometry", "op", "owner_id", "reason", "seq", "state")

    def __init__(self, seq: int, op: str, owner_id: int, properties: dict[str, Any] | str | None,
                 geometry: BaseGeometry | None, state: str, reason: str | None) -> None:
        self.seq, self.op, self.owner_id, self._properties = seq, op, owner_id, properties
        self.geometry, self.state, self.reason = geometry, state, reason

    @property
    def properties(self) -> dict[str, Any]:
        """The stored properties ({} for none), decoded once."""
        props = self._properties
        if props.__class__ is not dict:
            props = self._properties = (json.loads(props) if isinstance(props, str) else props) or {}
        return props  # type: ignore[return-value]


_FEATURES = Feature.__table__
_REVISIONS = Revision.__table__
_HEADS_AT_ONCE = 5_000  # ids per read of the stored heads


def load_heads(session: Session, layer: str, ids: list[str]) -> dict[str, tuple[StoredFeature, StoredHead]]:
    """The stored features among ``ids`` with their head revisions, as plain rows (SQLAlchemy Core, only
    the columns a push needs; the properties as the database gives them, decoded when read: :class:`StoredHead`),
    in chunks of 5,000 ids, each given as one parameter (:func:`..storage.db.among`).

    The push judges with these: a push of 100,000 indicator values against stored ones spent most of
    its time building and tracking ORM objects it only read; as IN lists of 500, binding the ids cost
    SQLAlchemy more than the 200 reads. Always the database's state (read after the push took the lock)."""
    f, r = _FEATURES.c, _REVISIONS.c
    query = (select(f.id, f.owner_id, f.head_seq, f.published_seq, f.deleted, r.op, r.owner_id,
                    type_coerce(r.properties, Text), type_coerce(r.geometry, Text), r.state, r.reason)
             .join_from(_FEATURES, _REVISIONS, r.seq == f.head_seq).where(f.layer == layer))
    conn = session.connection()
    rows = [row for part in in_chunks(ids, _HEADS_AT_ONCE)
            for row in session.execute(query.where(among(conn, f.id, part))).all()]
    # The stored geometries (hex EWKB) decoded as one array, as the column type decodes each.
    geometries = shapely.set_srid(shapely.from_wkb([row[8] for row in rows]), 0).tolist()
    return {fid: (StoredFeature(fid, owner, head, published, deleted),
                  StoredHead(head, op, rev_owner, props, geometry, state, reason))
            for (fid, owner, head, published, deleted, op, rev_owner, props, _wkb, state, reason), geometry
            in zip(rows, geometries, strict=True)}


def revisions_by_seq(session: Session, seqs: list[int]) -> dict[int, Revision]:
    """Revisions by their numbers (e.g. the published states of changed features), in a few queries."""
    return {r.seq: r for part in in_chunks(seqs)
            for r in session.scalars(select(Revision).where(Revision.seq.in_(part)))}


def feature_view(ctx: AtlasContext, actor: Actor, feature: Feature | StoredFeature,
                 head: Revision | StoredHead, published: Revision | StoredHead | None) -> FeatureView:
    """A feature as the caller may see it, in the pull format.

    Callers who may read unpublished work see the head; others see the published state, or a
    tombstone when nothing of it is public.
    """
    readable, shown = _shown(ctx, actor, feature, head, published)
    return _view(ctx, feature, head, published, readable, shown,
                 to_geojson(shown.geometry) if shown is not None else None)


def _shown(ctx: AtlasContext, actor: Actor, feature: Feature | StoredFeature, head: Revision | StoredHead,
           published: Revision | StoredHead | None) -> tuple[bool, Revision | StoredHead | None]:
    """Whether the caller may read the feature's unpublished work, and the revision it sees (None: a
    tombstone). It reads of the revisions only their ``op`` and ``state`` (a pull decides once for all
    features alike in these and the owner: :func:`_seen_alike`)."""
    readable = may_read_unpublished(actor, feature.owner_id, ctx.shares(feature.owner_id))
    return readable, lifecycle.shown_revision(head, published, readable)


def _seen_as(feature: Feature | StoredFeature, head: Revision | StoredHead, published: Revision | StoredHead | None,
             readable: bool, shown: Revision | StoredHead | None) -> tuple[int, Revision | StoredHead | None, int]:
    """What the pull format states of what :func:`_shown` decided: the revision number the caller gets,
    the revision whose review it sees (None: none) and the owner it is told. Of unpublished work a
    caller who may not read it learns nothing, not even its review."""
    review_of = head if readable else published
    if shown is None:
        return feature.head_seq, review_of, feature.owner_id
    return (feature.head_seq if readable else shown.seq), review_of, shown.owner_id


def _view(ctx: AtlasContext, feature: Feature | StoredFeature, head: Revision | StoredHead,
          published: Revision | StoredHead | None, readable: bool, shown: Revision | StoredHead | None,
          geometry: dict | None) -> FeatureView:
    """The pull format of what :func:`_shown` decided, with the shown revision's GeoJSON ``geometry``
    (a tombstone when ``shown`` is None). A pull writes the same as JSON text (:func:`_page_text`)."""
    revision, review_of, owner_id = _seen_as(feature, head, published, readable, shown)
    review = ReviewView(state=review_of.state if review_of else None,
                        reason=review_of.reason if review_of else None, published_revision=feature.published_seq)
    owner = ctx.key_of(owner_id)
    if shown is None:
        return FeatureView(id=feature.id, revision=revision, deleted=True, owner=owner, properties=None,
                           geometry=None, review=review)
    return FeatureView(id=feature.id, revision=revision, deleted=False, owner=owner,
                       properties={**shown.properties, "owner": owner}, geometry=geometry, review=review)


def _page_text(decided: list[tuple], geometries: list[str], texts: _Texts) -> str:
    """The JSON text of a pull page's features (``decided``: what :func:`_seen_as` decided of each, with
    revisions as rows of :data:`_HEAD_COLUMNS`; ``geometries``: the GeoJSON text of each shown one), each
    as :func:`_view` answers it (``dump`` of the :class:`FeatureView`, encoded as answers are), written
    directly with the stored properties' text (:func:`_properties_text`); a tombstone where nothing is
    shown. A checkout of 20,000 features spent most of its time decoding the stored properties, building
    the typed answer of them and encoding it again (a test holds the two equal, byte for byte)."""
    keys, states, shown_geometries = texts.keys_by_id, texts.states, iter(geometries)
    features = []
    for fid, revision, owner_id, shown, review_of, published_seq in decided:
        owner = keys[owner_id]
        reason = None if review_of is None else review_of[6]
        review = (f'{{"state":{"null" if review_of is None else states[review_of[5]]},'
                  f'"reason":{"null" if reason is None else encode_basestring(reason)},'
                  f'"published_revision":{"null" if published_seq is None else published_seq}}}')
        features.append(
            f'{{"id":{encode_basestring(fid)},"revision":{revision},"deleted":true,"owner":{owner},'
            f'"properties":null,"geometry":null,"review":{review}}}' if shown is None else
            f'{{"id":{encode_basestring(fid)},"revision":{revision},"deleted":false,"owner":{owner},'
            f'"properties":{_properties_text(shown[3], owner, texts)},"geometry":{next(shown_geometries)},'
            f'"review":{review}}}')
    if not features:
        return "[]"
    features[0] = "[" + features[0]  # the brackets without another copy of the page's megabytes
    features[-1] += "]"
    return ",".join(features)


def _properties_text(stored: str | dict | None, owner: str, texts: _Texts) -> str:
    """The JSON text of stored properties with the owner's key added as ``owner`` (JSON text), as
    :func:`_view` gives them. Where the database gives the stored text (SQLite), it is spliced in as it is:
    the storage writes JSON in the answers' form (:func:`.contract.json_text`), so it is the text the
    answer would hold. Decoded and encoded instead: dicts (PostgreSQL's driver decodes JSONB), text with
    escapes (rows written ASCII-escaped before migration 0014, and a lone surrogate an old server
    stored, which must fail the answer as it always did rather than reach a client) and stored
    properties with an ``owner`` of their own (which the push never keeps)."""
    if isinstance(stored, str) and stored.endswith("}") and "\\u" not in stored and '"owner"' not in stored:
        return f'{{"owner":{owner}}}' if stored == "{}" else f'{stored[:-1]},"owner":{owner}}}'
    properties = json.loads(stored) if isinstance(stored, str) else stored
    return json_text({**(properties or {}), "owner": texts.keys[owner]})


class _Texts:
    """JSON texts of the values a pull page repeats, each encoded once: ``keys_by_id`` (municipality id ->
    the text of its key), ``states`` (review state -> its text) and ``keys`` (the text of a key -> the key)."""

    __slots__ = ("keys", "keys_by_id", "states")

    def __init__(self, ctx: AtlasContext) -> None:
        keys: dict[str, str] = {}

        def key_text(owner_id: int) -> str:  # keeps no reference to self: no cycle for the collector
            key = ctx.key_of(owner_id)
            text = json_text(key)
            keys[text] = key
            return text

        self.keys = keys
        self.keys_by_id = _Filled(key_text)
        self.states = _Filled(json_text)


class _Filled(dict):
    """A dict that computes a missing value once, by ``make(key)``."""

    __slots__ = ("_make",)

    def __init__(self, make: Any) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self._make(key)
        return value


# --- pull ---------------------------------------------------------------------------------------------


# The pull reads plain rows (SQLAlchemy Core, no ORM objects), the stored geometry as it is (hex EWKB,
# converted for a whole page at once by :func:`.geometry.wkb_to_geojson_text`) and the stored properties
# as the database gives them (text on SQLite, see :func:`_properties_text`). A revision is a row of
# _HEAD_COLUMNS (seq, op, owner_id, properties, geometry, state, reason); a pulled feature's row is the
# feature's id, owner_id, published_seq, deleted and change_seq, then its head revision's row (its seq
# read as the feature's head_seq, which the join makes the same).
_HEAD_COLUMNS = (_REVISIONS.c.seq, _REVISIONS.c.op, _REVISIONS.c.owner_id, type_coerce(_REVISIONS.c.properties, Text),
                 type_coerce(_REVISIONS.c.geometry, Text), _REVISIONS.c.state, _REVISIONS.c.reason)
_PULL_ROWS = select(_FEATURES.c.id, _FEATURES.c.owner_id, _FEATURES.c.published_seq, _FEATURES.c.deleted,
                    _FEATURES.c.change_seq, _FEATURES.c.head_seq, *_HEAD_COLUMNS[1:]).join_from(
    _FEATURES, _REVISIONS, _REVISIONS.c.seq == _FEATURES.c.head_seq)
_HEAD_AT = 5  # where a pulled row's head revision begins
_NO_PROPERTIES: dict[str, Any] = {}


def _published_rows(session: Session, seqs: list[int]) -> dict[int, Any]:
    """The revisions numbered ``seqs`` (published states behind newer heads) as rows of
    :data:`_HEAD_COLUMNS`, in one query (the numbers as one parameter: a checkout page asks for
    thousands, and binding them as IN lists cost SQLAlchemy more than the database's work)."""
    if not seqs:
        return {}
    query = select(*_HEAD_COLUMNS).where(among(session.connection(), _REVISIONS.c.seq, seqs))
    return {row[0]: row for row in session.execute(query).all()}


@dataclass(frozen=True, slots=True)
class _Seen:
    """What the pull format states of a feature, as places in ``(head, published)`` (its revision rows):
    the revision the caller sees (None: a tombstone), the one whose number it is told, the one whose
    review it sees (None: none), and whose owner it is told (``owner`` 2: the feature's)."""

    shown: int | None
    revision: int
    review: int | None
    owner: int


_HEAD, _PUBLISHED = -1, -2  # the stand-ins' revision numbers and owners (never those of a stored row)


def _seen_alike(ctx: AtlasContext, actor: Actor, owner_id: int, op: str, state: str,
                published: tuple[str, str] | bool | None) -> _Seen:
    """What :func:`_shown` and :func:`_seen_as` decide of every feature of ``owner_id`` whose head has ``op``
    and ``state`` and whose published revision is ``published`` (None: none, True: the head, else its op
    and state), decided once on stand-ins of the feature and its revisions.

    The decision reads of the revisions only their op and state (and the feature's owner), so a page of
    thousands of features of a few dozen owners takes a few dozen decisions: deciding each feature, and
    building its stored state as objects to decide by, cost more than the database's fetch of it. The
    stand-ins' revision numbers and owners are marks that tell which row the answer's values come from
    (a test holds pages equal to :func:`feature_view` of each feature)."""
    head = StoredHead(_HEAD, op, _HEAD, _NO_PROPERTIES, None, state, None)
    pub = (None if published is None else head if published is True
           else StoredHead(_PUBLISHED, published[0], _PUBLISHED, _NO_PROPERTIES, None, published[1], None))
    feature = StoredFeature("", owner_id, _HEAD, None if pub is None else pub.seq, False)
    readable, shown = _shown(ctx, actor, feature, head, pub)
    revision, review_of, owner = _seen_as(feature, head, pub, readable, shown)
    return _Seen(shown=None if shown is None else 0 if shown is head else 1,
                 revision=0 if revision == _HEAD else 1,
                 review=None if review_of is None else 0 if review_of is head else 1,
                 owner=0 if owner == _HEAD else 1 if owner == _PUBLISHED else 2)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a pull page is built or a push is checked and
    written. Both make some ten objects per feature (rows, stored states, checked changes, texts) and
    keep them to the end, none of them in a reference cycle, so reference counting frees them all; the
    collector, started every 700 new objects, walked them (and in its older generations everything else
    alive) again and again for nothing: a third of a checkout's CPU time and of a push's (bench_sync,
    measured with and without). Whatever cycles the work leaves are collected after it. It is started
    again by whoever found it running (with requests in threads, when the first of them ends: the others
    are then only slower)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


@collector_paused()
def pull(ctx: AtlasContext, layer_name: str, since: int, limit: int, as_of: int | None = None) -> PullPage:
    """Everything of ``layer`` the caller may read that changed after ``since``, oldest first.

    Pages are cut at ``limit`` features; ``cursor`` is the change number of the last one, so the next
    page starts exactly after it. Writes commit in sequence order (see :mod:`.sequence`), so a cursor
    never skips a change that commits later.

    ``as_of`` is the change number at which the client began paging (every page answers it; the
    client sends it back with the next page). The checks for a copy that must start again (sharing
    ended, rights changed) judge the copy by that start, not by the cursor of a page in between, which
    can lie before such a change although the copy began after it. A client that sends a wrong
    ``as_of`` only keeps its own copy from being told to start again; it learns nothing more.
    """
    session, actor = ctx.session, ctx.actor
    layer = get_layer(layer_name)
    newest = sequence.current(session)
    if since > newest or (as_of is not None and as_of > newest):
        # A cursor from another server or an old backup: answering "nothing new" would make the client
        # miss every change forever, so it is told to check out again.
        raise checkout_required("cursor_ahead", cursor=since, server_cursor=newest)
    basis = since if as_of is None or since == 0 else max(since, as_of)  # what the copy is complete up to
    changed = session.get(User, actor.user_id).rights_changed_seq if since > 0 else None
    if changed is not None and basis < changed:
        raise checkout_required("rights_changed", cursor=since, rights_changed=changed)
    f = _FEATURES.c
    query = _PULL_ROWS.where(f.layer == layer.name, f.change_seq > since)
    if since == 0:
        # A fresh checkout needs no features that are deleted for every caller: deleted in the head and
        # either never published or with the deletion published. A pending deletion of a published
        # feature is still the published feature for those who see only published work.
        query = query.where(or_(f.deleted.is_(False), f.published_seq.is_not(None)
                                & (f.published_seq != f.head_seq)))
    rows = session.execute(query.order_by(f.change_seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    # Sharing settings read after the rows: every row is judged by settings at least as new as itself
    # (a change of the setting and the new change numbers of its drafts commit together).
    ctx.refresh_sharing(session)
    if since > 0 and not actor.is_admin:
        ended = [(seq, mid) for mid, seq in ctx.sharing_ended().items()
                 if mid != actor.municipality_id and basis < seq]
        if ended:
            seq, mid = max(ended)
            raise checkout_required("sharing_ended", cursor=since, municipality=ctx.key_of(mid),
                                    municipality_name=ctx.name_of(mid), sharing_ended=seq)
    published = _published_rows(session, [row[2] for row in rows if row[2] is not None and row[2] != row[_HEAD_AT]])
    hidden = set() if since == 0 else _never_seen(session, ctx, actor, layer.name, [
        StoredFeature(fid, owner, head_seq, None, deleted)
        for fid, owner, published_seq, deleted, _change, head_seq, *_rest in rows if published_seq is None])
    decided = []
    alike: dict[tuple, _Seen] = {}
    for row in rows:
        fid, owner_id, published_seq = row[0], row[1], row[2]
        head = row[_HEAD_AT:]
        pub = None if published_seq is None else head if published_seq == head[0] else published.get(published_seq)
        key = (owner_id, head[1], head[5], None if pub is None else pub is head or (pub[1], pub[5]))
        seen = alike.get(key)
        if seen is None:
            seen = alike[key] = _seen_alike(ctx, actor, *key)
        if seen.shown is None and (since == 0 or fid in hidden):
            continue  # a fresh checkout needs no tombstones, and nobody those of what they never saw
        revisions = (head, pub)
        decided.append((fid, revisions[seen.revision][0],
                        owner_id if seen.owner == 2 else revisions[seen.owner][2],
                        None if seen.shown is None else revisions[seen.shown],
                        None if seen.review is None else revisions[seen.review], published_seq))
    geometries = wkb_to_geojson_text([shown[4] for *_rest, shown, _r, _p in decided if shown is not None])
    features = _page_text(decided, geometries, _Texts(ctx))
    # The last page ends at least at ``newest`` (read before the query; writes commit in sequence order, so
    # everything up to it was visible to the query): the cursor moves past changes of other layers and
    # past sequence steps without features (sharing_ended, rights_changed).
    cursor = rows[-1][4] if more else max(newest, rows[-1][4] if rows else 0)
    return PullPage(layer=layer.name, schema_version=layer.schema_version, cursor=cursor, more=more,
                    as_of=newest if as_of is None or since == 0 else as_of, features=Encoded(features))


def hidden_from(ctx: AtlasContext, actor: Actor, feature: Feature | StoredFeature) -> bool:
    """The caller may not know that ``feature`` exists: it may not read its unpublished work, and
    nothing of it is public (never published, or withdrawn). Such a feature answers exactly like an id
    that does not exist."""
    return feature.published_seq is None and not may_read_unpublished(
        actor, feature.owner_id, ctx.shares(feature.owner_id))


def _never_seen(session: Session, ctx: AtlasContext, actor: Actor, layer: str,
                candidates: list[StoredFeature]) -> set[str]:
    """Ids among ``candidates`` (features without a published state) whose tombstone the caller must not
    get, because it can never have held them: it may not read them now, none of their revisions was ever
    public (withdrawn), and none belonged to a municipality whose unpublished work it may read (an
    admin's change of owner). Sharing that ended is covered by ``sharing_ended_seq``."""
    unreadable = {f.id for f in candidates if hidden_from(ctx, actor, f)}
    seen: set[str] = set()
    ids = sorted(unreadable)
    for part in in_chunks(ids):
        rows = session.execute(select(Revision.feature_id, Revision.owner_id, Revision.state).distinct().where(
            Revision.layer == layer, Revision.feature_id.in_(part)))
        seen.update(fid for fid, owner_id, state in rows if state in ONCE_PUBLIC
                    or may_read_unpublished(actor, owner_id, ctx.shares(owner_id)))
    return unreadable - seen


def checkout_required(reason: str, **params: Any) -> Conflict:
    """The problem that tells a client its working copy must be checked out again (``reason`` says why;
    the plugin reacts to the code ``checkout_required`` by pulling from 0 and keeping its local edits)."""
    return Conflict("checkout_required", reason=reason, body={"params": {"reason": reason, **params}}, **params)


# --- push ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Checked:
    """One change after checking: what to write, or why not."""

    index: int
    op: str
    id: str
    status: str = "accepted"
    code: str | None = None
    # None and () until a verdict needs them: a dict and a list for each of 100,000 accepted changes cost 12 MB
    message_params: dict[str, Any] | None = None
    errors: Sequence[FieldError] = ()
    current: FeatureView | None = None
    revision: int | None = None  # the revision an applied change became
    feature: StoredFeature | None = None
    properties: dict | None = None
    geometry: Any = None
    owner_id: int | None = None


_PUSH_FIELDS = names(PushBody)
_CHANGE_FIELDS = names(Change)


_HASHED_AT_ONCE = 5_000  # changes encoded per piece of a request's digest


def _request_hash(layer: str, body: dict) -> str:
    """The digest a retry is compared by: SHA-256 of ``json.dumps([layer, body], sort_keys=True,
    default=str)``, the text fed to the hash a piece at a time (:func:`_hash_json`), so digests kept by
    earlier pushes still match. As one string, the JSON of a push of 100,000 changes was the peak of an
    upload: the encoder's pieces, the text and its bytes, about 150 MB for a moment."""
    digest = hashlib.sha256()
    _hash_json(digest, [layer, body], depth=3)
    return digest.hexdigest()


def _hash_json(digest: Any, value: Any, depth: int) -> None:
    """Feed ``digest`` the UTF-8 of ``json.dumps(value, sort_keys=True, default=str)`` (default separators),
    going ``depth`` levels into lists and into dicts with text keys (as that encoder writes them: items
    joined by ", ", keys sorted, "key: value"); a list at the last level is encoded a chunk of items at a
    time, anything else at once."""
    if depth > 0 and isinstance(value, dict) and all(isinstance(key, str) for key in value):
        digest.update(b"{")
        for n, key in enumerate(sorted(value)):
            digest.update(f"{', ' if n else ''}{json.dumps(key)}: ".encode())
            _hash_json(digest, value[key], depth - 1)
        digest.update(b"}")
    elif depth > 1 and isinstance(value, (list, tuple)):
        digest.update(b"[")
        for n, item in enumerate(value):
            if n:
                digest.update(b", ")
            _hash_json(digest, item, depth - 1)
        digest.update(b"]")
    elif depth > 0 and isinstance(value, (list, tuple)):
        digest.update(b"[")
        for start in range(0, len(value), _HASHED_AT_ONCE):
            part = json.dumps(list(value[start:start + _HASHED_AT_ONCE]), sort_keys=True, default=str)
            digest.update(f"{', ' if start else ''}{part[1:-1]}".encode())
        digest.update(b"]")
    else:
        digest.update(json.dumps(value, sort_keys=True, default=str).encode())


def _read_push(body: Any, layer: LayerSpec, max_changes: int) -> tuple[str, str, list]:
    if not isinstance(body, dict):
        raise Invalid("invalid_body", errors=[FieldError("body", "wrong_type", {"expected": "object"})])
    errors = [FieldError(k, "unknown_field") for k in body if k not in _PUSH_FIELDS]
    key = body.get("idempotency_key")
    if not isinstance(key, str) or not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX:
        errors.append(FieldError("idempotency_key", "required"))
    version = body.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int):
        errors.append(FieldError("schema_version", "required"))
    changes = body.get("changes")
    if not isinstance(changes, list):
        errors.append(FieldError("changes", "wrong_type", {"expected": "list"}))
    if errors:
        raise Invalid("invalid_body", errors=errors)
    if version != layer.schema_version:
        raise Conflict("schema_outdated", layer=layer.name, client=version, server=layer.schema_version)
    if not changes:
        raise Invalid("invalid_body", errors=[FieldError("changes", "empty")])
    if len(changes) > max_changes:
        raise DomainError("too_many_changes", {"limit": max_changes, "count": len(changes)}, status=413)
    return key, normalize_crs(body.get("crs")), changes


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _canonical_id(fid: str) -> str:
    """The id in the canonical form (lower case, hyphens); "" when it is no UUID. Ids already in that
    form (what clients send) are taken as they are, without building a UUID object each."""
    if _CANONICAL_UUID.fullmatch(fid):
        return fid
    try:
        return str(uuid.UUID(fid))
    except ValueError:
        return ""


def _check_shape(index: int, change: Any, seen: set[str]) -> _Checked:
    """The change's op, id and base revision (its properties and geometry are checked a part at a time)."""
    # The common case first, without gathering errors: known keys, a new id in canonical form, an insert
    # without a base revision or an update or deletion with one in range. Anything else is judged below.
    if change.__class__ is dict:
        op, fid, base = change.get("op"), change.get("id"), change.get("base_revision")
        if (change.keys() <= _CHANGE_FIELDS and fid.__class__ is str and fid not in seen
                and (base is None if op == Op.INSERT
                     else op in OPS and base.__class__ is int and 0 <= base <= INT64_MAX)
                and _CANONICAL_UUID.fullmatch(fid)):
            seen.add(fid)
            return _Checked(index, op, fid)
    if not isinstance(change, dict):
        return _Checked(index, "?", "?", "invalid", "invalid_change",
                        errors=[FieldError("change", "wrong_type", {"expected": "object"})])
    op, fid = change.get("op"), change.get("id")
    checked = _Checked(index, op if isinstance(op, str) else "?", fid if isinstance(fid, str) else "?")
    errors = [FieldError(k, "unknown_field") for k in change if k not in _CHANGE_FIELDS]
    if op not in OPS:
        errors.append(FieldError("op", "unknown_choice", {"value": op}))
    checked.id = _canonical_id(fid) if isinstance(fid, str) else ""
    if not checked.id:
        errors.append(FieldError("id", "bad_uuid", {"value": fid}))
    elif checked.id in seen:
        errors.append(FieldError("id", "duplicate_in_push"))
    seen.add(checked.id)
    base = change.get("base_revision")
    if op in (Op.UPDATE, Op.DELETE) and (isinstance(base, bool) or not isinstance(base, int)):
        errors.append(FieldError("base_revision", "required"))
    elif isinstance(base, int) and not isinstance(base, bool) and not 0 <= base <= INT64_MAX:
        # the range the OpenAPI document declares: no revision lies outside it, so this is an invalid
        # change, not a conflict with the stored state
        errors.append(FieldError("base_revision", "out_of_range", {"min": 0, "max": INT64_MAX}))
    if errors:
        checked.status, checked.code, checked.errors = "invalid", "invalid_change", errors
    return checked


def _owner_of_new(ctx: AtlasContext, actor: Actor, props: dict, stored: Feature | None,
                  geometry: Any) -> tuple[int | None, FieldError | None]:
    """Resolve the ``owner`` property: given key, else the stored owner, else the editor's own
    municipality, else (admin) the municipality the geometry lies in."""
    key = props.get("owner")
    if key not in (None, ""):
        if not isinstance(key, str) or key not in ctx.id_by_key:
            return None, FieldError("owner", "unknown_choice", {"value": key})
        return ctx.id_by_key[key], None
    if stored is not None:
        return stored.owner_id, None
    if not actor.is_admin:
        return actor.municipality_id, None
    found = ctx.municipality_at(geometry) if geometry is not None else None
    return (found, None) if found is not None else (None, FieldError("owner", "required"))


@dataclass(slots=True)
class _Written:
    """What the column-wise checks of a part found for one insert or update (:func:`_check_part`)."""

    properties: dict  # cleaned
    errors: list[FieldError]  # of the properties (clean_properties_many)
    raw: dict  # the properties as given ({} when no dict)
    owner_id: int | None = None  # a value's: its unit's owner
    value_errors: list[FieldError] = field(default_factory=list)  # a value's (values.check_many)


def _check_change(ctx: AtlasContext, actor: Actor, layer: LayerSpec, crs: str, change: dict, checked: _Checked,
                  stored: tuple[StoredFeature, StoredHead] | None, point: BaseGeometry | None,
                  written: _Written | None) -> tuple[OwnedState | None, OwnedState | None, list[FieldError]]:
    """Check one change (everything but the ownership rule, which the push asks for all changes at
    once): returns the stored and the new state the rule decides on (None and None where the rule binds
    nobody: :func:`.rights.bound_by_ownership`), and the problems found. An insert
    of an id that exists is marked as a conflict here. ``point``: the change's geometry as
    :func:`.geometry.parse_points` read it for the whole push, None where it left it to
    :func:`.geometry.parse_geometry`; ``written``: what the part's column-wise checks found for an
    insert or update (its properties and, for a value, the value)."""
    feature, head = stored if stored else (None, None)
    checked.feature = feature
    judged = bound_by_ownership(actor)  # else the rule refuses nothing: no states to work out (the admin)
    hidden = feature is not None and hidden_from(ctx, actor, feature)
    if hidden:
        # Judged exactly as an id that does not exist: no owner, no "not yours", no current state. Only
        # an insert cannot take the id (random UUIDs: nobody finds such an id by trying).
        feature, head = None, None
        checked.feature = None
    errors: list[FieldError] = []
    new_state: OwnedState | None = None
    if checked.op == Op.INSERT and (feature is not None or hidden):
        checked.status, checked.code = "conflict", "already_exists"
    if checked.op in (Op.UPDATE, Op.DELETE) and feature is None:
        errors.append(FieldError("id", "unknown_feature"))
    if written is not None:
        props = written.properties
        errors.extend(written.errors)
        geometry = None
        if layer.geometry_type is None:
            if change.get("geometry") is not None:
                errors.append(FieldError("geometry", "no_geometry"))
        elif point is not None:
            geometry = point
        else:
            try:
                geometry = parse_geometry(change.get("geometry"), layer.geometry_type, crs, ctx.area_of_interest,
                                          ctx.settings.max_geometry_vertices)
            except Invalid as exc:
                errors.extend(exc.errors)
        if layer.name == values.LAYER:  # a value belongs to its unit's owner (values.check_many found it)
            owner_id = written.owner_id
            errors.extend(written.value_errors)
        else:
            owner_id, owner_error = _owner_of_new(ctx, actor, written.raw, feature, geometry)
            if owner_error:
                errors.append(owner_error)
        checked.properties, checked.geometry, checked.owner_id = props, geometry, owner_id
        if owner_id is not None and judged:
            new_state = ctx.owned_state(layer.name, owner_id, geometry, props)
    elif feature is not None:
        checked.owner_id = feature.owner_id
    stored_state = None if feature is None or head is None or not judged else ctx.owned_state(
        layer.name, feature.owner_id, head.geometry, head.properties if ctx.reads_properties(layer.name) else None)
    return stored_state, new_state, errors


def _decide(session: Session, ctx: AtlasContext, actor: Actor, change: dict, checked: _Checked,
            stored: tuple[StoredFeature, StoredHead] | None, refusal: Refusal | None,
            errors: list[FieldError]) -> None:
    """Fill in ``checked``'s verdict: forbidden beats invalid beats conflict, so the reason shown is
    the one the person must act on first."""
    if refusal is not None:
        checked.status, checked.code = "forbidden", refusal.code
        checked.message_params = ctx.with_names(refusal.params)
        return
    if errors:
        checked.status, checked.code, checked.errors = "invalid", "invalid_change", errors
        return
    feature = checked.feature
    if feature is not None and checked.op != Op.INSERT and change.get("base_revision") != feature.head_seq:
        checked.status, checked.code = "conflict", "stale_revision"
        checked.message_params = {"base": change.get("base_revision"), "current": feature.head_seq}
    if checked.status == "conflict" and feature is not None and stored is not None:
        head = stored[1]
        published: Revision | StoredHead | None = None
        if feature.published_seq is not None:
            published = head if feature.published_seq == head.seq else session.get(Revision, feature.published_seq)
        checked.current = feature_view(ctx, actor, feature, head, published)


_PUSH_CHUNK = 5_000  # changes checked (and, in a real push, written) at a time


def _check_written(ctx: AtlasContext, actor: Actor, layer: LayerSpec, part: list[tuple[_Checked, dict]],
                   ) -> dict[int, _Written]:
    """The properties of the part's inserts and updates checked a column at a time
    (:func:`.layers.clean_properties_many`), and for indicator values the values
    (:func:`.indicators.values.check_many`): by the change's place in ``part``."""
    places = [n for n, (item, _change) in enumerate(part) if item.op in (Op.INSERT, Op.UPDATE)]
    given = [part[n][1].get("properties") for n in places]
    written = [_Written(props, errors, raw if isinstance(raw, dict) else {})
               for (props, errors), raw in zip(clean_properties_many(layer, given, ctx.catalogue), given, strict=True)]
    if layer.name == values.LAYER:
        found = values.check_many(ctx, [part[n][0].id for n in places], [w.properties for w in written],
                                  [w.raw for w in written], ctx.units_for(actor))
        for w, (owner_id, value_errors) in zip(written, found, strict=True):
            w.owner_id, w.value_errors = owner_id, value_errors
    return dict(zip(places, written, strict=True))


def _check_part(ctx: AtlasContext, actor: Actor, layer: LayerSpec, crs: str, part: list[tuple[_Checked, dict]],
                stored: dict[str, tuple[StoredFeature, StoredHead]]) -> None:
    """Check the accepted changes of ``part`` and put the verdict on each (the ownership rule asked once
    for the whole part)."""
    points: list[BaseGeometry | None] = [None] * len(part)
    if layer.geometry_type == "Point":
        points = parse_points([change.get("geometry") if item.op in (Op.INSERT, Op.UPDATE) else None
                               for item, change in part], crs, ctx.area_of_interest,
                              ctx.settings.max_geometry_vertices)
    written = _check_written(ctx, actor, layer, part)
    judged = [(item, change, _check_change(ctx, actor, layer, crs, change, item, stored.get(item.id), point,
                                           written.get(n)))
              for n, ((item, change), point) in enumerate(zip(part, points, strict=True))]
    refusals = write_refusals(actor, [(old, new) for _i, _c, (old, new, _e) in judged], ctx.territory_of,
                              ctx.settings.border_tolerance_m)
    for (item, change, (_old, _new, errors)), refusal in zip(judged, refusals, strict=True):
        _decide(ctx.session, ctx, actor, change, item, stored.get(item.id), refusal, errors)


@collector_paused()
def push(ctx: AtlasContext, layer_name: str, body: Any, *, dry_run: bool = False, max_changes: int | None = None,
         heads: dict[str, tuple[StoredFeature, StoredHead]] | None = None) -> PushAnswer:
    """Check every change, then apply all of them in this transaction, or raise and apply none.

    Returns the answer for the client. A refused push raises :class:`DomainError` whose body
    carries the per-change results, so the caller rolls back and answers with one problem document.
    ``dry_run`` checks exactly as a real push does and writes nothing (the indicator upload's report);
    ``max_changes`` lifts the per-push limit for a caller that has its own (the upload's row limit).
    ``heads``: :func:`load_heads` of the changes' ids, when the caller read them already in this
    transaction (for a real push after taking the lock): the upload compares with them first, and
    reading 100,000 heads twice cost as much as checking them. A real push takes the heads it writes
    over out of the dict as it goes (for 100,000 stored values some 50 MB, else held to the end).
    """
    session, actor = ctx.session, ctx.actor
    layer = get_layer(layer_name)
    key, crs, changes = _read_push(body, layer, max_changes or ctx.settings.max_changes_per_push)
    current_seq = sequence.lock(session) if not dry_run else 0
    digest = _request_hash(layer.name, body) if not dry_run else ""
    earlier = earlier_push(session, actor, key) if not dry_run else None
    if earlier is not None:
        if earlier.request_hash != digest:
            raise Conflict("idempotency_key_reused", key=key)
        return replayed(session, earlier)
    seen: set[str] = set()
    checked = [_check_shape(i, c, seen) for i, c in enumerate(changes)]
    stored = heads if heads is not None else load_heads(
        session, layer.name, [c.id for c in checked if c.id and c.status == "accepted"])
    accepted = [(item, change) for item, change in zip(checked, changes, strict=True) if item.status == "accepted"]
    # Written as it is checked, a chunk at a time, while every change so far passed: the check state of a
    # chunk (cleaned properties, the states the ownership rule decides on) is let go once it is written,
    # instead of holding that of 100,000 changes until all are decided. A refusal anywhere still raises
    # with every change's verdict; the caller rolls the transaction back (it does already for the lock's
    # write), so nothing of a refused push is kept.
    writing = not dry_run and len(accepted) == len(checked)
    push_id, now = str(uuid.uuid4()), audit.now()
    written = 0
    for start in range(0, len(accepted), _PUSH_CHUNK):
        part = accepted[start:start + _PUSH_CHUNK]
        _check_part(ctx, actor, layer, crs, part, stored)
        writing = writing and all(item.status == "accepted" for item, _change in part)
        if writing:
            seqs = lifecycle.submit(session, actor, layer.name, [lifecycle.Submission(
                item.id, item.op, item.owner_id,
                stored[item.id][1].properties if item.op == Op.DELETE else item.properties,  # a deletion keeps
                item.geometry, item.feature) for item, _change in part],  # the last state
                current=current_seq + written, push_id=push_id, now=now)
            written += len(part)
            for (item, _change), seq in zip(part, seqs, strict=True):
                item.revision = seq
                stored.pop(item.id, None)  # written over: nothing asks for this head again
        for item, _change in part:
            # written, or never to be: the answer needs none of them (a conflict's current state is taken)
            item.properties = item.geometry = item.feature = None
    failed = [c for c in checked if c.status != "accepted"]
    if failed:
        statuses = {c.status for c in failed}
        code, status = next((s, n) for s, n in (("forbidden", 403), ("invalid", 422), ("conflict", 409))
                            if s in statuses)
        raise DomainError(f"push_{code}", {"count": len(failed), "total": len(checked)}, status=status,
                          body={"applied": False, "results": dump([_result(c, failed_push=True) for c in checked])})
    if dry_run:
        return PushAnswer(applied=False, dry_run=True, layer=layer.name,
                          results=[_result(c, failed_push=True) for c in checked])
    response = PushAnswer(applied=True, push_id=push_id, layer=layer.name, results=[_result(c) for c in checked])
    session.add(Push(id=push_id, user_id=actor.user_id, idempotency_key=key, request_hash=digest,
                     response=_kept(response), created_at=now))
    audit.record(session, actor, "push", f"layer:{layer.name}", push_id=push_id, changes=[
        [c.op, c.id, c.revision] for c in checked])
    return response


def earlier_push(session: Session, actor: Actor, key: str) -> Push | None:
    """The push ``actor`` already made with idempotency key ``key``, if any (its answer is kept)."""
    return session.scalar(select(Push).where(Push.user_id == actor.user_id, Push.idempotency_key == key))


def _kept(answer: PushAnswer) -> dict[str, Any]:
    """What an applied push keeps of its answer for a retry: everything but its results, which are its
    revisions (every change accepted, in order, as the revisions numbered from the push's first; see
    :func:`kept_answer`). An upload of 100,000 values kept 100,000 results as one JSON document, and
    building and writing it was the peak of the upload's memory and a tenth of its time.
    Migration 0015 writes this form back in full on downgrade."""
    return {"applied": answer.applied, "layer": answer.layer, "push_id": answer.push_id}


def kept_answer(session: Session, earlier: Push) -> PushAnswer:
    """The answer ``earlier`` gave: its results rebuilt from the push's revisions (a change accepted as
    revision n, ordered by number), or, for a push kept before migration 0015, as it was kept in full."""
    response = earlier.response
    if "results" in response:
        return load(PushAnswer, response)
    r = _REVISIONS.c
    rows = session.execute(select(r.seq, r.feature_id, r.op).where(r.push_id == earlier.id).order_by(r.seq))
    return PushAnswer(applied=response["applied"], layer=response["layer"], push_id=response["push_id"],
                      results=[ChangeResult(index=index, id=fid, op=op, status="accepted", revision=seq)
                               for index, (seq, fid, op) in enumerate(rows)])


def replayed(session: Session, earlier: Push) -> PushAnswer:
    """The kept answer of an earlier push, as a retry with its idempotency key gets it again."""
    return replace(kept_answer(session, earlier), replayed=True)


def _result(item: _Checked, failed_push: bool = False) -> ChangeResult:
    if item.status == "accepted":
        if failed_push:
            return ChangeResult(index=item.index, id=item.id, op=item.op, status="not_applied")
        return ChangeResult(index=item.index, id=item.id, op=item.op, status="accepted",
                            revision=item.revision)
    return ChangeResult(index=item.index, id=item.id, op=item.op, status=item.status,  # type: ignore[arg-type]
                        code=item.code, params=item.message_params if item.message_params is not None else {},
                        errors=[FieldProblem(e.field, e.code, e.params) for e in item.errors] or None,
                        current=item.current)


__all__ = ["StoredFeature", "StoredHead", "describe_layer", "feature_view", "get_layer", "kept_answer", "load_features",
           "load_heads", "pull", "push"]
