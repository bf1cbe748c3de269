"""Exceptions the GUI and the CLI can show to a person as they are.

Every failure of the core is an :class:`AtlasError` whose ``str()`` is a complete sentence in the
chosen language, so callers catch one type and show ``str(error)``. The subclasses exist for the
callers that react differently (offer a new login on :class:`SessionExpired`, a fresh checkout on
:class:`SchemaOutdated`, a retry on :class:`ConnectionFailed`). ``code`` carries the server's
stable machine-readable problem code where there is one.
"""

from __future__ import annotations

from typing import Any

from .messages import tr


class AtlasError(Exception):
    """Base of all errors of the core; ``message`` is meant for people, ``code`` for programs."""

    default_key = "error.generic"

    def __init__(
        self,
        message: str | None = None,
        code: str | None = None,
        *,
        status: int | None = None,
        detail: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        self.message = message if message is not None else tr(self.default_key)
        self.code = code
        self.status = status
        self.detail = detail
        self.errors = errors or []
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ConnectionFailed(AtlasError):
    """No network, server down, proxy trouble, TLS failure or timeout: worth retrying later."""

    default_key = "error.connection_failed_plain"


class AuthenticationFailed(AtlasError):
    """Wrong user name or password (or too many attempts; ``retry_after`` in seconds then)."""

    default_key = "error.authentication_failed"

    def __init__(self, message: str | None = None, code: str | None = None, *,
                 retry_after: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, code, **kwargs)
        self.retry_after = retry_after


class SessionExpired(AtlasError):
    """The tokens ran out and could not be refreshed: the person has to log in again."""

    default_key = "error.session_expired"


class Forbidden(AtlasError):
    """The server says "you may not" (HTTP 403)."""

    default_key = "error.forbidden"


class NotFound(AtlasError):
    """The thing asked for does not exist on the server (HTTP 404)."""

    default_key = "error.not_found"


class Conflict(AtlasError):
    """The request clashes with the server's current state (HTTP 409)."""

    default_key = "error.conflict"


class InvalidData(AtlasError):
    """The server refused the data as invalid (HTTP 400/422); ``errors`` lists field problems."""

    default_key = "error.invalid_data"


class ServerVersionMismatch(AtlasError):
    """The server speaks an API version this client does not support.

    The message says which side to update: a newer server needs a newer plugin, an older server
    needs its administrator, and no version at all means the address is not an atlas server.
    """

    default_key = "error.server_version_mismatch"

    def __init__(self, server_version: object, supported: tuple[int, ...], **kwargs: Any) -> None:
        key = self.default_key
        if isinstance(server_version, int) and not isinstance(server_version, bool) and supported:
            key = "error.server_too_new" if server_version > max(supported) else "error.server_too_old"
        elif server_version is None:
            key = "error.not_an_atlas_server"
        super().__init__(
            tr(key, server=server_version, supported=", ".join(map(str, supported))),
            "api_version_mismatch",
            **kwargs,
        )
        self.server_version = server_version
        self.supported = supported


class SchemaOutdated(Conflict):
    """The working copy's layer schema is older than the server's: a fresh checkout is needed."""

    default_key = "error.schema_outdated"

    def __init__(self, message: str | None = None, code: str | None = "schema_outdated", *,
                 layer: str | None = None, **kwargs: Any) -> None:
        if message is None:
            message = tr(self.default_key, layer=layer or "?")
        super().__init__(message, code, **kwargs)
        self.layer = layer


class CheckoutRequired(Conflict):
    """The server cannot continue the working copy's pull cursor (HTTP 409 ``checkout_required``).

    ``reason`` says why: ``cursor_ahead`` (the cursor lies beyond the server's newest change: a copy
    from another server or an old backup) or ``visibility_changed`` / ``sharing_ended`` (what the
    account may read changed). The synchroniser reacts by pulling the layer again from the start,
    keeping every local edit.
    """

    default_key = "error.checkout_required"

    def __init__(self, message: str | None = None, code: str | None = "checkout_required", *,
                 reason: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, code, **kwargs)
        self.reason = reason


class PushRejected(AtlasError):
    """A push that was not applied; ``results`` holds the server's answer per change.

    Raised for HTTP 403, 422 and 409 answers to a push that carry per-change results, so the
    synchroniser can tell refused changes from stale ones.
    """

    default_key = "error.push_rejected"

    def __init__(self, results: list[dict[str, Any]], message: str | None = None,
                 code: str | None = None, *, status: int | None = None, **kwargs: Any) -> None:
        if message is None:
            message = tr(self.default_key, status=status if status is not None else "?")
        super().__init__(message, code, status=status, **kwargs)
        self.results = results


class WrongAccount(AtlasError):
    """The working copy was checked out by another account than the one logged in.

    A working copy belongs to the account that checked it out: its own/other layers, its checks
    and its stored role are that account's. Syncing it under another login would rebind it, so the
    core refuses; ``owner`` is the account it belongs to, ``user`` the one logged in.
    """

    default_key = "error.wrong_account"

    def __init__(self, owner: str, user: str, municipality: str | None = None) -> None:
        key = "error.wrong_account" if municipality else "error.wrong_account_plain"
        super().__init__(tr(key, owner=owner, user=user, municipality=municipality), "wrong_account")
        self.owner = owner
        self.user = user
        self.municipality = municipality


class Cancelled(AtlasError):
    """The person cancelled a long-running checkout or sync (between two pages or batches)."""

    default_key = "error.cancelled"


class UploadRefused(AtlasError):
    """An indicator upload the server refused as a whole, with its per-row report in ``body``
    (``rows``: what is refused or invalid and why), so the person can fix the file."""

    default_key = "error.upload_refused"

    def __init__(self, body: dict[str, Any], message: str | None = None, code: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(message, code, **kwargs)
        self.body = body
