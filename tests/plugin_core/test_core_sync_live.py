"""The core against the real server (``live_server``: the app on a loopback port with the demo data).

Nothing of ours is mocked. Where a test needs a failing network it mounts a requests transport
adapter that loses the request or its answer, which is what a cut cable or a killed process does
to the client.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyogrio
import pytest
import requests
from requests.adapters import HTTPAdapter

from qgis_plugin.core import cli, messages
from qgis_plugin.core.api import AtlasClient
from qgis_plugin.core.errors import (
    AuthenticationFailed,
    Cancelled,
    ConnectionFailed,
    SchemaOutdated,
    ServerVersionMismatch,
    SessionExpired,
    WrongAccount,
)
from qgis_plugin.core.merge import DELETED, Clash
from qgis_plugin.core.sync import Synchronizer, prefer
from qgis_plugin.core.workcopy import WorkingCopy
from tests.support import BRAMSCHE, MELLE, demo_password

INSTITUTION_FIELDS = ["owner", "category", "subcategory", "name", "provider", "street", "postcode", "city",
                      "phone", "email", "website", "opening_hours", "target_groups", "age_min", "age_max",
                      "languages", "accessibility", "description", "last_checked", "service_area"]


def login(url: str, user: str, session: requests.Session | None = None) -> AtlasClient:
    client = AtlasClient(url, session=session, timeout=30)
    client.login(user, demo_password(user))
    return client


class Desk:
    """One person's working copy with its client and synchroniser."""

    def __init__(self, url: str, user: str, folder: Path, session: requests.Session | None = None) -> None:
        self.url = url
        self.user = user
        self.client = login(url, user, session)
        self.workcopy = WorkingCopy.in_folder(folder)
        self.sync = Synchronizer(self.client, self.workcopy)

    def sql(self, statement: str, *params: Any) -> None:
        """Edit the file as another program would."""
        con = sqlite3.connect(str(self.workcopy.path), isolation_level=None)
        con.execute(statement, params)
        con.close()

    def row(self, uuid: str) -> dict[str, Any] | None:
        state = self.workcopy.read_row("institutions", uuid)
        return None if state is None else {**state.properties, "_revision": state.revision, "_state": state.state}

    def reconnect(self, session: requests.Session | None = None) -> None:
        self.client = login(self.url, self.user, session)
        self.sync = Synchronizer(self.client, self.workcopy)


@pytest.fixture
def desk(live_server: Any, tmp_path: Path) -> Callable[..., Desk]:
    desks: list[Desk] = []

    def make(user: str = "melle.editor", name: str | None = None, checkout: bool = True) -> Desk:
        d = Desk(live_server.url, user, tmp_path / (name or user))
        if checkout:
            d.sync.checkout()
        desks.append(d)
        return d

    yield make
    for d in desks:
        d.workcopy.close()


def server_features(url: str, user: str = "admin", layer: str = "institutions") -> dict[str, dict[str, Any]]:
    client = login(url, user)
    return {f["id"]: f for page in client.pull_all(layer) for f in page["features"]}


def own_features(d: Desk, owner: str = MELLE) -> list[str]:
    return sorted(s.uuid for s in d.workcopy.rows("institutions") if s.properties["owner"] == owner)


class LossyAdapter(HTTPAdapter):
    """A transport that loses chosen requests before sending them or loses their answer afterwards."""

    def __init__(self, rule: Callable[[requests.PreparedRequest], str | None]) -> None:
        super().__init__()
        self.rule = rule

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        what = self.rule(request)
        if what == "before":
            raise requests.ConnectionError("connection reset before the request went out")
        response = super().send(request, *args, **kwargs)
        if what == "after":
            raise requests.ConnectionError("connection reset while waiting for the answer")
        return response


def lossy_session(rule: Callable[[requests.PreparedRequest], str | None]) -> requests.Session:
    session = requests.Session()
    session.mount("http://", LossyAdapter(rule))
    return session


def once(kind: str, path_part: str, method: str = "POST",
         skip: int = 0) -> Callable[[requests.PreparedRequest], str | None]:
    """A rule that hits the (skip+1)-th request whose path contains ``path_part``, once."""
    seen = {"n": 0}

    def rule(request: requests.PreparedRequest) -> str | None:
        if request.method == method and path_part in (request.path_url or ""):
            seen["n"] += 1
            if seen["n"] == skip + 1:
                return kind
        return None

    return rule


