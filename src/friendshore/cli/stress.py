"""CLI commands of the stress layer: ``stress``, ``scenarios``, ``runs list|show``, ``sweep``
and ``calibration``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..limits import MAX_DRAWS
from ._common import (
    OutOpt,
    console,
    console_err,
    export,
    parse_sets,
    print_json,
    print_table,
    progress,
)

if TYPE_CHECKING:
    import pandas as pd

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
COUNTRIES = Annotated[
    str | None, typer.Option("--countries", help="Countries of interest, e.g. USA,JPN,DEU.")
]

#: Short table labels of the summary keys (the JSON keeps the full names).
LABELS = {"shortfall_pct": "short %", "shortfall_t": "short (t)", "price_multiplier": "price x",
          "price_multiplier_avg": "price avg", "stockpile_months": "stock mo",
          "gdp_change_usd": "GDP US$ m", "gdp_change_pct": "GDP %"}

runs_app = typer.Typer(help="Saved stress runs.", no_args_is_help=True)
scenarios_app = typer.Typer(help="The shipped scenario library: list, or show one as YAML.",
                            invoke_without_command=True)


def _countries(text: str | None) -> list[str] | None:
    return [c.strip().upper() for c in text.split(",") if c.strip()] if text else None




def _summary_rows(out: dict[str, Any]) -> pd.DataFrame:
    """The summaries of a stress output as table rows: short labels, GDP in US$ millions (the
    GDP extras, channels and methods, are mappings too but no summaries: shown apart)."""
    from ..results import STATS, summary_frame

    rows = summary_frame(out)
    scale = rows["quantity"].map({"gdp_change_usd": 1e-6}).fillna(1.0)
    return rows.assign(quantity=rows["quantity"].map(lambda q: LABELS.get(q, q)),
                       **{k: rows[k] * scale for k in STATS})


def _print_gdp(out: dict[str, Any]) -> None:
    """The most affected industries per country (GDP change, USD; negative = loss)."""
    rows = [{"country": country, **row} for country, stats in out["countries"].items()
            for row in stats.get("top_industries") or []]
    if rows:
        print_table(rows, title="Top industries by GDP change (USD, mean over draws)",
                    drop_first=("name_ja", "table"))
    for country, stats in out["countries"].items():
        if stats.get("gdp_not_modelled"):
            console.print(f"[dim]{country}: no GDP model for "
                          f"{', '.join(stats['gdp_not_modelled'])}[/]", highlight=False)


def stress(
    scenario: Annotated[str, typer.Argument(help="Shipped scenario name or a YAML file.")],
    draws: Annotated[int | None, typer.Option("--draws", min=1, max=MAX_DRAWS,
        help="Monte Carlo draws.")] = None,
    seed: Annotated[int | None, typer.Option("--seed", min=0, help="Random seed.")] = None,
    countries: COUNTRIES = None,
    save: Annotated[bool, typer.Option("--save", help="Save inputs, seed and outputs.")] = False,
    set_: Annotated[list[str] | None, typer.Option(
        "--set", help="Override a named assumption: name=value (repeatable).")] = None,
    backend: Annotated[str, typer.Option(help="numpy or cupy (GPU, optional).")] = "numpy",
    out_file: OutOpt = None,
    json: JSON = False,
) -> None:
    """Run SCENARIO: shortfall, price and stockpile cover per country of interest."""
    from .. import api

    with progress(f"stress {scenario}") as bar:
        out = api.stress(scenario, draws=draws, seed=seed, countries=_countries(countries),
                         save=save, progress=bar, assumptions=parse_sets(set_),
                         backend=backend)
    export(out.to_frame(), out_file)
    if json:
        print_json(out)
        return
    caption = "short %: shortfall as % of demand over the horizon; short (t): in the market's " \
              "unit; price x: peak month; price avg: mean over the horizon's months; stock " \
              "mo: stockpile left, months of demand; GDP US$ m: value added over the horizon " \
              "(negative = loss; priced on short % and price avg); GDP %: the same as % of " \
              "GDP; cvar95: mean of the worst " \
              "5 % (lowest for stock mo and GDP)"
    if "run_id" in out:
        caption += f"; saved as run {out['run_id']}"
    print_table(_summary_rows(out), title=f"{out['scenario']} · {out['draws']:,} draws · "
                f"seed {out['seed']}", caption=caption)
    _print_gdp(out)


@scenarios_app.callback()
def scenarios(ctx: typer.Context, out: OutOpt = None, json: JSON = False) -> None:
    """List the shipped scenarios; ``scenarios show NAME`` prints one as a YAML template."""
    from .. import api

    if ctx.invoked_subcommand is not None:
        return
    rows = api.scenarios()
    export(rows, out)
    if json:
        print_json(rows)
        return
    print_table([{**r, "in_force": "yes" if r["in_force"] else ""} for r in rows],
                columns=["name", "description", "in_force", "shocks", "draws",
                         "horizon_months"],
                title="Shipped scenarios",
                caption="in force: a control in force per USGS MCS 2026 T4 (friendshore "
                        "controls). A template of your own: friendshore scenarios show NAME > "
                        "my-scenario.yaml, edit it, then friendshore stress my-scenario.yaml")


@scenarios_app.command("show")
def scenarios_show(
    name: Annotated[str, typer.Argument(help="Shipped scenario name or a YAML file.")],
) -> None:
    """Print scenario NAME as YAML, a template to edit: ``friendshore scenarios show NAME >
    my-scenario.yaml``, then ``friendshore stress my-scenario.yaml``."""
    from .. import api

    print(api.scenario_yaml(name), end="")


@runs_app.command("list")
def runs_list(out: OutOpt = None, json: JSON = False) -> None:
    """List saved runs, newest first."""
    from .. import api

    rows = api.runs()
    export(rows, out)
    if json:
        print_json(rows)
        return
    if not rows:
        console.print("no saved runs (use --save)")
        return
    print_table([{**r, "created_at": r["created_at"][:19]} for r in rows], title="Saved runs",
                caption="created_at: UTC, to the second; friendshore runs show ID for one run")


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="Run id from `friendshore runs list`.")],
    out: OutOpt = None,
    json: JSON = False,
) -> None:
    """Show one saved run: its inputs and outputs."""
    from .. import api
    from ..results import plan_frame, summary_frame

    row = api.run(run_id)
    export({"stress": summary_frame, "plan": plan_frame}[row["kind"]](row["outputs"]), out)
    if json:
        print_json(row)
        return
    import yaml

    console.print(f"[bold]{row['id']}[/] · {row['kind']} · {row['name']} · seed {row['seed']} · "
                  f"{row['created_at']} · friendshore {row['version']}", highlight=False)
    console.rule("Inputs (YAML; the scenario block runs again as a scenario file)")
    print(yaml.safe_dump(row["inputs"], sort_keys=False, allow_unicode=True), end="")
    console.rule("Outputs")
    outputs = row["outputs"]
    if row["kind"] == "stress":
        print_table(_summary_rows(outputs), title=f"{row['name']} · {outputs['draws']:,} draws")
    else:
        print_table(plan_frame(outputs), title=f"{row['name']}: projects")


def sweep(
    draws: Annotated[int, typer.Option("--draws", min=1, max=MAX_DRAWS,
        help="Draws per scenario.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0)] = 0,
    countries: COUNTRIES = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Dask: 'local' for a LocalCluster or a scheduler address such as "
             "tcp://host:8786 (needs the sweep extra).")] = None,
    backend: Annotated[str, typer.Option(help="numpy or cupy (GPU, optional).")] = "numpy",
    top: Annotated[int, typer.Option(help="Rows per country in the table.")] = 15,
    out_file: OutOpt = None,
    json: JSON = False,
) -> None:
    """Full 12-month restriction by every exporter with >= 10 % of world supply, ranked."""
    from .. import api

    with progress("sweep") as bar:
        out = api.sweep(draws=draws, seed=seed, countries=_countries(countries),
                        progress=bar, scheduler=scheduler, backend=backend)
    export(out.to_frame(), out_file)
    if json:
        print_json(out)
        return
    caption = (f"{out['scenario_count']} scenarios x {out['draws']:,} draws; expected GDP "
               "change = sum over the commodity's scenarios of annual probability x mean GDP "
               "change (US$ M; negative = loss); whole-industry rows %: share of the "
               "commodity's use on bridge rows that treat a whole industry as dependent "
               "(an upper bound)")
    for country, ranked in out["ranking"].items():
        print_table([{"commodity": r["commodity"],
                      "expected GDP change US$ M/yr": r["expected_gdp_change_usd"] / 1e6,
                      "whole-industry rows %": (None if r.get("whole_industry_share") is None
                                                else 100 * r["whole_industry_share"])}
                     for r in ranked[:top]],
                    title=f"{country}: commodities by expected GDP change", caption=caption)
        rows = out["scenario_ranking"][country]
        show = [{"exporter": r["exporter"], "commodity": r["commodity"], "stage": r["stage"],
                 "world %": 100 * r["world_share"], "p /yr": r["probability"],
                 "in force": "yes" if r["in_force"] else "",
                 "GDP US$ M": (None if r["gdp_change_usd_mean"] is None
                               else r["gdp_change_usd_mean"] / 1e6),
                 "short % mean": r["shortfall_pct_mean"],
                 "short % cvar95": r["shortfall_pct_cvar95"],
                 "price x": r["price_multiplier_mean"]} for r in rows[:top]]
        print_table(show, title=f"{country}: full 12-month restrictions, largest GDP loss first",
                    caption=f"{out['scenario_count']} scenarios x {out['draws']:,} draws")


def _pp(value: float | None, bound: str | None = None) -> str:
    """A reliance (fraction) as a percentage cell, USGS's bound kept ('>50')."""
    if value is None or value != value:
        return "—"
    return f"{bound or ''}{100 * value:.0f}"


