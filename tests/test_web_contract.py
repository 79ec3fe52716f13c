"""Against a live uvicorn server (issue 14 item 6): the OpenAPI schema tells the truth
(schemathesis), and a request body that trickles in is cut off (408).

Every operation gets generated requests, valid and invalid (schemathesis's coverage cases,
then ``EXAMPLES`` fuzzed ones); every answer must be no 5xx, a documented status with a
documented content type and headers (``Allow`` on 405 included), and a body matching the
documented schema (``ErrorBody`` for every error).

Bounded to stay fast: the server has no job capacity (``max_running=0, max_queued=0``), so a
heavy request that passes validation answers 429 at once instead of computing for minutes;
what the jobs compute is tested elsewhere. Left out is schemathesis's
``positive_data_acceptance`` check: a schema-valid request may still name a year without
data or an unknown scenario, which is a documented 400/404/422, not a broken contract. The
seed is fixed so that a failure is reproducible; change it to explore other inputs.

The schemathesis command line runs the checks (its pytest plugin does not load under
pytest 9); on a failure its report, with a ``curl`` line per case, is the assertion message.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from live_server import live_server

#: Fuzzed requests per operation: with the coverage cases, enough to reach every documented
#: error path of these operations; the whole run takes about 20 s.
EXAMPLES = 25
SEED = 14
#: No job capacity (see above), no rate limit, and a body read timeout short enough to test.
LIMITS = ("limits=Limits(max_running=0, max_queued=0, heavy_burst=10**6, "
          "body_read_timeout_s=1.0)")


@pytest.fixture(scope="module")
def server(built_store_path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    with live_server(built_store_path, LIMITS) as (url, proc):
        yield url, proc


def test_every_answer_matches_the_schema(server: tuple[str, subprocess.Popen],
                                         tmp_path: Path) -> None:
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("schemathesis is not installed (pip install -e '.[test]')")
    url, proc = server
    run = subprocess.run(
        [cli, "run", f"{url}/openapi.json", "--checks", "all",
         "--exclude-checks", "positive_data_acceptance", "--phases", "coverage,fuzzing",
         "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "1",
         "--generation-database", "none", "--request-timeout", "30", "--no-color"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.poll() is None, "the server died"
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    operations = sum(map(len, httpx.get(f"{url}/openapi.json").json()["paths"].values()))
    selected = f"{operations} selected / {operations} total"  # every operation was tested
    assert " passed" in run.stdout and selected in run.stdout, run.stdout[-3000:]


def test_a_trickled_body_gets_408_within_the_timeout(
        server: tuple[str, subprocess.Popen]) -> None:
    url, _ = server
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(b"POST /api/stress HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
        start, answer = time.monotonic(), b""
        sock.settimeout(0.2)
        while b"\r\n\r\n" not in answer and time.monotonic() - start < 5:
            try:
                sock.sendall(b" ")  # a byte every 0.2 s: never the whole body
                answer += sock.recv(4096)
            except TimeoutError:
                continue
        elapsed = time.monotonic() - start
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert 0.9 < elapsed < 2.5, elapsed  # the 1 s timeout, not the 5 s the client would go on
    assert b"nosniff" in answer.lower()
    body = {"scenario": "no-such-scenario"}
    assert httpx.post(f"{url}/api/stress", json=body, timeout=30).status_code == 404
