"""Request bodies that would make a worker read, parse or walk megabytes are refused early: a small
limit for requests without a verified token (the login), a cap on the number of JSON values, and a
text check that allocates nothing per element."""

from __future__ import annotations

import io
import json
import tracemalloc

from werkzeug.test import EnvironBuilder

from sync_server.app import create_app
from sync_server.domain.text import find_bad_text
from tests import conftest
from tests.server.test_bad_input import assert_problem

LOGIN = "/api/v1/auth/login"
HUGE = b'{"username": "admin", "password": "x", "pad": [' + b"0," * (10 * 1024 * 1024) + b"0]}"  # 20 MiB


class CountingStream(io.BytesIO):
    """A request body that remembers how much of it the server read."""

    consumed = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.consumed += len(chunk)
        return chunk

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = super().readinto(buffer)
        self.consumed += n
        return n


def _send(api, stream: CountingStream, length: int | None, headers: dict | None = None):  # noqa: ANN001, ANN202
    """POST ``stream`` to the login; without ``length``, as a chunked body (no Content-Length)."""
    builder = EnvironBuilder(path=LOGIN, method="POST", input_stream=stream, content_type="application/json",
                             headers=headers or {})
    environ = builder.get_environ()
    if length is None:
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(length)
    return api.client.open(environ)


def test_a_20_mib_login_body_is_refused_before_it_is_read(api) -> None:  # noqa: ANN001
    for length in (len(HUGE), None):  # from Content-Length, and while reading a chunked body
        stream = CountingStream(HUGE)
        doc = assert_problem(_send(api, stream, length), 413, "body_too_large")
        assert "65536" in doc["detail"]
        assert stream.consumed <= 2 * 65536, (length, stream.consumed)
    # a token that does not verify does not lift the limit
    stream = CountingStream(HUGE)
    assert_problem(_send(api, stream, len(HUGE), {"Authorization": "Bearer kaputt"}), 413, "body_too_large")
    assert stream.consumed == 0
    # a login of normal size still works
    assert api.client.post(LOGIN, json={"username": "admin", "password": "demo-admin"}).status_code == 200


def test_a_logged_in_user_may_send_more_than_the_anonymous_limit(api) -> None:  # noqa: ANN001
    body = b'{"display_name": "Melle Redaktion"' + b" " * (200 * 1024) + b"}"
    r = api.client.patch("/api/v1/admin/users/2", data=body, content_type="application/json",
                         headers=api.headers("admin"))
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["display_name"] == "Melle Redaktion"


def test_too_many_json_values_are_refused_before_parsing(db_url: str) -> None:
    app = create_app(conftest.test_settings(db_url, max_json_values=1000))
    client = app.test_client()
    body = json.dumps({"username": "admin", "password": "x", "pad": [0] * 1000})
    r = client.post(LOGIN, data=body, content_type="application/json", headers={"Accept-Language": "en"})
    doc = assert_problem(r, 413, "too_many_values")
    assert doc["detail"] == "The request holds too many JSON values (at most 1000). Please send it in smaller parts."
    ok = json.dumps({"username": "admin", "password": "demo-admin", "pad": [0] * 900})
    assert client.post(LOGIN, data=ok, content_type="application/json").status_code == 200
    app.extensions["familienatlas"].engine.dispose()


def test_the_text_check_allocates_nothing_per_element() -> None:
    data = {"changes": [{"op": "insert", "properties": {"name": "Kita Sonnenschein", "n": i}} for i in range(20_000)],
            "coordinates": [[452000.5, 5786000.5]] * 100_000, "numbers": list(range(200_000))}
    tracemalloc.start()
    try:
        assert find_bad_text(data) is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024, peak  # the old walk held a path string per element: tens of megabytes
    data["changes"][12_345]["properties"]["name"] = "Kita \ud800"
    error = find_bad_text(data)
    assert (error.field, error.code) == ("changes[12345].properties.name", "bad_text")
    data["numbers"].append("\x00")
    data["changes"][12_345]["properties"]["name"] = "Kita"
    error = find_bad_text(data)
    assert (error.field, error.code) == ("numbers[200000]", "nul_character")
