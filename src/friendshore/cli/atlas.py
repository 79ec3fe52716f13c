"""CLI commands of the atlas layer: ``commodities``, ``supply`` and ``data ingest|status``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import OutOpt, console, export, fmt, print_json, print_table

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]

data_app = typer.Typer(help="Manage the data store: load newer releases, show what is loaded.",
                       no_args_is_help=True)


def commodities(out: OutOpt = None, json: JSON = False) -> None:
    """List commodity slugs, stages, units and the years with data."""
    from .. import api

    df = api.commodities()
    export(df, out)
    if json:
        print_json(df)
        return
    show = df.assign(
        stages=df["stages"].map(", ".join),
        years=df["years"].map(lambda y: f"{y[0]}–{y[-1]}" if len(y) else ""),
        sources=df["sources"].map(", ".join),
    )
    print_table(show, columns=["slug", "name", "stages", "unit", "basis", "years", "sources"],
                title="Commodities")


def supply(
    commodity: Annotated[str, typer.Argument(help="Commodity slug or name, e.g. gallium.")],
    stage: Annotated[str | None, typer.Option(help="mine | refine | component")] = None,
    year: Annotated[int | None, typer.Option(help="Year (default: latest with data).")] = None,
    measure: Annotated[str, typer.Option(help="production | capacity | reserves")] = "production",
    source: Annotated[str | None, typer.Option(help="e.g. usgs-mcs-2025, iea-cm-2024")] = None,
    out: OutOpt = None,
    json: JSON = False,
) -> None:
    """Countries supplying COMMODITY, largest first, with their shares."""
    from .. import api

    df = api.supply(commodity, stage=stage, year=year, measure=measure, source=source)
    a = df.attrs
    measure = a["measure"]  # 'exports' where a stage has trade flows only
    export(df[["country", measure, "unit", "share"]], out)
    if json:
        print_json(df[["country", measure, "unit", "share"]])
        return
    caption = (
        f"source {a['source']}; basis {a['basis']}; shares of {fmt(a['denominator'])} {a['unit']}"
        f" (countries + other countries); world total {fmt(a['world_total'])}"
        + ("; exporters' shares of world exports" if measure == "exports" else "")
        + (f"; series {a['series']}" if a.get("series") else "")
        + (f"; PROJECTION ({a['source']} {a['scenario'].replace('_', ' ')} scenario), not "
           "observed data" if a.get("scenario") else "")
    )
    kind = f" · projection ({a['scenario'].replace('_', ' ')})" if a.get("scenario") else ""
    flags = {c: df[c].map({True: "yes", False: ""}) for c in ("estimated", "withheld")}
    print_table(
        df.assign(share=df["share"] * 100, world_share=df["world_share"] * 100, **flags).rename(
            columns={"share": "share %", "world_share": "% of world total"}
        ),
        columns=["country", measure, "unit", "share %", "% of world total", "estimated",
                 "withheld"],
        title=f"{a['commodity']} · {a['stage']} · {measure} · {a['year']}{kind}",
        caption=caption,
    )


def _ingest_help() -> str:
    """The help of ``data ingest``, naming the current USGS release and where it is published."""
    from ..readers.registry import MCS2026_WHERE

    return ("Load PATH into the store in one transaction (all or nothing).\n\n"
            f"USGS MCS 2026: {MCS2026_WHERE}.\n\n"
            "Implausible data (negative quantities, duplicate rows, numbers not written as the "
            "source writes them, a unit unlike its series', a missing year column, a country "
            "above the world total) is refused naming file, row and field, exit 2, the store "
            "unchanged.")


@data_app.command("ingest", help=_ingest_help())
def data_ingest(
    path: Annotated[Path, typer.Argument(help="File or release folder to load.")],
    source: Annotated[str, typer.Option("--source", help="Reader: usgs-mcs, iea, wgi, ...")],
    allow_warnings: Annotated[bool, typer.Option(
        "--allow-warnings",
        help="Load data that fails only soft plausibility checks (a country above a rounded "
             "world total); the warnings are kept and shown by 'data status'.")] = False,
    json: JSON = False,
) -> None:
    """Load PATH into the store (help: :func:`_ingest_help`)."""
    from .. import api

    result = api.ingest(path, source, allow_warnings=allow_warnings)
    if json:
        print_json(result)
        return
    console.print(f"loaded {result['rows']:,} rows as [bold]{result['source']}[/] "
                  f"from {result['path']}")
    for message in result["warnings"]:
        console.print(f"[yellow]warning:[/] {message}", highlight=False)


@data_app.command("status")
def data_status(out: OutOpt = None, json: JSON = False) -> None:
    """List loaded sources with their years, row counts and plausibility warnings."""
    import pandas as pd

    from .. import api

    df = api.data_status()
    export(df, out)
    if json:
        print_json(df)
        return
    years = [f"{a}–{b}" if pd.notna(a) else "" for a, b in zip(df["first_year"], df["last_year"],
                                                                 strict=True)]
    print_table(df.assign(years=years),
                columns=["source", "kind", "edition", "years", "rows", "warnings"],
                title="Loaded sources")
    warned = api.data_warnings()
    if len(warned):
        print_table(warned.assign(file=warned["file"].map(lambda f: Path(f).name),
                                  row=warned["row"].astype(str)),
                    columns=["source", "file", "row", "field", "message"],
                    title="Loaded with warnings (soft plausibility checks)")


def controls(
    country: Annotated[str | None, typer.Option(help="Country imposing it, e.g. CHN.")] = None,
    out: OutOpt = None,
    json: JSON = False,
) -> None:
    """Export bans, quotas and licensing in force (USGS MCS 2026 T4)."""
    from .. import api

    df = api.controls(country)
    export(df, out)
    if json:
        print_json(df)
        return
    print_table(df.assign(commodity=df["commodity"].fillna("")),
                columns=["country", "control_type", "item", "since", "commodity"],
                title="Export controls in force",
                caption=f"source {df['source'].iloc[0] if len(df) else 'none'} (MCS T4, data to "
                        "2025-11-21)")


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
    app.command("commodities")(commodities)
    app.command("controls")(controls)
    app.command("supply")(supply)
    app.add_typer(data_app, name="data")
