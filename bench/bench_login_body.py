"""What one oversized anonymous request costs a server worker: a 20 MiB body sent to the login.

Serves a fresh SQLite demo database with gunicorn (one worker, demo mode) from the repository
given by ``--code`` (default: this one, so the same script measures an older checkout too), logs in
once normally to warm the worker up, then POSTs a 20 MiB JSON body (a login with an array of ten
million zeros) and reports the answer's status, the time until it arrived, and how much the
worker's peak resident memory (VmHWM) grew. ``--lift-limits`` raises the limits that refuse such a
body, to measure what parsing and the text check of it cost.

    python bench/bench_login_body.py [--code PATH] [--mebibytes 20]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def _post(port: int, body: bytes) -> tuple[str, float]:
    """The answer's status line and the seconds until it came. The server may answer and close
    before the whole body is sent (a 413 from Content-Length): sending stops, the answer is read."""
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=300) as sock:
        head = (f"POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(head + body)
        answer = b""
        try:
            while b"\r\n" not in answer and (chunk := sock.recv(4096)):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer.split(b"\r\n")[0].decode() or "(connection reset)", time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=HERE, help="repository whose server is measured")
    parser.add_argument("--mebibytes", type=int, default=20, help="body size (at most the server's body limit)")
    parser.add_argument("--lift-limits", action="store_true",
                        help="raise the anonymous body and JSON value limits, to measure parsing and the text check")
    args = parser.parse_args()
    code = args.code.resolve()
    env = {**os.environ, "FAMILIENATLAS_MODE": "demo"}
    if args.lift_limits:
        env.update(FAMILIENATLAS_MAX_ANONYMOUS_BODY_BYTES=str(2**30), FAMILIENATLAS_MAX_JSON_VALUES=str(2**30))
    # the measured repository's package, even when another one is installed in editable mode
    run = ("import runpy, sys; sys.path.insert(0, sys.argv.pop(1)); "
           "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]; "
           "runpy.run_module(sys.argv.pop(1), run_name='__main__', alter_sys=True)")
    with tempfile.TemporaryDirectory() as tmp:
        env["FAMILIENATLAS_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite"
        subprocess.run([sys.executable, "-c", run, str(code), "sync_server.cli", "load-demo"], cwd=code, env=env,
                       check=True, capture_output=True)
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-c", run, str(code), "gunicorn", "--bind", f"127.0.0.1:{port}",
                                   "--workers", "1", "--timeout", "300", "sync_server.wsgi:app"], cwd=code, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            print(f"serving {code}")
            for _ in range(100):
                try:
                    _post(port, json.dumps({"username": "admin", "password": "demo-admin"}).encode())
                    break
                except OSError:
                    time.sleep(0.2)
            [worker] = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
            before = _kib(int(worker), "VmHWM")
            head = b'{"username": "admin", "password": "x", "pad": ['
            pad = b"0," * ((args.mebibytes * 2**20 - len(head) - 3) // 2)  # just within the 20 MiB body limit
            body = head + pad + b"0]}"
            status, seconds = _post(port, body)
            after = _kib(int(worker), "VmHWM")
            print(f"{code.name}: {len(body) / 2**20:.0f} MiB login body -> {status} in {seconds:.2f} s; "
                  f"worker peak memory {before / 1024:.0f} MiB -> {after / 1024:.0f} MiB "
                  f"(+{(after - before) / 1024:.0f} MiB)")
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
