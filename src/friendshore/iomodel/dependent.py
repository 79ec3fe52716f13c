"""Dependent-output model of a mineral shortfall (Manley, Alonso & Nassar 2022; OFR 2024-1057).

Pure maths on numpy arrays, in the units of the table it is given. A mineral is an essential
input, in fixed proportion, of the *dependent product lines* of the industries that use it.

**Dependent parts.** Industry j with dependent share δ_jm for mineral m (share of j's output in
product lines containing m) is split into a part (j, m) of size δ_jm and a remainder of size
1 − Σ_m δ_jm. Every part keeps j's input structure (column) and sells to j's buyers in
proportion to its size (row): with the row-split matrix S (S[p, j] = size of part p of j) and
the parent matrix P (P[p, j] = 1), the expanded coefficients and final demand are

    A_e[p, q] = S[p, j(p)] · A[j(p), j(q)],   f0_e = S f0,   x0_e = S x0,

which keeps the accounting identity ``x0_e = A_e x0_e + f0_e`` and every value-added
multiplier (μ_e[p] = μ[j(p)]). The partial product lines (δ_jm < 1) of several minerals in one
industry are taken as disjoint (Σ_m δ_jm ≤ 1). A *whole-industry* use (δ_jm = 1: every
product of j contains m) creates no part: m is required by every part of j alike, so a product
line can contain a partial mineral and any number of whole-industry ones.

**Requirement.** r_m[p] = s_jm / x0_e[p] for the part (j, m), where s_jm is j's share of the
country's use of m; for a whole-industry use r_m[p] = s_jm / x0_j on every part p of j. Either
way r_m · x0_e = 1: availability and shortfall are shares of baseline use, and the mineral's
tonnage and price drop out of the quantity channel.

**Programme.** With x = L_e f, L_e = (I − A_e)⁻¹:

    max μ'f   s.t.   ρ_m' f ≤ 1 − σ_m  (each mineral m),   0 ≤ f ≤ f0_e,

where μ' = v_e' L_e (value added per unit of final demand) and ρ_m' = r_m' L_e (mineral per
unit of final demand). The loss is ``μ'(f0_e − f*)``. Final-demand entries with f0 ≤ 0
(inventory drawdowns) are held at f0.

* **One mineral** is a fractional knapsack: cut final-demand items in increasing order of
  μ_k / ρ_k until σ of the mineral is freed; loss(σ) is piecewise linear with breakpoints at
  the cumulative ρ_k f0_k. It is computed once (:func:`knapsack_curve`) and every Monte
  Carlo draw is an interpolation.
* **Several minerals** share one programme, solved exactly by LP (HiGHS) on the vertices of
  a regular grid of shortfall shares that the draws fall into; each draw is the barycentric
  (Kuhn-triangulation) interpolation of its simplex's vertices (:class:`JointProgramme`).
  The LP value function is convex in σ, so the interpolation is an upper bound, exact at the
  vertices. Minerals whose ρ supports do not overlap are independent: the LP separates into
  one knapsack per mineral and their losses add (:func:`components`).

**Price channel** (:func:`price_channel`): users pay ``(p − 1) V (1 − σ)`` more for the
mineral they still receive (V the baseline value of use), a value-added loss; domestic
producers gain ``(p − 1) V d`` (d = domestic production / baseline use).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .._highs import silent_highs

__all__ = [
    "DependentSystem",
    "JointProgramme",
    "LossCurve",
    "Use",
    "build_system",
    "components",
    "knapsack_curve",
    "price_channel",
    "shortfall_loss",
]

#: ρ entries below this share of a mineral's baseline use per unit of final demand are zero
#: (round-off of the Leontief solve, not economics).
_RHO_TOL = 1e-13


@dataclass(frozen=True)
class Use:
    """One user industry of a mineral: its position, share of use and dependent share."""

    industry: int
    #: share of the country's use of the mineral consumed by this industry (sums to 1)
    share: float
    #: share of the industry's output in product lines that contain the mineral (0-1]
    dependent_share: float


@dataclass
class DependentSystem:
    """The table with each user industry split into dependent parts and a remainder."""

    minerals: tuple[str, ...]
    #: original industry of each part (N,)
    parent: np.ndarray
    #: size of each part as a share of its parent's output (N,)
    size: np.ndarray
    A: np.ndarray
    v: np.ndarray
    f0: np.ndarray
    #: requirement per unit of output, (minerals, N), normalised so that r_m · x0 = 1
    r: np.ndarray
    n_industries: int
    #: κ: value of a buyer's product line per unit of a dependent input it contains (None:
    #: no delivery items, buyers are cut whole as strict Leontief complementarity has it)
    downstream_multiple: float | None = None

    @cached_property
    def L(self) -> np.ndarray:
        """Dense Leontief inverse ``(I − A_e)⁻¹`` of the expanded system."""
        return np.linalg.solve(np.eye(len(self.parent)) - self.A, np.eye(len(self.parent)))

    @cached_property
    def x0(self) -> np.ndarray:
        """Baseline output ``L_e f0_e`` of every part."""
        return self.L @ self.f0

    @cached_property
    def mu(self) -> np.ndarray:
        """Value added per unit of final demand, ``μ' = v_e' L_e``."""
        return self.v @ self.L

    @cached_property
    def rho(self) -> np.ndarray:
        """Mineral per unit of final demand, ``ρ_m' = r_m' L_e`` (minerals, N), tiny values 0."""
        rho = self.r @ self.L
        return np.where(rho > _RHO_TOL, rho, 0.0)

    @cached_property
    def cuttable(self) -> np.ndarray:
        """Final-demand items the programme may cut: positive f0 and some mineral content."""
        return (self.f0 > 0) & (self.rho.max(axis=0) > 0)

    @cached_property
    def items(self) -> dict[str, np.ndarray]:
        """What the programme may cut, per unit: ``src`` (whose mineral content ρ applies),
        ``dst`` and ``mult`` (the cut is worth ``mult`` units of final demand of ``dst``) and
        ``amount`` (the most that can be cut).

        Final-demand items k: src = dst = k, mult = 1, amount f0_k. Delivery items (p, q), for
        every part p that requires a mineral directly and each other part q that buys from it
        when κ is set: the buyer stops only the product line holding the input, worth
        κ' = min(κ, 1 / A_pq) per unit delivered, so cutting g frees ρ_p g of the mineral and
        costs κ' μ_q g (the line's value added with its upstream, p's share included).
        """
        n = len(self.parent)
        src, dst, mult, amount = [np.arange(n)], [np.arange(n)], [np.ones(n)], [self.f0]
        if self.downstream_multiple is not None:
            z = self.A * self.x0[None, :]                      # z_pq = A_pq x0_q
            direct = np.flatnonzero(self.r.max(axis=0) > 0)
            for pp in direct:
                q = np.flatnonzero(z[pp] > 0)
                q = q[q != pp]
                src.append(np.full(len(q), pp))
                dst.append(q)
                mult.append(np.minimum(self.downstream_multiple, 1.0 / self.A[pp, q]))
                amount.append(z[pp, q])
        return {"src": np.concatenate(src), "dst": np.concatenate(dst),
                "mult": np.concatenate(mult), "amount": np.concatenate(amount)}

    @cached_property
    def item_mu(self) -> np.ndarray:
        """Value added lost per unit cut of each item, ``mult · μ_dst``."""
        return self.items["mult"] * self.mu[self.items["dst"]]

    @cached_property
    def item_rho(self) -> np.ndarray:
        """Mineral freed per unit cut of each item (minerals, items), ``ρ_src``."""
        return self.rho[:, self.items["src"]]

    def equivalent_cut(self, cut: np.ndarray) -> np.ndarray:
        """Item cuts (items,) or (items, k) as the final-demand cuts (N,) or (N, k) of
        equal value added: ``Σ_i mult_i cut_i e_dst(i)``."""
        it = self.items
        out = np.zeros((len(self.parent),) + cut.shape[1:])
        w = it["mult"] if cut.ndim == 1 else it["mult"][:, None]
        np.add.at(out, it["dst"], w * cut)
        return out

    def index(self, mineral: str) -> int:
        """Row of ``mineral`` in ``r`` and ``rho``."""
        return self.minerals.index(mineral)

    def by_industry(self, df: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Value-added and output loss per original industry of a final-demand cut ``df``
        (N,) or (N, k): ``v_e ∘ L_e df`` and ``L_e df`` summed over each industry's parts."""
        dx = self.L @ df
        va = self.v[:, None] * dx if dx.ndim == 2 else self.v * dx
        shape = (self.n_industries,) + dx.shape[1:]
        out_x, out_va = np.zeros(shape), np.zeros(shape)
        np.add.at(out_x, self.parent, dx)
        np.add.at(out_va, self.parent, va)
        return out_va, out_x


