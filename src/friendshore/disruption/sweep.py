"""Sweep: a full 12-month export restriction by every major exporter of every market.

As in the USGS 2025 critical-minerals assessment (OFR 2025-1047, yearlong foreign trade
disruptions), every exporter holding at least ``stress_sweep_min_share`` of a market's world
production withholds all its exports (``cut`` 1, ``targets: all``) for
``stress_sweep_months`` months. Results are ranked for each country of interest by the
expected (mean) shortfall as a share of its demand. The scenarios are independent, so they
can run on a Dask cluster (``scheduler="local"`` or a scheduler address); Dask is optional.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..assumptions import Assumptions
from ..conventions.countries import validate_iso3
from ..network.supply import SupplyNetwork
from ..results import TAILS, summarise
from ..scenario.spec import Scenario, parse_scenario
from .engine import run_scenario

__all__ = ["run_sweep", "sweep_scenarios"]


def sweep_scenarios(
    network: SupplyNetwork,
    countries: Sequence[str],
    draws: int,
    seed: int,
    assumptions: Mapping[str, Any] | None = None,
) -> list[tuple[Scenario, float]]:
    """One full-restriction scenario per (major exporter, market), with its world share."""
    values = Assumptions(assumptions)
    min_share = float(values["stress_sweep_min_share"])
    months = float(values["stress_sweep_months"])
    out = []
    for m, (commodity, stage) in enumerate(network.markets):
        prod = network.production[m]
        world = prod.sum()
        if world <= 0:
            continue
        for i in (prod / world >= min_share).nonzero()[0]:
            exporter = network.countries[i]
            exports = network.flows[m, i].sum() - network.flows[m, i, i]
            if exporter == "OTH" or exports <= 0:
                continue
            sc = parse_scenario({
                "name": f"sweep-{exporter}-{commodity}-{stage}",
                "description": f"{exporter} withholds all {commodity} ({stage}) exports",
                "draws": draws, "seed": seed, "horizon_months": max(12, int(months)),
                "countries": list(countries), "assumptions": dict(assumptions or {}),
                "shocks": [{"kind": "export_restriction", "exporter": exporter,
                            "commodity": commodity, "stage": stage, "cut": 1.0,
                            "targets": "all", "months": months}],
            })
            out.append((sc, float(prod[i] / world)))
    return out


def _one(
    scenario: Scenario, network: SupplyNetwork, backend: str = "numpy"
) -> dict[str, dict[str, dict[str, float]]]:
    """Summaries per country for one sweep scenario (picklable, for Dask)."""
    res = run_scenario(scenario, network, check=False, backend=backend)
    out = {}
    for c in res.countries:
        arr = res.country_arrays(c)
        out[c] = {
            "shortfall_pct": summarise(arr["shortfall_share"] * 100, TAILS["shortfall_pct"]),
            "shortfall_t": summarise(arr["shortfall_t"], TAILS["shortfall_t"]),
            "price_multiplier": summarise(arr["price_multiplier"], TAILS["price_multiplier"]),
        }
    return out


def _client(scheduler: str) -> Any:
    from dask.distributed import Client, LocalCluster

    if scheduler == "local":
        return Client(LocalCluster(processes=True, dashboard_address=None))
    return Client(scheduler)


def run_sweep(
    network: SupplyNetwork,
    *,
    draws: int = 1000,
    seed: int = 0,
    countries: Sequence[str] | None = None,
    progress: Callable[[float], None] | None = None,
    assumptions: Mapping[str, Any] | None = None,
    scheduler: str | None = None,
    backend: str = "numpy",
) -> dict[str, Any]:
    """Run every sweep scenario and rank the restrictions per country of interest.

    Returns ``{"draws", "seed", "scenarios", "ranking": {ISO3: [rows, worst first]}}``; each
    row names the exporter, commodity, stage, world share and the shortfall and price
    summaries (``shortfall_pct`` 0..100 of that country's demand).
    """
    countries = [validate_iso3(c, where=f"countries[{i}]")
                 for i, c in enumerate(countries or ["USA", "JPN"])]
    todo = sweep_scenarios(network, countries, draws, seed, assumptions)
    results: list[dict[str, Any]] = []
    if scheduler:
        client = _client(scheduler)
        try:
            net = client.scatter(network, broadcast=True)
            futures = client.map(_one, [sc for sc, _ in todo], network=net, backend=backend)
            for k, fut in enumerate(futures):
                results.append(fut.result())
                if progress:
                    progress((k + 1) / len(todo))
        finally:
            client.close()
    else:
        for k, (sc, _) in enumerate(todo):
            results.append(_one(sc, network, backend))
            if progress:
                progress((k + 1) / len(todo))
    ranking: dict[str, list[dict[str, Any]]] = {}
    for c in countries:
        rows = []
        for (sc, share), res in zip(todo, results, strict=True):
            shock = sc.shocks[0]
            s = res[c]
            rows.append({
                "exporter": shock.exporter, "commodity": shock.commodity, "stage": shock.stage,
                "world_share": share,
                "shortfall_pct_mean": s["shortfall_pct"]["mean"],
                "shortfall_pct_cvar95": s["shortfall_pct"]["cvar95"],
                "shortfall_t_mean": s["shortfall_t"]["mean"],
                "price_multiplier_mean": s["price_multiplier"]["mean"],
            })
        ranking[c] = sorted(rows, key=lambda r: (-r["shortfall_pct_mean"],
                                                 -r["price_multiplier_mean"]))
    return {"draws": draws, "seed": seed, "scenarios": len(todo), "ranking": ranking}
