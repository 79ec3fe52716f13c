"""CLI commands of the invest layer: ``projects``, ``appraise`` and ``plan``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..limits import MAX_DRAWS
from ._common import OutOpt, console, export, parse_sets, print_json, print_table, progress

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
SetOpt = Annotated[list[str] | None, typer.Option(
    "--set", help="Override a named assumption: name=value (repeatable).")]
CatalogOpt = Annotated[Path | None, typer.Option(
    "--catalog", help="Catalog YAML (default: the shipped one).")]
ScenariosOpt = Annotated[str | None, typer.Option(
    "--scenarios", help="Comma-separated scenario names or YAML paths (default: all).")]


def _bn(usd: float | None) -> str:
    return "—" if usd is None else f"{usd / 1e9:,.2f}"


def projects(catalog: CatalogOpt = None, out: OutOpt = None, as_json: JsonOpt = False) -> None:
    """List the candidate projects of the catalog with their public sources."""
    from ..api import _invest as api

    rows = api.projects(catalog)
    export(rows, out)
    if as_json:
        print_json(rows)
        return
    table = [{"id": r["id"], "type": r["type"], "host": r["host"],
              "commodity": r["commodity"] or "—", "capacity": r["capacity"], "unit": r["unit"],
              "capex_bn": r["capex_usd"] / 1e9, "financing": r["financing"],
              "notice": r["notice_date"],
              "support": ",".join(k for k in (r["support"] or {}) if k != "source") or "—",
              "source": r["source_date"] + (" *" if r["source_note"] else "")} for r in rows]
    print_table(table, title=f"{len(rows)} candidate projects", drop_first=("unit", "source"),
                caption="capex in US$ billion; support: instruments (see appraise); "
                        "estimated figures are listed with --json; "
                        "* source: see its source_note (e.g. unverified URL)")


def appraise(
    project_id: Annotated[str, typer.Argument(help="Project id (see `friendshore projects`).")],
    draws: Annotated[int | None, typer.Option("--draws", min=1, max=MAX_DRAWS,
        help="Monte Carlo draws.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed.")] = None,
    catalog: CatalogOpt = None,
    agreement: Annotated[str | None, typer.Option(
        "--agreement", help="Agreement YAML replacing the shipped one with its id.")] = None,
    scenarios: ScenariosOpt = None,
    sets: SetOpt = None,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One project on one page: cash flows (NPV, IRR, payback per country with Monte Carlo),
    strategic value for the US and Japan over the scenario set, and jobs and value added."""
    from ..api import _invest as api

    with progress(f"appraise {project_id}") as bar:
        res = api.appraise(project_id, draws=draws, seed=seed, scenarios=scenarios,
                           catalog=catalog, agreement=agreement, assumptions=parse_sets(sets),
                           progress=bar)
    export(res.to_frame(), out)
    if as_json:
        print_json(res)
        return
    console.rule(f"[bold]{project_id}[/]: cash flows under its financing")
    rows = []
    for country, base in res["base"].items():
        mc = res["monte_carlo"][country]
        rows.append({"country": country, "npv_bn": base["npv"] / 1e9,
                     "npv_p5_bn": mc["npv"]["p5"] / 1e9, "npv_mean_bn": mc["npv"]["mean"] / 1e9,
                     "npv_p95_bn": mc["npv"]["p95"] / 1e9,
                     "IRR %": None if base["irr"] is None else 100 * base["irr"],
                     "payback_years": base["payback_years"]})
    online = res["online_year"]
    print_table(rows, title=f"Appraisal of {project_id}",
                caption=f"{res['draws']} draws; capex mean US${_bn(res['capex']['mean'])}B "
                        f"(P95 {_bn(res['capex']['p95'])}B); online {online['announced']:.0f} "
                        f"announced, {online['expected']:.1f} expected")
    if res["support"]:
        _print_support(res["support"])
    _print_strategic(res["strategic"])
    _print_ripple(res["ripple"])


