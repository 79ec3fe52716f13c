"""Python API of the risk layer: supply-risk metrics per commodity x stage, import sources.

``risk()`` reads each commodity x stage's production series (the one ``supply`` shows: the
latest observed year, USGS before IEA) or, for a stage without production data but with
bilateral trade (rare-earth permanent magnets, HS 850511), the exporters' shares of world
exports that ``supply`` falls back to (``share_basis`` 'exports'), the WGI, US net import
reliance (USGS MCS Fig2/T5) and trade flows (BACI), and computes the metrics of
:mod:`friendshore.metrics` for all commodities at once. Formulas and assumptions: docs/risk.md.

A computed table is kept per store object, keyed on the request (commodities, year,
assumption overrides) and on every source's ``loaded_at``, so repeated calls (the web
server's ``/api/risk``) cost one small query, and any (re)load of a source recomputes.
"""

from __future__ import annotations

import csv
import json
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from ..assumptions import Assumptions
from ..conventions.commodities import (
    all_commodities,
    by_hs6,
    validate_commodity,
    validate_stage,
)
from ..conventions.countries import group_members, validate_iso3
from ..errors import FriendshoreError, UnknownNameError
from ..iomodel.enduse import price_table
from ..metrics.concentration import concentration_table, scale_wgi
from ..metrics.crm import eu_supply_risk, sourcing_hhi_wgi
from ..metrics.exposure import import_shares, net_import_reliance, reserves_to_production
from ..store import Store, queries_atlas, queries_risk
from ._atlas import supply
from ._base import get_store

__all__ = ["RISK_FIELDS", "RISK_JSON_FIELDS", "import_sources", "risk", "risk_assumptions"]

#: The documented fields of ``risk()``, in order; extra columns follow them.
RISK_FIELDS = [
    "commodity", "stage", "year", "unit", "world_production", "hhi", "hhi_wgi", "top_country",
    "top_share", "china_share", "allied_share", "us_net_import_reliance",
    "jpn_import_reliance", "eu_supply_risk",
]
#: What ``--json`` and ``/api/risk`` give: the documented fields, then whether a row's shares
#: are of production or of world exports (``share_basis``) and the world export total, whether
#: Japan's reliance is a lower bound (``jpn_nir_bound``) and the HS6 codes it sums (``trade_hs6``).
RISK_JSON_FIELDS = [*RISK_FIELDS, "share_basis", "world_exports", "jpn_nir_bound", "trade_hs6"]
_EXTRA = [
    "hhi_10000", "top3_share", "n_countries", "coverage", "world_reported", "source",
    "wgi_year", "reserves_year", "world_reserves", "reserves_lower_bound", "reserves_top_country",
    "reserves_top_share", "china_reserves_share", "r_p_years", "us_nir_bound", "us_net_exporter",
    "us_import_sources", "jpn_production", "jpn_nir_bound", "jpn_net_imports_t",
    "jpn_net_exporter",
    "jpn_import_sources", "jpn_top_source", "jpn_top_source_share", "jpn_china_import_share",
    "trade_year", "trade_hs6", "jpn_sourcing_hhi_wgi", "jpn_supply_risk", "eol_rir", "si_sr",
    "eu_production", "eu_net_imports_t", "eu_import_reliance", "eu_sourcing_hhi_wgi",
    "eu_supply_risk_ec2017", "eu_sr_bottleneck", "share_basis", "world_exports",
    "price_usd_per_t", "world_value_usd",
]
_KEYS = ["commodity", "stage"]
#: Columns the parts of ``risk()`` contribute (besides the documented fields and extras).
_PARTS = [*RISK_FIELDS, *_EXTRA, "us_year"]
_MULTI = ("risk_eol_rir", "risk_si_sr", "risk_export_restriction_factor",
          "risk_lumped_code_share")
_N_SOURCES = 4
#: Risk tables kept per store (the most recently used ones).
_CACHE_SIZE = 32
_cache: weakref.WeakKeyDictionary[Store, OrderedDict[tuple, pd.DataFrame]] = (
    weakref.WeakKeyDictionary())
