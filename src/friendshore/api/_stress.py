"""Python API of the stress layer: scenarios, stress runs, saved runs, the sweep and the
network's calibration against USGS's net import reliance.

    >>> import friendshore as fs
    >>> out = fs.stress("china-gallium-germanium-ban", draws=1000)      # doctest: +SKIP
    >>> out["countries"]["JPN"]["shortfall_pct"]["p95"]                  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..assumptions import Assumptions
from ..disruption.engine import StressResult, run_scenario
from ..errors import UnknownNameError
from ..invest.value import scenario_library
from ..iomodel.enduse import whole_industry_share
from ..network.build import build_network
from ..network.build import calibration as network_calibration
from ..network.checks import implied_nir
from ..results import TAILS, Result, summarise, summary_frame, sweep_frame
from ..scenario.controls import control_name, control_scenarios
from ..scenario.spec import Scenario, parse_scenario, read_scenario_file
from ..store import Store, queries_atlas
from ._base import get_store
from ._ripple import stress_gdp

__all__ = [
    "CALIBRATION_FIELDS",
    "calibration",
    "country_summary",
    "load_scenario",
    "run",
    "run_stress",
    "runs",
    "scenario_names",
    "scenario_yaml",
    "scenarios",
    "stress",
    "summarise_stress",
    "sweep",
]


#: Fields of :func:`calibration` (reliances are fractions; difference = network - published).
CALIBRATION_FIELDS = [
    "commodity", "stage", "market", "year", "published_us_nir", "bound", "network_us_nir",
    "difference", "status", "reason", "published_jpn_nir", "jpn_bound", "network_jpn_nir",
    "jpn_difference", "jpn_hs6",
]


def calibration(store: Store | None = None) -> pd.DataFrame:
    """The network's implied net import reliance, ``clip((D - P) / D, 0, 1)``, beside the
    published figures, per commodity and stage (:data:`CALIBRATION_FIELDS`).

    US: USGS MCS Fig2 (``status`` ok, outside, uncalibrated with ``reason``, no market, no US
    demand; see :func:`friendshore.network.checks.calibration_table`). Japan, where trade data
    exist: ``published_jpn_nir`` is ``risk()``'s reliance from BACI trade (``jpn_bound`` '>' a
    lower bound, ``jpn_hs6`` the codes) beside the network's Japan; rows with Japan only have
    no US figure.
    """
    from ._risk import risk

    s = get_store(store)
    values = Assumptions()
    net = build_network(s, values, calibrated=False)
    table = network_calibration(s, net, values)
    jp_net = dict(zip((f"{c}/{st}" for c, st in net.markets), implied_nir(net, "JPN"),
                      strict=True)) if "JPN" in net.countries else {}
    r = risk(store=s)
    r = r[r["jpn_import_reliance"].notna()]
    jp = pd.DataFrame({"market": r["commodity"] + "/" + r["stage"],
                       "published_jpn_nir": r["jpn_import_reliance"].to_numpy(float),
                       "jpn_bound": r["jpn_nir_bound"], "jpn_hs6": r["trade_hs6"]})
    jp = jp[jp["market"].isin(jp_net)]
    only = jp[~jp["market"].isin(table["market"])]
    extra = pd.DataFrame({"commodity": only["market"].str.split("/").str[0],
                          "stage": only["market"].str.split("/").str[1],
                          "market": only["market"]})
    out = pd.concat([table, extra], ignore_index=True).merge(jp, on="market", how="left")
    out["network_jpn_nir"] = out["market"].map(jp_net).where(out["published_jpn_nir"].notna())
    out["jpn_difference"] = out["network_jpn_nir"] - out["published_jpn_nir"]
    out["jpn_bound"] = out["jpn_bound"].where(out["jpn_bound"].notna(), None)
    return out.astype({"year": "Int64", "network_jpn_nir": float,
                       "jpn_difference": float})[CALIBRATION_FIELDS]


def _controls(store: Store | None, a: Assumptions) -> dict[str, Scenario]:
    """The scenarios of China's controls in force (:mod:`friendshore.scenario.controls`),
    on the stages at which China produces in the network."""
    st = get_store(store)
    net = build_network(st, Assumptions({}), calibrated=False)
    china = net.country("CHN")
    stages = {c: [s for s in net.stages_of(c) if net.production[net.market(c, s)][china] > 0]
              for c in dict.fromkeys(c for c, _ in net.markets)}
    rows = queries_atlas.export_controls(st).to_dict("records")
    return control_scenarios(rows, stages, a)


def scenarios(store: Store | None = None) -> list[dict[str, Any]]:
    """The scenario library: the shipped files, then one scenario per Chinese control in force
    (``china-control-*``). Each: name, description, in force (a control of MCS T4) and its
    source, shocks, draws, horizon and countries."""
    library = {name: read_scenario_file(path) for name, path in scenario_library().items()}
    out = []
    for name, sc in {**library, **_controls(store, Assumptions())}.items():
        out.append({
            "name": name,
            "description": sc.description,
            "in_force": sc.in_force,
            "control_source": sc.control_source,
            "shocks": ", ".join(dict.fromkeys(
                f"{getattr(ev, 'exporter', None) or getattr(ev, 'country', 'all')} "
                f"{ev.commodity}/{ev.stage} ({ev.kind.replace('_', ' ')})" for ev in sc.shocks)),
            "draws": sc.draws,
            "horizon_months": sc.horizon_months,
            "countries": sc.countries,
        })
    return out


def scenario_names(store: Store | None = None) -> list[str]:
    """Names of the scenario library: the shipped files, then the controls in force."""
    return [*scenario_library(), *_controls(store, Assumptions())]


def scenario_yaml(name: str, store: Store | None = None) -> str:
    """A scenario as a YAML template to copy and edit: a shipped file's own text (its comments
    name the real event it models), anything else :func:`load_scenario` takes (a control in
    force, a YAML path) dumped from the validated scenario. Either reads back as the same
    scenario."""
    files = scenario_library()
    if name in files:
        return files[name].read_text(encoding="utf-8")
    return yaml.safe_dump(load_scenario(name, store=store).model_dump(mode="json"),
                          sort_keys=False, allow_unicode=True)


def load_scenario(
    scenario: str | Path | Mapping[str, Any] | Scenario,
    assumptions: Mapping[str, Any] | None = None,
    store: Store | None = None,
) -> Scenario:
    """A Scenario from a library name (a shipped file or ``china-control-*``, built with
    ``assumptions``), a YAML path, a mapping or a Scenario."""
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Mapping):
        return parse_scenario(scenario)
    text = str(scenario)
    files = scenario_library()
    if text in files:
        return read_scenario_file(files[text])
    if text.startswith(control_name("")):
        controls = _controls(store, Assumptions(assumptions))
        if text in controls:
            return controls[text]
        raise UnknownNameError("scenario", text, [*files, *controls])
    path = Path(text).expanduser()
    if path.suffix in {".yaml", ".yml"} or path.exists():
        return read_scenario_file(path)
    raise UnknownNameError("scenario", text, files)


def run_stress(
    scenario: str | Path | Mapping[str, Any] | Scenario,
    *,
    draws: int | None = None,
    seed: int | None = None,
    countries: Sequence[str] | None = None,
    assumptions: Mapping[str, Any] | None = None,
    backend: str = "numpy",
    progress: Callable[[float], None] | None = None,
    store: Store | None = None,
) -> StressResult:
    """Run a scenario and return the per-draw :class:`~friendshore.disruption.engine.StressResult`.

    ``assumptions`` overrides named assumptions on top of the scenario's own block.
    """
    sc = load_scenario(scenario, assumptions, store)
    if draws is not None:
        sc = sc.with_settings(draws=draws)  # checked against MAX_DRAWS like a scenario's own
    if assumptions:
        sc = sc.with_settings(assumptions={**sc.assumptions, **dict(assumptions)})
    network = build_network(get_store(store), Assumptions(sc.assumptions))
    return run_scenario(sc, network, draws=draws, seed=seed, countries=countries,
                        backend=backend, progress=progress)


def country_summary(result: StressResult, country: str) -> dict[str, dict[str, float]]:
    """One country's summaries, each mean/p5/p50/p95/cvar95: shortfall_pct (0..100),
    shortfall_t, price_multiplier (peak month), price_multiplier_avg (mean over the horizon's
    months, what the GDP cost is priced on) and stockpile_months."""
    arrays = result.country_arrays(country)
    per_draw = {
        "shortfall_pct": arrays["shortfall_share"] * 100.0,
        "shortfall_t": arrays["shortfall_t"],
        "price_multiplier": arrays["price_multiplier"],
        "price_multiplier_avg": arrays["price_multiplier_avg"],
        "stockpile_months": arrays["stockpile_months"],
    }
    tails = {**TAILS, "price_multiplier_avg": TAILS["price_multiplier"]}
    return {key: summarise(values, tails[key]) for key, values in per_draw.items()}


def summarise_stress(
    result: StressResult, save: bool = False, store: Store | None = None
) -> Result:
    """Summarise a :func:`run_stress` result per country of interest (what :func:`stress`
    returns), saving the run's inputs, seed and outputs in one transaction when ``save``.

    Callers that also need the per-draw arrays (charts, reports) run the scenario once with
    :func:`run_stress` and pass the result here.
    """
    out = Result({
        "scenario": result.scenario.name,
        "draws": result.draws,
        "seed": result.seed,
        "countries": {c: {**country_summary(result, c), **stress_gdp(result, c)}
                      for c in result.countries},
    }, title=f"{result.scenario.name}: {result.draws:,} draws, seed {result.seed}, "
             f"{', '.join(result.countries)}", frame=summary_frame)
    if save:
        inputs = {"scenario": result.scenario.model_dump(mode="json"),
                  "assumptions": result.assumptions,
                  "markets": [f"{c}/{s}" for c, s in result.markets]}
        out["run_id"] = get_store(store).save_run("stress", result.scenario.name, inputs, out,
                                                  seed=result.seed)
    return out


def stress(
    scenario: str | Path | Mapping[str, Any] | Scenario,
    draws: int | None = None,
    seed: int | None = None,
    countries: Sequence[str] | None = None,
    save: bool = False,
    progress: Callable[[float], None] | None = None,
    store: Store | None = None,
    assumptions: Mapping[str, Any] | None = None,
    backend: str = "numpy",
) -> Result:
    """Run a scenario and summarise it per country of interest.

    Returns ``{"scenario", "draws", "seed", "countries": {ISO3: {"shortfall_pct",
    "shortfall_t", "price_multiplier", "price_multiplier_avg", "stockpile_months",
    "gdp_change_usd", "gdp_change_pct", "top_industries", "gdp_channels_usd", "gdp_method",
    "gdp_whole_industry_share",
    "gdp_not_modelled"}}}`` (GDP from
    :func:`~.ripple.stress_gdp`; plus ``run_id`` when ``save``, the run's inputs, seed and
    outputs then saved in one transaction). It is ``summarise_stress(run_stress(...))``;
    ``to_frame()`` gives one row per country and quantity.
    """
    st = get_store(store)
    scenario = load_scenario(scenario, assumptions, st)  # structure and distributions first
    result = run_stress(scenario, draws=draws, seed=seed, countries=countries,
                        assumptions=assumptions, backend=backend, progress=progress, store=st)
    return summarise_stress(result, save=save, store=st)


def runs(kind: str | None = None, store: Store | None = None) -> list[dict[str, Any]]:
    """Saved runs, newest first (id, kind, name, created_at, version, seed)."""
    df = get_store(store).list_runs(kind)
    df["created_at"] = df["created_at"].astype(str)
    return df.to_dict(orient="records")


def run(run_id: str, store: Store | None = None) -> dict[str, Any]:
    """One saved run with its inputs and outputs."""
    return get_store(store).get_run(run_id)


def sweep(
    draws: int = 1000,
    seed: int = 0,
    countries: Sequence[str] | None = None,
    progress: Callable[[float], None] | None = None,
    store: Store | None = None,
    assumptions: Mapping[str, Any] | None = None,
    scheduler: str | None = None,
    backend: str = "numpy",
) -> Result:
    """Full 12-month restrictions by every major exporter with their GDP change per country
    (the dependent-output model, :func:`~.ripple.sweep_gdp`) and the commodities ranked by
    expected GDP change (see :func:`friendshore.disruption.sweep.run_sweep`); each ranking
    row adds ``whole_industry_share``, the share of the commodity's use on bridge rows that
    treat a whole industry as dependent (near 1: the GDP figure is an upper bound).
    ``scheduler``: Dask, ``"local"`` or a scheduler address; ``backend``: numpy or cupy;
    ``to_frame()`` gives one row per country and scenario."""
    from ..disruption.sweep import run_sweep
    from ._ripple import sweep_gdp

    network = build_network(get_store(store), Assumptions(assumptions))
    out = run_sweep(network, draws=draws, seed=seed, countries=countries, progress=progress,
                    assumptions=assumptions, scheduler=scheduler, backend=backend,
                    gdp=sweep_gdp)
    for country, ranked in out["ranking"].items():
        for row in ranked:  # how much of the figure rests on whole-industry bridge rows
            share = (whole_industry_share(country, row["commodity"])
                     if country in ("USA", "JPN") else None)
            row["whole_industry_share"] = share
    return Result(out, title=f"sweep: {out['scenario_count']} scenarios x {draws:,} draws, "
                             f"{', '.join(out['ranking'])}", frame=sweep_frame)
