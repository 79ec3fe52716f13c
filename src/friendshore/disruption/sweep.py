"""Sweep: a full 12-month export restriction by every major exporter of every market.

As in the USGS 2025 critical-minerals assessment (OFR 2025-1047, yearlong foreign trade
disruptions), every exporter holding at least ``stress_sweep_min_share`` of a market's world
production withholds all its exports (``cut`` 1, ``targets: all``) for
``stress_sweep_months`` months. Each scenario carries an annual probability
(``stress_sweep_probability_new``; ``stress_sweep_probability_in_force`` where the exporter
already controls the commodity, ``stress_sweep_in_force`` after USGS MCS 2026 T4;
``stress_sweep_probabilities`` overrides by scenario name). With a GDP function (the API
passes the dependent-output model) every scenario gets its GDP change per country, and each
country's commodities are ranked by the expected GDP change, the probability-weighted sum
over that commodity's scenarios: ``E_c = Σ_s p_s · mean(ΔGDP_s)``.

The scenarios are independent, so they can run on a Dask cluster (:func:`run_scenarios`):
``scheduler="local"`` starts a LocalCluster on this machine and closes it, worker processes
included, when the sweep ends; an address (``tcp://host:8786``) uses a running cluster and
closes only this sweep's client. The network is scattered once to every worker, and the
scenarios go out in batches, :data:`TASKS_PER_THREAD` per worker thread, those of one
commodity together (a worker loads only its own commodities' GDP tables), so each task carries
a few kB of scenarios and results however large the network (see docs/scaling.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from ..assumptions import Assumptions
from ..conventions.countries import validate_iso3
from ..errors import FriendshoreError
from ..network.supply import SupplyNetwork
from ..results import TAILS, summarise
from ..scenario.spec import Scenario, parse_scenario
from .backend import get_backend
from .engine import run_scenario

__all__ = ["TASKS_PER_THREAD", "probability", "rank_commodities", "run_scenarios", "run_sweep",
           "sweep_scenarios"]

#: Tasks per worker thread on a cluster: a few, so that uneven scenarios still balance, and
#: no more, so that the scheduler's cost per task (about a millisecond) stays small next to a
#: batch's work (a scenario takes 15 ms to 0.4 s at 1,000 draws).
TASKS_PER_THREAD = 4
#: Seconds to wait for a scheduler at an address to answer, and for it to have a worker.
CONNECT_TIMEOUT_S = 30

#: (result, country) -> GDP summary (mean, p5, …) or None; must be picklable for Dask
GdpFunction = Callable[[Any, str], dict[str, float] | None]


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


def probability(scenario: Scenario, values: Assumptions) -> tuple[float, bool]:
    """Annual probability of a sweep scenario and whether its restriction is in force."""
    shock = scenario.shocks[0]
    in_force = f"{shock.exporter}/{shock.commodity}" in set(values["stress_sweep_in_force"])
    named = (values["stress_sweep_probabilities"] or {}).get(scenario.name)
    if named is not None:
        return float(named), in_force
    key = "stress_sweep_probability_in_force" if in_force else "stress_sweep_probability_new"
    return float(values[key]), in_force


def _one(
    scenario: Scenario, network: SupplyNetwork, backend: str = "numpy",
    gdp: GdpFunction | None = None,
) -> dict[str, dict[str, Any]]:
    """Summaries per country for one sweep scenario (picklable, for Dask)."""
    res = run_scenario(scenario, network, check=False, backend=backend)
    out = {}
    for c in res.countries:
        arr = res.country_arrays(c)
        out[c] = {
            "shortfall_pct": summarise(arr["shortfall_share"] * 100, TAILS["shortfall_pct"]),
            "shortfall_t": summarise(arr["shortfall_t"], TAILS["shortfall_t"]),
            "price_multiplier": summarise(arr["price_multiplier"], TAILS["price_multiplier"]),
            "gdp_change_usd": None if gdp is None else gdp(res, c),
        }
    return out


def _batch(
    scenarios: Sequence[Scenario], network: SupplyNetwork, backend: str,
    gdp: GdpFunction | None,
) -> list[dict[str, dict[str, Any]]]:
    """Summaries of a batch of scenarios: one Dask task, one result message."""
    return [_one(sc, network, backend, gdp) for sc in scenarios]


def rank_commodities(rows: Sequence[Mapping[str, Any]], country: str) -> list[dict[str, Any]]:
    """Per commodity the expected GDP change ``Σ_s p_s · mean(ΔGDP_s)`` over its scenario
    ``rows`` (each with ``commodity``, ``probability`` and ``gdp_change_usd[country]``),
    most negative first; scenarios without a GDP figure add nothing."""
    total: dict[str, float] = {}
    for r in rows:
        g = r["gdp_change_usd"].get(country)
        total.setdefault(r["commodity"], 0.0)
        if g is not None:
            total[r["commodity"]] += r["probability"] * g["mean"]
    return [{"commodity": c, "expected_gdp_change_usd": v}
            for c, v in sorted(total.items(), key=lambda kv: (kv[1], kv[0]))]


@contextmanager
def _cluster(scheduler: str) -> Iterator[Any]:
    """A Dask client: on a LocalCluster started here for ``"local"`` (closed on exit with its
    worker processes), or connected to the scheduler at an address (only the client closed)."""
    if scheduler != "local" and "://" not in scheduler:
        raise FriendshoreError(f"scheduler {scheduler!r}: give 'local' or a Dask scheduler "
                               "address such as tcp://host:8786")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise FriendshoreError("a sweep on a scheduler needs Dask: "
                               "pip install 'friendshore[sweep]'") from exc
    if scheduler == "local":
        # one single-thread worker process per core: a scenario at 1,000 draws is one chunk
        with LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None) \
                as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        raise FriendshoreError(f"Dask scheduler {scheduler}: no answer or no worker within "
                               f"{CONNECT_TIMEOUT_S} s ({exc})") from exc
    with client:
        yield client


def _on_cluster(
    client: Any, scenarios: Sequence[Scenario], network: SupplyNetwork, backend: str,
    gdp: GdpFunction | None, progress: Callable[[float], None] | None,
) -> list[dict[str, dict[str, Any]]]:
    """Run ``scenarios`` on ``client``'s cluster in batches; results in scenario order."""
    from dask.distributed import as_completed

    threads = max(1, sum(client.nthreads().values()))
    size = max(1, math.ceil(len(scenarios) / (threads * TASKS_PER_THREAD)))
    # scenarios of one commodity share a batch where they can: a worker then loads the GDP
    # tables (cached per country and commodity) of its own commodities only
    order = sorted(range(len(scenarios)), key=lambda k: (_commodities(scenarios[k]), k))
    batches = [[scenarios[k] for k in order[i:i + size]] for i in range(0, len(order), size)]
    net = client.scatter(network, broadcast=True)  # each worker receives the network once
    futures = client.map(_batch, batches, network=net, backend=backend, gdp=gdp, pure=False)
    where = {f.key: i for i, f in zip(range(0, len(order), size), futures, strict=True)}
    results: list[dict[str, dict[str, Any]]] = [{} for _ in scenarios]
    done = 0
    for fut, batch in as_completed(futures, with_results=True):
        start = where[fut.key]
        for k, res in zip(order[start:start + len(batch)], batch, strict=True):
            results[k] = res
        done += len(batch)
        if progress:
            progress(done / len(scenarios))
    return results


