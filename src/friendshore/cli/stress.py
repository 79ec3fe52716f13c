"""CLI commands of the stress layer: ``stress``, ``scenarios``, ``runs list|show``, ``sweep``
and ``calibration``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from ..limits import MAX_DRAWS
from ._common import console, console_err, parse_sets, print_json, print_table

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
COUNTRIES = Annotated[
    str | None, typer.Option("--countries", help="Countries of interest, e.g. USA,JPN,DEU.")
]

#: Short table labels of the summary keys (the JSON keeps the full names).
LABELS = {"shortfall_pct": "short %", "shortfall_t": "short (t)", "price_multiplier": "price x",
          "price_multiplier_avg": "price avg", "stockpile_months": "stock mo",
          "gdp_change_usd": "GDP US$ m"}

runs_app = typer.Typer(help="Saved stress runs.", no_args_is_help=True)


@contextmanager
def _progress(label: str) -> Iterator[Callable[[float], None]]:
    """A rich progress bar on stderr (stdout stays clean for --json); yields the callback."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                  console=console_err, transient=True) as bar:
        task = bar.add_task(label, total=1.0)
        yield lambda fraction: bar.update(task, completed=fraction)


def _countries(text: str | None) -> list[str] | None:
    return [c.strip().upper() for c in text.split(",") if c.strip()] if text else None




def _summary_rows(out: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for country, stats in out["countries"].items():
        for quantity, s in stats.items():
            if isinstance(s, dict):  # summaries; GDP extras (lists, None) are shown apart
                scale = 1e-6 if quantity == "gdp_change_usd" else 1.0  # US$ millions
                rows.append({"country": country, "quantity": LABELS.get(quantity, quantity),
                             **{k: v * scale for k, v in s.items()}})
    return rows


def _print_gdp(out: dict[str, Any]) -> None:
    """The most affected industries per country (GDP change, USD; negative = loss)."""
    rows = [{"country": country, **row} for country, stats in out["countries"].items()
            for row in stats.get("top_industries") or []]
    if rows:
        print_table(rows, title="Top industries by GDP change (USD, mean over draws)")
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
    json: JSON = False,
) -> None:
    """Run SCENARIO: shortfall, price and stockpile cover per country of interest."""
    from .. import api

    with _progress(f"stress {scenario}") as progress:
        out = api.stress(scenario, draws=draws, seed=seed, countries=_countries(countries),
                         save=save, progress=progress, assumptions=parse_sets(set_),
                         backend=backend)
    if json:
        print_json(out)
        return
    caption = "short %: shortfall as % of demand over the horizon; short (t): in the market's " \
              "unit; price x: peak month; price avg: mean over the horizon's months; stock " \
              "mo: stockpile left, months of demand; GDP US$ m: value added over the horizon " \
              "(negative = loss; priced on short % and price avg); cvar95: mean of the worst " \
              "5 % (lowest for stock mo and GDP)"
    if "run_id" in out:
        caption += f"; saved as run {out['run_id']}"
    print_table(_summary_rows(out), title=f"{out['scenario']} · {out['draws']:,} draws · "
                f"seed {out['seed']}", caption=caption)
    _print_gdp(out)


def scenarios(json: JSON = False) -> None:
    """List the shipped scenarios."""
    from .. import api

    rows = api.scenarios()
    if json:
        print_json(rows)
        return
    print_table([{**r, "in_force": "yes" if r["in_force"] else ""} for r in rows],
                columns=["name", "description", "in_force", "shocks", "draws",
                         "horizon_months"],
                title="Shipped scenarios",
                caption="in force: a control in force per USGS MCS 2026 T4 (friendshore "
                        "controls)")


@runs_app.command("list")
def runs_list(json: JSON = False) -> None:
    """List saved runs, newest first."""
    from .. import api

    rows = api.runs()
    if json:
        print_json(rows)
        return
    if not rows:
        console.print("no saved runs (use --save)")
        return
    print_table(rows, title="Saved runs")


@runs_app.command("show")
def runs_show(
    run_id: Annotated[str, typer.Argument(help="Run id from `friendshore runs list`.")],
    json: JSON = False,
) -> None:
    """Show one saved run: its inputs and outputs."""
    from .. import api

    row = api.run(run_id)
    if json:
        print_json(row)
        return
    console.print(f"[bold]{row['id']}[/] · {row['kind']} · {row['name']} · seed {row['seed']} · "
                  f"{row['created_at']} · friendshore {row['version']}")
    outputs = row["outputs"]
    if "countries" in outputs and isinstance(outputs["countries"], dict):
        print_table(_summary_rows(outputs), title="Outputs")
    else:
        print_json(outputs)


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
    json: JSON = False,
) -> None:
    """Full 12-month restriction by every exporter with >= 10 % of world supply, ranked."""
    from .. import api

    with _progress("sweep") as progress:
        out = api.sweep(draws=draws, seed=seed, countries=_countries(countries),
                        progress=progress, scheduler=scheduler, backend=backend)
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


def calibration(json: JSON = False) -> None:
    """The network's implied net import reliance, clip((D - P) / D, 0, 1), against USGS MCS
    Fig2 (US) and BACI trade (Japan), per commodity and stage; exit 1 if a commodity not
    listed as uncalibrated is more than the tolerance off."""
    from .. import api
    from ..assumptions import Assumptions

    df = api.calibration()
    failing = df[df["status"].notna() & ~df["status"].isin(["ok", "uncalibrated"])]
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
    app.command("scenarios")(scenarios)
    app.add_typer(runs_app, name="runs")
    app.command("sweep")(sweep)
