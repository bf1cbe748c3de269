"""Errors the domain raises; the HTTP layer turns them into RFC 9457 problem documents.

An error carries a stable ``code`` and the ``params`` of its message, not the text: the text is
rendered in the reader's language by :mod:`sync_server.messages`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    field: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class DomainError(Exception):
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)
    status: int = 400
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.code} {self.params}"


def _kind(status: int):  # noqa: ANN202 - small factory of DomainError subclasses
    class _Error(DomainError):
        def __init__(self, code: str, errors: list[FieldError] | None = None,
                     headers: dict[str, str] | None = None, body: dict[str, Any] | None = None,
                     **params: Any) -> None:
            super().__init__(code=code, params=params, errors=errors or [], status=status,
                             headers=headers or {}, body=body or {})

    return _Error


class BadRequest(_kind(400)):
    """The request cannot be read (malformed JSON, wrong content type)."""


class Unauthorized(_kind(401)):
    """Who are you? No, wrong, expired or revoked credentials."""


class Forbidden(_kind(403)):
    """We know who you are, and you may not do this."""


class NotFound(_kind(404)):
    pass


class Conflict(_kind(409)):
    """The request is fine, but the stored state has moved on (stale revision, duplicate key)."""


class PayloadTooLarge(_kind(413)):
    pass


class Invalid(_kind(422)):
    """Well-formed but wrong content: unknown fields, wrong types, invalid geometry."""


class TooManyRequests(_kind(429)):
    pass