def _commodities(scenario: Scenario) -> tuple[str, ...]:
    """The commodities a scenario's shocks hit, sorted (the key that groups a batch)."""
    return tuple(sorted({sh.commodity for sh in scenario.shocks}))


def run_scenarios(
    scenarios: Sequence[Scenario],
    network: SupplyNetwork,
    *,
    scheduler: str | None = None,
    backend: str = "numpy",
    gdp: GdpFunction | None = None,
    progress: Callable[[float], None] | None = None,
) -> list[dict[str, dict[str, Any]]]:
    """Per-country summaries (``shortfall_pct``, ``shortfall_t``, ``price_multiplier``,
    ``gdp_change_usd``) of each scenario, in order: in this process, or on Dask with
    ``scheduler`` (``"local"`` or an address). Every scenario carries its seed, so shortfall
    and price do not depend on where it runs (GDP only to BLAS rounding, about 1e-15: Dask
    workers run one BLAS thread). An unknown or missing ``backend`` fails before any work."""
    get_backend(backend)
    if scheduler:
        with _cluster(scheduler) as client:
            return _on_cluster(client, scenarios, network, backend, gdp, progress)
    out = []
    for k, sc in enumerate(scenarios):
        out.append(_one(sc, network, backend, gdp))
        if progress:
            progress((k + 1) / len(scenarios))
    return out


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
    gdp: GdpFunction | None = None,
) -> dict[str, Any]:
    """Run every sweep scenario; rank commodities by expected GDP change per country.

    Returns ``{"draws", "seed", "scenario_count", "scenarios", "ranking",
    "scenario_ranking"}``: ``scenarios`` one row per scenario (``name``, ``exporter``,
    ``commodity``, ``stage``, ``world_share``, ``probability``, ``in_force``,
    ``gdp_change_usd`` {ISO3: summary or None} and ``countries`` {ISO3: shortfall_pct_mean,
    shortfall_pct_cvar95, shortfall_t_mean, price_multiplier_mean}); ``ranking`` per country
    ``[{commodity, expected_gdp_change_usd}]`` most negative first (:func:`rank_commodities`);
    ``scenario_ranking`` per country the scenarios, largest mean GDP loss first, then largest
    shortfall (``shortfall_pct`` is 0..100 of that country's demand). ``scheduler`` and
    ``backend`` are passed to :func:`run_scenarios`.
    """
    countries = [validate_iso3(c, where=f"countries[{i}]")
                 for i, c in enumerate(countries or ["USA", "JPN"])]
    values = Assumptions(assumptions)
    todo = sweep_scenarios(network, countries, draws, seed, assumptions)
    results = run_scenarios([sc for sc, _ in todo], network, scheduler=scheduler,
                            backend=backend, gdp=gdp, progress=progress)
    rows = []
    for (sc, share), res in zip(todo, results, strict=True):
        shock = sc.shocks[0]
        p, in_force = probability(sc, values)
        rows.append({
            "name": sc.name, "exporter": shock.exporter, "commodity": shock.commodity,
            "stage": shock.stage, "world_share": share, "probability": p,
            "in_force": in_force,
            "gdp_change_usd": {c: res[c]["gdp_change_usd"] for c in countries},
            "countries": {c: {
                "shortfall_pct_mean": res[c]["shortfall_pct"]["mean"],
                "shortfall_pct_cvar95": res[c]["shortfall_pct"]["cvar95"],
                "shortfall_t_mean": res[c]["shortfall_t"]["mean"],
                "price_multiplier_mean": res[c]["price_multiplier"]["mean"],
            } for c in countries},
        })
    by_scenario = {}
    for c in countries:
        flat = [{k: r[k] for k in ("exporter", "commodity", "stage", "world_share",
                                   "probability", "in_force")}
                | r["countries"][c]
                | {"gdp_change_usd_mean": (None if r["gdp_change_usd"][c] is None
                                           else r["gdp_change_usd"][c]["mean"])}
                for r in rows]
        by_scenario[c] = sorted(flat, key=lambda r: (
            r["gdp_change_usd_mean"] if r["gdp_change_usd_mean"] is not None else 0.0,
            -r["shortfall_pct_mean"], -r["price_multiplier_mean"]))
    return {"draws": draws, "seed": seed, "scenario_count": len(todo), "scenarios": rows,
            "ranking": {c: rank_commodities(rows, c) for c in countries},
            "scenario_ranking": by_scenario}
