"""Validators, cache policy and compression of the public atlas: the one rule for every answer.

The public side is read a thousand times for every publish, so a browser, a reverse proxy or a CDN
may keep it: a view marked with :func:`public_answer` answers anonymous GET/HEAD requests with a strong
ETag, ``Cache-Control: public`` and ``Vary: Accept-Encoding, Accept-Language``, and a matching
``If-None-Match`` with 304. For data the ETag is a hash of the atlas's public version (change sequence,
catalogue version, last configuration write: one cheap statement, see
:func:`~sync_server.domain.sequence.public_version`) and of what the request asks (path, query,
language, encoding, host, server version); it is checked before the view runs, so a revisit costs one
small query, and an answer the worker has already built for the same tag is sent again without running the
view (:mod:`.answer_cache`, for views that mark their answers keepable). Files use the file's validator
(modification time and size).

Every other answer (any request with an ``Authorization`` header or a logged-in actor, any write, any
error) says ``Cache-Control: no-store`` and carries no ETag: nothing a user may see after logging in
ever lands in a shared cache, and no public validator answers an authenticated request.

Public text answers above :data:`MIN_GZIP_BYTES` are gzip-compressed when the client accepts it; the
streamed GeoJSON is compressed as it streams.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from flask import Flask, Response, current_app, g, request

from .. import __version__, messages
from ..domain import sequence
from ..storage.db import Prepared
from . import answer_cache
from .common import reader, url_root

View = TypeVar("View", bound=Callable)
FirstRead = Callable[[], "tuple[Prepared, dict[str, Any]] | None"]

# Kind of public answer -> its Cache-Control. Data may be a minute old in a shared cache, then must be
# revalidated (one cheap query); the page and its own files are revalidated every time, so a deployment
# shows at once; vendor libraries change only with a deployment.
POLICIES = {
    "data": "public, max-age=60, must-revalidate",
    "page": "public, no-cache",
    "vendor": "public, max-age=86400",
}
MIN_GZIP_BYTES = 1024
GZIP_LEVEL = 6
_COMPRESSED_FILES: dict[str, bytes] = {}  # file ETag -> its gzip bytes (a few library and page files)
_COMPRESSED_FILES_MAX = 64


def public_answer(kind: str, first_read: FirstRead | None = None) -> Callable[[View], View]:
    """Mark a view whose anonymous answer is the same for every visitor (put it below ``@bp.get``).

    ``first_read`` (data only) names the one small read the view will make (the statement and its parameters
    for this request, or None): it is read with the public version of the validator, in one round trip, and
    the view's reader answers it from there (see :func:`~sync_server.domain.sequence.public_version`)."""
    if kind not in POLICIES:
        raise ValueError(f"unknown kind of public answer: {kind}")

    def mark(view: View) -> View:
        view.public_answer = kind  # type: ignore[attr-defined]
        view.first_read = first_read  # type: ignore[attr-defined]
        return view

    return mark


def public_kind() -> str | None:
    """Whether this request gets a public, cacheable answer (and of which kind): the one decision.

    Only reads (GET, HEAD) of marked views, and only without credentials: a request with an
    Authorization header is never public, even when the route also serves visitors.
    """
    if request.method not in ("GET", "HEAD") or "Authorization" in request.headers or g.get("actor") is not None:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "public_answer", None)


def _accepts_gzip() -> bool:
    return request.accept_encodings.quality("gzip") > 0


def _compressible(response: Response) -> bool:
    mimetype = response.mimetype or ""
    return mimetype.startswith("text/") or mimetype.endswith(("json", "javascript", "+xml"))


def _data_tag() -> tuple[str, tuple[int, int, int]]:
    """The ETag of a data answer, from what it depends on, and the public version in it; no content is read."""
    first_read = getattr(current_app.view_functions.get(request.endpoint or ""), "first_read", None)
    version = sequence.public_version(reader(), first_read() if first_read is not None else None)
    parts = (__version__, *version, url_root(), request.full_path,
             messages.pick_language(request.headers.get("Accept-Language")), _accepts_gzip())
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32], version


def _cache_headers(response: Response, kind: str) -> None:
    response.headers["Cache-Control"] = POLICIES[kind]
    response.vary.update(("Accept-Encoding", "Accept-Language"))  # one parse and one write of the header


def _not_modified(tag: str, kind: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag)
    _cache_headers(response, kind)
    return response


def _gzip_stream(chunks: Iterable[str | bytes]) -> Iterator[bytes]:
    """Compress a streamed answer as it streams (zlib buffers, so blocks come out at a useful size)."""
    packer = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # wbits 31: gzip framing
    try:
        for chunk in chunks:
            block = packer.compress(chunk.encode() if isinstance(chunk, str) else chunk)
            if block:
                yield block
        yield packer.flush()
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()  # the inner generator closes its database session


def _compress(response: Response, kind: str, tag: str) -> None:
    if response.is_streamed and kind == "data":
        response.response = _gzip_stream(response.response)
        response.headers.pop("Content-Length", None)
    else:
        response.direct_passthrough = False  # files: read them (small), so they can be compressed
        packed = _COMPRESSED_FILES.get(tag) if kind != "data" else None
        if packed is None:
            packed = gzip.compress(response.get_data(), GZIP_LEVEL, mtime=0)
            if kind != "data":
                if len(_COMPRESSED_FILES) >= _COMPRESSED_FILES_MAX:
                    _COMPRESSED_FILES.clear()
                _COMPRESSED_FILES[tag] = packed
        response.set_data(packed)
    response.headers["Content-Encoding"] = "gzip"


def _revalidate() -> Response | None:
    """Before the view: a public data request whose validator matches is answered 304 at once, one whose
    answer this worker has kept for the same validator with that answer (see :mod:`.answer_cache`)."""
    if public_kind() != "data":
        return None
    tag, g.public_version = _data_tag()
    g.public_etag = tag
    if request.if_none_match.contains_weak(tag):
        return _not_modified(tag, "data")
    return answer_cache.kept_response(g.public_version, tag)


def _finish(response: Response) -> Response:
    """After the view (and after every other hook): validators, cache policy and compression."""
    kind = public_kind()
    if kind is None or response.status_code not in (200, 304):
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("ETag", None)
        response.headers.pop("Last-Modified", None)
        return response
    if response.status_code == 304:
        _cache_headers(response, kind)
        return response
    big_enough = (response.is_streamed and kind == "data") or (response.content_length or 0) >= MIN_GZIP_BYTES
    gzip_it = _accepts_gzip() and _compressible(response) and big_enough
    # A file keeps werkzeug's validator (modification time, size, name); compressed, it is another representation.
    tag = g.public_etag if kind == "data" else (response.get_etag()[0] or "") + ("-gzip" if gzip_it else "")
    _cache_headers(response, kind)
    response.set_etag(tag)
    if request.if_none_match.contains_weak(tag):
        return _not_modified(tag, kind)
    if g.get("answer_was_kept"):
        return response  # sent as it was built (compressed then, if the tag says so)
    if gzip_it:
        _compress(response, kind, tag)
    if kind == "data" and request.method == "GET":
        answer_cache.keep(g.public_version, tag, response)
    return response


def register(app: Flask) -> None:
    """Install the rule; register before other after-request hooks so that it runs after them (Flask
    runs them in reverse order) and compresses what they finished."""
    app.before_request(_revalidate)
    app.after_request(_finish)
