"""What ``make demo`` runs, as a person runs it: ``load-demo`` twice, then ``serve`` under gunicorn.

These go through the real console entry point in a subprocess (no test client), on the embedded
default (an SQLite file), because that is what the demo command sets up on a fresh machine.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support import MELLE

CLI = [sys.executable, "-m", "sync_server.cli"]


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=False)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _demo_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAMILIENATLAS_")}
    env["FAMILIENATLAS_MODE"] = "demo"
    return env


def test_load_demo_twice_reuses_the_database_and_prints_the_accounts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    first = _run("--database", url, "load-demo", env=_demo_env())
    assert first.returncode == 0, first.stderr
    assert re.search(r"Demo data loaded: 39 municipalities, 320 institutions \(\d+ pending review\)", first.stdout)
    for user in ("admin", "melle.editor", "melle.reader", "bramsche.editor"):
        assert re.search(rf"^\s+{re.escape(user)}\s+demo-{re.escape(user)}\s", first.stdout, re.M), first.stdout
    size = (tmp_path / "demo.sqlite").stat().st_size

    second = _run("--database", url, "load-demo", env=_demo_env())
    assert second.returncode == 0, second.stderr
    assert "already present, reused: 39 municipalities, 320 institutions" in second.stdout
    assert second.stdout.splitlines()[1:] == first.stdout.splitlines()[1:]  # the same accounts
    assert (tmp_path / "demo.sqlite").stat().st_size == size


def test_serve_answers_the_api_and_the_web_map_under_gunicorn(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    env = {**_demo_env(), "FAMILIENATLAS_JWT_SECRET": "s" * 48}
    assert _run("--database", url, "load-demo", env=env).returncode == 0
    port = _free_port()
    server = subprocess.Popen([*CLI, "--database", url, "serve", "--port", str(port), "--workers", "2"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = requests.get(f"{base}/api/v1/health", timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or no worker booted yet
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "the server did not come up within 60 s"
                time.sleep(0.3)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        login = requests.post(f"{base}/api/v1/auth/login",
                              json={"username": "melle.editor", "password": "demo-melle.editor"}, timeout=10)
        assert login.status_code == 200, login.text
        me = requests.get(f"{base}/api/v1/auth/me", timeout=10,
                          headers={"Authorization": f"Bearer {login.json()['access_token']}"}).json()
        assert me["municipality"]["key"] == MELLE
        # a token made by one worker is good at every other one: they share the secret and the database
        for _ in range(6):
            r = requests.get(f"{base}/api/v1/sync/institutions/pull?limit=1", timeout=10,
                             headers={"Authorization": f"Bearer {login.json()['access_token']}"})
            assert r.status_code == 200, r.text
        page = requests.get(f"{base}/", timeout=10)
        assert page.status_code == 200 and "Familienatlas" in page.text
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_make_demo_keeps_the_secret_and_the_database_private(tmp_path: Path) -> None:
    """``make demo`` writes the JWT secret and the demo database for their owner only, and tightens
    what an earlier version left world-readable."""
    var = tmp_path / "var"
    make = ["make", "--no-print-directory", f"VAR={var}", f"PY={sys.executable}", "demo-data"]
    repo = Path(__file__).resolve().parents[2]
    for _run_number in (1, 2):
        done = subprocess.run(make, cwd=repo, env=_demo_env(), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert stat.S_IMODE(var.stat().st_mode) == 0o700
        files = {f.name: stat.S_IMODE(f.stat().st_mode) for f in var.iterdir()}
        assert {"jwt-secret", "demo.sqlite"} <= set(files) and set(files.values()) == {0o600}, files
        for f in (var, *var.iterdir()):
            f.chmod(0o755 if f.is_dir() else 0o644)  # as an earlier make demo left them
