"""The CuPy backend equals numpy (issue 12 item 5): every shipped scenario and a sixteen-shock
scenario give the same outputs to 1e-12 of scale on a CUDA device, and so does the sweep with
``backend="cupy"``. Skipped, with the reason, where CuPy or a device is absent
(``bench/gpu_check.sh`` installs CuPy and runs this file on a lent GPU)."""

from __future__ import annotations

import numpy as np
import pytest

from friendshore.api import load_scenario, scenarios
from friendshore.disruption.engine import run_scenario
from friendshore.disruption.sweep import run_scenarios, sweep_scenarios
from friendshore.scenario.spec import parse_scenario

cupy = pytest.importorskip("cupy", reason="CuPy is not installed (pip install cupy-cuda12x, "
                           "or run bench/gpu_check.sh on a machine with an NVIDIA GPU)")


def _devices() -> int:
    try:
        return int(cupy.cuda.runtime.getDeviceCount())
    except cupy.cuda.runtime.CUDARuntimeError:
        return 0


pytestmark = pytest.mark.skipif(_devices() == 0, reason="CuPy is installed but no CUDA "
                                "device is visible (nvidia-smi lists none)")

FIELDS = ("shortfall_t", "shortfall_share", "price_multiplier", "price_multiplier_avg",
          "stockpile_months")


def _close(a, b, rtol: float = 1e-12) -> None:
    """Equal up to rounding: 1e-12 of the array's scale."""
    scale = max(1.0, float(np.abs(a).max(initial=0.0)))
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


def _sixteen(network) -> dict:
    """Restrictions by the largest producer of 16 single-stage markets, random timing."""
    shocks = [{"kind": "export_restriction", "commodity": commodity, "stage": stage,
               "exporter": exporter, "targets": "all",
               "cut": {"dist": "uniform", "low": 0.3, "high": 1.0},
               "start_month": {"dist": "uniform", "low": 0, "high": 12},
               "months": {"dist": "uniform", "low": 1, "high": 12}}
              for commodity, stage, exporter in network.top_producers()]
    return {"name": "sixteen", "horizon_months": 24, "countries": ["USA", "JPN"],
            "shocks": shocks[:16]}


def test_library_scenarios_on_cupy_equal_numpy(network):
    """Every scenario of the library (listed in the test, once the session store is set)."""
    for entry in scenarios():
        sc = load_scenario(entry["name"])
        cpu = run_scenario(sc, network, draws=2000, seed=3, backend="numpy")
        gpu = run_scenario(sc, network, draws=2000, seed=3, backend="cupy")
        for f in (*FIELDS, "cover_path"):
            _close(getattr(cpu, f), getattr(gpu, f))


def test_sixteen_shocks_on_cupy_equal_numpy(network):
    sc = parse_scenario(_sixteen(network))
    cpu = run_scenario(sc, network, draws=5000, seed=1, backend="numpy")
    gpu = run_scenario(sc, network, draws=5000, seed=1, backend="cupy")
    for f in FIELDS:
        _close(getattr(cpu, f), getattr(gpu, f))


def test_sweep_on_cupy_equals_numpy(network):
    todo = [sc for sc, _ in sweep_scenarios(network, ["USA", "JPN"], 500, 2)][:20]
    cpu = run_scenarios(todo, network, backend="numpy")
    gpu = run_scenarios(todo, network, backend="cupy")
    for a, b in zip(cpu, gpu, strict=True):
        for country in a:
            for field in ("shortfall_pct", "shortfall_t", "price_multiplier"):
                for stat, value in a[country][field].items():
                    assert b[country][field][stat] == pytest.approx(value, rel=1e-12,
                                                                    abs=1e-12)
