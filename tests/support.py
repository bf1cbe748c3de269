"""Test helpers shared by the server, plugin and web tests (not fixtures: plain functions)."""

from __future__ import annotations

import ssl
import subprocess
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from sync_server.demo.loader import demo_password
from sync_server.domain.layers import LAYERS

MELLE = "034590024024"
BRAMSCHE = "034590014014"
GMHUETTE = "034590019019"
QUAKENBRUECK = "034595401030"
COUNTY = "03459"



class Api:
    """The real app through Flask's test client, with one cached login per demo user."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self._tokens: dict[str, dict[str, Any]] = {}

    def login(self, username: str, password: str | None = None) -> dict[str, Any]:
        response = self.client.post("/api/v1/auth/login",
                                    json={"username": username, "password": password or demo_password(username)})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def headers(self, user: str | None) -> dict[str, str]:
        if user is None:
            return {}
        if user not in self._tokens:
            self._tokens[user] = self.login(user)
        return {"Authorization": f"Bearer {self._tokens[user]['access_token']}"}

    def forget(self, user: str) -> None:
        self._tokens.pop(user, None)

    def get(self, path: str, user: str | None = None, **kw: Any):  # noqa: ANN201
        return self.client.get(path, headers={**self.headers(user), **kw.pop("headers", {})}, **kw)

    def post(self, path: str, json: Any = None, user: str | None = None, **kw: Any):  # noqa: ANN201
        return self.client.post(path, json=json, headers={**self.headers(user), **kw.pop("headers", {})}, **kw)

    def patch(self, path: str, json: Any = None, user: str | None = None, **kw: Any):  # noqa: ANN201
        return self.client.patch(path, json=json, headers={**self.headers(user), **kw.pop("headers", {})}, **kw)

    # --- atlas shortcuts -------------------------------------------------------------------------

    def municipality(self, key: str) -> dict[str, Any]:
        return next(m for m in self.get("/api/v1/municipalities").get_json() if m["key"] == key)

    def pull_all(self, layer: str, user: str, since: int = 0) -> dict[str, dict]:
        out: dict[str, dict] = {}
        as_of = ""
        while True:
            page = self.get(f"/api/v1/sync/{layer}/pull?since={since}&limit=5000{as_of}", user).get_json()
            as_of = f"&as_of={page['as_of']}"
            out.update({f["id"]: f for f in page["features"]})
            since = page["cursor"]
            if not page["more"]:
                return out

    def push(self, layer: str, changes: list[dict], user: str, key: str | None = None, **extra: Any):  # noqa: ANN201
        version = LAYERS[layer].schema_version if layer in LAYERS else 1  # an unknown layer: the server says 404
        body = {"idempotency_key": key or str(uuid.uuid4()), "schema_version": version, "changes": changes, **extra}
        return self.post(f"/api/v1/sync/{layer}/push", body, user)

    def public(self, layer: str = "institutions") -> dict[str, dict]:
        doc = self.get(f"/api/v1/public/{layer}").get_json()
        return {f["id"]: f for f in doc["features"]}


def institution(owner: str | None, x: float, y: float, **props: Any) -> dict[str, Any]:
    """Properties and geometry of a new institution (EPSG:25832)."""
    base = {"category": "beratung", "subcategory": "erziehungsberatung", "name": "Testberatungsstelle"}
    if owner is not None:
        base["owner"] = owner
    return {"properties": {**base, **props}, "geometry": {"type": "Point", "coordinates": [x, y]}}


def insert(owner: str | None, x: float, y: float, fid: str | None = None, **props: Any) -> dict[str, Any]:
    return {"op": "insert", "id": fid or str(uuid.uuid4()), **institution(owner, x, y, **props)}


def update_of(feature: dict[str, Any], **props: Any) -> dict[str, Any]:
    """An update of a pulled feature with some properties changed."""
    return {"op": "update", "id": feature["id"], "base_revision": feature["revision"],
            "properties": {**feature["properties"], **props}, "geometry": feature["geometry"]}


def expired(token: str, app: Flask) -> str:
    """``token`` (a JWT of ``app``) as it is once its time is up: the same claims, signed with the server's
    key, expired a minute ago."""
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode({**claims, "exp": int(time.time()) - 60}, app.config["JWT_SECRET_KEY"], algorithm="HS256")


class LiveServer:
    """The real app on a real loopback port in a thread; can be stopped and started again.

    With ``ssl_context`` it speaks HTTPS (the TLS handshake runs in werkzeug's server).
    """

    def __init__(self, app: Flask, ssl_context: ssl.SSLContext | None = None) -> None:
        self.app = app
        self.ssl_context = ssl_context
        self._server = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def url(self) -> str:
        scheme = "http" if self.ssl_context is None else "https"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True,
                                   ssl_context=self.ssl_context)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


# ---------------------------------------------------------------------- HTTPS with a private CA


def _openssl(*args: str | Path, cwd: Path) -> None:
    subprocess.run(["openssl", *map(str, args)], cwd=cwd, check=True, capture_output=True, timeout=60)


def _server_certificate(folder: Path, name: str, san: str) -> None:
    """``name``.pem/.key: a server certificate for ``san``, signed by the CA in ``folder``."""
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-sha256",
             "-subj", f"/CN={name}", "-keyout", f"{name}.key", "-out", f"{name}.csr", cwd=folder)
    (folder / f"{name}.ext").write_text(
        "basicConstraints=CA:FALSE\n"
        "keyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=serverAuth\n"
        f"subjectAltName={san}\n"
    )
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-days", "2", "-sha256", "-extfile", f"{name}.ext", "-out", f"{name}.pem", cwd=folder)


def make_test_pki(folder: Path) -> Path:
    """A throw-away CA (``ca.pem``, made with the ``openssl`` command line, no network) in ``folder``
    and two server certificates it signed: ``server`` for 127.0.0.1 and localhost, ``elsewhere`` for
    another host name only."""
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-sha256",
             "-days", "2", "-subj", "/CN=Familienatlas Test-CA", "-keyout", "ca.key", "-out", "ca.pem",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    _server_certificate(folder, "server", "IP:127.0.0.1,DNS:localhost")
    _server_certificate(folder, "elsewhere", "DNS:atlas.example")
    return folder


def https_context(pki: Path, name: str = "server") -> ssl.SSLContext:
    """A server-side TLS context for :class:`LiveServer` with certificate ``name`` of :func:`make_test_pki`."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki / f"{name}.pem", pki / f"{name}.key")
    return context


def json_keys(doc: Any) -> set[str]:
    """Every object key anywhere in a JSON document: to prove a field name appears nowhere."""
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in json_keys(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in json_keys(v)}
    return set()


def add_staff_editor(api: Api, username: str, display_name: str, email: str, municipality: str) -> None:
    """An editor account with a real-looking name and e-mail, whose traces the public must never show."""
    m = api.municipality(municipality)
    r = api.post("/api/v1/admin/users", {"username": username, "password": f"demo-{username}", "role": "editor",
                                         "municipality_id": m["id"], "display_name": display_name,
                                         "email": email}, "admin")
    assert r.status_code == 201, r.get_json()


def staff_texts(api: Api) -> tuple[set[str], set[str]]:
    """(user names and display names, e-mail addresses) of every account."""
    users = api.get("/api/v1/admin/users", "admin").get_json()
    names = {u["username"] for u in users} | {u["display_name"] for u in users if u["display_name"]}
    return names, {u["email"] for u in users if u["email"]}
