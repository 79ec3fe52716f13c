"""Named consistency checks, used by the network builder, the stress engine and the tests.

Each ``check_*`` function raises :class:`~friendshore.errors.FriendshoreError` naming the rule
and the worst offender, or returns None. ``tol`` is relative to the largest quantity involved,
except in :func:`check_calibration`, where it is in percentage points of net import reliance.

Calibration: the network's implied net import reliance of a country in a market is

    NIR = clip((D - P) / D, 0, 1)

with D its demand (apparent consumption, the column sum of flows) and P its production, as
USGS computes it (net imports / apparent consumption; a net exporter, USGS's 'E', is 0).
:func:`calibration_table` sets it beside USGS's published US figure (MCS Fig2) for every
commodity where USGS gives a number; :func:`check_calibration` fails where the two differ by
more than the tolerance, unless the market is listed as uncalibrated with a reason
(``data/network/uncalibrated.csv``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..errors import FriendshoreError
from .supply import SupplyNetwork

__all__ = [
    "CALIBRATION_COLUMNS",
    "calibration_table",
    "check_calibration",
    "check_mass_balance",
    "check_network",
    "check_nonnegative",
    "check_outcome",
    "implied_nir",
]

#: Columns of :func:`calibration_table`, in order (reliances are fractions 0-1).
CALIBRATION_COLUMNS = [
    "commodity", "stage", "market", "year", "published_us_nir", "bound", "network_us_nir",
    "difference", "status", "reason",
]


def _scale(*arrays: np.ndarray) -> float:
    return max([1.0, *(float(np.abs(a).max()) for a in arrays if np.size(a))])


def check_nonnegative(name: str, values: np.ndarray, tol: float = 1e-9) -> None:
    """Every entry of ``values`` is >= 0 (up to ``tol``)."""
    values = np.asarray(values)
    if values.size and float(values.min()) < -tol * _scale(values):
        raise FriendshoreError(f"check_nonnegative: {name} has {float(values.min()):g} < 0")


def check_network(net: SupplyNetwork, tol: float = 1e-6) -> None:
    """Shapes agree, quantities are non-negative, flows add up to production and demand,
    and capacity covers production."""
    m, n = len(net.markets), len(net.countries)
    for name in ("production", "capacity", "demand", "stockpile_months"):
        if getattr(net, name).shape != (m, n):
            raise FriendshoreError(f"check_network: {name} has shape {getattr(net, name).shape}")
        check_nonnegative(name, getattr(net, name))
    if net.flows.shape != (m, n, n):
        raise FriendshoreError(f"check_network: flows has shape {net.flows.shape}")
    check_nonnegative("flows", net.flows)
    for label, got, want in (
        ("production", net.flows.sum(axis=2), net.production),
        ("demand", net.flows.sum(axis=1), net.demand),
    ):
        bad = np.abs(got - want) > tol * _scale(want)
        if bad.any():
            mi, ci = np.argwhere(bad)[0]
            raise FriendshoreError(
                f"check_network: flows do not add up to {label} for "
                f"{net.markets[mi]} {net.countries[ci]}: {got[mi, ci]:g} vs {want[mi, ci]:g}"
            )
    short = net.capacity < net.production * (1 - tol)
    if short.any():
        mi, ci = np.argwhere(short)[0]
        raise FriendshoreError(
            f"check_network: capacity below production for {net.markets[mi]} {net.countries[ci]}"
        )


def check_mass_balance(
    delivered: np.ndarray, demand: np.ndarray, supplied: np.ndarray, tol: float = 1e-9
) -> None:
    """Nothing is delivered that was not produced, and no country gets more than it demands.

    ``delivered`` and ``demand`` are (draws, countries); ``supplied`` is (draws,) total output
    that reached the market (base deliveries + rerouted spare + price-induced supply).
    """
    scale = _scale(demand, supplied)
    over = delivered - demand
    if over.size and float(over.max()) > tol * scale:
        raise FriendshoreError(
            f"check_mass_balance: a country receives {float(over.max()):g} more than it demands"
        )
    excess = delivered.sum(axis=-1) - supplied
    if excess.size and float(excess.max()) > tol * scale:
        raise FriendshoreError(
            f"check_mass_balance: {float(excess.max()):g} delivered beyond what was produced"
        )


def check_outcome(
    delivered: np.ndarray,
    demand: np.ndarray,
    supplied: np.ndarray,
    shortfall: np.ndarray,
    tol: float = 1e-9,
) -> None:
    """Mass balance plus non-negative shortfalls and deliveries."""
    check_nonnegative("shortfall", shortfall, tol)
    check_nonnegative("delivered", delivered, tol)
    check_mass_balance(delivered, demand, supplied, tol)


def implied_nir(net: SupplyNetwork, country: str) -> np.ndarray:
    """``clip((D - P) / D, 0, 1)`` per market for ``country``; NaN where it has no demand."""
    j = net.country(country)
    d, p = net.demand[:, j], net.production[:, j]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(d > 0, np.clip((d - p) / np.where(d > 0, d, 1.0), 0.0, 1.0), np.nan)


def _market_for(commodity: str, stage: str, mapped: pd.DataFrame,
                markets: set[tuple[str, str]]) -> tuple[str, str] | None:
    """The network market USGS's figure for (commodity, stage) is checked on: the mapped
    market of that stage, else the commodity's only mapped market (USGS's NIR form, e.g.
    nickel 'all forms' on the refined-nickel market), else the same (commodity, stage)."""
    own = mapped[mapped["commodity"] == commodity].drop_duplicates("stage")  # one per edition
    m = (commodity, stage)
    if len(own) == 1 and not (own["stage"] == stage).any():
        m = (commodity, str(own["stage"].iloc[0]))
    return m if m in markets else None


def _pct(v: float) -> str:
    return "none" if pd.isna(v) else f"{100 * v:.1f} %"


def _passes(network: float, published: float, bound: str | None, tol: float) -> bool:
    """Within ``tol`` of USGS's figure; for '>x' (at least) network >= x - tol, for '<x'
    network <= x + tol."""
    if bound == ">":
        return network >= published - tol
    if bound == "<":
        return network <= published + tol
    return abs(network - published) <= tol


def calibration_table(
    net: SupplyNetwork, published: pd.DataFrame, mapped: pd.DataFrame,
    uncalibrated: pd.DataFrame, tol_pp: float,
) -> pd.DataFrame:
    """USGS's US net import reliance beside the network's, per commodity and USGS stage.

    ``published``: ``commodity, stage, year, nir_pct, bound, net_exporter`` (MCS Fig2, one
    row per edition); per commodity the edition whose year is nearest the market's data year
    is used (ties: the newest). ``mapped``: ``commodity, stage`` of the markets the US is
    calibrated on (``data/network/us_consumption.csv``). ``uncalibrated``: ``commodity,
    stage, reason``. ``status``: ``ok``, ``outside`` (more than ``tol_pp`` points apart),
    ``no market``, ``no US demand`` or ``uncalibrated`` (the listed reason).
    """
    pub = published[published["nir_pct"].notna() | published["net_exporter"].fillna(False)]
    markets = set(net.markets)
    listed = {(r.commodity, r.stage): r.reason for r in uncalibrated.itertuples()}
    us = implied_nir(net, "USA") if "USA" in net.countries else np.full(len(markets), np.nan)
    rows = []
    for (c, s), group in pub.groupby(["commodity", "stage"], sort=True):
        m = _market_for(c, s, mapped, markets)
        year = net.years[net.market(*m)] if m and net.years else int(group["year"].max())
        g = group.assign(gap=(group["year"] - year).abs()).sort_values(
            ["gap", "year"], ascending=[True, False]).iloc[0]
        value = 0.0 if g["net_exporter"] else float(g["nir_pct"]) / 100.0
        bound = g["bound"] if isinstance(g["bound"], str) else None
        got = float(us[net.market(*m)]) if m else float("nan")
        reason = listed.get((c, s)) or (listed.get(m) if m else None)
        if reason:
            status = "uncalibrated"
        elif m is None:
            status = "no market"
        elif np.isnan(got):
            status = "no US demand"
        else:
            status = "ok" if _passes(got, value, bound, tol_pp / 100.0) else "outside"
        rows.append({"commodity": c, "stage": s, "market": f"{m[0]}/{m[1]}" if m else None,
                     "year": int(g["year"]), "published_us_nir": value, "bound": bound,
                     "network_us_nir": got, "difference": got - value, "status": status,
                     "reason": reason})
    return pd.DataFrame(rows, columns=CALIBRATION_COLUMNS)


def check_calibration(table: pd.DataFrame, tol_pp: float,
                      allowed: Iterable[str] = ("ok", "uncalibrated")) -> None:
    """Every row of :func:`calibration_table` is within ``tol_pp`` points of USGS or listed
    as uncalibrated; otherwise raise naming each failing commodity and its two figures."""
    bad = table[~table["status"].isin(list(allowed))]
    if len(bad):
        items = "; ".join(
            f"{r.commodity} ({r.stage}, market {r.market or 'none'}): network "
            f"{_pct(r.network_us_nir)} vs USGS {r.bound or ''}{_pct(r.published_us_nir)} "
            f"[{r.status}]" for r in bad.itertuples())
        raise FriendshoreError(
            f"check_calibration: US net import reliance more than {tol_pp:g} points from USGS "
            f"MCS Fig2, and not listed in data/network/uncalibrated.csv: {items}")
