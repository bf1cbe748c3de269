"""QGIS's proxy options reach the API client: read from QgsSettings, turned into requests' proxies,
and a login through the connect dialog really goes through an HTTP proxy on loopback."""

from __future__ import annotations

from http.server import ThreadingHTTPServer
from typing import Any

import pytest
from qgis.core import QgsSettings

from qgis_plugin.gui import connection
from qgis_plugin.gui.connect_dialog import ConnectDialog

from .plugin_support import ForwardingProxy, set_proxy


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
    assert dialog.status_label.text().startswith("Der Server http://")
    assert "nicht erreichbar: der Proxy aus den QGIS-Netzwerkeinstellungen antwortet nicht" in \
        dialog.status_label.text()