_cache_lock = threading.Lock()  # guards _cache
_compute_lock = threading.Lock()  # one computation at a time: callers of the same table wait


def risk_assumptions(overrides: Mapping[str, Any] | None = None) -> Assumptions:
    """The risk assumptions in force; ``name.key`` overrides set one commodity's (or country's)
    value of a per-commodity assumption, e.g. ``{"risk_eol_rir.cobalt": 0.22}``."""
    plain: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        base, _, sub = str(key).partition(".")
        if sub and base in _MULTI:
            current = plain.get(base, Assumptions()[base])
            table = dict(current) if isinstance(current, Mapping) else {"*": current}
            table[sub if base != "risk_export_restriction_factor" else sub.upper()] = value
            plain[base] = table
        else:
            plain[key] = value
    return Assumptions(plain)


def _per_key(value: Any, keys: pd.Series) -> np.ndarray:
    """A scalar or {key: value, "*": fallback} assumption as one float per key."""
    if isinstance(value, Mapping):
        fallback = float(value.get("*", np.nan))
        return keys.map(lambda k: float(value.get(k, fallback))).to_numpy(dtype=float)
    return np.full(len(keys), float(value))


@cache
def _content_factors() -> dict[str, float]:
    """HS6 -> factor from traded gross tonnes to the commodity's basis (NaN: unknown)."""
    from importlib import resources

    path = resources.files("friendshore") / "data" / "trade" / "hs6_content.csv"
    with path.open(encoding="utf-8") as fh:
        return {
            r["hs6"]: float(r["content_factor"]) if r["content_factor"] else np.nan
            for r in csv.DictReader(fh)
        }


def _wgi_by_year(store: Store, a: Assumptions, years: Iterable[int]) -> dict[int, tuple]:
    """Production year -> (WGI year used, {ISO3: scaled WGI}) with the latest WGI year <= it."""
    g = queries_risk.governance_mean(store, a["risk_wgi_indicators"])
    out: dict[int, tuple] = {}
    avail = sorted(g["year"].unique())
    for y in years:
        usable = [w for w in avail if w <= y] or avail[:1]
        if not usable:
            out[int(y)] = (np.nan, {})
            continue
        wy = int(usable[-1])
        sub = g[g["year"] == wy]
        out[int(y)] = (wy, dict(zip(sub["country"], scale_wgi(sub["estimate"].to_numpy()),
                                    strict=True)))
    return out