# ---------------------------------------------------------------------- client


def test_health_login_me_layers(live_server: Any) -> None:
    client = AtlasClient(live_server.url + "/api/v1/")
    assert client.health()["api_version"] == 1
    with pytest.raises(AuthenticationFailed) as wrong:
        client.login("melle.editor", "falsch")
    assert "Passwort" in str(wrong.value)
    messages.set_language("en")
    with pytest.raises(AuthenticationFailed) as wrong:
        client.login("melle.editor", "wrong")
    assert "password" in str(wrong.value)
    messages.set_language("de")
    user = client.login("melle.editor", demo_password("melle.editor"))
    assert user["municipality"]["key"] == MELLE
    assert client.me()["username"] == "melle.editor"
    layers = {layer["name"]: layer for layer in client.layers()}
    assert [f["name"] for f in layers["institutions"]["fields"]] == INSTITUTION_FIELDS
    assert layers["institutions"]["geometry_type"] == "Point"
    assert layers["spatial_units"]["geometry_type"] == "MultiPolygon"
    assert {"owner", "level", "key", "name", "parent_key"} <= {f["name"] for f in layers["spatial_units"]["fields"]}


def test_refresh_is_transparent_and_logout_revokes(live_server: Any) -> None:
    client = login(live_server.url, "melle.editor")
    refresh_token = client.refresh_token
    client.access_token = "not.a.token"
    assert client.me()["username"] == "melle.editor"  # refreshed and retried
    assert client.access_token != "not.a.token"
    old_access = client.access_token
    client.logout()
    assert client.access_token is None
    with pytest.raises(AuthenticationFailed):
        client.me()
    # The revoked tokens of that login work no more: refresh fails, the session is over.
    client.access_token, client.refresh_token = old_access, refresh_token
    with pytest.raises(SessionExpired):
        client.me()
    assert client.access_token is None and client.refresh_token is None


def test_unreachable_server_is_a_connection_failure() -> None:
    with socket_closed_port() as port, pytest.raises(ConnectionFailed) as failure:
        AtlasClient(f"http://127.0.0.1:{port}", timeout=5).health()
    # A sentence a person can act on, without urllib3's text (which stays in ``detail``).
    assert str(failure.value) == (
        f"Der Server http://127.0.0.1:{port} ist nicht erreichbar: dort nimmt kein Dienst Verbindungen an (läuft "
        "der Server, stimmt der Port?). Bitte die Adresse und die Netzwerkverbindung prüfen.")
    assert "Connection refused" in failure.value.detail


class socket_closed_port:  # noqa: N801 - used like a function
    """A loopback port nobody listens on."""

    def __enter__(self) -> int:
        import socket

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        return self.port

    def __exit__(self, *exc: object) -> None:
        pass


# ---------------------------------------------------------------------- checkout


def test_checkout_holds_what_the_server_shows(desk: Callable[..., Desk], live_server: Any) -> None:
    calls: list[tuple[float, str]] = []
    d = desk(checkout=False)
    d.sync.page_size = 100
    d.sync.checkout(progress=lambda p, m: calls.append((p, m)))
    expected = server_features(live_server.url, "melle.editor")
    assert d.workcopy.count("institutions") == len(expected) > 200
    assert {s.uuid for s in d.workcopy.rows("institutions")} == set(expected)
    assert d.workcopy.count("spatial_units") > 0
    assert d.workcopy.local_changes("institutions") == []
    assert d.workcopy.local_changes("spatial_units") == []
    assert d.workcopy.server_url == live_server.url
    assert d.workcopy.username == "melle.editor"
    some = next(iter(expected.values()))
    row = d.workcopy.read_row("institutions", some["id"])
    assert row.revision == some["revision"]
    assert row.state == some["review"]["state"]
    assert row.geometry == some["geometry"]
    percents = [p for p, _ in calls]
    assert percents == sorted(percents) and percents[-1] == 100.0
    frame = pyogrio.read_dataframe(d.workcopy.path, layer="institutions")
    assert len(frame) == len(expected) and frame.crs.to_epsg() == 25832


