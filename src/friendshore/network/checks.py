"""Named consistency checks, used by the network builder, the stress engine and the tests.

Each ``check_*`` function raises :class:`~friendshore.errors.FriendshoreError` naming the rule
and the worst offender, or returns None. ``tol`` is relative to the largest quantity involved.
"""

from __future__ import annotations

import numpy as np

from ..errors import FriendshoreError
from .supply import SupplyNetwork

__all__ = [
    "check_mass_balance",
    "check_network",
    "check_nonnegative",
    "check_outcome",
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