def build_system(
    A: np.ndarray, v: np.ndarray, f0: np.ndarray, uses: Mapping[str, Sequence[Use]],
    downstream_multiple: float | None = None,
) -> DependentSystem:
    """Expanded system of ``A`` (n×n), value-added coefficients ``v`` and final demand ``f0``
    with a dependent part per (user industry, mineral) of ``uses`` (see the module docstring).

    Raises ValueError when a mineral's shares do not sum to 1, a dependent share is outside
    (0, 1], the partial (δ < 1) dependent shares of one industry exceed 1, or a user has no
    output.
    """
    A = np.asarray(A, dtype=float)
    n = A.shape[0]
    minerals = tuple(uses)
    parts: list[tuple[int, int, float, float]] = []  # (industry, mineral, size, use share)
    whole: list[tuple[int, int, float]] = []          # (industry, mineral, use share)
    taken = np.zeros(n)
    for m, name in enumerate(minerals):
        rows = list(uses[name])
        total = sum(u.share for u in rows)
        if not rows or abs(total - 1.0) > 1e-6:
            raise ValueError(f"{name}: use shares sum to {total:.6f}, not 1")
        for u in rows:
            if not 0.0 < u.dependent_share <= 1.0 or u.share < 0:
                raise ValueError(f"{name}: industry {u.industry} has dependent share "
                                 f"{u.dependent_share} (needs 0 < δ ≤ 1) or share {u.share}")
            if u.dependent_share >= 1.0:
                whole.append((u.industry, m, u.share))
            else:
                taken[u.industry] += u.dependent_share
                parts.append((u.industry, m, u.dependent_share, u.share))
    if np.any(taken > 1.0 + 1e-9):
        j = int(np.argmax(taken))
        raise ValueError(f"industry {j}: partial dependent shares of all minerals sum to "
                         f"{taken[j]:.4f} > 1")
    parent = np.concatenate([np.arange(n), [p[0] for p in parts]]).astype(int)
    size = np.concatenate([1.0 - np.minimum(taken, 1.0), [p[2] for p in parts]])
    A_e = size[:, None] * A[np.ix_(parent, parent)]
    f0 = np.asarray(f0, dtype=float)
    x0 = np.linalg.solve(np.eye(n) - A, f0)
    r = np.zeros((len(minerals), len(parent)))
    for j, m, share in whole:
        if x0[j] <= 0:
            raise ValueError(f"{minerals[m]}: user industry {j} has no output")
        r[m, parent == j] += share / x0[j]
    for k, (j, m, s, share) in enumerate(parts):
        out = s * x0[j]
        if out <= 0:
            raise ValueError(f"{minerals[m]}: user industry {j} has no output")
        r[m, n + k] += share / out
    return DependentSystem(minerals=minerals, parent=parent, size=size, A=A_e,
                           v=np.asarray(v, dtype=float)[parent], f0=size * f0[parent], r=r,
                           n_industries=n, downstream_multiple=downstream_multiple)


