"""CLI commands of the risk layer: ``risk`` (supply-risk table) and ``import-sources``."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import OutOpt

JSON = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
#: The columns the table drops first where the terminal is too narrow for all.
_WIDE_ONLY = ("world", "unit", "year", "allied_share", "top_share", "hhi")
_PCT = ("top_share", "china_share", "allied_share", "us_net_import_reliance")


def risk(
    commodities: Annotated[
        list[str] | None, typer.Argument(help="Commodity slugs or names (default: all).")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Production year (default: latest).")] = None,
    sort: Annotated[str, typer.Option(
        "--sort", help="Field to sort by: numbers largest first, text A-Z (e.g. commodity, "
                       "hhi, china_share; default: EU supply risk, most critical first).")]
    = "eu_supply_risk",
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override an assumption: NAME=VALUE or NAME.SLUG=VALUE."),
    ] = None,
    out: OutOpt = None,
    json: JSON = False,
) -> None:
    """Supply-risk metrics, one row per commodity x stage, most critical first (HHI,
    WGI-weighted HHI, shares, US and Japan net import reliance, EU supply risk)."""
    import pandas as pd

    from ..api._risk import RISK_JSON_FIELDS, risk
    from ..errors import UnknownNameError
    from ._common import export, fmt, parse_sets, print_json, print_table

    if sort not in RISK_JSON_FIELDS:
        raise UnknownNameError("field", sort, RISK_JSON_FIELDS, where="--sort")
    df = risk(commodities or None, year=year, assumptions=parse_sets(set_))
    numeric = pd.api.types.is_numeric_dtype(df[sort])
    df = df.sort_values(sort, ascending=not numeric, na_position="last",
                        kind="stable").reset_index(drop=True)  # ties in the API's order
    export(df[RISK_JSON_FIELDS], out)
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
        "commodity": "commodity", "stage": "stage", "eu_sr": "EU SR", "eu_sr_ec": "EU SR EC17",
        "hhi_wgi": "HHI·WGI", "top": "top", "china_share": "CHN %",
        "us_net_import_reliance": "US NIR %", "jpn_import_reliance": "JP NIR %",
        "hhi": "HHI", "top_share": "top %", "allied_share": "allies %", "year": "year",
        "unit": "unit", "world": "world prod.",
    }
    print_table(show, columns=headers, keep=("commodity", "stage"), drop_first=_WIDE_ONLY,
                title=f"Supply risk ({len(df)} commodity x stage rows, by {sort})",
                caption="— not available from the data. EU SR: EU supply risk, 0–10, on "
                        "global supply (European Commission 2017 critical raw materials "
                        "method); EU SR EC17: the same weighted by EU import reliance and EU "
                        "sourcing (* the commodity's bottleneck stage). HHI: "
                        "Herfindahl–Hirschman index of producer shares, 0–1; HHI·WGI: HHI "
                        "weighted by the World Bank Worldwide Governance Indicators, 0–10. "
                        "top: largest producer (ISO3). Shares, % of listed producers: top, "
                        "China (CHN), allies. NIR: net import reliance, % of apparent "
                        "consumption (US: USGS; JP: from trade, '>' a lower bound since "
                        "Japan's production is at most the IEA series' rest of world). "
                        "Formulas: docs/risk.md."
                        + ("\n† no production data by country: shares are exporters' shares "
                           "of world exports (BACI, gross weight), world prod. —"
                           if exported.any() else ""))


def _num(value: float, digits: int) -> str:
    """A rounded number for the table, or an em dash when missing."""
    return "—" if value is None or value != value else f"{value:,.{digits}f}"


def import_sources(
    country: Annotated[str, typer.Argument(help="Importing country, ISO3 (e.g. JPN).")],
    commodity: Annotated[str, typer.Argument(help="Commodity slug or name.")],
    stage: Annotated[str | None, typer.Option(help="mine | refine | component")] = None,
    year: Annotated[int | None, typer.Option(help="Trade year (default: latest).")] = None,
    source: Annotated[str | None, typer.Option(help="Trade source, e.g. comtrade-2024.")] = None,
    out: OutOpt = None,
    json: JSON = False,
) -> None:
    """Where COUNTRY imports COMMODITY from (share of import value), largest first."""
    from ..api._risk import import_sources
    from ._common import export, print_json, print_table

    df = import_sources(country, commodity, stage=stage, year=year, source=source)
    export(df, out)
    if json:
        print_json(df)
        return
    show = df[["stage", "hs6", "exporter"]].astype(str).assign(
        year=df["year"].astype(str),
        musd=(df["value_usd"] / 1e6).map(lambda v: _num(v, 1)),
        tonnes=df["quantity"].map(lambda v: _num(v, 1)),
        share=(df["share"] * 100).map(lambda v: _num(v, 1)),
    )
    print_table(show, columns={"stage": "stage", "year": "year", "hs6": "HS6",
                               "exporter": "exporter", "musd": "M USD", "tonnes": "t",
                               "share": "share %"},
            title=f"{country.upper()} imports of {commodity}",
            caption="Share of import value. HS 811292 groups Ga, Ge, In, Nb, Re and V; "
                    "850511 is permanent magnets. Source: trade_flows (default BACI 2024).")


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
    app.command("risk")(risk)
    app.command("import-sources")(import_sources)