def _print_support(sup: dict[str, Any]) -> None:
    """The support section of ``appraise``: each payer's PV cost, NPVs with and without."""
    console.rule("[bold]Support[/]: " + ", ".join(
        f"{k} ({v.get('payer') or v.get('country')})"
        for k, v in sup["instruments"].items() if k != "source"))
    if not sup["cost"]:
        console.print("No payer: a market-price offtake moves no money.", highlight=False)
    print_table([{"payer": c, "base": sup["cost_base"].get(c, 0.0) / 1e9,
                  "mean": d["mean"] / 1e9, "p5": d["p5"] / 1e9, "p50": d["p50"] / 1e9,
                  "p95": d["p95"] / 1e9, "P(pays) %": 100 * d["p_pays"]}
                 for c, d in sup["cost"].items()],
                title="Payer's cost (present value, US$B)",
                caption="announced case and Monte Carlo; net of fees and upside received; it "
                        "counts against the payer's benefit in plan")
    rows = [{"NPV of": c, "with": sup["npv_with"][c]["mean"] / 1e9,
             "without": sup["npv_without"][c]["mean"] / 1e9} for c in sup["npv_with"]]
    rows.append({"NPV of": "project (investors)",
                 "with": sup["project_npv"]["with"]["mean"] / 1e9,
                 "without": sup["project_npv"]["without"]["mean"] / 1e9})
    print_table(rows, title="NPV with and without the support (mean, US$B)",
                caption="same draws; project: all investors together at the host's rate")


def _print_strategic(strategic: dict[str, Any]) -> None:
    """The strategic-value section of ``appraise``: per scenario and expected, per country."""
    from ..invest.value import COUNTRIES

    console.rule("[bold]Strategic value[/]: avoided shortfall and GDP loss (stress + ripple)")
    rows = [{"scenario": name, "p/yr": scn["probability"], "country": k,
             "t": scn[k]["shortfall_t"], "% demand": scn[k]["shortfall_pct"],
             "GDP US$M": scn[k]["gdp_loss_usd"] / 1e6}
            for name, scn in strategic["scenarios"].items() for k in COUNTRIES
            if scn[k]["markets"]]
    if rows:
        print_table(rows, title="Avoided per event, in the project's own market",
                    caption="avoided shortfall in t (the market's unit) and % of the country's "
                            "demand over the scenario horizon; avoided GDP loss over every "
                            "market it relieves")
    else:
        console.print("No scenario of the set touches this project's market: it avoids no "
                      "shortfall and no GDP loss.", highlight=False)
    print_table([{"country": k, "t/yr": strategic[k]["shortfall_t_per_year"],
                  "% demand/yr": strategic[k]["shortfall_pct_per_year"],
                  "GDP US$M/yr": strategic[k]["gdp_loss_avoided_per_year_usd"] / 1e6,
                  "GDP PV US$B": strategic[k]["gdp_loss_avoided_pv_usd"] / 1e9}
                 for k in COUNTRIES],
                title="Probability-weighted (expected per year while operating; PV as in plan)",
                caption="avoided shortfall and GDP loss; PV: annual probability x horizon "
                        "annuity x avoided loss, scaled by the operating share of the horizon, "
                        "capped at the loss without projects")


def _print_ripple(rip: dict[str, Any]) -> None:
    """The jobs and value-added section of ``appraise``: per phase, in the host country."""
    from ..invest.value import COUNTRIES

    console.rule("[bold]Jobs and value added[/] (ripple, host country)")
    if not rip:
        console.print("No ripple: the host has no shipped IO table or the project type no "
                      "industry.", highlight=False)
        return
    print_table([{"phase": phase, "per": "once" if phase == "construction" else "year",
                  "spend": rip[f"{phase}_amount_usd"] / 1e9,
                  "output": rip[f"{phase}_output_usd"] / 1e9,
                  "value added": rip[f"{phase}_value_added_usd"] / 1e9,
                  "imports": rip[f"{phase}_imports_usd"] / 1e9,
                  "wages": rip[f"{phase}_compensation_usd"] / 1e9,
                  "job-years": round(rip[f"{phase}_job_years_estimate"] or 0.0)}
                 for phase in ("construction", "operation")],
                title=f"{rip['country']}, industry {rip['industry']} ({rip['table']})",
                caption="US$B; wages = compensation; " + (
                    "job-years estimated as compensation / invest_compensation_per_job_usd"
                    if rip["construction_jobs"] is None else "jobs from the IO tables"))
    other = [k for k in COUNTRIES if k != rip["country"]]
    console.print(f"[dim]{', '.join(other)}: no ripple (single-country IO tables; the "
                  f"spending lands in {rip['country']}).[/]", highlight=False)