@dataclass(frozen=True)
class LossCurve:
    """Value-added loss of one mineral's shortfall share σ: the fractional-knapsack curve.

    ``shortfall`` are the breakpoints (0 … 1) and ``loss`` the loss there (table money per
    year); items are cut fully in ``order`` (positions in the expanded system), ``amount``
    being each one's f0.
    """

    shortfall: np.ndarray
    loss: np.ndarray
    order: np.ndarray
    amount: np.ndarray
    #: final-demand position and value multiple of each ordered item (see DependentSystem.items)
    dst: np.ndarray
    mult: np.ndarray

    def __call__(self, sigma: np.ndarray) -> np.ndarray:
        """Loss at shortfall shares ``sigma`` (clipped to 0-1), by linear interpolation."""
        return np.interp(np.clip(sigma, 0.0, 1.0), self.shortfall, self.loss)

    def mean_cut(self, sigma: np.ndarray, n: int) -> np.ndarray:
        """Mean over draws ``sigma`` of the final-demand cut (n,), without a loop over draws.

        Item i is cut by the share ``clip((σ − a_i) / w_i, 0, 1)`` (a_i, w_i its start and
        width on the σ axis); its mean is ``(g(a_i) − g(a_i + w_i)) / w_i`` with
        ``g(t) = mean(max(σ − t, 0))``, read off the sorted draws.
        """
        s = np.sort(np.clip(np.asarray(sigma, dtype=float).ravel(), 0.0, 1.0))
        tail = np.concatenate([np.cumsum(s[::-1])[::-1], [0.0]])  # Σ_{i≥k} s_i

        def g(t: np.ndarray) -> np.ndarray:
            k = np.searchsorted(s, t, side="right")
            return (tail[k] - t * (len(s) - k)) / len(s)

        a, b = self.shortfall[:-1], self.shortfall[1:]
        w = b - a
        share = np.divide(g(a) - g(b), w, out=np.zeros_like(w), where=w > 0)
        out = np.zeros(n)
        np.add.at(out, self.dst, self.mult * share * self.amount)
        return out