def test_checkout_refuses_to_overwrite_local_edits(desk: Callable[..., Desk]) -> None:
    d = desk()
    d.sql("UPDATE institutions SET phone = '1' WHERE uuid = ?", own_features(d)[0])
    with pytest.raises(Exception, match="nicht übertragene Änderungen"):
        d.sync.checkout()
    d.sync.checkout(force=True)
    assert d.workcopy.local_changes("institutions") == []


def test_cancelled_checkout_is_completed_by_sync(desk: Callable[..., Desk], live_server: Any) -> None:
    d = desk(checkout=False)
    d.sync.page_size = 50
    with pytest.raises(Cancelled):
        d.sync.checkout(["institutions"], is_cancelled=lambda: d.workcopy.count("institutions") >= 100)
    assert d.workcopy.count("institutions") == 100
    report = Synchronizer(d.client, d.workcopy).sync(["institutions"])
    assert d.workcopy.count("institutions") == len(server_features(live_server.url, "melle.editor"))
    assert report.received == d.workcopy.count("institutions") - 100


# ---------------------------------------------------------------------- sync


def test_sync_sends_edits_and_receives_others(desk: Callable[..., Desk], live_server: Any) -> None:
    d = desk()
    first, second, third = own_features(d)[:3]
    d.sql("UPDATE institutions SET name = 'Familienbüro Melle (neu)', age_max = 12 WHERE uuid = ?", first)
    d.sql("INSERT INTO institutions (geom, category, subcategory, name) "
          "SELECT geom, 'beratung', 'erziehungsberatung', 'Beratungsstelle Neu' FROM institutions WHERE uuid = ?",
          second)
    d.sql("DELETE FROM institutions WHERE uuid = ?", third)
    [inserted] = [c.uuid for c in d.workcopy.local_changes("institutions") if c.op == "insert"]
    report = d.sync.sync()
    assert (report.sent, report.accepted) == (3, 3)
    assert report.ok
    assert d.workcopy.local_changes("institutions") == []
    assert d.workcopy.outbox("institutions") is None
    server = server_features(live_server.url)
    assert server[first]["properties"]["name"] == "Familienbüro Melle (neu)"
    assert server[first]["properties"]["age_max"] == 12
    assert server[inserted]["owner"] == MELLE  # omitted by the client, filled in by the server
    assert third not in server  # a full pull carries no tombstones
    assert d.row(first)["_state"] == "pending"
    assert d.row(first)["_revision"] == server[first]["revision"]
    assert d.row(inserted)["owner"] == MELLE
    assert d.row(third) is None
    assert d.sync.sync().sent == 0  # nothing twice

    # Someone else's published change arrives; unchanged rows take it over.
    other = desk("bramsche.editor")
    bramsche = own_features(other, BRAMSCHE)[0]
    other.sql("UPDATE institutions SET phone = '05461 999' WHERE uuid = ?", bramsche)
    assert other.sync.sync().accepted == 1
    report = d.sync.sync()
    assert report.received >= 1
    assert d.row(bramsche)["phone"] == "05461 999"
    assert d.workcopy.read_base("institutions", bramsche).properties["phone"] == "05461 999"


def test_changes_to_different_fields_merge(desk: Callable[..., Desk], live_server: Any) -> None:
    a = desk(name="a")
    b = desk(name="b")
    fid = own_features(a)[0]
    a.sql("UPDATE institutions SET phone = '05422 111' WHERE uuid = ?", fid)
    b.sql("UPDATE institutions SET name = 'Neuer Name', target_groups = 'Alle' WHERE uuid = ?", fid)
    assert a.sync.sync().accepted == 1
    report = b.sync.sync()
    assert report.conflicts_merged == 1
    assert report.accepted == 1
    assert report.ok
    assert b.workcopy.local_changes("institutions") == []
    feature = server_features(live_server.url)[fid]
    assert (feature["properties"]["phone"], feature["properties"]["name"]) == ("05422 111", "Neuer Name")
    assert feature["properties"]["target_groups"] == "Alle"
    assert b.row(fid)["phone"] == "05422 111"
    a.sync.sync()
    assert a.row(fid)["name"] == "Neuer Name"
    assert a.row(fid)["_revision"] == b.row(fid)["_revision"] == feature["revision"]


