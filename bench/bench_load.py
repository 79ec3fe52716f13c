"""Load test of the web server on loopback: concurrent API requests, caps, and saved runs.

Starts ``friendshore serve`` on a free 127.0.0.1 port (its own process, on a fresh store),
then:

1. fires N concurrent requests at once: ``GET /api/risk`` (one commodity each) and small
   saved stress runs (``POST /api/stress`` with ``wait``); every answer must be 2xx and every
   saved run must be listed and readable with exactly the outputs it was answered with;
2. starts stress runs with ``save`` and hangs up before they finish; once the server is idle,
   each of them must be saved (a client that disconnects loses nothing);
3. bursts job submissions past the queue: the server must answer 202 up to its cap and 429
   beyond it, never 5xx.

    python bench/bench_load.py            # 200 requests: 150 risk + 50 stress runs
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

RISK_COMMODITIES = ["gallium", "germanium", "cobalt", "lithium", "graphite", "rare_earths",
                    "nickel", "tungsten", "antimony", "copper"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "FRIENDSHORE_STORE": str(store)}
    cmd = [sys.executable, "-c", "from friendshore.cli import main; main()", "serve",
           "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_ready(base: str, proc: subprocess.Popen, timeout: float = 300) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("server did not start")


async def timed(client: httpx.AsyncClient, kind: str, method: str, url: str, **kw) -> dict:
    start = time.perf_counter()
    try:
        resp = await client.request(method, url, **kw)
        status, body = resp.status_code, resp.json()
    except httpx.HTTPError as exc:
        status, body = 0, {"error": repr(exc)}
    return {"kind": kind, "status": status, "body": body, "s": time.perf_counter() - start}


def stress_body(seed: int, draws: int, **extra) -> dict:
    return {"scenario": "china-rare-earth-ban", "draws": draws, "seed": seed, **extra}


async def wait_idle(client: httpx.AsyncClient, timeout: float = 600) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        jobs = (await client.get("/api/jobs")).json()
        if not any(j["status"] in ("queued", "running") for j in jobs):
            return
        await asyncio.sleep(0.5)
    raise SystemExit("jobs did not drain")


def quantiles(values: list[float]) -> str:
    if not values:
        return "—"
    v = sorted(values)
    p95 = v[min(len(v) - 1, int(0.95 * len(v)))]
    return f"p50 {statistics.median(v):.2f} s, p95 {p95:.2f} s, max {v[-1]:.2f} s"


async def run(base: str, n_risk: int, n_stress: int, draws: int, n_drop: int,
              n_burst: int) -> dict:
    limits = httpx.Limits(max_connections=n_risk + n_stress + n_burst + 10)
    timeout = httpx.Timeout(900)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        # 1. concurrent mixed load
        calls = [timed(client, "risk", "GET", "/api/risk",
                       params={"commodity": RISK_COMMODITIES[i % len(RISK_COMMODITIES)]})
                 for i in range(n_risk)]
        calls += [timed(client, "stress", "POST", "/api/stress",
                        json=stress_body(1000 + i, draws, save=True, wait=True))
                  for i in range(n_stress)]
        start = time.perf_counter()
        results = await asyncio.gather(*calls)
        wall = time.perf_counter() - start
        errors = [r for r in results if not 200 <= r["status"] < 300]
        saved = {r["body"]["run_id"]: r["body"] for r in results
                 if r["kind"] == "stress" and r["status"] == 200}
        listed = {r["id"] for r in (await client.get("/api/runs")).json()}
        lost = [rid for rid in saved if rid not in listed]
        mismatched = []
        for rid, body in saved.items():
            run_ = (await client.get(f"/api/runs/{rid}")).json()
            if run_["outputs"]["countries"] != body["countries"]:
                mismatched.append(rid)

        # 2. clients that hang up mid-run
        before = len(listed)
        async with httpx.AsyncClient(base_url=base, timeout=timeout) as impatient:
            tasks = [asyncio.create_task(impatient.post(
                "/api/stress", json=stress_body(5000 + i, 10_000, save=True, wait=True)))
                for i in range(n_drop)]
            await asyncio.sleep(0.5)
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await wait_idle(client)
        after = len((await client.get("/api/runs")).json())

        # 3. burst past the job queue
        burst = await asyncio.gather(*(timed(client, "burst", "POST", "/api/stress",
                                             json=stress_body(9000 + i, draws))
                                       for i in range(n_burst)))
        codes = [r["status"] for r in burst]
        await wait_idle(client)
    return {
        "wall": wall, "errors": errors, "results": results, "saved": len(saved), "lost": lost,
        "mismatched": mismatched, "dropped": n_drop, "saved_after_drop": after - before,
        "burst": {c: codes.count(c) for c in sorted(set(codes))},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--risk", type=int, default=150, help="concurrent GET /api/risk")
    parser.add_argument("--stress", type=int, default=50, help="concurrent saved stress runs")
    parser.add_argument("--draws", type=int, default=200, help="draws per small stress run")
    parser.add_argument("--disconnects", type=int, default=10, help="runs whose client hangs up")
    parser.add_argument("--burst", type=int, default=100, help="job submissions in one burst")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fs-load-") as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = start_server(Path(tmp) / "store.duckdb", port)
        try:
            ready = wait_ready(base, proc)
            out = asyncio.run(run(base, args.risk, args.stress, args.draws, args.disconnects,
                                  args.burst))
        finally:
            proc.terminate()
            proc.wait(30)
    by_kind = {k: [r["s"] for r in out["results"] if r["kind"] == k] for k in ("risk", "stress")}
    total = args.risk + args.stress
    print(f"machine: {os.cpu_count()} cores; server ready after {ready:.1f} s (store build)")
    print(f"phase 1: {total} concurrent requests ({args.risk} risk + {args.stress} stress runs of "
          f"{args.draws} draws, saved) in {out['wall']:.1f} s = {total / out['wall']:.1f} req/s")
    print(f"  risk   latency {quantiles(by_kind['risk'])}")
    print(f"  stress latency {quantiles(by_kind['stress'])}")
    print(f"  errors: {len(out['errors'])}; saved runs: {out['saved']}, lost: {len(out['lost'])}, "
          f"outputs differing from the answer: {len(out['mismatched'])}")
    print(f"phase 2: {out['dropped']} clients hung up mid-run; runs saved anyway: "
          f"{out['saved_after_drop']}")
    print(f"phase 3: burst of {args.burst} job submissions -> status counts {out['burst']}")
    for err in out["errors"][:5]:
        print("  error:", err["kind"], err["status"], str(err["body"])[:200])
    ok = (not out["errors"] and not out["lost"] and not out["mismatched"]
          and out["saved_after_drop"] == out["dropped"]
          and set(out["burst"]) <= {202, 429})
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
