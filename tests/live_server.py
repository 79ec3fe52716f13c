"""A real uvicorn server in a child process, for tests that need one (concurrency, schemathesis).

A crash of the server (an abort in native code) then shows as a dead process and refused
connections, not as a dead test run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(store_path: Path, app_kwargs: str = "") -> Iterator[tuple[str, subprocess.Popen]]:
    """Serve ``create_app(store_path=..., <app_kwargs>)`` on a free loopback port.

    Yields the base URL and the process; the server is stopped (SIGTERM) on exit.
    """
    port = free_port()
    code = textwrap.dedent(f"""
        import uvicorn
        from friendshore.web.app import Limits, create_app
        app = create_app(store_path={str(store_path)!r}, loopback_only_hosts=True, {app_kwargs})
        uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning")
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited: {proc.stdout.read()[-3000:]}")
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start within 120 s")
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