def test_same_field_clash_waits_for_a_decision(desk: Callable[..., Desk], live_server: Any) -> None:
    a = desk(name="a")
    b = desk(name="b")
    fid, other_fid = own_features(a)[:2]
    base_name = a.row(fid)["name"]
    a.sql("UPDATE institutions SET name = 'Name von A' WHERE uuid = ?", fid)
    b.sql("UPDATE institutions SET name = 'Name von B', phone = '1' WHERE uuid = ?", fid)
    b.sql("UPDATE institutions SET phone = '2' WHERE uuid = ?", other_fid)
    assert a.sync.sync().accepted == 1

    report = b.sync.sync()  # nobody to ask
    assert report.clashes_unresolved == [Clash("name", base_name, "Name von B", "Name von A", fid)]
    assert not report.ok
    assert report.accepted == 1  # the other feature went through
    assert b.row(fid)["name"] == "Name von B"  # mine kept locally
    assert b.row(fid)["phone"] == "1"
    assert server_features(live_server.url)[fid]["properties"]["name"] == "Name von A"
    assert [c.uuid for c in b.workcopy.local_changes("institutions")] == [fid]

    asked: list[list[Clash]] = []

    def person(clashes: list[Clash]) -> dict[tuple[str, str], str]:
        asked.append(clashes)
        return {(c.uuid, c.field): "theirs" for c in clashes}

    report = b.sync.sync(resolve=person)
    assert [[c.field for c in clashes] for clashes in asked] == [["name"]]
    assert report.ok and report.conflicts_merged == 1 and report.accepted == 1
    assert b.row(fid)["name"] == "Name von A"
    feature = server_features(live_server.url)[fid]
    assert (feature["properties"]["name"], feature["properties"]["phone"]) == ("Name von A", "1")
    assert b.workcopy.local_changes("institutions") == []


def test_clash_resolved_for_mine(desk: Callable[..., Desk], live_server: Any) -> None:
    a = desk(name="a")
    b = desk(name="b")
    fid = own_features(a)[0]
    a.sql("UPDATE institutions SET email = 'a@melle.example' WHERE uuid = ?", fid)
    b.sql("UPDATE institutions SET email = 'b@melle.example' WHERE uuid = ?", fid)
    a.sync.sync()
    report = b.sync.sync(resolve=prefer("mine"))
    assert report.ok and report.accepted == 1
    assert server_features(live_server.url)[fid]["properties"]["email"] == "b@melle.example"


def test_delete_against_update(desk: Callable[..., Desk], live_server: Any) -> None:
    a = desk(name="a")
    b = desk(name="b")
    fid = own_features(a)[0]
    a.sql("DELETE FROM institutions WHERE uuid = ?", fid)
    b.sql("UPDATE institutions SET phone = '05422 5' WHERE uuid = ?", fid)
    assert b.sync.sync().accepted == 1
    report = a.sync.sync()
    [clash] = report.clashes_unresolved
    assert (clash.uuid, clash.field, clash.mine) == (fid, DELETED, None)
    assert a.row(fid) is None  # my deletion is still there
    assert server_features(live_server.url)[fid]["deleted"] is False
    report = a.sync.sync(resolve=prefer("theirs"))
    assert report.ok
    assert a.row(fid)["phone"] == "05422 5"
    assert a.workcopy.local_changes("institutions") == []


def test_refused_edits_stay_and_are_marked(desk: Callable[..., Desk], live_server: Any) -> None:
    d = desk()
    foreign = own_features(d, BRAMSCHE)[0]
    mine = own_features(d)[0]
    old_name = d.row(foreign)["name"]
    d.sql("UPDATE institutions SET name = 'Übernommen' WHERE uuid = ?", foreign)
    d.sql("UPDATE institutions SET phone = '05422 7' WHERE uuid = ?", mine)
    report = d.sync.sync()
    assert report.accepted == 0
    [(uuid, code, message)] = report.refused
    assert (uuid, code) == (foreign, "not_owner")
    assert message
    assert {c.uuid for c in d.workcopy.local_changes("institutions")} == {foreign, mine}
    assert d.row(foreign)["name"] == "Übernommen"
    assert [r.uuid for r in d.workcopy.refusals("institutions")] == [foreign]
    assert d.workcopy.outbox("institutions") is None
    server = server_features(live_server.url)
    assert server[foreign]["properties"]["name"] == old_name
    assert server[mine]["properties"]["phone"] != "05422 7"  # nothing of that push was applied

    d.sql("UPDATE institutions SET name = ? WHERE uuid = ?", old_name, foreign)  # the person undoes it
    report = d.sync.sync()
    assert report.ok and report.accepted == 1
    assert d.workcopy.refusals("institutions") == []
    assert server_features(live_server.url)[mine]["properties"]["phone"] == "05422 7"


