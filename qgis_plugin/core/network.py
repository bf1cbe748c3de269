"""Network settings of the client that come from QGIS, as plain values (no qgis import).

QGIS keeps its proxy options in its settings (``proxy/proxyEnabled``, ``proxy/proxyType``, ...).
The API client speaks ``requests``, not QGIS's network manager, so the GUI reads those settings
into a dict and this module turns them into the ``proxies`` argument of requests. Pure, so it is
tested without QGIS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

#: QGIS proxy types (QNetworkProxy) and the URL scheme requests needs for them. ``DefaultProxy``
#: means "the system's proxy", which requests finds itself in the environment (HTTP(S)_PROXY).
_SCHEMES = {
    "HttpProxy": "http",
    "HttpCachingProxy": "http",
    "Socks5Proxy": "socks5h",  # the proxy resolves host names; needs PySocks in QGIS's Python
}


def _value(settings: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """A setting under its QgsSettings key (``proxy/proxyHost``) or its short name (``proxyHost``)."""
    if f"proxy/{key}" in settings:
        return settings[f"proxy/{key}"]
    return settings.get(key, default)


def _truthy(value: Any) -> bool:
    """QSettings hands back ``true``/``false`` strings from ini files, real booleans otherwise."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes", "on")
    return bool(value)


def _url_list(value: Any) -> list[str]:
    """QGIS stores URL lists as a string list, older versions as one ``|``-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        items: Iterable[Any] = value.split("|")
    else:
        items = value
    return [str(item).strip() for item in items if item is not None and str(item).strip()]


def proxies_from_qgis_settings(settings: Mapping[str, Any], url: str | None = None) -> dict[str, str] | None:
    """The ``proxies`` dict for requests that matches QGIS's proxy options, or None.

    None means "requests' own default" (the environment's proxy variables): returned when the proxy
    is switched off, when QGIS uses the system proxy (``DefaultProxy``), for proxy types requests
    cannot use (FTP caching), without a host, and when ``url`` starts with one of the excluded URLs
    (``proxyExcludedUrls`` and ``noProxyUrls``). User and password go into the proxy URL,
    percent-encoded.
    """
    if not _truthy(_value(settings, "proxyEnabled", False)):
        return None
    scheme = _SCHEMES.get(str(_value(settings, "proxyType", "DefaultProxy") or "DefaultProxy"))
    host = str(_value(settings, "proxyHost", "") or "").strip()
    if scheme is None or not host:
        return None
    if url:
        excluded = _url_list(_value(settings, "proxyExcludedUrls")) + _url_list(_value(settings, "noProxyUrls"))
        if any(url.strip().startswith(prefix) for prefix in excluded):
            return None
    if "://" in host:  # someone typed "http://proxy.example"
        host = host.split("://", 1)[1]
    host = host.rstrip("/")
    port = str(_value(settings, "proxyPort", "") or "").strip()
    try:
        port_number = int(float(port)) if port else 0
    except ValueError:
        port_number = 0
    address = f"{host}:{port_number}" if port_number > 0 else host
    user = str(_value(settings, "proxyUser", "") or "")
    password = str(_value(settings, "proxyPassword", "") or "")
    credentials = ""
    if user:
        credentials = quote(user, safe="")
        if password:
            credentials += ":" + quote(password, safe="")
        credentials += "@"
    proxy = f"{scheme}://{credentials}{address}"
    return {"http": proxy, "https": proxy}
