"""QGIS's proxy options reach the API client: read from QgsSettings, turned into requests' proxies,
and a login through the connect dialog really goes through an HTTP proxy on loopback."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from qgis.core import QgsSettings

from qgis_plugin.gui import connection
from qgis_plugin.gui.connect_dialog import ConnectDialog


class ForwardingProxy(BaseHTTPRequestHandler):
    """A plain HTTP proxy: forwards absolute-URI requests and remembers what it forwarded."""

    seen: list[str] = []

    def _forward(self) -> None:
        target = urlsplit(self.path)
        if not target.scheme:  # not a proxy request
            self.send_error(400)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("proxy-connection", "connection")}
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
        upstream.request(self.command, target.path + (f"?{target.query}" if target.query else ""), body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        ForwardingProxy.seen.append(f"{self.command} {target.path}")
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        upstream.close()

    do_GET = do_POST = do_PATCH = _forward  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[ThreadingHTTPServer]:
    ForwardingProxy.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ForwardingProxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def set_proxy(settings: QgsSettings, **values: Any) -> None:
    for key, value in values.items():
        settings.setValue(f"proxy/{key}", value)


def test_qgis_proxy_settings_become_the_clients_proxies(clean_settings: QgsSettings) -> None:
    assert connection.qgis_proxy_settings() == {}
    assert connection.make_client("https://atlas.kreis.example").proxies is None
    set_proxy(clean_settings, proxyEnabled=True, proxyType="HttpProxy", proxyHost="proxy.kreis.example",
              proxyPort="3128", proxyUser="gis", proxyPassword="geheim",
              proxyExcludedUrls=["https://intern.kreis.example"])
    read = connection.qgis_proxy_settings()
    assert read["proxy/proxyHost"] == "proxy.kreis.example" and read["proxy/proxyType"] == "HttpProxy"
    expected = "http://gis:geheim@proxy.kreis.example:3128"
    assert connection.make_client("https://atlas.kreis.example").proxies == {"http": expected, "https": expected}
    assert connection.make_client("https://intern.kreis.example/atlas").proxies is None
    set_proxy(clean_settings, proxyEnabled=False)
    assert connection.make_client("https://atlas.kreis.example").proxies is None


def test_login_goes_through_the_qgis_proxy(live_server: Any, proxy: ThreadingHTTPServer, qgis_iface: Any,
                                           clean_settings: QgsSettings, authcfgs: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("NO_PROXY", "no_proxy"):  # requests would skip the proxy for loopback
        monkeypatch.delenv(variable, raising=False)
    set_proxy(clean_settings, proxyEnabled=True, proxyType="HttpProxy", proxyHost="127.0.0.1",
              proxyPort=str(proxy.server_address[1]))
    dialog = ConnectDialog(qgis_iface.mainWindow())
    dialog.url_edit.setText(live_server.url)
    dialog.user_edit.setText("melle.editor")
    dialog.password_edit.setText("demo-melle.editor")
    assert dialog.connect_to_server(), dialog.status_label.text()
    assert ForwardingProxy.seen == ["GET /api/v1/health", "POST /api/v1/auth/login"]

    # A proxy that is down is a connection failure with the core's message, not a hang.
    set_proxy(clean_settings, proxyPort="1")
    dialog.store_check.setChecked(False)
    assert not dialog.connect_to_server()
    assert dialog.status_label.text().startswith("Der Server ist nicht erreichbar (")