def test_unreadable_geometry_stays_local_and_the_rest_goes(desk: Callable[..., Desk], live_server: Any) -> None:
    d = desk()
    broken, fine = own_features(d)[:2]
    d.sql("UPDATE institutions SET geom = ? WHERE uuid = ?", b"GP\x00\x01garbage", broken)
    d.sql("UPDATE institutions SET phone = '05422 8' WHERE uuid = ?", fine)
    report = d.sync.sync()
    assert report.accepted == 1 and not report.ok
    [(uuid, code, message)] = report.refused
    assert (uuid, code) == (broken, "invalid_geometry") and "Ungültige Geometrie" in message
    assert server_features(live_server.url)[fine]["properties"]["phone"] == "05422 8"
    assert {c.uuid for c in d.workcopy.local_changes("institutions")} == {broken}  # kept, not overwritten
    assert d.workcopy.outbox("institutions") is None


@pytest.mark.parametrize(("server_version", "says"), [(2, "Plugin aktualisieren"), (0, "Server zu aktualisieren")])
def test_a_server_of_another_api_version_gets_nothing(desk: Callable[..., Desk], live_server: Any,
                                                      monkeypatch: pytest.MonkeyPatch, server_version: int,
                                                      says: str) -> None:
    """An upgraded (or old) server answers another API version: the sync stops before sending."""
    from sync_server.http import public

    d = desk()
    fid = own_features(d)[0]
    d.sql("UPDATE institutions SET phone = '05422 9' WHERE uuid = ?", fid)
    monkeypatch.setattr(public, "API_VERSION", server_version)
    with pytest.raises(ServerVersionMismatch) as refused:
        d.sync.sync()
    assert says in str(refused.value)
    assert server_features(live_server.url)[fid]["properties"]["phone"] != "05422 9"
    assert d.workcopy.outbox("institutions") is None and d.row(fid)["phone"] == "05422 9"
    monkeypatch.undo()
    assert d.sync.sync().accepted == 1


def test_reader_cannot_push(desk: Callable[..., Desk]) -> None:
    d = desk("melle.reader")
    fid = own_features(d)[0]
    d.sql("UPDATE institutions SET phone = '0' WHERE uuid = ?", fid)
    report = d.sync.sync()
    assert [r[0] for r in report.refused] == [fid]
    assert d.row(fid)["phone"] == "0"


def test_invalid_edit_is_refused_with_the_field(desk: Callable[..., Desk]) -> None:
    d = desk()
    fid = own_features(d)[0]
    d.sql("UPDATE institutions SET name = NULL WHERE uuid = ?", fid)
    report = d.sync.sync()
    [(uuid, _code, message)] = report.refused
    assert uuid == fid
    assert "name" in message
    assert d.row(fid)["name"] is None


def test_a_working_copy_is_synced_only_by_its_own_account(desk: Callable[..., Desk], live_server: Any) -> None:
    """The admin syncing Melle's copy (same QGIS profile) is refused: nothing sent, nothing rebound."""
    d = desk()
    fid = own_features(d)[0]
    d.sql("UPDATE institutions SET phone = '05422 1' WHERE uuid = ?", fid)
    cursor = d.workcopy.cursor("institutions")
    with pytest.raises(WrongAccount) as refused:
        Synchronizer(login(live_server.url, "admin"), d.workcopy).sync()
    assert refused.value.code == "wrong_account"
    assert str(refused.value).startswith("Diese Arbeitskopie gehört dem Konto „melle.editor“, angemeldet ist "
                                         "aber „admin“")
    assert d.workcopy.username == "melle.editor" and d.workcopy.cursor("institutions") == cursor
    assert server_features(live_server.url)[fid]["properties"].get("phone") != "05422 1"
    assert d.sync.sync().accepted == 1


