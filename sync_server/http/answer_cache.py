"""A small bounded in-process store of finished public answers, keyed by their data ETag.

The data ETag (:mod:`.caching`) is a hash of the atlas's public version (read from the database on every
request, so every worker sees a publish at once) and of everything the request asks (path, query, language,
encoding, host, server version): two requests with the same tag get the same answer by the validator's own
contract, which proxies and CDNs already rely on. So a worker that has built an answer may send the same bytes
again for the same tag instead of building them anew; a publish moves the version, hence the tag, so a stale
answer is never found. Each gunicorn worker keeps its own store; none is shared, none needs invalidating.

Only what :mod:`.caching` lets through is kept: anonymous GET answers of views marked public data, status
200, not streamed, no cookie, and only answers the view marked as depending on nothing but what the tag names
(:func:`keep_answer`: the OGC API's pages and items of the read model, not the computed indicator collections,
which also follow the calendar). Answers of an older public version are dropped as soon as a newer one is
seen. The bound is in bytes (:data:`MAX_BYTES` per worker, :data:`MAX_ANSWER_BYTES` per answer), least
recently used first out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Response, current_app, g

MAX_BYTES = 16 << 20  # per worker: a few hundred bbox pages of 100
MAX_ANSWER_BYTES = 1 << 20  # a page of 1,000 institutions is about 0.9 MB
# Headers the after-request hooks set per request (validators, cache policy, CORS, length): not kept.
_PER_REQUEST = frozenset(("etag", "cache-control", "vary", "content-length", "x-content-type-options",
                          "access-control-allow-origin", "access-control-allow-headers",
                          "access-control-allow-methods"))

Version = tuple[int, int, int]


@dataclass(frozen=True)
class Kept:
    """A finished answer as it was sent (compressed when the tag says the client takes gzip)."""

    body: bytes
    headers: tuple[tuple[str, str], ...]

    def response(self) -> Response:
        return Response(self.body, headers=list(self.headers))


class AnswerCache:
    """Answers by data ETag, for one application (one database); see the module's docstring."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_answer_bytes: int = MAX_ANSWER_BYTES) -> None:
        self.max_bytes = max_bytes
        self.max_answer_bytes = max_answer_bytes
        self._answers: OrderedDict[str, Kept] = OrderedDict()
        self._bytes = 0
        self._version: Version | None = None
        self._lock = threading.Lock()  # a threaded server (the development server, tests) shares the store

    def get(self, version: Version, tag: str) -> Kept | None:
        with self._lock:
            if version != self._version:
                return None
            found = self._answers.get(tag)
            if found is not None:
                self._answers.move_to_end(tag)
            return found

    def put(self, version: Version, tag: str, kept: Kept) -> None:
        size = len(kept.body)
        if size > self.max_answer_bytes:
            return
        with self._lock:
            if version != self._version:
                # every part of the version only grows: an answer of an older one is dropped, a newer one
                # makes every kept answer unreachable
                if self._version is not None and not all(a >= b for a, b in zip(version, self._version, strict=True)):
                    return
                self._answers.clear()
                self._bytes = 0
                self._version = version
            old = self._answers.pop(tag, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._answers[tag] = kept
            self._bytes += size
            while self._bytes > self.max_bytes:
                _tag, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    @property
    def version(self) -> Version | None:
        """The public version of the kept answers (None before the first)."""
        return self._version

    def __len__(self) -> int:
        return len(self._answers)


def keep_answer() -> None:
    """Mark this request's answer as depending on nothing but what its data ETag names, so it may be kept."""
    g.keep_answer = True


def answers() -> AnswerCache:
    """The application's store (one per application, so per database)."""
    return current_app.extensions["familienatlas"].answers


def kept_response(version: Version, tag: str) -> Response | None:
    """The kept answer of ``tag``, marked so that it is neither compressed nor kept again."""
    found = answers().get(version, tag)
    if found is None:
        return None
    g.answer_was_kept = True
    return found.response()


def keep(version: Version, tag: str, response: Response) -> None:
    """Keep a finished public answer when its view allowed it (see :func:`keep_answer`) and it is a plain one."""
    if (not g.get("keep_answer") or g.get("answer_was_kept") or response.status_code != 200
            or response.is_streamed or "Set-Cookie" in response.headers):
        return
    headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _PER_REQUEST)
    answers().put(version, tag, Kept(response.get_data(), headers))
