"""QGIS's proxy options turned into requests' ``proxies`` (qgis_plugin/core/network.py), without QGIS."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from qgis_plugin.core.api import AtlasClient
from qgis_plugin.core.network import proxies_from_qgis_settings

HTTP = {"proxy/proxyEnabled": "true", "proxy/proxyType": "HttpProxy", "proxy/proxyHost": "proxy.kreis.example",
        "proxy/proxyPort": "3128"}


@pytest.mark.parametrize(("settings", "expected"), [
    ({}, None),
    ({**HTTP, "proxy/proxyEnabled": "false"}, None),
    ({**HTTP, "proxy/proxyEnabled": False}, None),
    ({**HTTP, "proxy/proxyType": "DefaultProxy"}, None),  # the system proxy: requests reads the environment
    ({**HTTP, "proxy/proxyType": "FtpCachingProxy"}, None),
    ({**HTTP, "proxy/proxyHost": " "}, None),
    (HTTP, "http://proxy.kreis.example:3128"),
    ({**HTTP, "proxy/proxyEnabled": True, "proxy/proxyPort": 8080}, "http://proxy.kreis.example:8080"),
    ({**HTTP, "proxy/proxyType": "HttpCachingProxy", "proxy/proxyPort": ""}, "http://proxy.kreis.example"),
    ({**HTTP, "proxy/proxyType": "Socks5Proxy", "proxy/proxyPort": "1080"}, "socks5h://proxy.kreis.example:1080"),
    ({**HTTP, "proxy/proxyHost": "http://proxy.kreis.example/"}, "http://proxy.kreis.example:3128"),
    ({**HTTP, "proxy/proxyUser": "gis@melle", "proxy/proxyPassword": "p:w/ö"},
     "http://gis%40melle:p%3Aw%2F%C3%B6@proxy.kreis.example:3128"),
    ({**HTTP, "proxy/proxyUser": "gis"}, "http://gis@proxy.kreis.example:3128"),
    ({"proxyEnabled": "true", "proxyType": "HttpProxy", "proxyHost": "p", "proxyPort": "1"}, "http://p:1"),
])
def test_proxies(settings: dict[str, Any], expected: str | None) -> None:
    proxies = proxies_from_qgis_settings(settings, "https://atlas.kreis.example")
    assert proxies == (None if expected is None else {"http": expected, "https": expected})


@pytest.mark.parametrize("excluded", [
    ["https://atlas.kreis.example"],
    "http://intranet|https://atlas.kreis",  # older QGIS: one string separated by |
])
def test_excluded_urls_bypass_the_proxy(excluded: Any) -> None:
    settings = {**HTTP, "proxy/proxyExcludedUrls": excluded}
    assert proxies_from_qgis_settings(settings, "https://atlas.kreis.example/api/v1") is None
    assert proxies_from_qgis_settings(settings, "https://elsewhere.example") is not None
    assert proxies_from_qgis_settings({**HTTP, "proxy/noProxyUrls": ["https://atlas"]}, "https://atlas.x") is None


def test_the_client_uses_the_proxies() -> None:
    proxies = proxies_from_qgis_settings(HTTP)
    assert AtlasClient("https://atlas.kreis.example", proxies=proxies).proxies == proxies


def test_every_core_module_stays_free_of_qgis() -> None:
    """All of core/ (including network, reference and validation) and the package's __init__ import
    without QGIS, Qt or geometry libraries: they run in QGIS's bare Python and on the command line."""
    code = (
        "import importlib, pkgutil, sys\n"
        "import qgis_plugin, qgis_plugin.core\n"
        "for info in pkgutil.iter_modules(qgis_plugin.core.__path__):\n"
        "    importlib.import_module('qgis_plugin.core.' + info.name)\n"
        "banned = {'qgis', 'PyQt5', 'PyQt6', 'shapely', 'pyproj', 'numpy', 'pyogrio', 'osgeo', 'sync_server'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & banned))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