def test_cursor_the_server_cannot_continue_pulls_again_and_keeps_local_edits(
        desk: Callable[..., Desk], live_server: Any) -> None:
    """A cursor beyond the server's sequence (a copy restored from another server) is answered with
    checkout_required: the layer is pulled again from 0, every local edit stays."""
    d = desk()
    edited, unedited = own_features(d)[:2]
    d.sql("UPDATE institutions SET phone = '05422 1' WHERE uuid = ?", edited)
    d.sql("UPDATE institutions SET name = 'Alt' WHERE uuid = ?", unedited)
    d.workcopy.write_base("institutions", d.workcopy.read_row("institutions", unedited))  # an old server state
    # Two features only the other server had: one unedited, one edited here.
    gone, gone_edited = str(uuid.uuid4()), str(uuid.uuid4())
    for fid in (gone, gone_edited):
        template = d.workcopy.read_row("institutions", unedited)
        d.workcopy.apply_server_feature("institutions", {
            "id": fid, "revision": 999_999, "owner": MELLE, "properties": template.properties,
            "geometry": template.geometry, "review": {"state": "published"}})
    d.sql("UPDATE institutions SET phone = '05422 2' WHERE uuid = ?", gone_edited)
    d.sql("INSERT INTO institutions (uuid, geom, category, name) SELECT ?, geom, 'kita', 'Neu hier' "
          "FROM institutions WHERE uuid = ?", inserted := str(uuid.uuid4()), edited)
    d.workcopy.set_cursor("institutions", 10**9)

    report = d.sync.sync(["institutions"], hold_back={"institutions": {edited, gone_edited, inserted}})
    assert report.pulled_again == [("institutions", "cursor_ahead")]
    assert report.gone_from_server == [("institutions", gone_edited)]
    server = server_features(live_server.url, "melle.editor")
    rows = {state.uuid: state for state in d.workcopy.rows("institutions")}
    assert set(rows) == set(server) | {gone_edited, inserted}
    assert rows[unedited].properties["name"] == server[unedited]["properties"]["name"] != "Alt"
    changes = {c.uuid: c for c in d.workcopy.local_changes("institutions")}
    assert set(changes) == {edited, gone_edited, inserted} and changes[inserted].op == "insert"
    assert changes[edited].changed_fields == ["phone"]
    assert changes[edited].base_revision == server[edited]["revision"]
    assert d.workcopy.cursor("institutions") < 10**9
    again = d.sync.sync(["institutions"], hold_back={"institutions": {gone_edited, inserted}})
    assert (again.accepted, again.pulled_again) == (1, [])
    assert server_features(live_server.url)[edited]["properties"]["phone"] == "05422 1"


# ---------------------------------------------------------------------- interruptions


def _history_revisions(url: str, fid: str) -> list[Any]:
    history = login(url, "admin").history("institutions", fid)
    return history if isinstance(history, list) else history.get("revisions", history.get("items", []))


def test_lost_answer_is_retried_with_the_same_key(desk: Callable[..., Desk], live_server: Any) -> None:
    d = desk()
    fid = own_features(d)[0]
    revisions_before = len(_history_revisions(live_server.url, fid))
    d.reconnect(lossy_session(once("after", "/push")))
    d.sql("UPDATE institutions SET phone = '05422 42' WHERE uuid = ?", fid)
    with pytest.raises(ConnectionFailed):
        d.sync.sync()
    # The server applied it, but we never heard: the edit and the outbox are still here.
    assert [c.uuid for c in d.workcopy.local_changes("institutions")] == [fid]
    outbox = d.workcopy.outbox("institutions")
    assert outbox is not None and [c.uuid for c in outbox.changes] == [fid]
    assert server_features(live_server.url)[fid]["properties"]["phone"] == "05422 42"

    d.reconnect()
    report = d.sync.sync()
    assert report.ok and report.accepted == 1
    assert d.workcopy.outbox("institutions") is None
    assert d.workcopy.local_changes("institutions") == []
    assert len(_history_revisions(live_server.url, fid)) == revisions_before + 1  # applied once
    assert d.row(fid)["_revision"] == server_features(live_server.url)[fid]["revision"]


