"""The plugin trusts the certificate authorities a person added to QGIS (Settings > Options >
Authentication > Manage Certificates > Authorities): the real server over HTTPS with a throw-away
CA, the plugin's own client factory, QGIS's real authentication database (the test profile's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest
from qgis.core import QgsAuthCertUtils
from qgis.PyQt.QtNetwork import QSslCertificate

from qgis_plugin.core import messages
from qgis_plugin.core.errors import ConnectionFailed
from qgis_plugin.gui import connection
from sync_server.app import create_app
from tests import conftest
from tests.support import LiveServer, demo_password, https_context, make_test_pki

from .plugin_support import ForwardingProxy, set_proxy

EDITOR = "melle.editor"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def https_server(sqlite_url: str, pki: Path) -> Iterator[LiveServer]:
    """The real app over HTTPS on loopback, its certificate signed by the throw-away CA."""
    application = create_app(conftest.test_settings(sqlite_url))
    server = LiveServer(application, ssl_context=https_context(pki))
    server.start()
    yield server
    server.stop()
    application.extensions["familienatlas"].engine.dispose()


def refresh_caches(manager: Any) -> None:
    """What QGIS's Certificate Manager does after each change of the authorities."""
    manager.rebuildCertTrustCache()
    manager.rebuildCaCertsCache()
    manager.rebuildTrustedCaCertsCache()


@pytest.fixture
def test_ca(auth_db: Any, pki: Path) -> Iterator[QSslCertificate]:
    """The throw-away CA, not (yet) in QGIS's store; removed from it, with its trust policy and the
    plugin's bundle file, afterwards, so no other test trusts it."""
    cert = QSslCertificate((pki / "ca.pem").read_bytes())
    assert not cert.isNull() and not auth_db.existsCertAuthority(cert)
    messages.set_language("de")
    yield cert
    auth_db.removeCertTrustPolicy(cert)
    auth_db.removeCertAuthority(cert)
    refresh_caches(auth_db)
    bundle = connection.ca_bundle_path()
    if bundle.is_file() and bytes(cert.toPem()) in bundle.read_bytes():
        bundle.unlink()
    messages.set_language("de")


def test_a_ca_added_to_qgis_lets_login_and_pull_succeed(https_server: LiveServer, test_ca: QSslCertificate,
                                                         auth_db: Any) -> None:
    pem = bytes(test_ca.toPem())
    assert pem not in connection.qgis_extra_ca_pems()
    client = connection.make_client(https_server.url)
    with pytest.raises(ConnectionFailed) as failure:
        client.login(EDITOR, demo_password(EDITOR))
    assert failure.value.code == "ssl_certificate"
    message = str(failure.value)
    assert "Zertifikate verwalten > Autoritäten" in message and "erneut verbinden" in message, message
    assert "CA-Datei" not in message
    assert not client.logged_in

    assert auth_db.storeCertAuthority(test_ca)  # what "Import" under Authorities does
    refresh_caches(auth_db)
    client = connection.make_client(https_server.url)
    bundle = Path(client.verify)
    assert bundle == connection.ca_bundle_path()
    content = bundle.read_bytes()
    assert content.startswith(Path(certifi.where()).read_bytes().rstrip()) and pem in content
    assert client.login(EDITOR, demo_password(EDITOR))["username"] == EDITOR
    page = client.pull("institutions", since=0, limit=50)
    assert len(page["features"]) == 50 and page["more"] is True
    client.logout()

    # The bundle is rewritten only when its content changes.
    written = bundle.stat()
    assert connection.make_client(https_server.url).verify == str(bundle)
    assert (bundle.stat().st_ino, bundle.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)


def test_the_plugin_follows_qgis_trust_policy(https_server: LiveServer, test_ca: QSslCertificate,
                                              auth_db: Any) -> None:
    """A CA marked untrusted in QGIS's Certificate Manager is not trusted by the plugin either."""
    assert auth_db.storeCertAuthority(test_ca)
    assert auth_db.storeCertTrustPolicy(test_ca, QgsAuthCertUtils.CertTrustPolicy.Untrusted)
    refresh_caches(auth_db)
    assert bytes(test_ca.toPem()) not in connection.qgis_extra_ca_pems()
    messages.set_language("en")
    with pytest.raises(ConnectionFailed) as failure:
        connection.make_client(https_server.url).health()
    assert failure.value.code == "ssl_certificate"
    assert "Manage Certificates > Authorities" in str(failure.value)

    assert auth_db.removeCertTrustPolicy(test_ca)
    refresh_caches(auth_db)
    assert connection.make_client(https_server.url).health()["api_version"] == 1


def test_https_goes_through_the_qgis_proxy_as_a_tunnel(https_server: LiveServer, test_ca: QSslCertificate,
                                                       auth_db: Any, proxy: Any, clean_settings: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """County networks: HTTPS to the atlas through the proxy of QGIS's network settings (CONNECT),
    the certificate still checked end to end against the authority QGIS trusts."""
    for variable in ("NO_PROXY", "no_proxy"):  # requests would skip the proxy for loopback
        monkeypatch.delenv(variable, raising=False)
    set_proxy(clean_settings, proxyEnabled=True, proxyType="HttpProxy", proxyHost="127.0.0.1",
              proxyPort=str(proxy.server_address[1]))
    assert auth_db.storeCertAuthority(test_ca)
    refresh_caches(auth_db)
    client = connection.make_client(https_server.url)
    assert client.login(EDITOR, demo_password(EDITOR))["username"] == EDITOR
    assert len(client.pull("institutions", since=0, limit=10)["features"]) == 10
    assert ForwardingProxy.seen and set(ForwardingProxy.seen) == {f"CONNECT 127.0.0.1:{https_server.port}"}