def plan(
    catalog: Annotated[Path | None, typer.Argument(
        help="Catalog YAML (default: the shipped one).")] = None,
    budget: Annotated[float | None, typer.Option(
        "--budget", help="Budget in US$ (default: the agreement's amount).")] = None,
    scenarios: ScenariosOpt = None,
    agreement: Annotated[str, typer.Option(
        "--agreement", help="Agreement id or YAML.")] = "us_japan_2025",
    annual_cap: Annotated[float | None, typer.Option(
        "--annual-cap", help="Per-year cap on the funder's spend, US$.")] = None,
    floor_usa: Annotated[float | None, typer.Option(
        "--floor-usa", help="Minimum US benefit, US$.")] = None,
    floor_jpn: Annotated[float | None, typer.Option(
        "--floor-jpn", help="Minimum Japanese benefit, US$.")] = None,
    share_jpn: Annotated[float | None, typer.Option(
        "--share-jpn", help="Minimum Japanese share of the total benefit (0-1).")] = None,
    opt_out: Annotated[bool, typer.Option(
        "--opt-out", help="Japan declines projects whose own benefit is negative.")] = False,
    capex_basis: Annotated[str, typer.Option(
        "--capex-basis", help="Budget counts 'announced' capex or the 'expected' outlay "
                              "(Monte Carlo mean, overruns included).")] = "announced",
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Write the Pareto front to this PNG.")] = None,
    sets: SetOpt = None,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Choose the portfolio that benefits both countries most, with the US-Japan Pareto front."""
    from ..api import _invest as api
    from ..invest.value import COUNTRIES

    floors = {k: v for k, v in (("USA", floor_usa), ("JPN", floor_jpn)) if v is not None}
    with progress("plan") as bar:
        res = api.plan(catalog, budget, scenarios, agreement=agreement, annual_cap=annual_cap,
                       floors=floors, shares={"JPN": share_jpn} if share_jpn is not None
                       else None, opt_out=opt_out, capex_basis=capex_basis,
                       assumptions=parse_sets(sets), progress=bar)
    if plot is not None:
        pareto_plot(res, plot)
    export(res.to_frame(), out)
    if as_json:
        print_json(res)
        return
    rows = {r["id"]: r for r in res["projects"]}

    def support(pid: str) -> str:
        paid = [f"{k} {rows[pid][f'support_cost_{k.lower()}'] / 1e9:,.2f}" for k in COUNTRIES
                if rows[pid][f"support_cost_{k.lower()}"]]
        return ", ".join(paid) or "—"

    chosen = [{"id": d["id"], "capex": d["capex_usd"] / 1e9, "cost": d["cost_usd"] / 1e9,
               "USA": d["usa_benefit"] / 1e9, "JPN": d["jpn_benefit"] / 1e9,
               "USA marginal": d["usa_marginal"] / 1e9, "JPN marginal": d["jpn_marginal"] / 1e9,
               "support paid": support(d["id"]), "online": f"{rows[d['id']]['online_year']:.1f}"}
              for d in res["projects_detail"]]
    print_table(chosen,
                title=f"Portfolio: {len(chosen)} projects, US${_bn(res['budget_used'])}B of "
                      f"US${_bn(res['budget'])}B",
                caption=f"benefit USA US${_bn(res['usa_benefit'])}B, JPN "
                        f"US${_bn(res['jpn_benefit'])}B ({res['status']}, gap "
                        f"{res['mip_gap']:.2%}); greedy USA {_bn(res['greedy']['usa'])}B, "
                        f"JPN {_bn(res['greedy']['jpn'])}B. Per project, US$B: capex announced; "
                        f"cost = funder's outlay; USA/JPN = benefit alone (NPV - support paid "
                        f"+ avoided GDP loss); support paid: PV of price-floor top-ups, grants "
                        f"and guarantees; marginal = portfolio's benefit less that without "
                        f"it; NPV and GDP parts in --json")
    print_table([{"usa_bn": p["usa"] / 1e9, "jpn_bn": p["jpn"] / 1e9,
                  "projects": len(p["projects"]), "budget_bn": p["budget_used"] / 1e9}
                 for p in res["pareto"]], title="Pareto front (US vs Japan benefit)")
    for pid, why in res["excluded"].items():
        console.print(f"[dim]excluded {pid}: {why}[/]", highlight=False)


def pareto_plot(res: dict[str, Any], path: Path) -> None:
    """Draw the Pareto front with the chosen portfolio marked (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    pts = sorted((p["usa"] / 1e9, p["jpn"] / 1e9) for p in res["pareto"])
    ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-", color="tab:blue",
            label="Pareto front")
    ax.plot([res["usa_benefit"] / 1e9], [res["jpn_benefit"] / 1e9], "*", color="tab:red",
            markersize=16, label="chosen portfolio")
    ax.plot([res["greedy"]["usa"] / 1e9], [res["greedy"]["jpn"] / 1e9], "s", color="tab:gray",
            label="greedy benefit per dollar")
    ax.set_xlabel("US benefit (US$ billion, present value)")
    ax.set_ylabel("Japan benefit (US$ billion, present value)")
    ax.set_title(f"Portfolio under {res['agreement']}")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
    app.command("projects")(projects)
    app.command("appraise")(appraise)
    app.command("plan")(plan)
