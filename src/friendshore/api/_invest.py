"""Python API of the invest layer: the project catalog, appraisal and portfolio planning.

``plan`` combines the layers: it appraises every catalog project (Monte Carlo NPV per country
under its financing), measures strategic value with the stress engine and ripple over a
scenario set, builds the portfolio MIP and solves it with HiGHS, with the US–Japan Pareto
front and a greedy benefit-per-dollar portfolio for comparison.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..assumptions import Assumptions
from ..errors import ScenarioError, UnknownNameError
from ..invest.agreements import Agreement, load_agreement
from ..invest.appraisal import Appraisal, appraise_project
from ..invest.catalog import Catalog, Project, Waterfall, industry_of, load_catalog
from ..invest.portfolio import Problem, Solution, benefits, greedy, pareto_front, solve_portfolio
from ..invest.value import COUNTRIES, StrategicValue, scenario_library, strategic_value
from ..progress import Progress, part
from ..results import Result, appraisal_frame, plan_frame
from ..scenario.controls import control_name
from ..scenario.spec import Scenario, read_scenario_file
from ..store import Store
from ._base import get_store

__all__ = ["appraise", "plan", "projects", "ripple_effects"]


def _catalog(catalog: str | Path | Catalog | None) -> Catalog:
    return catalog if isinstance(catalog, Catalog) else load_catalog(catalog)


def projects(catalog: str | Path | Catalog | None = None) -> list[dict[str, Any]]:
    """The catalog's projects as rows: id, type, host, commodity, capacity, capex, source (with
    ``source_note`` where the address could not be verified)."""
    rows = []
    for p in _catalog(catalog):
        rows.append({
            "id": p.id, "name": p.name, "type": p.type, "host": p.host,
            "commodity": p.commodity, "stage": p.stage, "capacity": p.capacity, "unit": p.unit,
            "capex_usd": p.capex_usd, "opex_usd_per_year": p.opex_usd_per_year,
            "lead_time_years": p.lead_time_years, "economic_life_years": p.economic_life_years,
            "financing": p.financing.kind, "notice_date": p.notice_date.isoformat(),
            "requires": p.requires, "requires_any": p.requires_any,
            "exclusive_group": p.exclusive_group, "estimated": p.estimated,
            "source_url": p.source.url, "source_date": p.source.date.isoformat(),
            "source_title": p.source.title, "source_note": p.source_note,
            "support": p.support.model_dump(mode="json", exclude_none=True) if p.support else None,
        })
    return rows


def appraise(
    project_id: str,
    *,
    draws: int | None = None,
    seed: int | None = None,
    scenarios: Sequence[str] | str | None = None,
    catalog: str | Path | Catalog | None = None,
    agreement: str | Path | None = None,
    assumptions: Mapping[str, Any] | None = None,
    store: Store | None = None,
    progress: Progress = None,
) -> Result:
    """Everything an investment officer needs on one project: cash flows, NPV/IRR/payback per
    country (announced case) and their Monte Carlo spread; its strategic value for the US and
    Japan over ``scenarios`` (default: the shipped library), computed exactly as ``plan``
    computes it; and the host's output, value added, imports, compensation and job-years from
    construction and operation (ripple). ``agreement`` (an id or YAML path) replaces the
    shipped agreement with the same id; ``progress`` is told the share done (the strategic
    value's stress runs are most of it). ``to_frame()`` gives NPV, IRR and payback per
    country: the announced case beside the Monte Carlo spread."""
    project = _catalog(catalog).get(project_id)
    a = Assumptions(assumptions)
    terms = {} if agreement is None else {(t := load_agreement(agreement)).id: t}
    app = appraise_project(project, draws=draws, seed=seed, assumptions=a, agreements=terms)
    out = app.summary()
    sv = _strategic_value([project], scenarios, {project.id: app.online_year["expected"]}, a,
                          seed, store, part(progress, 0.1, 0.95))
    out["scenarios"] = {name: sv.probabilities[name] for name in sv.scenarios}
    out["strategic"] = sv.summary(project.id)
    out["ripple"] = ripple_effects(project, a)
    return Result(out, title=f"{project.id}: {out['draws']:,} draws, "
                             f"{', '.join(out['base'])}", frame=appraisal_frame)


def _strategic_value(projects: Sequence[Project], scenarios: Sequence[str] | str | None,
                     online: Mapping[str, float], a: Assumptions, seed: int | None,
                     store: Store | None, progress: Progress = None) -> StrategicValue:
    """Strategic value of ``projects`` over the scenario set: the one path appraise and plan
    share, so a project's figures agree between them (same scenarios, draws and seed)."""
    from ..network.build import build_network

    return strategic_value(list(projects), build_network(get_store(store), a),
                           scenarios=_scenarios(scenarios, a, store), assumptions=a, seed=seed,
                           online_years=online, progress=progress)


def ripple_effects(project: Project, assumptions: Assumptions | None = None) -> dict[str, Any]:
    """Output, value added, imports, compensation and jobs in the host country (the only one
    whose economy the spending reaches in single-country IO tables) from building (capex, once)
    and operating (annual revenue at full capacity, per year) ``project``, from the ripple
    layer; empty where the host has no table or the type no industry. Where the IO tables carry
    no employment, job-years are estimated as compensation divided by
    ``invest_compensation_per_job_usd``."""
    from ._ripple import ripple

    industry = industry_of(project, project.host)
    if industry is None or project.host not in COUNTRIES:
        return {}
    revenue = project.capacity * project.price.usd_per_unit
    out: dict[str, Any] = {"country": project.host, "industry": industry}
    per_job = (assumptions or Assumptions())["invest_compensation_per_job_usd"].get(project.host)
    for phase, amount in (("construction", project.capex_usd), ("operation", revenue)):
        res = ripple(project.host, industry, amount, phase, assumptions=assumptions)
        out["table"] = res["table"]
        out[f"{phase}_amount_usd"] = float(amount)
        for measure in ("output", "value_added", "imports", "compensation"):
            out[f"{phase}_{measure}_usd"] = res[f"{measure}_usd"]
        out[f"{phase}_jobs"] = res["jobs"]
        # Job-years estimated from compensation where the tables carry no employment.
        out[f"{phase}_job_years_estimate"] = (
            res["compensation_usd"] / per_job if res["jobs"] is None and per_job else res["jobs"])
    return out


def _scenarios(names: Sequence[str] | str | None, a: Assumptions,
               store: Store | None) -> dict[str, Scenario]:
    """Scenarios by name from the library (default: the shipped files; the controls in force,
    ``china-control-*``, when named), or from YAML paths."""
    from ._stress import _controls

    library = scenario_library()
    controls: dict[str, Scenario] = {}  # built once, on the first control name
    if names is None:
        chosen = list(library)
    elif isinstance(names, str):
        chosen = [n.strip() for n in names.split(",") if n.strip()]
    else:
        chosen = list(names)
    out: dict[str, Scenario] = {}
    for name in chosen:
        if name in library:
            out[name] = read_scenario_file(library[name])
        elif name.startswith(control_name("")) and \
                name in (controls := controls or _controls(store, a)):
            out[name] = controls[name]
        elif Path(name).suffix in (".yaml", ".yml") and Path(name).exists():
            scn = read_scenario_file(name)
            out[scn.name] = scn
        else:
            known = [*library, *(controls or _controls(store, a))]
            raise UnknownNameError("scenario", name, known, where="scenarios")
    return out


def _funder_spend(app: Appraisal, funder: str) -> dict[int, float]:
    return app.paid_by_year.get(funder, {})


def _eligibility(cat: Catalog, apps: dict[str, Appraisal], terms: Agreement,
                 opt_out: bool, sv: StrategicValue) -> dict[str, str]:
    """Projects that cannot be chosen under ``terms``, with the reason in words."""
    out: dict[str, str] = {}
    for p in cat:
        spend = sum(_funder_spend(apps[p.id], terms.funder).values())
        funded = p.notice_date.toordinal() + terms.funding_days
        if spend <= 0:
            out[p.id] = f"no {terms.funder} funding under {terms.id} (financed outside it)"
        elif isinstance(p.financing, Waterfall) and p.financing.agreement != terms.id:
            out[p.id] = f"financed under another agreement ({p.financing.agreement})"
        elif funded > terms.deadline.toordinal():
            out[p.id] = (f"funding ({terms.funding_days} days after notice {p.notice_date}) "
                         f"falls after the deadline {terms.deadline}")
        elif terms.commercially_reasonable and sum(
                apps[p.id].expected_npv(c) for c in apps[p.id].npv_draws) < 0:
            out[p.id] = "not commercially reasonable (expected total NPV < 0)"
        elif opt_out and terms.funder_may_decline:
            own = apps[p.id].expected_net(terms.funder)
            if terms.funder in COUNTRIES:
                own += sv.standalone(p.id, terms.funder)
            if own < 0:
                out[p.id] = f"{terms.funder} opts out (its own benefit is negative)"
    return out


def _solution_dict(sol: Solution) -> dict[str, Any]:
    return {"projects": sol.ids, "budget_used": sol.budget_used,
            "usa": sol.benefit["USA"], "jpn": sol.benefit["JPN"], "objective": sol.objective}


def plan(
    catalog: str | Path | Catalog | None = None,
    budget: float | None = None,
    scenarios: Sequence[str] | str | None = None,
    *,
    agreement: str | Path = "us_japan_2025",
    annual_cap: float | None = None,
    floors: Mapping[str, float] | None = None,
    shares: Mapping[str, float] | None = None,
    opt_out: bool = False,
    capex_basis: str = "announced",
    pareto_points: int | None = None,
    draws: int | None = None,
    seed: int | None = None,
    assumptions: Mapping[str, Any] | None = None,
    store: Store | None = None,
    progress: Progress = None,
) -> Result:
    """Choose the portfolio that maximises the weighted US and Japanese benefit.

    Benefit = expected NPV (Monte Carlo) less expected support cost (price-floor top-ups,
    grants, guarantee payouts net of fees) + avoided GDP loss over the scenario set, per country,
    within the budget (default: the agreement's amount), its per-year cap and deadline, the
    catalog's dependencies and exclusivity groups, and the mutual-benefit floors and shares.
    ``capex_basis="expected"`` counts the funder's Monte Carlo mean outlay (overruns and
    deficits included) against the budget instead of the announced capex. Returns the
    portfolio, the budget used, both benefits, the Pareto front and a greedy comparison;
    ``to_frame()`` gives one row per candidate project, chosen or not. ``progress`` is told
    the share done (appraisals, strategic value, the MIP and the Pareto front).
    """
    if capex_basis not in ("announced", "expected"):
        raise ScenarioError(f"capex_basis must be 'announced' or 'expected', got {capex_basis!r}",
                            path="capex_basis")
    a = Assumptions(assumptions)
    cat = _catalog(catalog)
    terms = load_agreement(agreement)
    n_draws = int(a["invest_plan_draws"] if draws is None else draws)
    # An agreement file with a shipped id (e.g. a copy with another spread) replaces it.
    apps = {}
    for k, p in enumerate(cat):
        if progress:
            progress(0.2 * k / len(cat.ids))
        apps[p.id] = appraise_project(p, draws=n_draws, seed=seed, assumptions=a,
                                      agreements={terms.id: terms})
    online = {pid: app.online_year["expected"] for pid, app in apps.items()}
    sv = _strategic_value(list(cat), scenarios, online, a, seed, store, part(progress, 0.2, 0.8))
    excluded = _eligibility(cat, apps, terms, opt_out, sv)

    ids = cat.ids
    years = sorted({y for app in apps.values() for y in _funder_spend(app, terms.funder)})
    spend = np.array([[_funder_spend(apps[i], terms.funder).get(y, 0.0) for y in years]
                      for i in ids]).reshape(len(ids), len(years))
    pos = {pid: i for i, pid in enumerate(ids)}
    groups: dict[str, list[int]] = {}
    for p in cat:
        if p.exclusive_group:
            groups.setdefault(p.exclusive_group, []).append(pos[p.id])
    floor_map = {"USA": a["invest_benefit_floor_usa"], "JPN": a["invest_benefit_floor_jpn"]}
    floor_map.update(floors or {})
    problem = Problem(
        ids=ids,
        cost=spend.sum(axis=1) if capex_basis == "announced" else np.array(
            [apps[i].paid_expected.get(terms.funder, 0.0) for i in ids]),
        npv=np.array([[apps[i].expected_net(c) for c in COUNTRIES] for i in ids]),
        countries=COUNTRIES,
        budget=float(terms.amount_usd if budget is None else budget),
        base=sv.base,
        relief=sv.relief_matrix(ids),
        value=sv.value,
        cell_country=sv.cell_country(),
        spend=spend,
        years=years,
        annual_cap=annual_cap if annual_cap is not None else terms.annual_cap_usd,
        eligible=np.array([i not in excluded for i in ids]),
        requires=[(pos[p.id], pos[q]) for p in cat for q in p.requires],
        requires_any=[(pos[p.id], [pos[q] for q in p.requires_any]) for p in cat
                      if p.requires_any],
        exclusive=list(groups.values()),
        weights=(float(a["invest_weight_usa"]), float(a["invest_weight_jpn"])),
        weight_npv=float(a["invest_weight_npv"]),
        weight_gdp=float(a["invest_weight_gdp"]),
        floors={k: float(v) for k, v in floor_map.items() if v is not None},
        shares=dict(shares or {}),
    )
    gap, limit = float(a["invest_mip_gap"]), float(a["invest_mip_time_limit"])
    best = solve_portfolio(problem, gap=gap, time_limit=limit)
    if progress:
        progress(0.85)
    front = pareto_front(problem, int(a["invest_pareto_points"] if pareto_points is None
                                      else pareto_points), gap=gap, time_limit=limit)
    if progress:
        progress(0.95)
    quick = greedy(problem)
    table = []
    for i, pid in enumerate(ids):
        app = apps[pid]
        table.append({
            "id": pid, "chosen": pid in best.ids, "cost_usd": float(problem.cost[i]),
            "npv_usa": app.expected_npv("USA"), "npv_jpn": app.expected_npv("JPN"),
            "support_cost_usa": app.expected_support_cost("USA"),
            "support_cost_jpn": app.expected_support_cost("JPN"),
            "avoided_gdp_usa": sv.standalone(pid, "USA"),
            "avoided_gdp_jpn": sv.standalone(pid, "JPN"),
            "online_year": app.online_year["expected"], "excluded": excluded.get(pid),
            "ripple": ripple_effects(cat.get(pid), a),
            "strategic": sv.summary(pid),
        })
    out = {
        "portfolio": best.ids,
        "budget_used": best.budget_used,
        "budget": problem.budget,
        "usa_benefit": best.benefit["USA"],
        "jpn_benefit": best.benefit["JPN"],
        "objective": best.objective,
        "mip_gap": best.gap,
        "status": best.status,
        "pareto": [_solution_dict(s) for s in front],
        "greedy": _solution_dict(quick),
        "agreement": terms.id,
        "capex_basis": capex_basis,
        "annual_cap": problem.annual_cap,
        "floors": problem.floors,
        "shares": problem.shares,
        "scenarios": {name: sv.probabilities[name] for name in sv.scenarios},
        "excluded": excluded,
        "projects": table,
        "projects_detail": _contributions(problem, best, cat),
        "draws": n_draws,
    }
    return Result(out, title=f"{len(best.ids)} of {len(ids)} projects, "
                             f"US${best.budget_used / 1e9:,.1f}B of "
                             f"US${problem.budget / 1e9:,.1f}B under {terms.id}",
                  frame=plan_frame)


def _contributions(problem: Problem, best: Solution, cat: Catalog) -> list[dict[str, Any]]:
    """Each chosen project's part in the portfolio: announced capex, the funder's outlay,
    its benefit per country alone (weighted NPV + avoided GDP loss) and at the margin (the
    portfolio's benefit less that without it; smaller where projects relieve the same
    shortfall, so neither column sums exactly to the portfolio's benefit)."""
    x = np.isin(problem.ids, best.ids).astype(float)
    total = benefits(problem, x)
    out = []
    for i, pid in enumerate(problem.ids):
        if not x[i]:
            continue
        alone, without = np.zeros_like(x), x.copy()
        alone[i], without[i] = 1.0, 0.0
        u_alone, u_margin = benefits(problem, alone), total - benefits(problem, without)
        out.append({"id": pid, "name": cat.get(pid).name, "capex_usd": cat.get(pid).capex_usd,
                    "cost_usd": float(problem.cost[i]),
                    **{f"{k.lower()}_benefit": float(u_alone[j])
                       for j, k in enumerate(problem.countries)},
                    **{f"{k.lower()}_marginal": float(u_margin[j])
                       for j, k in enumerate(problem.countries)}})
    return out