def _concentration(store: Store, prod: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Concentration metrics of the picked production series, per production year's WGI."""
    allies = group_members(a["risk_ally_group"])
    tfac = a["risk_export_restriction_factor"]
    countries = pd.Series(sorted(prod["country"].unique()))
    t = dict(zip(countries, _per_key(tfac, countries), strict=True))
    frames = []
    for y, (wy, wgi) in _wgi_by_year(store, a, prod["year"].unique()).items():
        part = concentration_table(
            prod[prod["year"] == y], wgi_scaled=wgi, wgi_missing=float(a["risk_wgi_missing"]),
            trade_factor=t, allies=allies,
        )
        frames.append(part.assign(wgi_year=wy))
    if not frames:
        return pd.DataFrame(columns=_KEYS)
    out = pd.concat(frames, ignore_index=True)
    meta = prod.groupby(_KEYS, as_index=False).agg(
        unit=("unit", "first"), source=("source", "first"), share_basis=("share_basis", "first"))
    out = out.merge(meta, on=_KEYS, how="left")
    # export-based rows: the total is world exports (gross weight), not world production
    exported = out["share_basis"].eq("exports")
    out["world_exports"] = out["world_production"].where(exported)
    out.loc[exported, "world_production"] = np.nan
    return out


def _export_rows(store: Store, prod: pd.DataFrame, wanted: set[str] | None,
                 year: int | None) -> pd.DataFrame:
    """Exports per exporter, as ``supply`` shows them, for each commodity x stage with trade
    flows but no production series (e.g. rare-earth permanent magnets, HS 850511)."""
    have = set(zip(prod["commodity"], prod["stage"], strict=True))
    frames = []
    for com, stage in queries_atlas.trade_stages(store).itertuples(index=False):
        if (com, stage) in have or (wanted is not None and com not in wanted):
            continue
        try:
            sup = supply(com, stage, year=year, store=store)
        except FriendshoreError:  # no trade in that year, or a stage the commodity lacks
            continue
        if sup.attrs["measure"] != "exports":  # a production series with no country value
            continue
        frames.append(pd.DataFrame({
            "commodity": com, "stage": stage, "year": sup.attrs["year"],
            "country": sup["country"], "value": sup["exports"], "unit": sup["unit"],
            "source": sup.attrs["source"], "share_basis": "exports"}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=_KEYS)


def _reserves(store: Store, year: int | None) -> pd.DataFrame:
    """Reserves of the picked series: world total, top holder and China's share."""
    res = queries_risk.picked_rows(store, "reserves", year)
    if res.empty:
        return pd.DataFrame(columns=_KEYS)
    conc = concentration_table(res.drop(columns="year"), keys=_KEYS)
    world = res[res["country"] == "WLD"].groupby(_KEYS).agg(
        wld=("value", "max"), reserves_lower_bound=("lower_bound", "any"),
        reserves_year=("measure_year", "max"))
    out = conc.set_index(_KEYS)[["world_production", "top_country", "top_share", "china_share"]]
    out.columns = ["row_sum", "reserves_top_country", "reserves_top_share",
                   "china_reserves_share"]
    out = out.join(world, how="outer")
    out["world_reserves"] = out["wld"].where(out["wld"].notna(), out["row_sum"])
    years = res.groupby(_KEYS)["measure_year"].max()
    out["reserves_year"] = out["reserves_year"].fillna(years)
    out["reserves_lower_bound"] = out["reserves_lower_bound"].astype("boolean").fillna(False)
    return out.drop(columns=["wld", "row_sum"]).reset_index()


def _us(store: Store) -> pd.DataFrame:
    """US net import reliance as a fraction (USGS percent / 100) with its bound and sources."""
    nir = queries_risk.us_import_reliance(store)
    return pd.DataFrame({
        "commodity": nir["commodity"], "stage": nir["stage"], "us_year": nir["year"],
        "us_net_import_reliance": np.where(nir["net_exporter"].fillna(False), 0.0,
                                           nir["nir_pct"] / 100.0),
        "us_nir_bound": nir["bound"], "us_net_exporter": nir["net_exporter"].fillna(False),
        "us_import_sources": nir["import_sources"],
    })


def _latest_year(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of each commodity x stage's latest trade year."""
    return df[df["year"] == df.groupby(_KEYS)["year"].transform("max")]


def _content_factor(hs6: pd.Series, commodity: pd.Series, a: Assumptions) -> np.ndarray:
    """Per row, the factor from traded gross t to the commodity's basis: ``hs6_content.csv``,
    else for a code several commodities share (811292) the commodity's share of its tonnage
    (``risk_lumped_code_share``, an estimate), else NaN (unknown)."""
    shared = {code for code, users in by_hs6().items() if len(users) > 1}
    f = hs6.map(_content_factors()).to_numpy(dtype=float)
    lumped = _per_key(a["risk_lumped_code_share"], commodity.reset_index(drop=True))
    return np.where(np.isnan(f) & hs6.isin(shared).to_numpy(), lumped, f)


def _latest_totals(tot: pd.DataFrame, a: Assumptions) -> pd.DataFrame:
    """Imports and exports per commodity x stage in its latest trade year, over every HS6 code
    of the market (``hs6``: the codes, comma-separated).

    ``imports_t``/``exports_t`` are gross tonnes. ``imports_b``/``exports_b`` with factor ``f``
    feed :func:`net_import_reliance`: one code keeps its gross tonnes and factor (a factor the
    reliance needs only where production > 0); several codes are each converted to the basis
    (``f`` = 1; NaN where a code's factor is unknown).
    """
    t = _latest_year(tot).reset_index(drop=True)
    t = t.assign(f=_content_factor(t["hs6"], t["commodity"], a),
                 imports_t=t["imports_t"].fillna(0.0), exports_t=t["exports_t"].fillna(0.0))
    t = t.assign(imp_c=t["imports_t"] * t["f"], exp_c=t["exports_t"] * t["f"])
    out = t.groupby(_KEYS, as_index=False).agg(
        year=("year", "max"), hs6=("hs6", lambda s: ",".join(sorted(set(s)))),
        n=("hs6", "nunique"), f=("f", "first"), imports_t=("imports_t", "sum"),
        exports_t=("exports_t", "sum"), imp_c=("imp_c", lambda s: s.sum(min_count=len(s))),
        exp_c=("exp_c", lambda s: s.sum(min_count=len(s))))
    one = out["n"] == 1
    return out.assign(
        imports_b=np.where(one, out["imports_t"], out["imp_c"]),
        exports_b=np.where(one, out["exports_t"], out["exp_c"]),
        f=np.where(one, out["f"], 1.0)).drop(columns=["n", "imp_c", "exp_c"])


def _flows_in_basis(flows: pd.DataFrame, produces: pd.Series, a: Assumptions) -> pd.DataFrame:
    """Bilateral flows of the markets in ``produces`` (keys -> production > 0) with ``value``
    in the production basis: quantity x the flow's code factor where the importer produces,
    plain tonnes where it produces none (the basis cancels); an unknown factor or quantity
    leaves the value unknown (the import then counts as withheld in the shares)."""
    imp = flows.join(produces.rename("produces"), on=_KEYS, how="inner").reset_index(drop=True)
    f = np.where(imp["produces"], _content_factor(imp["hs6"], imp["commodity"], a), 1.0)
    return imp.assign(value=imp["quantity"] * f)


def _japan(store: Store, a: Assumptions, prod: pd.DataFrame) -> pd.DataFrame:
    """Japan's import reliance and import sources per commodity x stage from trade flows.

    Japan's production is its row in the market's series; 0 where a USGS series lists no
    Japan (``risk_jpn_unlisted_production_zero``); where an IEA series (top producers only)
    lists none, at most the series' rest of world, so the reliance is a lower bound
    (``jpn_nir_bound`` '>'). Net imports sum every HS6 code of the market (``trade_hs6``).
    """
    source = a["risk_trade_source"]
    tot = queries_risk.trade_totals(store, source, "JPN")
    if tot.empty:
        return pd.DataFrame(columns=_KEYS)
    tot = _latest_totals(tot, a).rename(columns={"year": "trade_year", "hs6": "trade_hs6"})
    jp = prod[prod["country"] == "JPN"].groupby(_KEYS)["value"].sum(min_count=1)
    rest = prod[prod["country"] == "OTH"].groupby(_KEYS)["value"].sum(min_count=1)
    idx = tot.set_index(_KEYS).index
    usgs = prod[prod["kind"] == "usgs-mcs"].set_index(_KEYS).index
    has_series = idx.isin(usgs)  # USGS lists every major producer
    zero_ok = bool(a["risk_jpn_unlisted_production_zero"])
    p = np.where(idx.isin(jp.index), jp.reindex(idx).to_numpy(),
                 np.where(has_series & zero_ok, 0.0, np.nan))
    p_max = np.where(np.isnan(p), rest.reindex(idx).to_numpy(), p)  # Japan is in the rest
    # tonnes of the flows that report a quantity (BACI leaves ~5 % of flows, by count, blank)
    tot["jpn_production"] = p
    tot["jpn_net_imports_t"] = tot["imports_t"] - tot["exports_t"]
    nir = net_import_reliance(p_max, tot["imports_b"], tot["exports_b"], tot["f"])
    tot["jpn_import_reliance"] = nir
    tot["jpn_nir_bound"] = np.where(np.isnan(p) & (nir > 0), ">", None)
    tot["jpn_net_exporter"] = tot["jpn_net_imports_t"] <= 0
    flows = queries_risk.trade_by_partner(store, source, "JPN")
    flows = _latest_year(flows)
    sh = import_shares(flows, keys=_KEYS)
    top = sh[sh["rank"] < _N_SOURCES].groupby(_KEYS)["exporter"].agg(list)
    first = sh[sh["rank"] == 0].set_index(_KEYS)[["exporter", "share"]]
    first.columns = ["jpn_top_source", "jpn_top_source_share"]
    cn = sh[sh["exporter"] == "CHN"].set_index(_KEYS)["share"].rename("jpn_china_import_share")
    out = tot.set_index(_KEYS).join(top.rename("jpn_import_sources")).join(first).join(cn)
    has_imports = out["jpn_top_source"].notna()
    out.loc[has_imports & out["jpn_china_import_share"].isna(), "jpn_china_import_share"] = 0.0
    out = out.join(_japan_sourcing(store, a, tot, flows))
    return out.reset_index().drop(columns=["imports_t", "exports_t", "imports_b", "exports_b",
                                           "f"])


def _japan_sourcing(store: Store, a: Assumptions, tot: pd.DataFrame,
                    flows: pd.DataFrame) -> pd.Series:
    """HHI_WGI of Japan's sourcing: its own production plus its imports by origin, in the
    production basis (the EC 2017 'EU sourcing' term, applied to Japan)."""
    known = tot[np.isfinite(tot["jpn_production"])]
    known = known[(known["jpn_production"] == 0) | np.isfinite(known["f"])]
    if known.empty or flows.empty:
        empty = pd.MultiIndex.from_tuples([], names=_KEYS)
        return pd.Series(dtype=float, name="jpn_sourcing_hhi_wgi", index=empty)
    imp = _flows_in_basis(flows, known.set_index(_KEYS)["jpn_production"] > 0, a)
    rows = pd.concat([
        pd.DataFrame({"commodity": imp["commodity"], "stage": imp["stage"],
                      "country": imp["exporter"], "value": imp["value"]}),
        pd.DataFrame({"commodity": known["commodity"], "stage": known["stage"],
                      "country": "JPN", "value": known["jpn_production"]}),
    ], ignore_index=True)
    year = int(known["trade_year"].max())
    _wy, wgi = _wgi_by_year(store, a, [year])[year]
    conc = concentration_table(rows, keys=_KEYS, wgi_scaled=wgi,
                               wgi_missing=float(a["risk_wgi_missing"]))
    return conc.set_index(_KEYS)["hhi_wgi"].rename("jpn_sourcing_hhi_wgi")


def _eu(store: Store, a: Assumptions, prod: pd.DataFrame) -> pd.DataFrame:
    """EU import reliance and HHI_WGI,t of EU sourcing (EC 2017) per commodity x stage: the
    members' production in the row's series plus extra-EU trade (flows inside the EU skipped)."""
    members = group_members(a["risk_eu_group"])
    tot = queries_risk.trade_totals_group(store, a["risk_trade_source"], members)
    if tot.empty:
        return pd.DataFrame(columns=_KEYS)
    tot = _latest_totals(tot, a).rename(columns={"year": "eu_trade_year"})
    own = prod[prod["country"].isin(members)]
    # a member's withheld value (W) leaves the region's production unknown
    listed = own.groupby(_KEYS)["value"].sum().where(
        ~own["value"].isna().groupby([own[k] for k in _KEYS]).any())
    idx = tot.set_index(_KEYS).index
    usgs = idx.isin(prod[prod["kind"] == "usgs-mcs"].set_index(_KEYS).index)
    zero_ok = bool(a["risk_eu_unlisted_production_zero"])
    p = np.where(idx.isin(listed.index), listed.reindex(idx).to_numpy(),
                 np.where(usgs & zero_ok, 0.0, np.nan))
    out = tot[_KEYS].assign(
        eu_production=p, eu_net_imports_t=tot["imports_t"] - tot["exports_t"],
        eu_import_reliance=net_import_reliance(p, tot["imports_b"], tot["exports_b"], tot["f"]))
    # sourcing mix in the production basis; f cancels where the EU produces none
    ok = np.isfinite(p) & ((p == 0) | np.isfinite(tot["f"].to_numpy()))
    produces = pd.Series(p > 0, index=idx)[ok]
    flows = queries_risk.trade_by_partner_group(store, a["risk_trade_source"], members)
    flows = flows.join(tot.set_index(_KEYS)["eu_trade_year"], on=_KEYS)
    flows = _flows_in_basis(flows[flows["year"] == flows["eu_trade_year"]], produces, a)
    year = int(tot["eu_trade_year"].max())
    _wy, wgi = _wgi_by_year(store, a, [year])[year]
    countries = pd.Series(sorted(set(flows["exporter"]) | set(own["country"])))
    hhi = sourcing_hhi_wgi(
        own.join(produces.rename("produces"), on=_KEYS, how="inner"), flows, wgi,
        wgi_missing=float(a["risk_wgi_missing"]),
        trade_factor=dict(zip(countries, _per_key(a["risk_export_restriction_factor"],
                                                  countries), strict=True)))
    return out.join(hhi.rename("eu_sourcing_hhi_wgi"), on=_KEYS)


def risk(
    commodities: Iterable[str] | str | None = None,
    year: int | None = None,
    store: Store | None = None,
    *,
    assumptions: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Supply-risk metrics, one row per commodity x stage (fields: ``RISK_FIELDS`` + extras).

    ``year`` picks the production year (default: each series' latest observed year). Values
    the data do not allow are NaN (null in JSON), never 0. ``assumptions`` overrides named
    risk assumptions (``risk_eol_rir``, ``risk_si_sr`` … ; ``name.slug`` for one commodity).
    """
    st = get_store(store)
    a = risk_assumptions(assumptions)
    wanted = None
    if commodities is not None:
        names = [commodities] if isinstance(commodities, str) else list(commodities)
        wanted = {validate_commodity(c, where="risk") for c in names}
    key = (queries_risk.sources_loaded(st), tuple(sorted(wanted)) if wanted is not None else None,
           year, json.dumps(dict(assumptions or {}), sort_keys=True, default=repr))
    table = _cached(st, key)
    if table is None:
        with _compute_lock:
            table = _cached(st, key)
            if table is None:
                table = _risk_table(st, a, wanted, year)
                with _cache_lock:
                    tables = _cache.setdefault(st, OrderedDict())
                    tables[key] = table
                    while len(tables) > _CACHE_SIZE:
                        tables.popitem(last=False)
    return table.copy()


def _cached(store: Store, key: tuple) -> pd.DataFrame | None:
    """The risk table kept for ``key`` on ``store``, if any (marked most recently used)."""
    with _cache_lock:
        tables = _cache.get(store)
        if tables is None or key not in tables:
            return None
        tables.move_to_end(key)
        return tables[key]


def _risk_table(
    st: Store, a: Assumptions, wanted: set[str] | None, year: int | None
) -> pd.DataFrame:
    """Compute the risk table (see :func:`risk`); ``wanted`` limits the commodities."""
    _check_trade_source(st, a["risk_trade_source"])
    years = queries_risk.observed_years(st) if year is not None else []
    # a year no series has is refused before the query: DuckDB cannot cast one past int32
    prod = (queries_risk.picked_rows(st, "production", year) if year is None or year in years
            else pd.DataFrame())
    if prod.empty and year is not None:
        raise FriendshoreError(f"no observed production data for {year}; years with data: "
                               f"{', '.join(map(str, years))}")
    if wanted is not None:
        prod = prod[prod["commodity"].isin(wanted)]
    shares = pd.concat([prod.assign(share_basis="production"),
                        _export_rows(st, prod, wanted, year)], ignore_index=True)
    conc = _concentration(st, shares, a)
    out = conc.merge(_reserves(st, year), on=_KEYS, how="left")
    us = _us(st)
    jp = _japan(st, a, prod)
    out = out.merge(us, on=_KEYS, how="outer").merge(jp, on=_KEYS, how="outer")
    out = out.merge(_eu(st, a, prod), on=_KEYS, how="left")
    # a part with no rows (e.g. no production series for the selection) lacks its columns
    out = out.reindex(columns=list(dict.fromkeys([*out.columns, *_PARTS])))
    if wanted is not None:
        out = out[out["commodity"].isin(wanted)]
    if year is not None:
        keep = out["year"].notna() | out["us_year"].eq(year) | out["trade_year"].eq(year)
        out = out[keep]
    out["year"] = out["year"].fillna(out["us_year"]).fillna(out["trade_year"]).astype("Int64")
    units = {c.slug: c.unit for c in all_commodities().values()}
    out["unit"] = out["unit"].fillna(out["commodity"].map(units))
    out["r_p_years"] = reserves_to_production(out["world_reserves"], out["world_production"])
    prices = price_table().set_index(_KEYS)["price_usd_per_t"]  # one price table: the bridge's
    out["price_usd_per_t"] = [prices.get((c, s), np.nan)
                              for c, s in zip(out["commodity"], out["stage"], strict=True)]
    out["world_value_usd"] = out["world_production"] * out["price_usd_per_t"]
    out["eol_rir"] = _per_key(a["risk_eol_rir"], out["commodity"])
    out["si_sr"] = _per_key(a["risk_si_sr"], out["commodity"])
    out["eu_supply_risk"] = eu_supply_risk(out["hhi_wgi"], out["eol_rir"], out["si_sr"])
    out["jpn_supply_risk"] = eu_supply_risk(
        out["hhi_wgi"], out["eol_rir"], out["si_sr"],
        hhi_wgi_eu=out["jpn_sourcing_hhi_wgi"], import_reliance=out["jpn_import_reliance"])
    out["eu_supply_risk_ec2017"] = eu_supply_risk(
        out["hhi_wgi"], out["eol_rir"], out["si_sr"],
        hhi_wgi_eu=out["eu_sourcing_hhi_wgi"], import_reliance=out["eu_import_reliance"])
    # EC 2017: a material's SR is that of its bottleneck stage, the stage with the highest SR
    sr = out["eu_supply_risk_ec2017"]
    top = sr.groupby(out["commodity"]).transform("max")
    out["eu_sr_bottleneck"] = pd.Series(sr.eq(top), dtype="boolean").where(sr.notna())
    for col in ("us_net_exporter", "jpn_net_exporter", "reserves_lower_bound"):
        out[col] = out[col].astype("boolean")
    out = out.sort_values(_KEYS, key=lambda s: s.map(_stage_order) if s.name == "stage" else s)
    return out[[*RISK_FIELDS, *_EXTRA]].reset_index(drop=True)


def _check_trade_source(store: Store, source: str) -> None:
    """Raise listing the loaded trade sources when ``source`` is not one of them."""
    known = queries_risk.trade_sources(store)
    if source not in known:
        raise UnknownNameError("trade source", source, known, where="risk_trade_source")


def _stage_order(stage: str) -> int:
    return {"mine": 0, "refine": 1, "component": 2}.get(stage, 9)


def import_sources(
    country: str,
    commodity: str,
    *,
    stage: str | None = None,
    year: int | None = None,
    source: str | None = None,
    store: Store | None = None,
) -> pd.DataFrame:
    """Where ``country`` imports ``commodity`` from: exporter, value (USD), tonnes and share of
    import value, largest first, from trade flows (default BACI 2024; latest year)."""
    st = get_store(store)
    iso = validate_iso3(country, where="import_sources")
    slug = validate_commodity(commodity, where="import_sources")
    src = source or Assumptions()["risk_trade_source"]
    _check_trade_source(st, src)
    flows = queries_risk.trade_by_partner(st, src, iso, slug)
    if stage is not None:
        flows = flows[flows["stage"] == validate_stage(stage)]
    if year is not None:
        flows = flows[flows["year"] == year]
    elif len(flows):
        flows = flows[flows["year"] == flows["year"].max()]
    cols = ["commodity", "stage", "year", "hs6", "exporter", "value_usd", "quantity", "share",
            "rank"]
    if flows.empty:
        return pd.DataFrame(columns=cols)
    sh = import_shares(flows, keys=["commodity", "stage", "year", "hs6"])
    qty = flows.groupby(["commodity", "stage", "year", "hs6", "exporter"])["quantity"].sum(
        min_count=1)
    sh = sh.join(qty, on=["commodity", "stage", "year", "hs6", "exporter"])
    return sh[cols].reset_index(drop=True)
