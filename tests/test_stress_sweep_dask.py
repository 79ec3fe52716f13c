"""The sweep on Dask (issue 12 item 4): a LocalCluster the sweep starts is closed with its
worker processes, a scheduler address is used and left running, batches on any cluster give
exactly the one-process results, and the backend is passed through (an unknown one is a clear
error before any work)."""

from __future__ import annotations

import json
import time

import pytest
from typer.testing import CliRunner

from friendshore.disruption import sweep as sweep_mod
from friendshore.disruption.sweep import run_sweep
from friendshore.errors import FriendshoreError

distributed = pytest.importorskip("distributed", reason="Dask is the sweep extra: "
                                  "pip install 'friendshore[sweep]' (in the test extra)")
psutil = pytest.importorskip("psutil", reason="psutil comes with dask.distributed")


def _children() -> set[int]:
    """Child processes of this one, less multiprocessing's resource tracker: the first
    process start (Dask's nannies spawn their workers) starts it once for the life of the
    parent, as every spawning program does; it is not the sweep's."""
    return {p.pid for p in psutil.Process().children(recursive=True)
            if "multiprocessing.resource_tracker" not in " ".join(p.cmdline())}


@pytest.fixture(scope="module")
def one_process(network):
    """The sweep at 4 draws for USA and JPN in this process (the reference)."""
    return run_sweep(network, draws=4, countries=["USA", "JPN"])


def test_local_cluster_equals_one_process_and_leaves_no_process(network, one_process):
    before = _children()
    out = run_sweep(network, draws=4, countries=["USA", "JPN"], scheduler="local")
    assert out == one_process
    deadline = time.monotonic() + 10   # a leaked worker would outlive any wait
    while _children() - before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _children() - before == set(), "the sweep's LocalCluster left processes behind"


@pytest.fixture(scope="module")
def cluster():
    """A running cluster of two in-process workers on TCP, as a user's scheduler would be."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  protocol="tcp", dashboard_address=None) as c:
        yield c


def _tasks_run(cluster) -> int:
    """How many sweep batches the cluster's scheduler has seen finish."""
    return sum(p.state_counts["memory"] for name, p in cluster.scheduler.task_prefixes.items()
               if "batch" in name)


def test_scheduler_address_batches_equal_one_process(network, one_process, cluster):
    """Several scenarios per task (2 threads x 4 tasks for 154 scenarios), same results;
    the user's cluster keeps running after the sweep."""
    assert cluster.scheduler_address.startswith("tcp://")
    out = run_sweep(network, draws=4, countries=["USA", "JPN"],
                    scheduler=cluster.scheduler_address)
    assert out == one_process
    assert _tasks_run(cluster) == 2 * sweep_mod.TASKS_PER_THREAD
    with distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2


def test_cli_scheduler_and_backend_reach_the_sweep(cluster):
    """``friendshore sweep --scheduler ADDRESS --backend numpy`` runs on that cluster."""
    import friendshore as fs
    from friendshore.cli import app

    before = _tasks_run(cluster)
    res = CliRunner().invoke(app, ["sweep", "--draws", "2", "--countries", "USA", "--json",
                                   "--backend", "numpy", "--scheduler",
                                   cluster.scheduler_address])
    assert res.exit_code == 0, res.output
    assert _tasks_run(cluster) - before == 2 * sweep_mod.TASKS_PER_THREAD
    here = fs.sweep(draws=2, countries=["USA"], backend="numpy")
    assert json.loads(res.stdout)["ranking"] == json.loads(json.dumps(here["ranking"]))


@pytest.mark.parametrize("scheduler", [None, "local"])
def test_unknown_backend_fails_before_any_work(network, scheduler):
    with pytest.raises(FriendshoreError, match="unknown backend 'gpu'; choose one of numpy"):
        run_sweep(network, draws=4, countries=["USA"], backend="gpu", scheduler=scheduler)


def test_bad_scheduler_or_backend_is_a_clear_error_exit_2(network, monkeypatch, capsys):
    from friendshore.cli import main

    with pytest.raises(FriendshoreError, match="give 'local' or a Dask scheduler address"):
        run_sweep(network, draws=4, countries=["USA"], scheduler="myhost:8786")
    monkeypatch.setattr(sweep_mod, "CONNECT_TIMEOUT_S", 1)
    with pytest.raises(FriendshoreError, match="tcp://127.0.0.1:9: no answer or no worker"):
        run_sweep(network, draws=4, countries=["USA"], scheduler="tcp://127.0.0.1:9")
    monkeypatch.setattr("sys.argv", ["friendshore", "sweep", "--draws", "2", "--backend", "gpu"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    assert "unknown backend 'gpu'" in capsys.readouterr().err