def knapsack_curve(system: DependentSystem, mineral: str) -> LossCurve:
    """The loss curve of ``mineral`` alone: items by increasing μ_k / ρ_k, cumulated."""
    rho = system.item_rho[system.index(mineral)]
    mu, it = system.item_mu, system.items
    items = np.nonzero((it["amount"] > 0) & (rho > 0))[0]
    order = items[np.argsort(mu[items] / rho[items], kind="stable")]
    amount = it["amount"][order]
    freed = np.concatenate([[0.0], np.cumsum(rho[order] * amount)])
    loss = np.concatenate([[0.0], np.cumsum(mu[order] * amount)])
    # ρ'f0 = 1 up to round-off (more with delivery items): σ = 1 is reached by the last item
    stop = min(int(np.searchsorted(freed, 1.0 - 1e-12)), len(order))
    freed, loss, order, amount = freed[:stop + 1], loss[:stop + 1], order[:stop], amount[:stop]
    if freed[-1] > 1.0:  # the last item is cut only in part
        w = (1.0 - freed[-2]) / (freed[-1] - freed[-2])
        loss[-1] = loss[-2] + w * (loss[-1] - loss[-2])
        amount = amount.copy()
        amount[-1] *= w
    freed[-1] = 1.0
    return LossCurve(shortfall=freed, loss=loss, order=order, amount=amount,
                     dst=it["dst"][order], mult=it["mult"][order])


def components(system: DependentSystem, minerals: Sequence[str]) -> list[list[str]]:
    """Groups of ``minerals`` whose programmes interact: two minerals interact when some
    final-demand item carries both (ρ_a,k ρ_b,k > 0); independent groups separate exactly."""
    groups: list[tuple[list[str], np.ndarray]] = []
    for m in minerals:
        support = system.rho[system.index(m)] > 0
        joined, rest = [m], support
        for g, s in groups:
            if np.any(s & support):
                joined, rest = g + joined, s | rest
        groups = [(g, s) for g, s in groups if not np.any(s & support)] + [(joined, rest)]
    return [g for g, _ in groups]


