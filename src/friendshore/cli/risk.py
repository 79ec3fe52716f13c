"""CLI commands of the risk layer: ``risk`` (supply-risk table) and ``import-sources``."""

from __future__ import annotations

from typing import Annotated

import typer

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
#: Console width below which the table drops the columns in ``_WIDE_ONLY``.
_WIDE = 120
_WIDE_ONLY = ("year", "unit", "world", "hhi", "top_share", "allied_share")
_PCT = ("top_share", "china_share", "allied_share", "us_net_import_reliance")


def risk(
    commodities: Annotated[
        list[str] | None, typer.Argument(help="Commodity slugs or names (default: all).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Production year (default: latest).")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override an assumption: NAME=VALUE or NAME.SLUG=VALUE."),
    ] = None,
    json: JSON = False,
) -> None:
    """Supply-risk metrics, one row per commodity x stage (HHI, WGI-weighted HHI, shares,
    US and Japan import reliance, EU supply risk)."""
    from ..api._risk import RISK_JSON_FIELDS, risk
    from ._common import console, fmt, parse_sets, print_json

    df = risk(commodities or None, year=year, assumptions=parse_sets(set_))
    if json:
        print_json(df[RISK_JSON_FIELDS])
        return
    exported = df["share_basis"].eq("exports").fillna(False)
    show = df[["commodity"]].assign(
        stage=df["stage"] + exported.map({True: "†", False: ""}),
        year=df["year"].astype("string").fillna("—"),
        unit=df["unit"],
        world=df["world_production"].map(fmt),
        hhi=df["hhi"].map(lambda v: _num(v, 2)),
        hhi_wgi=df["hhi_wgi"].map(lambda v: _num(v, 2)),
        top=df["top_country"].fillna("—"),
        **{c: (df[c] * 100).map(lambda v: _num(v, 0)) for c in _PCT},
        jpn_import_reliance=[(">" if b == ">" else "") + _num(100 * v, 0) for v, b in zip(
            df["jpn_import_reliance"], df["jpn_nir_bound"], strict=True)],
        eu_sr=df["eu_supply_risk"].map(lambda v: _num(v, 2)),
        eu_sr_ec=[_num(v, 2) + ("*" if b else "") for v, b in zip(
            df["eu_supply_risk_ec2017"], df["eu_sr_bottleneck"].fillna(False), strict=True)],
    )
    headers = {
        "commodity": "commodity", "stage": "stage", "year": "year", "unit": "unit",
        "world": "world prod.", "hhi": "hhi", "hhi_wgi": "hhi·wgi", "top": "top",
        "top_share": "top%", "china_share": "CHN%", "allied_share": "ally%",
        "us_net_import_reliance": "US NIR%", "jpn_import_reliance": "JP NIR%", "eu_sr": "EU SR",
        "eu_sr_ec": "EU SR EC17",
    }
    if console.width < _WIDE:  # narrow terminal or pipe: the columns that matter most
        headers = {k: v for k, v in headers.items() if k not in _WIDE_ONLY}
    _render(show, headers, title=f"Supply risk ({len(df)} commodity x stage rows)",
            caption="— = not available from the data. hhi 0–1; hhi·wgi and EU SR 0–10 (EC 2017 "
                    "CRM method): EU SR on global supply, EU SR EC17 weighted by EU import "
                    "reliance and EU sourcing (* the commodity's bottleneck stage); shares are "
                    "of listed producers; JP NIR% > a lower bound (Japan's production is at "
                    "most the IEA series' rest of world). Formulas: docs/risk.md."
                    + ("\n† no production data by country: shares are exporters' shares of "
                       "world exports (BACI, gross weight), world prod. —"
                       if exported.any() else ""))


def _render(show, headers: dict[str, str], *, title: str, caption: str) -> None:
    """Print preformatted text columns as a compact rich table that never truncates a cell."""
    from rich import box
    from rich.table import Table

    from ._common import console

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True, title=title,
                  caption=caption)
    for col, head in headers.items():
        left = not show[col].str.match(r"^[-\d.,—%*>]*$").all()
        width = max([len(head), *show[col].str.len()])
        table.add_column(head, justify="left" if left else "right", no_wrap=True,
                         min_width=width)
    for rec in show[list(headers)].itertuples(index=False):
        table.add_row(*rec)
    console.print(table)


def _num(value: float, digits: int) -> str:
    """A rounded number for the table, or an em dash when missing."""
    return "—" if value is None or value != value else f"{value:,.{digits}f}"


def import_sources(
    country: Annotated[str, typer.Argument(help="Importing country, ISO3 (e.g. JPN).")],
    commodity: Annotated[str, typer.Argument(help="Commodity slug or name.")],
    stage: Annotated[str | None, typer.Option(help="mine | refine | component")] = None,
    year: Annotated[int | None, typer.Option(help="Trade year (default: latest).")] = None,
    source: Annotated[str | None, typer.Option(help="Trade source, e.g. comtrade-2024.")] = None,
    json: JSON = False,
) -> None:
    """Where COUNTRY imports COMMODITY from (share of import value), largest first."""
    from ..api._risk import import_sources
    from ._common import print_json

    df = import_sources(country, commodity, stage=stage, year=year, source=source)
    if json:
        print_json(df)
        return
    show = df[["stage", "hs6", "exporter"]].astype(str).assign(
        year=df["year"].astype(str),
        musd=(df["value_usd"] / 1e6).map(lambda v: _num(v, 1)),
        tonnes=df["quantity"].map(lambda v: _num(v, 1)),
        share=(df["share"] * 100).map(lambda v: _num(v, 1)),
    )
    _render(show, {"stage": "stage", "year": "year", "hs6": "HS6", "exporter": "exporter",
                   "musd": "M USD", "tonnes": "t", "share": "share %"},
            title=f"{country.upper()} imports of {commodity}",
            caption="Share of import value. HS 811292 groups Ga, Ge, In, Nb, Re and V; "
                    "850511 is permanent magnets. Source: trade_flows (default BACI 2024).")


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
    app.command("risk")(risk)
    app.command("import-sources")(import_sources)
