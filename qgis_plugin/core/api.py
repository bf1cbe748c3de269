"""HTTP client for the Familienatlas API v1 (see docs/api.md), on ``requests`` only.

The client turns every failure into an :class:`~.errors.AtlasError` subclass so the GUI never sees
a ``requests`` exception or a raw HTTP status. Tokens live only in this object: the QGIS GUI keeps
credentials in its own authentication database and logs in again when it needs to.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import requests
from urllib3.util.ssl_match_hostname import CertificateError as HostnameMismatch

from . import errors
from .messages import get_language, tr

SUPPORTED_API_VERSIONS: tuple[int, ...] = (1,)
USER_AGENT = "Familienatlas-Client/0.1"
API_PREFIX = "/api/v1"


def normalise_base_url(url: str) -> str:
    """The API root for a server address, accepting both ``https://host`` and ``https://host/api/v1``.

    People paste whatever the browser shows; the client should not care which of the two it got.
    """
    url = url.strip().rstrip("/")
    if not url.endswith(API_PREFIX):
        url += API_PREFIX
    return url


class AtlasClient:
    """One connection to one atlas server, holding the access and refresh tokens in memory.

    ``verify`` (bool or path of a CA bundle) and ``proxies`` (a requests proxies dict) are passed
    through so the GUI can apply QGIS's network settings; ``session`` may be shared or prepared by
    the caller (e.g. with client certificates).
    """

    def __init__(
        self,
        base_url: str,
        session: requests.Session | None = None,
        timeout: float = 30,
        verify: bool | str = True,
        proxies: Mapping[str, str] | None = None,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.server_url = self.base_url[: -len(API_PREFIX)]
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.verify = verify
        self.proxies = dict(proxies) if proxies else None
        self.access_token: str | None = None
        self.refresh_token: str | None = None
        self.user: dict[str, Any] | None = None

    # ------------------------------------------------------------------ plumbing

    def _send(self, method: str, path: str, *, json: Any = None, params: Mapping[str, Any] | None = None,
              token: str | None = None, data: Mapping[str, str] | None = None,
              files: Mapping[str, tuple[str, bytes, str]] | None = None) -> requests.Response:
        """One HTTP exchange; network-level failures become :class:`ConnectionFailed`."""
        headers = {"Accept": "application/json, application/problem+json",
                   "Accept-Language": get_language(), "User-Agent": USER_AGENT}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        clean_params = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            return self.session.request(
                method, self.base_url + path, json=json, params=clean_params or None, headers=headers,
                data=data, files=files,
                timeout=self.timeout, verify=self.verify, proxies=self.proxies,
            )
        except requests.exceptions.SSLError as exc:
            refused = _certificate_refusal(exc)
            if refused is not None:
                reason = getattr(refused, "verify_message", None) or _short(refused)
                raise errors.ConnectionFailed(tr("error.ssl_certificate", reason=reason), "ssl_certificate") from exc
            if _mentions(exc, "wrong version number", "unknown protocol", "record layer failure",
                         "packet length too long"):
                # The address answers, but not with TLS: typed without "http://" and made https://.
                raise errors.ConnectionFailed(tr("error.not_https", server=self.server_url), "not_https",
                                              detail=str(exc)) from exc
            raise errors.ConnectionFailed(tr("error.ssl", server=self.server_url), "ssl_error",
                                          detail=str(exc)) from exc
        except requests.exceptions.Timeout as exc:
            raise errors.ConnectionFailed(tr("error.timeout"), "timeout") from exc
        except requests.exceptions.RequestException as exc:
            # A sentence a GIS person can act on; urllib3's text stays in ``detail`` for the log.
            raise errors.ConnectionFailed(
                tr("error.connection_failed", server=self.server_url, why=_why_unreachable(exc)),
                "connection_failed", detail=str(exc),
            ) from exc

    def _request(self, method: str, path: str, *, json: Any = None,
                 params: Mapping[str, Any] | None = None, authenticated: bool = True,
                 data: Mapping[str, str] | None = None, files: Mapping[str, tuple[str, bytes, str]] | None = None,
                 raw: bool = False) -> Any:
        """Send a request, refreshing the access token once on a 401, and decode the answer.

        The refresh is transparent because access tokens are short-lived by design: a sync that
        runs longer than one token must not bother the person.
        """
        if authenticated and not self.access_token:
            raise errors.AuthenticationFailed(tr("error.not_logged_in"), "not_logged_in")
        token = self.access_token if authenticated else None
        response = self._send(method, path, json=json, params=params, token=token, data=data, files=files)
        if response.status_code == 401 and authenticated:
            self._refresh()
            response = self._send(method, path, json=json, params=params, token=self.access_token, data=data,
                                  files=files)
            if response.status_code == 401:
                self._forget_tokens()
                problem = _problem(response)
                raise errors.SessionExpired(code=problem.get("code") or "session_expired", status=401,
                                            detail=problem.get("detail"))
        if raw and 200 <= response.status_code < 300:
            return response.content
        return self._decode(response)

    def _refresh(self) -> None:
        """Trade the refresh token for a new access token, or raise :class:`SessionExpired`."""
        if not self.refresh_token:
            self._forget_tokens()
            raise errors.SessionExpired(code="session_expired", status=401)
        response = self._send("POST", "/auth/refresh", token=self.refresh_token)
        if response.status_code != 200:
            self._forget_tokens()
            problem = _problem(response)
            raise errors.SessionExpired(code=problem.get("code") or "session_expired",
                                        status=response.status_code, detail=problem.get("detail"))
        body = _json(response)
        if not isinstance(body, dict) or not body.get("access_token"):
            self._forget_tokens()
            raise errors.SessionExpired(code="session_expired", status=response.status_code)
        self.access_token = body["access_token"]
        if body.get("refresh_token"):
            self.refresh_token = body["refresh_token"]

    def _forget_tokens(self) -> None:
        self.access_token = None
        self.refresh_token = None

    def _decode(self, response: requests.Response) -> Any:
        """The JSON body of a successful answer, or the matching :class:`AtlasError`."""
        if 200 <= response.status_code < 300:
            if response.status_code == 204 or not response.content:
                return None
            body = _json(response)
            if body is _INVALID:
                raise errors.AtlasError(tr("error.unexpected_response", status=response.status_code),
                                        "unexpected_response", status=response.status_code)
            return body
        raise error_from_response(response)

    # ------------------------------------------------------------------ accounts

    def login(self, username: str, password: str) -> dict[str, Any]:
        """Log in and keep the tokens; returns the user (``id, username, role, municipality``)."""
        response = self._send("POST", "/auth/login", json={"username": username, "password": password})
        if response.status_code in (400, 401):
            problem = _problem(response)
            raise errors.AuthenticationFailed(code=problem.get("code") or "invalid_credentials",
                                              status=response.status_code, detail=problem.get("detail"))
        if response.status_code == 429:
            problem = _problem(response)
            raise errors.AuthenticationFailed(
                tr("error.too_many_attempts"), problem.get("code") or "too_many_attempts", status=429,
                detail=problem.get("detail"), retry_after=_int_or_none(response.headers.get("Retry-After")),
            )
        body = self._decode(response)
        if not isinstance(body, dict) or "access_token" not in body:
            raise errors.AtlasError(tr("error.unexpected_response", status=response.status_code),
                                    "unexpected_response", status=response.status_code)
        self.access_token = body["access_token"]
        self.refresh_token = body.get("refresh_token")
        self.user = body.get("user")
        return self.user or {}

    def logout(self) -> None:
        """Revoke the tokens on the server; they are forgotten locally even if that fails."""
        if not self.access_token:
            return
        try:
            self._request("POST", "/auth/logout")
        finally:
            self._forget_tokens()
            self.user = None

    @property
    def logged_in(self) -> bool:
        return self.access_token is not None

    def me(self) -> dict[str, Any]:
        """The logged-in user as the server sees it now (role or municipality may have changed)."""
        self.user = self._request("GET", "/auth/me")
        return self.user or {}

    # ------------------------------------------------------------------ server and layers

    def health(self) -> dict[str, Any]:
        """The server's health document; raises :class:`ServerVersionMismatch` for foreign API versions."""
        body = self._request("GET", "/health", authenticated=False)
        version = body.get("api_version") if isinstance(body, dict) else None
        if version not in SUPPORTED_API_VERSIONS:
            raise errors.ServerVersionMismatch(version, SUPPORTED_API_VERSIONS)
        return body

    def layers(self) -> list[dict[str, Any]]:
        """The sync layers with their schemas (fields, geometry type, schema version)."""
        body = self._request("GET", "/layers")
        if isinstance(body, dict):
            body = body.get("layers", body.get("items", []))
        return list(body)

    def layer(self, name: str) -> dict[str, Any]:
        return self._request("GET", f"/layers/{name}")

    # ------------------------------------------------------------------ atlas configuration

    def municipalities(self, territory: bool = True) -> list[dict[str, Any]]:
        """All municipalities (``id, key, name, kind, parent_id``), with their territories as GeoJSON
        MultiPolygons in EPSG:25832 unless ``territory`` is false."""
        params = None if territory else {"territory": "false"}
        return list(self._request("GET", "/municipalities", params=params) or [])

    def categories(self) -> list[dict[str, Any]]:
        """The two-level category catalogue (``id, key, name, parent_id, color``): the one palette
        shared by the QGIS styles and the web map."""
        return list(self._request("GET", "/categories") or [])

    # ------------------------------------------------------------------ sync

    def pull(self, layer: str, since: int = 0, limit: int | None = None, as_of: int | None = None) -> dict[str, Any]:
        """One page of changes after cursor ``since``; ``as_of``: the first page's, on the next pages (see
        docs/api.md, Pull)."""
        return self._request("GET", f"/sync/{layer}/pull", params={"since": since, "limit": limit, "as_of": as_of})

    def pull_all(self, layer: str, since: int = 0, page_size: int = 2000) -> Iterator[dict[str, Any]]:
        """Yield pull pages, following the cursor while the server says there is ``more``.

        Pages are yielded (not concatenated) so the caller can write and commit each page and
        remember its cursor: an interrupted checkout then resumes instead of starting over.
        """
        cursor, as_of = since, None
        while True:
            page = self.pull(layer, since=cursor, limit=page_size, as_of=as_of)
            as_of = page.get("as_of")  # the next pages belong to the copy begun with the first one
            yield page
            new_cursor = page.get("cursor", cursor)
            if not page.get("more"):
                return
            if new_cursor is None or new_cursor <= cursor:
                # A server that says "more" without moving the cursor would make us loop forever.
                raise errors.AtlasError(tr("error.unexpected_response", status=200), "cursor_stuck")
            cursor = new_cursor

    def push(self, layer: str, changes: Sequence[Mapping[str, Any]], idempotency_key: str,
             schema_version: int, crs: str | None = None) -> dict[str, Any]:
        """Send a change list; returns the answer of an applied push.

        A push that was not applied raises :class:`PushRejected` carrying the per-change results
        (403 forbidden, 422 invalid, 409 conflicts) or :class:`SchemaOutdated`.
        """
        body: dict[str, Any] = {"idempotency_key": idempotency_key, "schema_version": schema_version,
                                "changes": list(changes)}
        if crs:
            body["crs"] = crs
        try:
            return self._request("POST", f"/sync/{layer}/push", json=body)
        except errors.SchemaOutdated as exc:
            exc.layer = exc.layer or layer
            raise

    # ------------------------------------------------------------------ review

    def pending(self, **filters: Any) -> Any:
        """Pending changes for review; filters: layer, municipality, category, author, since, until."""
        return self._request("GET", "/review/pending", params=filters)

    def approve(self, revisions: Sequence[int] | None = None, push_id: str | None = None) -> Any:
        """Publish the given revisions, or everything of one push."""
        return self._request("POST", "/review/approve", json=_selection(revisions, push_id))

    def reject(self, revisions: Sequence[int] | None = None, push_id: str | None = None,
               reason: str = "") -> Any:
        """Reject the given revisions (or a push) with a reason the author will see."""
        if not reason or not reason.strip():
            raise ValueError("a reason is required to reject")
        body = _selection(revisions, push_id)
        body["reason"] = reason
        return self._request("POST", "/review/reject", json=body)

    # ------------------------------------------------------------------ visitors' reports (docs/api.md#reports)

    def reports(self, state: str = "open") -> Any:
        """Visitors' reports of the offers this user handles: ``open``, ``closed`` or ``all``."""
        return self._request("GET", "/reports", params={"state": state})

    def close_report(self, report_id: int, answer: str) -> Any:
        """Close a report with an answer (an editor of the offer's municipality, or the admin)."""
        return self._request("POST", f"/reports/{int(report_id)}/close", json={"answer": answer})

    def history(self, layer: str, id: str) -> Any:
        """Every revision of one feature with author, time, changes and decision."""
        return self._request("GET", f"/layers/{layer}/features/{id}/history")

    # ------------------------------------------------------------------ indicators (docs/indicators.md)

    def public_layer(self, layer: str) -> Any:
        """``GET /public/<layer>``: the published features of a layer (GeoJSON, WGS84)."""
        return self._request("GET", f"/public/{quote(layer, safe='')}", authenticated=False)

    def indicator_catalogue(self) -> Any:
        """``GET /indicators``: themes and indicators with the catalogue version (public)."""
        return self._request("GET", "/indicators", authenticated=self.logged_in)

    def _values_view(self, view: str | None) -> str:
        return view or ("staff" if self.logged_in else "public")

    def indicator_values(self, indicator: str, level: str, year: int | None = None,
                         view: str | None = None) -> Any:
        """``GET /indicators/<key>/values``: the values of one indicator on one level (all years
        without ``year``). ``view`` ``public`` (the default without a login): published values after
        aggregation and confidentiality; ``staff`` (the default when logged in): what the user may
        read, true values marked ``confidential``, with the own and shared unpublished state."""
        view = self._values_view(view)
        return self._request("GET", f"/indicators/{quote(indicator, safe='')}/values",
                             params={"level": level, "year": year, "view": view}, authenticated=view == "staff")

    def unit_values(self, unit: str, view: str | None = None) -> Any:
        """``GET /units/<key>/values``: every indicator's values of one unit, all years (``view`` as above)."""
        view = self._values_view(view)
        return self._request("GET", f"/units/{quote(unit, safe='')}/values", params={"view": view},
                             authenticated=view == "staff")

    def upload_indicator_values(self, prepared: Any, *, dry_run: bool) -> Any:
        """``POST /indicators/uploads`` (multipart) of a :class:`~.indicators.PreparedUpload`: the
        report of a dry run, or of the change set written. A refusal with per-row results raises
        :class:`~.errors.UploadRefused`; :func:`~.indicators.upload` makes a report of it."""
        files = {"file": (prepared.filename, prepared.data, prepared.content_type)}
        return self._request("POST", "/indicators/uploads", data=prepared.form(dry_run), files=files)

    def indicator_template(self, indicator: str, municipality: str | None = None) -> bytes:
        """The xlsx template of one indicator (the municipality's units, the last years pre-filled)."""
        return self._request("GET", f"/indicators/{quote(indicator, safe='')}/template",
                             params={"municipality": municipality}, raw=True)


