"""CLI commands of the ripple layer: ``ripple`` (investment ripple) and ``multipliers``."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import OutOpt

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
COUNTRY = Annotated[str, typer.Option("--country", help="USA (BEA), JPN (MIC 2015) or WIOD.")]
YEAR = Annotated[int | None, typer.Option(help="BEA table year: 2017, 2022 or 2023.")]
LEVEL = Annotated[int | None, typer.Option(help="MIC table sectors: 13, 37 or 185.")]
SET = Annotated[list[str] | None,
                typer.Option("--set", help="Override an assumption: NAME=VALUE.")]


def ripple(
    country: COUNTRY,
    industry: Annotated[str, typer.Option("--industry", help="Industry code of the table.")],
    amount: Annotated[float, typer.Option("--amount", help="Spending in US dollars.")],
    phase: Annotated[str, typer.Option(help="construction or operation.")] = "operation",
    year: YEAR = None,
    level: LEVEL = None,
    top: Annotated[int, typer.Option(help="Industries shown in the table.")] = 10,
    set_: SET = None,
    out_file: OutOpt = None,
    json: JSON = False,
) -> None:
    """Output, value added, imports and jobs induced by spending AMOUNT (IO ripple effect)."""
    from ..api._ripple import ripple as run
    from ._common import console, export, fmt, parse_sets, print_json, print_table

    out = run(country, industry, amount, phase, year=year, level=level,
              assumptions=parse_sets(set_))
    export(out.to_frame(), out_file)
    if json:
        print_json(out)
        return
    console.print(
        f"[bold]{out['country']}[/] {out['industry']} {out['industry_name']} · {out['phase']} · "
        f"{out['table']}\n"
        f"spending ${fmt(out['amount_usd'])}: output ${fmt(out['output_usd'])}, value added "
        f"${fmt(out['value_added_usd'])}, imports ${fmt(out['imports_usd'])}, "
        f"jobs {fmt(out['jobs'])}", highlight=False)
    print_table(out["by_industry"].head(top), title="Largest effects by industry (USD)")
    for note in out["notes"]:
        console.print(f"[dim]note: {note}[/]", highlight=False)


def multipliers(
    country: COUNTRY,
    year: YEAR = None,
    level: LEVEL = None,
    set_: SET = None,
    out: OutOpt = None,
    json: JSON = False,
) -> None:
    """Type I output, value-added, import and compensation multipliers by industry."""
    from ..api._ripple import multipliers as mult
    from ._common import export, parse_sets, print_json, print_table

    df = mult(country, year=year, level=level, assumptions=parse_sets(set_))
    df = df.reset_index()
    export(df, out)
    if json:
        print_json(df)
        return
    print_table(df, title=f"{country.upper()} multipliers ({df.attrs.get('table', '')})",
                caption="per unit of final demand; jobs: no employment data in the tables")


def first_use(
    commodity: Annotated[str | None, typer.Argument(help="Commodity slug (default: all).")] = None,
    country: Annotated[str, typer.Option("--country", help="USA or JPN.")] = "USA",
    out: OutOpt = None,
    json: JSON = False,
) -> None:
    """First-use industries of a commodity (bridge shares, estimate flags, sources)."""
    from ..api._ripple import first_use_industries
    from ._common import export, print_json, print_table

    df = first_use_industries(country, commodity)
    export(df, out)
    if json:
        print_json(df)
        return
    flags = {c: df[c].map({True: "yes", False: "no"}) for c in ("estimate", "unmapped")}
    print_table(df.assign(**flags), title=f"{country.upper()} first-use industries",
                columns=["commodity", "industry", "share", "estimate", "unmapped", "value_usd",
                         "note"], caption="value_usd: US consumption value (USGS MCS2025)")


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
    app.command("ripple")(ripple)
    app.command("multipliers")(multipliers)
    app.command("first-use")(first_use)
