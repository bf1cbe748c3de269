"""The core client against the real server over HTTPS on loopback.

A throw-away CA (made with the ``openssl`` command line, no network) signs a certificate for
127.0.0.1 and localhost; the real app serves it through werkzeug with an ``ssl.SSLContext``.
Nothing of ours is mocked: the client either trusts the CA file it is given, or fails with the
core's own error and a German message a municipality's GIS staff can act on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from qgis_plugin.core import messages
from qgis_plugin.core.api import AtlasClient
from qgis_plugin.core.errors import ConnectionFailed
from sync_server.app import create_app
from tests import conftest
from tests.support import LiveServer, demo_password, https_context, make_test_pki

EDITOR = "melle.editor"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throw-away CA (ca.pem) and two server certificates it signed (see :func:`make_test_pki`)."""
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@contextmanager
def _serve(sqlite_url: str, pki: Path, name: str) -> Iterator[LiveServer]:
    """The real app over HTTPS on loopback with certificate ``name``."""
    application = create_app(conftest.test_settings(sqlite_url))
    server = LiveServer(application, ssl_context=https_context(pki, name))
    server.start()
    try:
        yield server
    finally:
        server.stop()
        application.extensions["familienatlas"].engine.dispose()


@pytest.fixture
def https_server(sqlite_url: str, pki: Path) -> Iterator[LiveServer]:
    with _serve(sqlite_url, pki, "server") as server:
        yield server


def test_login_me_and_pull_with_the_ca_file(https_server: LiveServer, pki: Path) -> None:
    assert https_server.url.startswith("https://127.0.0.1:")
    client = AtlasClient(https_server.url, verify=str(pki / "ca.pem"), timeout=10)
    user = client.login(EDITOR, demo_password(EDITOR))
    assert user["username"] == EDITOR
    assert client.me()["username"] == EDITOR
    page = client.pull("institutions", since=0, limit=50)
    assert len(page["features"]) == 50 and page["more"] is True
    features = [f for p in client.pull_all("institutions", page_size=5000) for f in p["features"]]
    assert len(features) > 50 and all(f["geometry"]["type"] == "Point" for f in features)
    client.logout()
    assert not client.logged_in


def test_the_same_server_by_host_name(https_server: LiveServer, pki: Path) -> None:
    client = AtlasClient(f"https://localhost:{https_server.port}", verify=str(pki / "ca.pem"), timeout=10)
    assert client.health()["api_version"] == 1


def test_an_unknown_ca_fails_with_a_german_certificate_message(https_server: LiveServer) -> None:
    """verify=True uses the system's CAs, which do not know our throw-away CA."""
    client = AtlasClient(https_server.url, verify=True, timeout=10)
    with pytest.raises(ConnectionFailed) as failure:
        client.login(EDITOR, demo_password(EDITOR))
    error = failure.value
    assert error.code == "ssl_certificate"
    message = str(error)
    assert "Zertifikat" in message and "HTTPS" in message, message
    assert "CA" in message and "Autoritäten" in message  # the remedy: the CA into QGIS's Certificate Manager
    assert len(message) < 450, message
    assert not client.logged_in
    # The same failure in English, for the county's external partners.
    messages.set_language("en")
    with pytest.raises(ConnectionFailed) as failure:
        client.health()
    assert "certificate" in str(failure.value)


def test_a_certificate_for_another_name_fails_with_a_certificate_message(sqlite_url: str, pki: Path) -> None:
    """The CA is trusted, but the certificate names another host than the one in the address."""
    with _serve(sqlite_url, pki, "elsewhere") as server:
        client = AtlasClient(server.url, verify=str(pki / "ca.pem"), timeout=10)
        with pytest.raises(ConnectionFailed) as failure:
            client.health()
    assert failure.value.code == "ssl_certificate"
    assert "Zertifikat" in str(failure.value) and "127.0.0.1" in str(failure.value), str(failure.value)


def test_plain_http_against_the_https_port_fails_quickly(https_server: LiveServer, pki: Path) -> None:
    client = AtlasClient(f"http://127.0.0.1:{https_server.port}", verify=str(pki / "ca.pem"), timeout=10)
    started = time.monotonic()
    with pytest.raises(ConnectionFailed) as failure:
        client.login(EDITOR, demo_password(EDITOR))
    assert time.monotonic() - started < 5  # a clear refusal, not a wait for the timeout
    assert failure.value.code == "connection_failed"
    assert "nicht erreichbar" in str(failure.value)
    # The server survives the garbage and still answers the right scheme.
    good = AtlasClient(https_server.url, verify=str(pki / "ca.pem"), timeout=10)
    assert good.login(EDITOR, demo_password(EDITOR))["username"] == EDITOR
