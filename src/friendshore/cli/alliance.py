"""CLI commands of the alliance layer: ``ships``, ``lng`` and ``defense``."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import OutOpt, console, console_err, export, print_json, print_table

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


def _split(values: list[str] | None) -> list[str] | None:
    """Countries given as repeated options and/or comma lists."""
    if not values:
        return None
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def ships(
    year: Annotated[int | None, typer.Option(
        "--year", help="One year (2014-2025); default: the latest.")] = None,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Ships built by country of building: GT delivered and share of world GT (UNCTAD), the
    2014-2025 series of China, Korea, Japan and the allies, and 2024 shares by ship type."""
    from ..api import _alliance as api

    res = api.ships(year)
    y = int(year) if year is not None else res["latest_year"]
    table = res["table"][res["table"]["year"] == y]
    export(table[["country", "year", "gt", "share"]], out)
    if as_json:
        console_err.print(f"note: {res['data_age']}", highlight=False)
        print_json(table[["country", "year", "gt", "share"]])
        return
    series = res["series"]
    row = series[series["year"] == y].iloc[0]
    bound = "" if row["all_listed"] else " (economies named by UNCTAD only: a lower bound)"
    rows = table[table["gt"] > 0].head(15)
    print_table(rows.assign(share_pct=rows["share"] * 100),
                columns=["country", "gt", "share_pct", "basis"], title=f"Ships built {y}",
                caption=f"China {res['china_share'][y]:.1%} · allies (US, Japan, Korea, "
                        f"Europe) {res['allied_share'][y]:.1%}{bound} of world GT")
    pct = {c: series[c] * 100 for c in ("CHN", "KOR", "JPN", "allied_share")}
    pct["year"] = series["year"].astype(str)
    pct["all_listed"] = series["all_listed"].map({True: "yes", False: "no"})
    print_table(series.assign(**pct), columns=["year", "world_gt", "CHN", "KOR", "JPN",
                                               "allied_share", "all_listed"],
                title="Share of world GT delivered (%), by year",
                caption="—: not named in the year's data; all_listed no: the allied share "
                        "counts the members named only (a lower bound)")
    seg = res["segments"]
    if len(seg):
        sy = y if y in set(seg["year"]) else int(seg["year"].max())
        seg = seg[seg["year"] == sy]
        print_table(seg.assign(**{c: seg[c] * 100 for c in ("CHN", "KOR", "JPN")}),
                    columns=["segment", "world_gt", "CHN", "KOR", "JPN"],
                    title=f"Deliveries by ship type {sy} (% of world GT of the type)")
    console.print(f"[dim]{res['data_age']}[/]", highlight=False)


def defense(
    countries: Annotated[list[str] | None, typer.Option(
        "--countries", help="ISO3 codes (comma-separated or repeated); default: target members."
    )] = None,
    target: Annotated[float | None, typer.Option(
        "--target", help="Custom target in % of GDP (e.g. 3.5), with --by.")] = None,
    by: Annotated[int | None, typer.Option("--by", help="Year of the custom target.")] = None,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Military spending share of GDP (SIPRI), gap to target and required real growth."""
    from ..api import _alliance as api

    df = api.defense(_split(countries), target=None if target is None else target / 100,
                     target_year=by)
    export(df, out)
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
        gap_usd_bn=df["gap_usd"] / 1e9,
        required_growth_pct=df["required_growth"] * 100,
    )
    print_table(view, columns=["country", "trajectory", "target", "gap_pp", "gap_usd_bn",
                               "required_growth_pct"],
                title="Military expenditure, share of GDP (SIPRI, ten-year trajectory)",
                caption="required growth: annual real spending growth g with "
                        "share*((1+g)/(1+gdp_g))^years = target (0 if at/above target)")


def lng(
    importers: Annotated[list[str] | None, typer.Option(
        "--importers", help="ISO3 importers (comma-separated or repeated); default: all.")] = None,
    out: OutOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """LNG supply security: supplier shares, import dependence, liquefaction capacity."""
    import pandas as pd

    from ..api import _alliance as api

    res = api.lng_security(_split(importers))
    export(res["dependence"], out)
    if as_json:
        print_json({k: res[k] for k in ("year", "world_exports_bcm", "data_age", "dependence",
                                        "suppliers", "exporters", "capacity")})
        return
    dep = res["dependence"]
    print_table(dep.assign(**{c: dep[c] * 100 for c in dep.columns
                              if c.startswith("share_") or c == "top_share"}),
                title=f"LNG import dependence {res['year']} (shares in % of LNG imports)")
    for importer in dep["importer"].head(3 if importers is None else len(dep)):
        part = res["suppliers"][res["suppliers"]["importer"] == importer]
        print_table(part.assign(share=part["share"] * 100).head(10), title=f"{importer} suppliers",
                    columns=["exporter", "bcm", "share"])
    exp = res["exporters"].head(12)
    print_table(exp.assign(share=exp["share"] * 100),
                title=f"LNG exporters {res['year']} (world {res['world_exports_bcm']:.1f} bcm)")
    cap = res["capacity"]
    print_table(pd.concat([cap.head(12), cap.tail(1)]), title="Liquefaction capacity by status",
                columns=["country", "operating_mtpa", "construction_mtpa", "proposed_mtpa",
                         "operating_bcm"])
    console.print(f"[dim]{res['data_age']}[/]", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
    app.command("ships")(ships)
    app.command("lng")(lng)
    app.command("defense")(defense)
