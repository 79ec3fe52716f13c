"""Pure, vectorised steps of the stress engine for one market, over a batch of draws.

Arrays have a leading draws axis ``B`` and a country axis ``N`` (numpy or CuPy). Quantities
are annual rates in the market's unit. Notation (see docs/stress.md):

- ``F[i, j]``  base flow from producer i to consumer j (diagonal = own use);
- ``D0 = F.sum(0)`` base demand, ``P0 = F.sum(1)`` base production, ``K`` capacity;
- ``o[b, i]``  share of i's output lost (outages, upstream shortfall);
- ``c[b, e, j]`` share of exporter e's flow to j withheld (0..1);
- ``s[b, j]``  demand surge (0.2 = +20 %);
- ``a[b, e, i]`` share of i's output made from exporter e's material (origin-aware
  restrictions), ``r[b, e, j]`` share of that content withheld from j.

The allocation rounds use :func:`fill` (equal-share filling of gaps from a pool), which the
LP reference in :mod:`.reference` replaces by a linear programme with the same optimum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .backend import xp_of

__all__ = [
    "Allocator",
    "MarketOutcome",
    "clear_market",
    "fill",
    "market_step",
    "reroute",
    "withhold",
]

#: ``allocate(pool, need) -> (given, used)``: pool (B, S) suppliers, need (B, I) consumers.
Allocator = Callable[[Any, Any], tuple[Any, Any]]


def _safe_div(xp: Any, num: Any, den: Any) -> Any:
    """num / den, 0 where den is (numerically) zero."""
    ok = den > 1e-200
    return xp.where(ok, num / xp.where(ok, den, 1.0), 0.0)


def fill(pool: Any, need: Any) -> tuple[Any, Any]:
    """Fill every consumer's need by the same share φ = min(1, Σpool / Σneed).

    Returns ``given = φ·need`` (B, I) and ``used = ψ·pool`` (B, S) with
    ψ = min(1, Σneed / Σpool), so Σgiven == Σused. This is the unique optimum (for
    ``given``) of the LP: max t s.t. Σ_i y_ij = t·need_j, Σ_j y_ij <= pool_i, 0 <= t <= 1.
    """
    xp = xp_of(need)
    p = pool.sum(axis=-1, keepdims=True)
    g = need.sum(axis=-1, keepdims=True)
    phi = xp.minimum(1.0, _safe_div(xp, p, g))
    psi = xp.minimum(1.0, _safe_div(xp, g, p))
    return need * phi, pool * psi


def withhold(
    F: Any, o: Any | None, exporters: Any, cut: Any, surge: Any | None,
    content: Any | None = None, content_cut: Any | None = None, *, batch: int | None = None,
) -> tuple[Any, Any, Any]:
    """Step 1: remove lost output and withheld exports from every consumer's receipts.

    received_j = D0_j − Σ_i o_i F_ij − Σ_e c_ej (1 − o_e) F_ej
                 − Σ_e r_ej Σ_{i≠j} a_ei (1 − o_i) F_ij;
    demand_j = D0_j (1 + s_j); gap_j = max(0, demand_j − received_j). ``exporters`` indexes
    the restricting exporters (length E) and ``cut`` is (B, E, N). ``content`` (B, E', N)
    and ``content_cut`` (B, E', N) are the origin-aware terms (own use, i = j, is never
    withheld). ``o`` or ``surge`` None means zero (no array is built for it; ``batch`` then
    gives B). Returns (received, demand, gap).
    """
    xp = xp_of(F)
    d0 = F.sum(axis=0)
    b = batch if o is None else o.shape[0]
    lost = None
    if o is not None:
        hit = xp.flatnonzero(o.any(axis=0))  # producers losing output in some draw (few)
        if len(hit):
            lost = o[:, hit] @ F[hit]
    for k, e in enumerate(exporters.tolist() if hasattr(exporters, "tolist") else exporters):
        row = F[e][None, :] if o is None else (1.0 - o[:, e:e + 1]) * F[e][None, :]
        lost = cut[:, k] * row if lost is None else xp.add(lost, cut[:, k] * row, out=lost)
    if content is not None:
        off = F - xp.diag(xp.diag(F))  # deliveries to others
        kept = content if o is None else content * (1.0 - o)[:, None, :]
        term = (content_cut * (kept @ off)).sum(axis=1)  # (B, N) content withheld
        lost = term if lost is None else xp.add(lost, term, out=lost)
    if lost is None:
        received = xp.broadcast_to(d0[None, :], (b, F.shape[1]))
    else:  # received = max(d0 − lost, 0), in place
        received = xp.maximum(xp.subtract(d0[None, :], lost, out=lost), 0.0, out=lost)
    demand = (xp.broadcast_to(d0[None, :], received.shape) if surge is None
              else d0[None, :] * (1.0 + surge))
    gap = demand - received
    return received, demand, xp.maximum(gap, 0.0, out=gap)


def reroute(
    gap: Any, spare: Any, allies: Any | None, allocate: Allocator = fill
) -> tuple[Any, Any]:
    """Step 2: other producers' usable spare capacity fills the gaps.

    Without allied sharing one round shares all spare capacity among all gaps. With
    ``allies`` (a boolean mask over countries) allied suppliers first fill allied gaps, then
    whatever is left fills every remaining gap. Returns (given, spare left in total (B,)).
    """
    if allies is None:
        given, used = allocate(spare, gap)
        return given, spare.sum(axis=-1) - used.sum(axis=-1)
    a = allies[None, :].astype(gap.dtype)
    g1, used1 = allocate(spare * a, gap * a)
    left = spare - used1
    g2, used2 = allocate(left, gap - g1)
    return g1 + g2, left.sum(axis=-1) - used2.sum(axis=-1)


def clear_market(
    demand: Any, residual: Any, idle: Any, eps_s: float, eps_d: float, pmax: float
) -> tuple[Any, Any]:
    """Step 3: post-disruption price multiplier and price-induced extra supply.

    With constant elasticities, total demand D·p^(−ε_d) meets supply (D − H)·p^(ε_s), where
    H = Σ residual gap: p = (D / (D − H))^(1/(ε_s+ε_d)). The extra supply
    E = (D − H)(p^ε_s − 1) cannot exceed the idle capacity left (``idle``, (B,)); when it
    would, E = idle and demand alone clears: p = ((D − H + E) / D)^(−1/ε_d). p is capped at
    ``pmax``. ``demand`` and ``residual`` are (B, N) arrays or their totals D and H (B,).
    Returns (price multiplier (B,), extra supply E (B,)).
    """
    xp = xp_of(idle)
    d = demand.sum(axis=-1) if demand.ndim > 1 else demand
    h = residual.sum(axis=-1) if residual.ndim > 1 else residual
    avail = xp.maximum(d - h, 0.0)
    ratio = _safe_div(xp, avail, d) + (d <= 0)  # share of demand still supplied; 1 if no demand
    # flooring each ratio where the price reaches pmax keeps p <= pmax without overflow
    p_unc = xp.maximum(ratio, pmax ** -(eps_s + eps_d)) ** (-1.0 / (eps_s + eps_d))
    e_unc = avail * (p_unc ** eps_s - 1.0)
    capped = e_unc > idle
    extra = xp.where(capped, idle, e_unc)
    ratio_c = _safe_div(xp, avail + extra, d) + (d <= 0)
    p_cap = xp.maximum(ratio_c, pmax ** -eps_d) ** (-1.0 / eps_d)
    price = xp.minimum(xp.where(capped, p_cap, p_unc), pmax)
    return price, xp.minimum(extra, h)


@dataclass
class MarketOutcome:
    """One market's result for a batch of draws (annual rates)."""

    demand: Any  # (B, N) demand after surges
    shortfall: Any  # (B, N) demand not met
    price: Any  # (B,) price multiplier
    supplied: Any  # (B,) total output that reached consumers

    @property
    def delivered(self) -> Any:
        """(B, N) quantity each consumer receives."""
        return self.demand - self.shortfall

    @property
    def share(self) -> Any:
        """(B, N) shortfall as a share of demand (0 where there is no demand)."""
        return _safe_div(xp_of(self.demand), self.shortfall, self.demand)


def market_step(
    F: Any,
    capacity: Any,
    *,
    outage: Any | None,
    exporters: Any,
    cut: Any,
    surge: Any | None,
    new_capacity: Any | None,
    allies: Any | None,
    utilisation: float,
    eps_s: float,
    eps_d: float,
    pmax: float,
    allocate: Allocator = fill,
    content: Any | None = None,
    content_cut: Any | None = None,
    batch: int | None = None,
) -> MarketOutcome:
    """Steps 1–3 for one market: withhold, reroute spare capacity, clear the market.

    Restricting exporters (any cut > 0 in a draw) offer no spare capacity in that draw.
    Spare capacity is ``utilisation``·(K − P0)·(1 − o) plus new capacity; the idle rest is
    what the price response can call on. Under origin-aware restrictions (``content``,
    ``content_cut``, see :func:`withhold`) a third country's idle capacity counts only its
    input not restricted: slack_i × (1 − min(1, Σ_e max_j r_ej · a_ei)). ``outage``,
    ``surge`` and ``new_capacity`` None mean zero (``batch`` gives B when all are None).
    Temporaries are reused in place; only totals are kept of what is only summed.
    """
    xp = xp_of(F)
    received, demand, gap = withhold(F, outage, exporters, cut, surge, content, content_cut,
                                     batch=batch)
    idle0 = xp.maximum(capacity - F.sum(axis=1), 0.0)[None, :]
    slack = xp.broadcast_to(idle0, gap.shape) if outage is None else idle0 * (1.0 - outage)
    if len(exporters):
        slack = slack.copy()
        slack[:, exporters] = xp.where(cut.max(axis=2) > 0, 0.0, slack[:, exporters])
    if content is not None:
        tied = (content_cut.max(axis=2)[:, :, None] * content).sum(axis=1)
        slack = slack * (1.0 - xp.minimum(tied, 1.0))
    quick = utilisation * slack
    if new_capacity is not None:
        quick = xp.add(quick, new_capacity, out=quick)
    given, quick_left = reroute(gap, quick, allies, allocate)
    residual = xp.subtract(gap, given, out=gap)
    idle = (1.0 - utilisation) * slack.sum(axis=-1) + quick_left
    price, extra = clear_market(demand, residual, idle, eps_s, eps_d, pmax)
    given3, _ = allocate(extra[:, None], residual)
    supplied = received.sum(axis=-1) + given.sum(axis=-1) + given3.sum(axis=-1)
    shortfall = xp.maximum(xp.subtract(residual, given3, out=given3), 0.0, out=given3)
    return MarketOutcome(demand=demand, shortfall=shortfall, price=price, supplied=supplied)