# ---------------------------------------------------------------------- helpers

_INVALID = object()

_ERROR_BY_STATUS: dict[int, type[errors.AtlasError]] = {
    400: errors.InvalidData,
    401: errors.AuthenticationFailed,
    403: errors.Forbidden,
    404: errors.NotFound,
    409: errors.Conflict,
    422: errors.InvalidData,
}


def error_from_response(response: requests.Response) -> errors.AtlasError:
    """Map an unsuccessful answer (RFC 9457 problem+json or anything else) to an exception."""
    status = response.status_code
    body = _json(response)
    problem = body if isinstance(body, dict) else {}
    code = problem.get("code")
    detail = problem.get("detail")
    field_errors = problem.get("errors") if isinstance(problem.get("errors"), list) else None
    results = problem.get("results")
    if code == "schema_outdated":
        return errors.SchemaOutdated(detail, code, layer=problem.get("layer"), status=status, detail=detail)
    if status in (400, 403, 409, 422) and isinstance(problem.get("rows"), list):
        return errors.UploadRefused(problem, detail or tr("error.upload_refused"), code, status=status,
                                    detail=detail, errors=field_errors)
    if code == "checkout_required":
        params = problem.get("params") if isinstance(problem.get("params"), dict) else {}
        return errors.CheckoutRequired(detail, code, reason=params.get("reason") or problem.get("reason"),
                                       status=status, detail=detail)
    if status in (403, 409, 422) and isinstance(results, list):
        return errors.PushRejected(results, code=code, status=status, detail=detail, errors=field_errors)
    if status in (502, 503, 504):
        return errors.ConnectionFailed(tr("error.server_unavailable", status=status), code or "unavailable",
                                       status=status, detail=detail)
    if status >= 500:
        return errors.AtlasError(tr("error.server_error", status=status), code or "server_error",
                                 status=status, detail=detail)
    cls = _ERROR_BY_STATUS.get(status)
    if cls is None:
        return errors.AtlasError(detail or tr("error.unexpected_response", status=status),
                                 code or "unexpected_response", status=status, detail=detail)
    message = f"{tr(cls.default_key)} {detail}" if detail else None
    return cls(message, code, status=status, detail=detail, errors=field_errors)


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return _INVALID


