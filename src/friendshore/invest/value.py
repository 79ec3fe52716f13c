"""Strategic value of projects: avoided shortfall and avoided GDP loss over a scenario set.

A project adds capacity to the supply network once built. For each scenario of the set
(default: the shipped scenario library) the stress engine runs once as shipped and once per
project with the project added as a ``new_capacity`` response (its host, commodity, stage and
full capacity, online from month 0: the disruption strikes while it operates). The difference
in ripple's GDP loss (quantity and price channels) per market and country is the project's
*relief*; the change in shortfall (t) is reported alongside.

For the portfolio, each cell ``m = (scenario, market, country)`` with a GDP loss carries

* ``base_m``: the mean GDP loss per event without any project (US$): the shortfall priced by
  ripple, which the portfolio's remaining-shortfall variables cap;
* ``value_m``: annual probability x the present-value annuity of the evaluation horizon (so
  ``value_m * avoided loss`` is US$ of present value);
* ``relief_{p,m}``: the project's mean avoided loss, scaled by the share of that annuity during
  which the project operates (late projects protect fewer years).

Runs are cached per (network, scenario, project capacity, draws, seed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from ..assumptions import Assumptions
from ..disruption.engine import StressResult, run_scenario
from ..iomodel.shortfall import market_gdp
from ..network.supply import SupplyNetwork
from ..scenario.spec import Fixed, NewCapacity, Scenario, read_scenario_file
from .appraisal import discount_rate
from .catalog import Project

__all__ = [
    "StrategicValue",
    "scenario_library",
    "scenario_probability",
    "strategic_value",
]

COUNTRIES = ("USA", "JPN")

#: Caches keyed by object ids; each entry keeps its network/result alive so ids stay unique.
_RUNS: dict[tuple, tuple[SupplyNetwork, StressResult]] = {}
_GDP: dict[tuple, tuple[StressResult, np.ndarray | None]] = {}
_MAX_CACHE = 4096


def scenario_library() -> dict[str, Path]:
    """Shipped scenario files by scenario name (``data/scenarios/*.yaml``)."""
    folder = Path(str(resources.files("friendshore") / "data" / "scenarios"))
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))}


def scenario_probability(name: str, a: Assumptions) -> float:
    """Annual probability of scenario ``name``: its named override or the default."""
    table = a["invest_scenario_probabilities"] or {}
    return float(table.get(name, a["invest_scenario_probability_default"]))


@dataclass
class StrategicValue:
    """Shortfall cells and per-project relief for the portfolio, plus per-project summaries."""

    scenarios: list[str]
    probabilities: dict[str, float]
    cells: list[tuple[str, str, str, str]]  # (scenario, commodity, stage, country)
    base: np.ndarray  # (M,) mean GDP loss per event without projects, US$
    value: np.ndarray  # (M,) annual probability x PV annuity of the horizon (years)
    relief: dict[str, np.ndarray]  # project id -> (M,) avoided loss per event x operating share
    # project id -> scenario -> country -> avoided shortfall (own market and per market) and
    # avoided GDP loss per event; only scenarios whose markets include the project's market.
    avoided: dict[str, dict[str, dict[str, dict]]] = field(default_factory=dict)

    def cell_country(self) -> np.ndarray:
        """Index of each cell's country in ``COUNTRIES``."""
        return np.array([COUNTRIES.index(c[3]) for c in self.cells], dtype=int)

    def relief_matrix(self, ids: Sequence[str]) -> np.ndarray:
        """(P, M) relief for the projects ``ids`` (zeros for projects without any)."""
        out = np.zeros((len(ids), len(self.cells)))
        for i, pid in enumerate(ids):
            if pid in self.relief:
                out[i] = self.relief[pid]
        return out

    def standalone(self, project_id: str, country: str) -> float:
        """Avoided GDP loss (US$ present value) for ``country`` if the project were built alone:
        its relief capped by each cell's base loss, valued as the portfolio values it."""
        mask = self.cell_country() == COUNTRIES.index(country)
        relief = self.relief.get(project_id)
        if relief is None or not mask.any():
            return 0.0
        return float(self.value[mask] @ np.minimum(relief[mask], self.base[mask]))

    def summary(self, project_id: str) -> dict:
        """One project's strategic value per country: per scenario (avoided shortfall in its own
        market, t and % of the country's demand over the scenario horizon, and avoided GDP loss
        per event), the probability-weighted expectation per year (while it operates) and the
        avoided GDP loss in present value as the portfolio counts it."""
        per = self.avoided.get(project_id, {})
        scenarios = {name: {"probability": self.probabilities[name],
                            **{k: per.get(name, {}).get(k, _nothing()) for k in COUNTRIES}}
                     for name in self.scenarios}
        out: dict = {"scenarios": scenarios}
        for k in COUNTRIES:
            def expected(field: str, k: str = k) -> float:
                return float(sum(s["probability"] * s[k][field] for s in scenarios.values()))
            out[k] = {"shortfall_t_per_year": expected("shortfall_t"),
                      "shortfall_pct_per_year": expected("shortfall_pct"),
                      "gdp_loss_avoided_per_year_usd": expected("gdp_loss_usd"),
                      "gdp_loss_avoided_pv_usd": self.standalone(project_id, k)}
        return out


def _nothing() -> dict:
    """A country's record of a scenario in which the project avoids nothing."""
    return {"shortfall_t": 0.0, "shortfall_pct": 0.0, "gdp_loss_usd": 0.0, "markets": {}}


def _record(rec: dict, country: str, project: Project, base: StressResult, res: StressResult,
            m: int, c: int, cut: float) -> None:
    """Add market ``m``'s avoided shortfall (t and % of demand) and avoided GDP loss ``cut``
    for ``country`` to the project's record of one scenario."""
    commodity, stage = base.markets[m]
    t = max(float((base.shortfall_t[:, m, c] - res.shortfall_t[:, m, c]).mean()), 0.0)
    pct = 100.0 * max(float((base.shortfall_share[:, m, c]
                             - res.shortfall_share[:, m, c]).mean()), 0.0)
    entry = rec.setdefault(country, _nothing())
    entry["markets"][f"{commodity}/{stage}"] = {"shortfall_t": t, "shortfall_pct": pct,
                                               "unit": base.units[m], "gdp_loss_usd": cut}
    if (commodity, stage) == (project.commodity, project.stage):
        entry["shortfall_t"], entry["shortfall_pct"] = t, pct
    entry["gdp_loss_usd"] += cut


def _run(scenario: Scenario, net: SupplyNetwork, draws: int, seed: int,
         extra: NewCapacity | None = None) -> StressResult:
    """Run (or fetch from the cache) ``scenario`` with an optional new-capacity response."""
    key = (id(net), scenario.model_dump_json(), extra.model_dump_json() if extra else "",
           draws, seed)
    if key not in _RUNS:
        if len(_RUNS) > _MAX_CACHE:
            _RUNS.clear()
            _GDP.clear()
        scn = scenario
        if extra is not None:
            scn = scenario.model_copy(update={"responses": [*scenario.responses, extra]})
        _RUNS[key] = (net, run_scenario(scn, net, draws=draws, seed=seed,
                                        countries=list(COUNTRIES)))
    return _RUNS[key][1]


def _gdp_loss(res: StressResult, m: int, country: str, a: Assumptions) -> np.ndarray | None:
    """GDP loss per draw (US$, positive = loss) of market ``m`` in ``country`` over the
    scenario horizon, as the stress output prices it; None if unpriced."""
    c = res.countries.index(country)
    key = (id(res), m, country, repr(sorted(a.overrides.items())))
    if key not in _GDP:
        # Priced like the stress output: horizon-average price over the scenario's horizon,
        # by the detailed dependent-output model where the bridge covers the market.
        change = market_gdp(country, res.markets[m], res.shortfall_share[:, m, c],
                            res.price_multiplier_avg[:, m],
                            res.domestic_share(country).get(res.markets[m], 0.0), a,
                            years=res.scenario.horizon_months / 12.0)
        _GDP[key] = (res, None if change is None else -change)
    return _GDP[key][1]


def _operating_share(project: Project, country: str, a: Assumptions, horizon: int,
                     online_year: float | None = None) -> float:
    """Share of the horizon's discounted years during which ``project`` operates."""
    r = discount_rate(country, a)
    base = int(a["invest_base_year"])
    years = np.arange(horizon)
    weights = (1.0 + r) ** -years
    start = online_year if online_year is not None else (
        project.notice_date.year + project.lead_time_years)
    t = base + years
    on = (t >= start) & (t < start + project.economic_life_years)
    return float(weights[on].sum() / weights.sum())


def _annuity(country: str, a: Assumptions, horizon: int) -> float:
    """Present value of 1 US$ a year over the horizon at the country's discount rate."""
    r = discount_rate(country, a)
    return float(((1.0 + r) ** -np.arange(horizon)).sum())


def strategic_value(
    projects: Sequence[Project],
    network: SupplyNetwork,
    *,
    scenarios: Mapping[str, Scenario] | None = None,
    assumptions: Assumptions | None = None,
    draws: int | None = None,
    seed: int | None = None,
    online_years: Mapping[str, float] | None = None,
    progress: Callable[[float], None] | None = None,
) -> StrategicValue:
    """Relief and avoided GDP loss of each project over ``scenarios`` (default: the library),
    telling ``progress`` the share of scenarios done."""
    a = assumptions or Assumptions()
    if scenarios is None:
        scenarios = {name: read_scenario_file(path) for name, path in scenario_library().items()}
    n = int(a["invest_value_draws"] if draws is None else draws)
    s_seed = int(a["invest_seed"] if seed is None else seed)
    horizon = int(a["invest_strategic_horizon_years"])
    online_years = online_years or {}
    cells: list[tuple[str, str, str, str]] = []
    base_loss: list[float] = []
    value: list[float] = []
    relief: dict[str, list[float]] = {p.id: [] for p in projects}
    avoided: dict[str, dict[str, dict[str, dict]]] = {p.id: {} for p in projects}
    probs = {name: scenario_probability(name, a) for name in scenarios}
    for k, (name, shipped) in enumerate(scenarios.items()):
        if progress:
            progress(k / len(scenarios))
        # The run's overrides reach the engine too; the scenario's own settings win.
        scn = shipped.model_copy(update={"assumptions": {**a.overrides, **shipped.assumptions}})
        base = _run(scn, network, n, s_seed)
        markets = {mk: i for i, mk in enumerate(base.markets)}
        with_p: dict[str, StressResult] = {}
        for p in projects:
            if p.commodity is None or (p.commodity, p.stage) not in markets:
                continue
            extra = NewCapacity(kind="new_capacity", country=p.host, commodity=p.commodity,
                                stage=p.stage, capacity=Fixed(value=p.capacity),
                                online_month=Fixed(value=0.0))
            with_p[p.id] = _run(scn, network, n, s_seed, extra)
        for m, (commodity, stage) in enumerate(base.markets):
            for country in COUNTRIES:
                c = base.countries.index(country)
                loss0 = _gdp_loss(base, m, country, a)
                priced = loss0 is not None and float(loss0.mean()) > 0
                if priced:
                    cells.append((name, commodity, stage, country))
                    base_loss.append(float(loss0.mean()))
                    value.append(probs[name] * _annuity(country, a, horizon))
                for p in projects:
                    res = with_p.get(p.id)
                    cut = 0.0
                    if priced:
                        loss1 = None if res is None else _gdp_loss(res, m, country, a)
                        cut = 0.0 if loss1 is None else float((loss0 - loss1).mean())
                        share = _operating_share(p, country, a, horizon, online_years.get(p.id))
                        relief[p.id].append(max(cut, 0.0) * share)
                    if res is not None:
                        _record(avoided[p.id].setdefault(name, {}), country, p, base, res, m,
                                c, cut)
    if progress:
        progress(1.0)
    return StrategicValue(
        scenarios=list(scenarios),
        probabilities=probs,
        cells=cells,
        base=np.asarray(base_loss, dtype=float),
        value=np.asarray(value, dtype=float),
        relief={pid: np.asarray(v, dtype=float) for pid, v in relief.items()},
        avoided=avoided,
    )
