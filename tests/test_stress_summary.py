"""One run, one summary: summarise_stress on a run_stress result is stress(); the web job and
the report run the scenario once and chart the cover fan from the same draws."""

from __future__ import annotations

import json

import numpy as np
import pytest

import friendshore
import friendshore.api as fs_api
from friendshore.reports import render
from friendshore.web.charts import FAN_QUANTILES, stress_with_distributions

SCENARIO = "china-rare-earth-ban"


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the scenario runs made through ``friendshore.api.run_stress``."""
    calls: list[int] = []
    real = fs_api.run_stress

    def run_stress(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(fs_api, "run_stress", run_stress)
    return calls


def _same(a: object, b: object) -> bool:
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True,
                                                                    default=str)


def test_summary_of_a_run_is_stress():
    result = friendshore.run_stress(SCENARIO, draws=200, seed=9, countries=["USA", "JPN", "DEU"])
    summary = friendshore.summarise_stress(result)
    assert _same(summary, friendshore.stress(SCENARIO, draws=200, seed=9,
                                             countries=["USA", "JPN", "DEU"]))
    assert set(summary["countries"]) == {"USA", "JPN", "DEU"}


def test_saved_run_is_the_one_stress_saves(store):
    a = friendshore.stress(SCENARIO, draws=100, seed=4, save=True, store=store)
    result = friendshore.run_stress(SCENARIO, draws=100, seed=4, store=store)
    b = friendshore.summarise_stress(result, save=True, store=store)
    assert a["run_id"] != b["run_id"]
    saved_a, saved_b = (friendshore.run(x["run_id"], store=store) for x in (a, b))
    for key in ("kind", "name", "seed", "inputs", "outputs"):
        assert _same(saved_a[key], saved_b[key]), key
    assert _same(saved_b["outputs"], {k: v for k, v in b.items() if k != "run_id"})


def test_web_job_runs_the_scenario_once_and_charts_the_cover_fan(store, monkeypatch):
    calls = _counting(monkeypatch)
    progress: list[float] = []
    out = stress_with_distributions(SCENARIO, draws=300, seed=2, save=True, store=store,
                                    progress=progress.append)
    assert len(calls) == 1 and progress[-1] == 1.0
    plain = friendshore.stress(SCENARIO, draws=300, seed=2)
    assert _same(out["countries"], plain["countries"])
    assert _same(friendshore.run(out["run_id"], store=store)["outputs"]["countries"],
                 out["countries"])
    horizon = fs_api.load_scenario(SCENARIO).horizon_months
    for country, dist in out["distributions"].items():
        fan = dist["cover_fan"]
        assert fan["month"] == list(range(1, horizon + 1))
        bands = np.array([fan[f"p{q}"] for q in FAN_QUANTILES])
        assert (np.diff(bands, axis=0) >= -1e-9).all()  # P5 <= P25 <= ... <= P95 every month
        assert (np.diff(bands, axis=1) <= 1e-6).all()  # cover only falls
        end = plain["countries"][country]["stockpile_months"]
        assert fan["p50"][-1] == pytest.approx(end["p50"], rel=1e-5, abs=1e-6)


def test_report_runs_the_scenario_once_and_draws_the_fan(monkeypatch):
    calls = _counting(monkeypatch)
    text = render.render_stress_report(SCENARIO, draws=100, seed=3)
    assert len(calls) == 1
    assert "USA median" in text and "month after the shock" in text