def _problem(response: requests.Response) -> dict[str, Any]:
    body = _json(response)
    return body if isinstance(body, dict) else {}


def _selection(revisions: Sequence[int] | None, push_id: str | None) -> dict[str, Any]:
    if (revisions is None) == (push_id is None):
        raise ValueError("give either revisions or push_id")
    return {"revisions": list(revisions)} if revisions is not None else {"push_id": push_id}


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _short(exc: BaseException) -> str:
    """A one-line reason; requests nests urllib3 errors into very long reprs."""
    text = str(exc.args[0]) if exc.args else exc.__class__.__name__
    return text if len(text) <= 200 else text[:197] + "…"


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything nested in it (requests wraps urllib3 wraps the socket's error)."""
    found: list[BaseException] = []
    pending: list[object] = [exc]
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        pending.extend((*item.args, getattr(item, "reason", None), item.__cause__, item.__context__))
    return found


def _mentions(exc: BaseException, *texts: str) -> bool:
    """Whether any error in the chain of ``exc`` says one of ``texts`` (case-insensitive)."""
    messages = " ".join(str(item) for item in _causes(exc)).lower()
    return any(text.lower() in messages for text in texts)


def _why_unreachable(exc: BaseException) -> str:
    """Why a connection failed, in words: unknown host name, refused, or no connection at all."""
    causes = _causes(exc)
    if any(isinstance(item, requests.exceptions.ProxyError) for item in causes):
        return tr("why.proxy")
    if any(isinstance(item, socket.gaierror) for item in causes) or _mentions(
            exc, "name or service not known", "nodename nor servname", "failed to resolve", "getaddrinfo failed"):
        return tr("why.unknown_name")
    if any(isinstance(item, ConnectionRefusedError) for item in causes) or _mentions(exc, "connection refused"):
        return tr("why.refused")
    return tr("why.no_connection")


def _certificate_refusal(exc: BaseException) -> BaseException | None:
    """The certificate check that failed inside a requests SSLError, if that is what failed.

    requests wraps urllib3's MaxRetryError, which holds urllib3's SSLError, which holds the ssl
    module's verification error (unknown CA, expired) or urllib3's own host name mismatch (it
    checks IP addresses itself); the chain is walked through ``args``, ``reason`` and ``__cause__``.
    """
    pending: list[object] = [exc]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if not isinstance(item, BaseException) or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (ssl.SSLCertVerificationError, HostnameMismatch)):
            return item
        pending.extend((*item.args, getattr(item, "reason", None), item.__cause__, item.__context__))
    return None