def calibration(out: OutOpt = None, json: JSON = False) -> None:
    """The network's implied net import reliance, clip((D - P) / D, 0, 1), against USGS MCS
    Fig2 (US) and BACI trade (Japan), per commodity and stage; exit 1 if a commodity not
    listed as uncalibrated is more than the tolerance off."""
    from .. import api
    from ..assumptions import Assumptions

    df = api.calibration()
    failing = df[df["status"].notna() & ~df["status"].isin(["ok", "uncalibrated"])]
    export(df[api.CALIBRATION_FIELDS], out)
    if json:
        print_json(df[api.CALIBRATION_FIELDS])
    else:
        us = df[df["status"].notna()]
        tol = float(Assumptions()["stress_calibration_tolerance_pp"])
        rows = [{"commodity": r.commodity, "stage": r.stage, "market": r.market or "—",
                 "USGS %": _pp(r.published_us_nir, r.bound), "network %": _pp(r.network_us_nir),
                 "diff pp": "—" if r.network_us_nir != r.network_us_nir
                 else f"{100 * r.difference:+.1f}",
                 "status": r.status, "JP trade %": _pp(r.published_jpn_nir, r.jpn_bound),
                 "JP network %": _pp(r.network_jpn_nir)} for r in df.itertuples()]
        n_ok = int((us["status"] == "ok").sum())
        print_table(rows, title="Calibration: implied net import reliance vs published",
                    caption=f"NIR = clip((D - P) / D, 0, 1), D = apparent consumption (network "
                            f"demand), P = production. US: USGS MCS Fig2; {n_ok} of {len(us)} "
                            f"within {tol:g} points (bounds: '>x' needs >= x - {tol:g}), "
                            f"{int((us['status'] == 'uncalibrated').sum())} listed as "
                            "uncalibrated (data/network/uncalibrated.csv). Japan: risk's "
                            "reliance from BACI trade ('>' a lower bound).")
        for r in us[us["status"] == "uncalibrated"].itertuples():
            console.print(f"[dim]uncalibrated {r.commodity}/{r.stage}: {r.reason}[/]",
                          highlight=False)
    if len(failing):
        console_err.print(f"calibration fails for: {', '.join(failing['commodity'])}")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
    app.command("stress")(stress)
    app.command("calibration")(calibration)
    app.add_typer(scenarios_app, name="scenarios")
    app.add_typer(runs_app, name="runs")
    app.command("sweep")(sweep)
