"""CLI commands of the alliance layer: ``ships``, ``lng`` and ``defense``."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import console, console_err, print_json, print_table

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _split(values: list[str] | None) -> list[str] | None:
    """Countries given as repeated options and/or comma lists."""
    if not values:
        return None
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def ships(
    year: Annotated[int | None, typer.Option("--year", help="One year (2014-2019).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Ships built by country of building: GT delivered and share of world GT (UNCTADstat)."""
    from ..api import alliance as api

    res = api.ships(year)
    if as_json:
        console_err.print(f"note: {res['data_age']}", highlight=False)
        print_json(res["table"][["country", "year", "gt", "share"]])
        return
    table = res["table"]
    for y in sorted(table["year"].unique()):
        rows = table[(table["year"] == y) & (table["gt"] > 0)].head(15)
        rows = rows.assign(share_pct=rows["share"] * 100)
        print_table(rows, columns=["country", "gt", "share_pct"], title=f"Ships built {y}",
                    caption=f"China {res['china_share'][y]:.1%} · allies (US, Japan, Korea, "
                            f"Europe) {res['allied_share'][y]:.1%} of world GT")
    console.print(f"[dim]{res['data_age']}[/]", highlight=False)


def defense(
    countries: Annotated[list[str] | None, typer.Option(
        "--countries", help="ISO3 codes (comma-separated or repeated); default: target members."
    )] = None,
    target: Annotated[float | None, typer.Option(
        "--target", help="Custom target in % of GDP (e.g. 3.5), with --by.")] = None,
    by: Annotated[int | None, typer.Option("--by", help="Year of the custom target.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Military spending share of GDP (SIPRI), gap to target and required real growth."""
    from ..api import alliance as api

    df = api.defense(_split(countries), target=None if target is None else target / 100,
                     target_year=by)
    if as_json:
        print_json(df)
        return
    def trend(t: dict[int, float]) -> str:
        return f"{t[min(t)]:.2%} ({min(t)}) → {t[max(t)]:.2%}" if t else "—"

    def goal(r) -> str:
        return "—" if r.target_name is None else (
            f"{r.target:.1%} by {int(r.target_year)} ({r.target_name})")

    view = df.assign(
        year=df["year"].astype(str),
        trajectory=df["trajectory"].map(trend),
        target=[goal(r) for r in df.itertuples()],
        gap_pp=df["gap"] * 100,
        required_growth_pct=df["required_growth"] * 100,
    )
    print_table(view, columns=["country", "trajectory", "target", "gap_pp",
                               "required_growth_pct"],
                title="Military expenditure, share of GDP (SIPRI, ten-year trajectory)",
                caption="required growth: annual real spending growth g with "
                        "share*((1+g)/(1+gdp_g))^years = target (0 if at/above target)")


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
    app.command("ships")(ships)
    app.command("defense")(defense)