KILLED_AFTER_PUSH = """
import os, sys
import requests
from requests.adapters import HTTPAdapter
from qgis_plugin.core.api import AtlasClient
from qgis_plugin.core.sync import Synchronizer
from qgis_plugin.core.workcopy import WorkingCopy

class DieAfterPush(HTTPAdapter):
    def send(self, request, *args, **kwargs):
        response = super().send(request, *args, **kwargs)
        if request.method == "POST" and request.path_url.endswith("/push"):
            os._exit(137)  # killed: no cleanup, no exception handlers, no finally blocks
        return response

session = requests.Session()
session.mount("http://", DieAfterPush())
client = AtlasClient(sys.argv[1], session=session)
client.login(sys.argv[2], sys.argv[3])
Synchronizer(client, WorkingCopy(sys.argv[4])).sync()
"""


def test_process_killed_after_push_applies_it_once(desk: Callable[..., Desk], live_server: Any) -> None:
    d = desk()
    fid = own_features(d)[0]
    revisions_before = len(_history_revisions(live_server.url, fid))
    d.sql("UPDATE institutions SET opening_hours = 'Mo-Th 08:00-12:00' WHERE uuid = ?", fid)
    d.workcopy.close()
    run = subprocess.run([sys.executable, "-c", KILLED_AFTER_PUSH, live_server.url, "melle.editor",
                          demo_password("melle.editor"), str(d.workcopy.path)], cwd=Path(__file__).parents[2],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 137, run.stderr
    d.workcopy = WorkingCopy(d.workcopy.path)
    d.reconnect()
    assert server_features(live_server.url)[fid]["properties"]["opening_hours"] == "Mo-Th 08:00-12:00"
    assert [c.uuid for c in d.workcopy.local_changes("institutions")] == [fid]
    assert d.workcopy.outbox("institutions") is not None
    report = d.sync.sync()
    assert report.ok and report.accepted == 1
    assert d.workcopy.local_changes("institutions") == []
    assert len(_history_revisions(live_server.url, fid)) == revisions_before + 1


def test_push_that_never_left_is_sent_on_the_next_run(desk: Callable[..., Desk], live_server: Any) -> None:
    d = desk()
    fid = own_features(d)[0]
    d.reconnect(lossy_session(once("before", "/push")))
    d.sql("UPDATE institutions SET phone = '05422 43' WHERE uuid = ?", fid)
    with pytest.raises(ConnectionFailed):
        d.sync.sync()
    assert d.workcopy.outbox("institutions") is not None
    assert server_features(live_server.url)[fid]["properties"]["phone"] != "05422 43"
    # More edits happen before the next run; the stored push goes first, then the rest.
    second = own_features(d)[1]
    d.sql("UPDATE institutions SET phone = '05422 44' WHERE uuid = ?", second)
    d.reconnect()
    report = d.sync.sync()
    assert report.ok and report.accepted == 2
    server = server_features(live_server.url)
    assert (server[fid]["properties"]["phone"], server[second]["properties"]["phone"]) == ("05422 43", "05422 44")


def test_interrupted_pull_resumes_without_losing_edits(desk: Callable[..., Desk], live_server: Any) -> None:
    a = desk(name="a")
    b = desk(name="b")
    mine = own_features(b)[0]
    b.sql("UPDATE institutions SET website = 'https://b.example' WHERE uuid = ?", mine)
    changed = own_features(a)[1:8]
    for number, fid in enumerate(changed):
        a.sql("UPDATE institutions SET phone = ? WHERE uuid = ?", f"05422 9{number}", fid)
    assert a.sync.sync().accepted == len(changed)
    b.reconnect(lossy_session(once("after", "/pull", method="GET", skip=2)))
    b.sync.page_size = 2
    cursor_before = b.workcopy.cursor("institutions")
    with pytest.raises(ConnectionFailed):
        b.sync.sync()
    assert b.workcopy.cursor("institutions") > cursor_before  # the pages before the cut are kept
    assert b.row(mine)["website"] == "https://b.example"
    b.reconnect()
    b.sync.sync()
    for number, fid in enumerate(changed):
        assert b.row(fid)["phone"] == f"05422 9{number}"
    assert b.workcopy.local_changes("institutions") == []
    assert server_features(live_server.url)[mine]["properties"]["website"] == "https://b.example"


def test_outdated_schema_stops_before_sending(desk: Callable[..., Desk]) -> None:
    d = desk()
    fid = own_features(d)[0]
    d.sql("UPDATE institutions SET phone = '9' WHERE uuid = ?", fid)
    schemas = d.workcopy.schemas()
    schemas["institutions"]["schema_version"] = 0
    d.workcopy.set_meta("layers", schemas)
    d.workcopy._schemas = None
    with pytest.raises(SchemaOutdated) as outdated:
        d.sync.sync()
    assert "institutions" in str(outdated.value)
    assert d.row(fid)["phone"] == "9"
    with pytest.raises(SchemaOutdated):  # and the server says the same
        d.client.push("institutions", [c.to_wire() for c in d.workcopy.local_changes("institutions")],
                      "k-1", schema_version=0)


# ---------------------------------------------------------------------- review


def test_review_round_trip(desk: Callable[..., Desk], live_server: Any) -> None:
    d = desk()
    first, second = own_features(d)[:2]
    d.sql("UPDATE institutions SET phone = '05422 1' WHERE uuid = ?", first)
    d.sql("UPDATE institutions SET phone = '05422 2' WHERE uuid = ?", second)
    d.sync.sync()
    admin = login(live_server.url, "admin")
    pending = admin.pending(layer="institutions", municipality=MELLE)
    entries = {p["id"]: p for p in pending}
    assert {first, second} <= set(entries)
    admin.approve(revisions=[entries[first]["revision"]])
    admin.reject(revisions=[entries[second]["revision"]], reason="Telefonnummer unvollständig")
    with pytest.raises(ValueError):
        admin.reject(revisions=[1], reason=" ")
    with pytest.raises(ValueError):
        admin.approve()
    d.sync.sync()
    assert d.row(first)["_state"] == "published"
    assert d.row(second)["_state"] == "rejected"
    assert d.workcopy.read_row("institutions", second).reason == "Telefonnummer unvollständig"
    assert len(_history_revisions(live_server.url, first)) >= 2


# ---------------------------------------------------------------------- command line


def test_cli(live_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "cli"
    monkeypatch.setenv(cli.PASSWORD_ENV, demo_password("melle.editor"))
    assert cli.main(["checkout", "--server", live_server.url, "--user", "melle.editor", "--folder", str(folder)]) == 0
    assert "ausgecheckt" in capsys.readouterr().out

    with WorkingCopy.in_folder(folder) as wc:
        rows = wc.rows("institutions")
        mine = next(r.uuid for r in rows if r.properties["owner"] == MELLE)
        foreign = next(r.uuid for r in rows if r.properties["owner"] == BRAMSCHE)
    con = sqlite3.connect(str(folder / "familienatlas.gpkg"), isolation_level=None)
    con.execute("UPDATE institutions SET phone = '05422 3' WHERE uuid = ?", (mine,))

    assert cli.main(["status", "--folder", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "1 geändert" in out and mine in out and "phone" in out

    assert cli.main(["sync", "--folder", str(folder)]) == 0
    assert "1 angenommen" in capsys.readouterr().out
    con.execute("UPDATE fa_meta SET value = '1000000000' WHERE key = 'cursor:institutions'")
    assert cli.main(["sync", "--folder", str(folder)]) == 0
    assert "Ebene „institutions“ vollständig neu geladen (der Server konnte den Stand nicht fortsetzen: " \
        "cursor_ahead); lokale Änderungen sind erhalten." in capsys.readouterr().out

    con.execute("UPDATE institutions SET phone = '0' WHERE uuid = ?", (foreign,))
    con.close()
    assert cli.main(["sync", "--folder", str(folder), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "Refused: " + foreign in out and "not_owner" in out

    monkeypatch.setenv(cli.PASSWORD_ENV, "wrong")
    assert cli.main(["sync", "--folder", str(folder)]) == 2
    assert "Anmeldung fehlgeschlagen" in capsys.readouterr().err
    assert cli.main(["status", "--folder", str(tmp_path / "nowhere")]) == 2
