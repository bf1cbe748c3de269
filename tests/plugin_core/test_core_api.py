"""The client's pure parts: URLs, error mapping, messages, and the core's import boundary."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import requests

from qgis_plugin.core import errors, messages
from qgis_plugin.core.api import AtlasClient, error_from_response, normalise_base_url


def response(status: int, body: object, content_type: str = "application/problem+json",
             headers: dict[str, str] | None = None) -> requests.Response:
    """A real requests.Response as the transport would build it from the wire."""
    r = requests.Response()
    r.status_code = status
    r._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    r.headers["Content-Type"] = content_type
    r.headers.update(headers or {})
    return r


def problem(status: int, code: str, detail: str = "Begründung", **extra: object) -> requests.Response:
    return response(status, {"type": f"https://familienatlas.de/problems/{code}", "title": "x", "status": status,
                             "code": code, "detail": detail, **extra})


@pytest.mark.parametrize(("given", "expected"), [
    ("https://atlas.example", "https://atlas.example/api/v1"),
    ("https://atlas.example/", "https://atlas.example/api/v1"),
    ("https://atlas.example/api/v1/", "https://atlas.example/api/v1"),
    (" http://127.0.0.1:5000/atlas ", "http://127.0.0.1:5000/atlas/api/v1"),
])
def test_base_url(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected
    assert AtlasClient(given).server_url == expected[: -len("/api/v1")]


@pytest.mark.parametrize(("status", "code", "cls"), [
    (400, "invalid_body", errors.InvalidData),
    (401, "token_invalid", errors.AuthenticationFailed),
    (403, "admin_only", errors.Forbidden),
    (404, "layer_not_found", errors.NotFound),
    (409, "idempotency_key_reused", errors.Conflict),
    (422, "invalid_change", errors.InvalidData),
])
def test_problem_documents_map_to_exceptions(status: int, code: str, cls: type[errors.AtlasError]) -> None:
    error = error_from_response(problem(status, code, errors=[{"field": "name", "message": "fehlt"}]))
    assert type(error) is cls
    assert error.code == code
    assert error.status == status
    assert "Begründung" in str(error)
    assert error.errors == [{"field": "name", "message": "fehlt"}]


def test_schema_outdated() -> None:
    error = error_from_response(problem(409, "schema_outdated", layer="institutions"))
    assert isinstance(error, errors.SchemaOutdated) and isinstance(error, errors.Conflict)
    assert error.layer == "institutions"


@pytest.mark.parametrize("status", [403, 409, 422])
def test_refused_push_carries_its_results(status: int) -> None:
    results = [{"id": "a", "status": "forbidden", "code": "not_owner"}, {"id": "b", "status": "not_applied"}]
    error = error_from_response(problem(status, "push_forbidden", results=results, applied=False))
    assert isinstance(error, errors.PushRejected)
    assert error.results == results
    assert error.status == status


def test_server_trouble_and_garbage() -> None:
    assert isinstance(error_from_response(response(502, b"<html>Bad Gateway</html>", "text/html")),
                      errors.ConnectionFailed)
    error = error_from_response(response(500, b"oops", "text/plain"))
    assert type(error) is errors.AtlasError and error.code == "server_error"
    error = error_from_response(response(418, b"", "text/plain"))
    assert type(error) is errors.AtlasError and "418" in str(error)


def test_messages_follow_the_language() -> None:
    assert str(errors.SessionExpired()) == "Die Sitzung ist abgelaufen. Bitte erneut anmelden."
    messages.set_language("en")
    assert str(errors.SessionExpired()) == "The session has expired. Please log in again."
    assert "layer 'institutions'" in str(errors.SchemaOutdated(layer="institutions"))
    assert str(errors.ServerVersionMismatch(2, (1,))).startswith("The server is newer than this plugin")
    assert str(errors.ServerVersionMismatch(0, (1,))).startswith("The server is older than this plugin")
    assert str(errors.ServerVersionMismatch(None, (1,))).startswith("No Familienatlas server answers")
    assert str(errors.ServerVersionMismatch("2.0", (1,))).startswith("The server version does not match")
    with pytest.raises(ValueError):
        messages.set_language("fr")
    assert messages.get_language() == "en"


def test_both_tables_have_the_same_keys() -> None:
    assert set(messages.MESSAGES["de"]) == set(messages.MESSAGES["en"])


def test_calls_need_a_login_first() -> None:
    client = AtlasClient("http://127.0.0.1:9")
    with pytest.raises(errors.AuthenticationFailed) as failure:
        client.layers()
    assert failure.value.code == "not_logged_in"
    client.logout()  # harmless without a login
    with pytest.raises(ValueError):
        client.approve(revisions=[1], push_id="x")


def test_core_needs_only_the_standard_library_and_requests() -> None:
    """QGIS's Python has no shapely, numpy, GDAL bindings...; the core must not need them."""
    code = (
        "import sys\n"
        "import qgis_plugin.core.api, qgis_plugin.core.cli, qgis_plugin.core.sync, qgis_plugin.core.workcopy\n"
        "import qgis_plugin.core.merge, qgis_plugin.core.wkb, qgis_plugin.core.errors, qgis_plugin.core.messages\n"
        "import qgis_plugin.core.indicators\n"
        "banned = {'qgis', 'PyQt5', 'PyQt6', 'shapely', 'pyproj', 'numpy', 'pyogrio', 'geopandas', 'osgeo',"
        " 'pandas', 'sync_server', 'flask', 'sqlalchemy'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & banned))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