@dataclass
class JointProgramme:
    """The several-mineral programme, one HiGHS model re-solved with new row bounds.

    ``loss_at(sigma)`` solves it exactly at one point; :meth:`evaluate` interpolates draws on
    a grid of step ``step`` (coarsened until at most ``max_points`` vertices are needed).
    """

    system: DependentSystem
    minerals: tuple[str, ...]
    _cache: dict[tuple[int, ...], tuple[float, np.ndarray]] = field(default_factory=dict)

    @cached_property
    def _rho(self) -> np.ndarray:
        """Mineral freed per unit cut of every item, for this programme's minerals."""
        return self.system.item_rho[[self.system.index(m) for m in self.minerals]]

    @cached_property
    def _items(self) -> np.ndarray:
        return np.nonzero((self.system.items["amount"] > 0) & (self._rho.max(axis=0) > 0))[0]

    @cached_property
    def _total(self) -> np.ndarray:
        """Σ_i ρ_mi amount_i per mineral: 1 with final-demand items only (ρ'f0 = 1), more
        with delivery items, whose content the buyers' final demand also holds."""
        return self._rho[:, self._items] @ self.system.items["amount"][self._items]

    @cached_property
    def _model(self):  # noqa: ANN202 - highspy.Highs, imported lazily
        import highspy

        items = self._items
        rho = self._rho[:, items]
        h = silent_highs()
        # HiGHS's default 1e-7 lets a row of shares pass uncut for σ < 1e-7; 1e-10 is its floor
        h.setOptionValue("primal_feasibility_tolerance", 1e-10)
        lp = highspy.HighsLp()
        k, m = len(items), len(self.minerals)
        lp.num_col_, lp.num_row_ = k, m
        lp.col_cost_ = -self.system.item_mu[items]     # HiGHS minimises: −μ'f
        lp.col_lower_ = np.zeros(k)
        lp.col_upper_ = self.system.items["amount"][items]
        lp.row_lower_ = np.full(m, -highspy.kHighsInf)
        lp.row_upper_ = self._total
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.arange(0, m * k + 1, m, dtype=np.int32)
        lp.a_matrix_.index_ = np.tile(np.arange(m, dtype=np.int32), k)
        lp.a_matrix_.value_ = rho.T.ravel()
        h.passModel(lp)
        return h

    def solve(self, sigma: Sequence[float]) -> tuple[float, np.ndarray]:
        """Exact loss and final-demand cut (N,) at shortfall shares ``sigma`` (one per mineral)."""
        import highspy

        h = self._model
        # what stays uncut may hold at most total − σ: the cut frees at least σ of each mineral
        avail = self._total - np.clip(np.asarray(sigma, dtype=float), 0.0, 1.0)
        for i, a in enumerate(avail):
            h.changeRowBounds(i, -highspy.kHighsInf, float(a))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"dependent-output LP: {h.modelStatusToString(h.getModelStatus())}")
        amount = self.system.items["amount"]
        cut = np.zeros(len(amount))
        cut[self._items] = amount[self._items] - np.asarray(h.getSolution().col_value)
        cut = np.maximum(cut, 0.0)
        return float(self.system.item_mu @ cut), self.system.equivalent_cut(cut)

    def evaluate(self, sigma: np.ndarray, step: float, max_points: int
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Loss per draw and mean final-demand cut for draws ``sigma`` (draws, minerals).

        Each draw lies in a simplex of the Kuhn triangulation of the grid of step ``step``:
        with base vertex b = ⌊σ/h⌋ and fractions φ = σ/h − b sorted decreasingly
        (φ_(1) ≥ … ≥ φ_(m)), the vertices are b, b + e_(1), …, b + e_(1) + … + e_(m) with weights
        1 − φ_(1), φ_(1) − φ_(2), …, φ_(m); the loss is the weighted sum of exact LP losses.
        When the draws need more than ``max_points`` vertices (many minerals, spread draws),
        :meth:`evaluate_sampled` solves the LP at ``max_points`` representative draws instead.
        """
        sigma = np.clip(np.atleast_2d(np.asarray(sigma, dtype=float)), 0.0, 1.0)
        cells = int(np.ceil(1.0 / step - 1e-9))
        vert, weight = _kuhn(sigma, cells)
        keys, inverse = np.unique(vert.reshape(-1, sigma.shape[1]), axis=0, return_inverse=True)
        if len(keys) > max_points:
            return self.evaluate_sampled(sigma, max_points)
        values = np.zeros(len(keys))
        cuts = np.zeros((len(self.system.f0), len(keys)))
        for i, key in enumerate(keys):
            tkey = (cells, *map(int, key))
            if tkey not in self._cache:
                self._cache[tkey] = self.solve(np.minimum(key * (1.0 / cells), 1.0))
            values[i], cuts[:, i] = self._cache[tkey]
        w = weight.reshape(-1)
        inverse = inverse.reshape(-1)
        loss = (values[inverse] * w).reshape(weight.shape).sum(axis=1)
        mass = np.bincount(inverse, weights=w, minlength=len(keys)) / len(sigma)
        return loss, cuts @ mass

    def evaluate_sampled(self, sigma: np.ndarray, points: int) -> tuple[np.ndarray, np.ndarray]:
        """Loss per draw from exact LPs at ``points`` representative draws.

        The separable loss s_k = Σ_m ℓ_m(σ_km) (each mineral's knapsack curve) orders the draws;
        the LP is solved at ``points`` draws evenly spaced in that order (the first and last
        included), and every draw's loss is s_k times the joint/separable ratio interpolated in
        its rank: exact at the sampled draws, with no LP per draw. The mean cut weights each
        sampled draw's cut by the draws nearest to it in rank.
        """
        sigma = np.clip(np.atleast_2d(np.asarray(sigma, dtype=float)), 0.0, 1.0)
        sep = sum(knapsack_curve(self.system, m)(sigma[:, i])
                  for i, m in enumerate(self.minerals))
        order = np.argsort(sep, kind="stable")
        n = len(sigma)
        ranks = np.unique(np.linspace(0, n - 1, min(points, n)).round().astype(int))
        picks = order[ranks]
        solved = [self.solve(sigma[k]) for k in picks]
        exact = np.array([v for v, _ in solved])
        ratio = np.divide(exact, sep[picks], out=np.ones(len(picks)), where=sep[picks] > 0)
        rank_of = np.empty(n)
        rank_of[order] = np.arange(n)
        loss = np.where(sep > 0, sep * np.interp(rank_of, ranks, ratio), 0.0)
        nearest = np.searchsorted((ranks[1:] + ranks[:-1]) / 2.0, rank_of)
        mass = np.bincount(nearest, minlength=len(picks)) / n
        return loss, np.column_stack([c for _, c in solved]) @ mass


def _kuhn(sigma: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (draws, m+1, m) on the grid 0…cells and barycentric weights (draws, m+1)."""
    pos = sigma * cells
    base = np.minimum(np.floor(pos), cells - 1)
    frac = pos - base
    order = np.argsort(-frac, axis=1, kind="stable")
    fs = np.take_along_axis(frac, order, axis=1)
    d, m = sigma.shape
    steps = np.zeros((d, m + 1, m))
    rows = np.arange(d)
    for i in range(m):
        steps[:, i + 1] = steps[:, i]
        steps[rows, i + 1, order[:, i]] = 1.0
    vert = (base[:, None, :] + steps).astype(int)
    weight = np.concatenate([1.0 - fs[:, :1], fs[:, :-1] - fs[:, 1:], fs[:, -1:]], axis=1)
    return vert, weight


@dataclass
class Outcome:
    """Quantity-channel loss per draw and the mean final-demand cut behind it."""

    loss: np.ndarray
    mean_cut: np.ndarray
    #: "knapsack" or "lp" per group of minerals
    methods: dict[str, str]


def shortfall_loss(
    system: DependentSystem,
    sigma: Mapping[str, np.ndarray],
    *,
    step: float = 0.01,
    max_points: int = 400,
) -> Outcome:
    """Loss per draw of shortfall shares ``sigma`` (mineral -> (draws,)), table money/year.

    Independent groups of minerals (:func:`components`) add up; a group of one mineral uses
    its knapsack curve, a larger group the joint LP on a grid (:meth:`JointProgramme.evaluate`).
    """
    names = list(sigma)
    draws = len(np.atleast_1d(sigma[names[0]]))
    loss = np.zeros(draws)
    cut = np.zeros(len(system.f0))
    methods: dict[str, str] = {}
    for group in components(system, names):
        if len(group) == 1:
            curve = knapsack_curve(system, group[0])
            s = np.broadcast_to(np.asarray(sigma[group[0]], dtype=float), (draws,))
            loss += curve(s)
            cut += curve.mean_cut(s, len(system.f0))
            methods[group[0]] = "knapsack"
        else:
            prog = JointProgramme(system, tuple(group))
            s = np.column_stack([np.broadcast_to(np.asarray(sigma[m], dtype=float), (draws,))
                                 for m in group])
            group_loss, group_cut = prog.evaluate(s, step, max_points)
            loss += group_loss
            cut += group_cut
            methods.update(dict.fromkeys(group, "lp"))
    return Outcome(loss=loss, mean_cut=cut, methods=methods)


def price_channel(
    price_multiplier: np.ndarray, shortfall_share: np.ndarray, value: float,
    domestic_share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Users' extra cost and domestic producers' gain per draw (money of ``value`` per year).

    ``cost = (p − 1) V (1 − σ)``: the users pay the higher price p on what they still receive
    (V the baseline value of use), a loss of their value added (the stress engine's shortfall
    already holds the price-induced demand cut, so no output is removed twice).
    ``gain = (p − 1) V d``: domestic producers (d = domestic production / baseline use) sell at
    the higher price. Both are first-order (baseline quantities).
    """
    p = np.maximum(np.asarray(price_multiplier, dtype=float), 1.0)
    s = np.clip(np.asarray(shortfall_share, dtype=float), 0.0, 1.0)
    cost = (p - 1.0) * value * (1.0 - s)
    return cost, (p - 1.0) * value * max(float(domestic_share), 0.0) * np.ones_like(cost)
