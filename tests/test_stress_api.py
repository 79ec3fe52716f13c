"""Stress API and CLI on the store built from the shipped data: shipped scenarios, saved runs,
the network built from USGS and BACI, the sweep."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from friendshore.cli import app
from friendshore.network.checks import check_network
from friendshore.results import STATS

api = importlib.import_module("friendshore.api._stress")
KEYS = {"shortfall_pct", "shortfall_t", "price_multiplier", "price_multiplier_avg",
        "stockpile_months"}
GDP_KEYS = {"gdp_change_usd", "gdp_change_pct", "top_industries", "gdp_channels_usd",
            "gdp_method", "gdp_whole_industry_share", "gdp_not_modelled"}  # api.ripple.stress_gdp


def test_network_from_store_is_consistent_and_matches_usgs(network):
    check_network(network)
    m = network.market("gallium", "refine")
    # USGS MCS 2026: China produced an estimated 900 t of primary gallium in 2025 (world 900 t)
    assert network.production[m, network.country("CHN")] == pytest.approx(900.0)
    assert network.years[m] == 2025
    # flows keep every producer within its production and define demand
    np.testing.assert_allclose(network.flows[m].sum(axis=1), network.production[m])
    assert (network.capacity >= network.production - 1e-9).all()


@pytest.mark.parametrize("name", [s["name"] for s in api.scenarios()])
def test_shipped_scenarios_run_from_the_api(name):
    out = api.stress(name, draws=64, seed=1)
    assert set(out) == {"scenario", "draws", "seed", "countries"}
    assert out["draws"] == 64 and out["seed"] == 1 and out["scenario"] == name
    for stats in out["countries"].values():
        assert set(stats) == KEYS | GDP_KEYS
        for s in (stats[k] for k in KEYS):
            assert tuple(s) == STATS
            assert s["p5"] <= s["p50"] <= s["p95"]
        assert stats["shortfall_pct"]["p5"] >= 0 and stats["shortfall_pct"]["p95"] <= 100
        assert stats["price_multiplier"]["p5"] >= 1
        # the horizon average lies between no rise and the peak month
        assert stats["price_multiplier_avg"]["p5"] >= 1
        assert stats["price_multiplier_avg"]["mean"] <= stats["price_multiplier"]["mean"] + 1e-12


def test_same_seed_same_answer_and_ripple_arrays():
    a = api.stress("china-rare-earth-ban", draws=200, seed=3)
    b = api.stress("china-rare-earth-ban", draws=200, seed=3)
    assert a == b
    res = api.run_stress("china-rare-earth-ban", draws=200, seed=3)
    arr = res.market_arrays("USA", "rare_earths")
    assert arr["shortfall_share"].shape == (200,) and arr["price_multiplier"].shape == (200,)
    assert (arr["price_multiplier_avg"] >= 1).all()
    assert (arr["price_multiplier_avg"] <= arr["price_multiplier"] + 1e-12).all()
    assert 100 * arr["shortfall_share"].mean() == pytest.approx(
        a["countries"]["USA"]["shortfall_pct"]["mean"])


def test_saved_run_round_trip_and_never_half_written(store, monkeypatch):
    out = api.stress("drc-cobalt-outage", draws=32, save=True, store=store)
    saved = api.run(out["run_id"], store=store)
    assert saved["outputs"]["countries"] == json.loads(json.dumps(out["countries"]))
    assert saved["inputs"]["scenario"]["name"] == "drc-cobalt-outage"
    before = len(api.runs(store=store))

    def broken(result, country):
        return {"shortfall_pct": object()}  # cannot be serialised: the save must fail

    monkeypatch.setattr(api, "country_summary", broken)
    with pytest.raises(TypeError):
        api.stress("drc-cobalt-outage", draws=8, save=True, store=store)
    assert len(api.runs(store=store)) == before


def test_cli_stress_json_save_and_runs():
    runner = CliRunner()
    res = runner.invoke(app, ["stress", "china-gallium-germanium-ban", "--draws", "50",
                              "--countries", "USA,JPN,DEU", "--json", "--save",
                              "--set", "stress_spare_utilisation=0.3"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert set(out["countries"]) == {"USA", "JPN", "DEU"} and "run_id" in out
    listed = json.loads(runner.invoke(app, ["runs", "list", "--json"]).stdout)
    assert out["run_id"] in {r["id"] for r in listed}
    shown = json.loads(runner.invoke(app, ["runs", "show", out["run_id"], "--json"]).stdout)
    assert shown["seed"] == out["seed"]
    assert shown["inputs"]["assumptions"]["stress_spare_utilisation"] == 0.3
    names = {s["name"] for s in json.loads(runner.invoke(app, ["scenarios", "--json"]).stdout)}
    assert {"china-rare-earth-ban", "china-magnet-export-ban", "indonesia-nickel-ban"} <= names


def test_every_shipped_scenario_runs_from_the_cli():
    runner = CliRunner()
    for name in (s["name"] for s in api.scenarios()):
        res = runner.invoke(app, ["stress", name, "--draws", "16", "--json"])
        assert res.exit_code == 0, (name, res.output)
        assert json.loads(res.stdout)["scenario"] == name


def test_cli_stress_from_a_yaml_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\nshocks:\n  - kind: export_restriction\n    exporter: CHN\n"
                    "    commodity: gallium\n    stage: refine\n    cut: 1.0\n")
    res = CliRunner().invoke(app, ["stress", str(path), "--draws", "10", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["countries"]["USA"]["shortfall_pct"]["mean"] > 0


def test_sweep_ranks_major_exporters(network):
    from friendshore.disruption.sweep import run_sweep, sweep_scenarios

    todo = sweep_scenarios(network, ["USA"], 4, 0)
    assert todo and all(share >= 0.10 for _, share in todo)
    assert any(sc.shocks[0].exporter == "CHN" and sc.shocks[0].commodity == "gallium"
               for sc, _ in todo)
    out = run_sweep(network, draws=4, countries=["USA"])
    rows = out["scenario_ranking"]["USA"]
    assert len(rows) == out["scenario_count"] == len(out["scenarios"])
    means = [r["shortfall_pct_mean"] for r in rows]   # no GDP function: by shortfall
    assert means == sorted(means, reverse=True)
    assert all(r["gdp_change_usd_mean"] is None for r in rows)


def test_sweep_probabilities_and_gdp_ranking(network):
    """Each scenario's probability follows T4 (in force) or the default; the ranking is the
    probability-weighted sum of the GDP means per commodity, most negative first."""
    import friendshore as fs
    from friendshore.disruption.sweep import rank_commodities

    out = fs.sweep(draws=8, countries=["USA"],
                   assumptions={"stress_sweep_probabilities": {"sweep-CHN-gallium-refine": 0.5}})
    rows = {r["name"]: r for r in out["scenarios"]}
    ga = rows["sweep-CHN-gallium-refine"]
    assert ga["probability"] == 0.5 and ga["in_force"]
    others = [r for r in out["scenarios"] if not r["in_force"] and r["name"] in rows]
    assert others and all(r["probability"] == 0.05 for r in others)
    assert any(r["probability"] == 0.10 for r in out["scenarios"] if r["in_force"])
    assert ga["gdp_change_usd"]["USA"]["mean"] < 0
    ranking = out["ranking"]["USA"]
    assert [{k: r[k] for k in ("commodity", "expected_gdp_change_usd")} for r in ranking] \
        == rank_commodities(out["scenarios"], "USA")
    ga_row = next(r for r in ranking if r["commodity"] == "gallium")
    assert ga_row["whole_industry_share"] == 0.0    # gallium's bridge has product-line shares
    values = [r["expected_gdp_change_usd"] for r in ranking]
    assert values == sorted(values)
    by_hand = sum(r["probability"] * r["gdp_change_usd"]["USA"]["mean"]
                  for r in out["scenarios"] if r["commodity"] == "gallium"
                  and r["gdp_change_usd"]["USA"] is not None)
    assert next(r for r in ranking if r["commodity"] == "gallium")[
        "expected_gdp_change_usd"] == pytest.approx(by_hand)


def test_cli_bad_scenario_exits_2_with_path(tmp_path, built_store_path):
    import os
    import shutil
    import subprocess
    import sys

    own = tmp_path / "store.duckdb"
    shutil.copy(built_store_path, own)

    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\nshocks:\n  - kind: export_restriction\n    exporter: CHN\n"
                    "    commodity: galium\n    stage: refine\n")
    proc = subprocess.run([sys.executable, "-c", "from friendshore.cli import main; main()",
                           "stress", str(path), "--draws", "5"], capture_output=True, text=True,
                          env={**os.environ, "FRIENDSHORE_STORE": str(own)})
    assert proc.returncode == 2
    assert "shocks[0].commodity" in proc.stderr and "gallium" in proc.stderr
