"""Portfolio selection as a mixed-integer programme solved by HiGHS (matrices passed directly).

Three steps, as in PyPSA: :func:`build` turns a :class:`Problem` (plain arrays) into the MIP
matrices, ``_run`` solves with HiGHS, and ``_make_solution`` maps the solution back to project
ids and per-country benefits recomputed exactly from the build decisions.

Variables: ``x_p`` in {0,1} (build project p) and, for every (scenario s, market c, country k)
cell with a shortfall, the remaining shortfall ``y_m >= 0`` (any unit; the planner uses its
GDP cost in US$)::

    y_m >= base_m - sum_p relief_{p,m} x_p          (diminishing returns: relief is capped)

Benefit of country k (US$ present value)::

    U_k = a_npv * sum_p npv_{p,k} x_p + a_gdp * sum_{m in k} w_m (base_m - y_m)

with ``w_m`` US$ of present value per unit of shortfall avoided (the planner: annual
probability x the discounted horizon). Constraints: the budget
on the funder's allocation, optional per-year caps, eligibility (deadline, opt-out), exclusivity
groups, dependencies (``requires`` all, ``requires_any`` one of), mutual benefit (``U_k >=
floor_k`` and ``U_k >= share_k * sum_j U_j``) and, for the Pareto front, ``U_JPN >= eps``.
Objective: ``max sum_k weight_k U_k``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from .._highs import silent_highs
from ..errors import SolverError

__all__ = [
    "Problem",
    "Solution",
    "benefits",
    "brute_force",
    "feasible",
    "greedy",
    "pareto_front",
    "solve_portfolio",
]

INF = highspy.kHighsInf


@dataclass
class Problem:
    """A portfolio problem as plain arrays (P projects, K countries, M shortfall cells).

    ``base`` (M,) is each cell's shortfall and ``relief`` (P, M) what each project removes, in
    the cell's unit; ``value`` (M,) is US$ of present value per unit removed (probability and
    discounting included); ``cell_country`` (M,) indexes ``countries``. ``spend`` is (P, Y):
    the funder's outlay per year of ``years``.
    """

    ids: list[str]
    cost: np.ndarray  # (P,) allocation counted against the budget
    npv: np.ndarray  # (P, K)
    countries: tuple[str, ...] = ("USA", "JPN")
    budget: float = 550e9
    base: np.ndarray = field(default_factory=lambda: np.zeros(0))
    relief: np.ndarray | sp.spmatrix = field(default_factory=lambda: np.zeros((0, 0)))
    value: np.ndarray = field(default_factory=lambda: np.zeros(0))
    cell_country: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    spend: np.ndarray | None = None  # (P, Y)
    years: list[int] = field(default_factory=list)
    annual_cap: float | None = None
    eligible: np.ndarray | None = None  # (P,) bool
    requires: list[tuple[int, int]] = field(default_factory=list)
    requires_any: list[tuple[int, list[int]]] = field(default_factory=list)
    exclusive: list[list[int]] = field(default_factory=list)
    weights: tuple[float, ...] = (1.0, 1.0)  # per country
    weight_npv: float = 1.0
    weight_gdp: float = 1.0
    floors: dict[str, float] = field(default_factory=dict)  # country -> US$ minimum
    shares: dict[str, float] = field(default_factory=dict)  # country -> share of the total

    def __post_init__(self) -> None:
        self.cost = np.asarray(self.cost, dtype=float)
        self.npv = np.asarray(self.npv, dtype=float).reshape(len(self.ids), len(self.countries))
        if self.eligible is None:
            self.eligible = np.ones(len(self.ids), dtype=bool)
        if self.relief.shape[0] == 0:
            self.relief = np.zeros((len(self.ids), 0))
        self.relief = sp.csr_matrix(self.relief)

    @property
    def n(self) -> int:
        """Number of projects."""
        return len(self.ids)

    @property
    def m(self) -> int:
        """Number of shortfall cells."""
        return len(self.base)


@dataclass
class Solution:
    """A chosen portfolio with its budget use and per-country benefits."""

    x: np.ndarray  # bool (P,)
    ids: list[str]
    budget_used: float
    benefit: dict[str, float]
    objective: float
    gap: float = 0.0
    status: str = "optimal"


def benefits(problem: Problem, x: np.ndarray) -> np.ndarray:
    """Exact benefit per country of build decisions ``x`` (rows of a (N, P) or a (P,) array)."""
    X = np.atleast_2d(np.asarray(x, dtype=float))
    out = problem.weight_npv * X @ problem.npv
    if problem.m:
        relieved = np.asarray((problem.relief.T @ X.T).T)  # (N, M)
        avoided = np.minimum(relieved, problem.base[None, :]) * problem.value[None, :]
        for k in range(len(problem.countries)):
            out[:, k] += problem.weight_gdp * avoided[:, problem.cell_country == k].sum(axis=1)
    return out if np.ndim(x) == 2 else out[0]


def _objective(problem: Problem, u: np.ndarray) -> np.ndarray:
    return u @ np.asarray(problem.weights, dtype=float)


def _mutual_ok(problem: Problem, u: np.ndarray, tol: float) -> np.ndarray:
    """Whether benefits ``u`` (N, K) satisfy the floors and shares."""
    ok = np.ones(u.shape[0], dtype=bool)
    total = u.sum(axis=1)
    for name, floor in problem.floors.items():
        ok &= u[:, problem.countries.index(name)] >= floor - tol
    for name, share in problem.shares.items():
        ok &= u[:, problem.countries.index(name)] >= share * total - tol
    return ok


def feasible(problem: Problem, X: np.ndarray, tol: float = 1e-6) -> np.ndarray:
    """Whether each row of ``X`` (N, P) meets budget, caps, eligibility and the logic rules."""
    X = np.atleast_2d(X).astype(bool)
    Xf = X.astype(float)
    ok = Xf @ problem.cost <= problem.budget * (1 + tol) + tol
    if problem.annual_cap is not None and problem.spend is not None:
        ok &= (Xf @ problem.spend <= problem.annual_cap * (1 + tol) + tol).all(axis=1)
    ok &= ~(X & ~problem.eligible[None, :]).any(axis=1)
    for p, q in problem.requires:
        ok &= ~X[:, p] | X[:, q]
    for p, qs in problem.requires_any:
        ok &= ~X[:, p] | X[:, qs].any(axis=1)
    for group in problem.exclusive:
        ok &= X[:, group].sum(axis=1) <= 1
    u = benefits(problem, Xf)
    return ok & _mutual_ok(problem, u, tol * max(1.0, float(np.abs(u).max(initial=0))))


def brute_force(problem: Problem, chunk: int = 1 << 14) -> Solution:
    """The optimum by enumerating every subset (reference for tests; P <= ~20)."""
    if problem.n > 22:
        raise SolverError(f"brute force is for small problems; {problem.n} projects is too many")
    best_val, best_x = -np.inf, None
    total = 1 << problem.n
    bits = 1 << np.arange(problem.n)
    for start in range(0, total, chunk):
        codes = np.arange(start, min(total, start + chunk))
        X = (codes[:, None] & bits[None, :]) > 0
        ok = feasible(problem, X)
        if not ok.any():
            continue
        vals = _objective(problem, benefits(problem, X[ok].astype(float)))
        i = int(np.argmax(vals))
        if vals[i] > best_val:
            best_val, best_x = float(vals[i]), X[ok][i]
    if best_x is None:
        raise SolverError("no subset of the projects meets the budget and the benefit floors")
    return _make_solution(problem, best_x, status="optimal (enumeration)")


def greedy(problem: Problem) -> Solution:
    """Add the feasible project with the best marginal benefit per dollar until none helps."""
    x = np.zeros(problem.n, dtype=bool)
    current = float(_objective(problem, benefits(problem, x.astype(float))))
    spent = 0.0
    spend_y = np.zeros(problem.spend.shape[1]) if problem.spend is not None else None
    while True:
        cand = ~x & problem.eligible & (spent + problem.cost <= problem.budget * (1 + 1e-9))
        if problem.annual_cap is not None and spend_y is not None:
            cand &= ((spend_y[None, :] + problem.spend) <= problem.annual_cap * (1 + 1e-9)).all(1)
        for p, q in problem.requires:
            cand[p] &= x[q]
        for p, qs in problem.requires_any:
            cand[p] &= x[qs].any()
        for group in problem.exclusive:
            if x[group].any():
                cand[group] = False
        idx = np.flatnonzero(cand)
        if idx.size == 0:
            break
        X = np.repeat(x[None, :], idx.size, axis=0)
        X[np.arange(idx.size), idx] = True
        gain = _objective(problem, benefits(problem, X.astype(float))) - current
        ratio = np.where(problem.cost[idx] > 0, gain / np.maximum(problem.cost[idx], 1e-9),
                         np.where(gain > 0, np.inf, -np.inf))
        j = int(np.argmax(ratio))
        if gain[j] <= 0:
            break
        p = idx[j]
        x[p] = True
        spent += problem.cost[p]
        if spend_y is not None:
            spend_y += problem.spend[p]
        current += float(gain[j])
    return _make_solution(problem, x, status="greedy")


def _make_solution(problem: Problem, x: np.ndarray, *, status: str, gap: float = 0.0) -> Solution:
    x = np.asarray(x, dtype=bool)
    u = benefits(problem, x.astype(float))
    return Solution(
        x=x,
        ids=[problem.ids[i] for i in np.flatnonzero(x)],
        budget_used=float(problem.cost[x].sum()),
        benefit=dict(zip(problem.countries, map(float, u), strict=True)),
        objective=float(_objective(problem, u[None, :])[0]),
        gap=gap,
        status=status,
    )


# --- the MIP ----------------------------------------------------------------------------------


@dataclass
class _Model:
    """The MIP in HiGHS form plus the rows and columns the callers adjust."""

    highs: highspy.Highs
    benefit_rows: list[np.ndarray]  # per country: coefficient vector over columns
    eps_row: int  # row index of the epsilon constraint (on the last country)
    n_cols: int
    scale: float  # US$ per model unit of benefit


def build(problem: Problem, *, gap: float = 1e-3, time_limit: float = 60.0) -> _Model:
    """Build the MIP matrices (CSC) and load them into HiGHS.

    Internally each cell uses the avoided amount ``z_m = base_m - y_m`` (``z_m <= (R x)_m``,
    ``0 <= z_m <= base_m``), measured in units of what projects can avoid at most
    (``min(base_m, sum_p relief_{p,m})``), and benefits in units of the largest achievable
    benefit: every row is O(1) and there is no large constant (HiGHS misjudged optimality on
    raw US$ magnitudes).
    """
    if problem.budget < 0:
        raise SolverError(f"no portfolio is feasible: the budget (US${problem.budget / 1e9:,.2f}B)"
                          " is negative")
    P, M, K = problem.n, problem.m, len(problem.countries)
    reach = np.minimum(problem.base, np.asarray(problem.relief.sum(axis=0)).ravel())
    unit = np.where(reach > 0, reach, 1.0)
    base = problem.base / unit
    relief = sp.csr_matrix(problem.relief @ sp.diags(1.0 / unit))
    value = problem.value * unit
    # Share constraints need the other countries' benefit from above: exact avoided amount
    # u_m = min(base_m, (R x)_m) via one binary per cell (only built when shares are set).
    extra = 2 * M if problem.shares else 0
    n_cols = P + M + extra
    rows: list[sp.spmatrix] = []
    lo: list[np.ndarray] = []
    hi: list[np.ndarray] = []

    def add(block: sp.spmatrix, lower: np.ndarray | float, upper: np.ndarray | float) -> None:
        block = sp.csr_matrix(block)
        rows.append(block)
        lo.append(np.broadcast_to(np.asarray(lower, dtype=float), (block.shape[0],)))
        hi.append(np.broadcast_to(np.asarray(upper, dtype=float), (block.shape[0],)))

    def on_x(mat: np.ndarray | sp.spmatrix) -> sp.spmatrix:
        mat = sp.csr_matrix(mat)
        return sp.hstack([mat, sp.csr_matrix((mat.shape[0], M + extra))])

    s_cost = max(float(np.abs(problem.cost).max(initial=0)), abs(problem.budget), 1.0)
    add(on_x(problem.cost[None, :] / s_cost), -INF, problem.budget / s_cost)
    if problem.annual_cap is not None and problem.spend is not None:
        s_cap = max(float(np.abs(problem.spend).max(initial=0)), problem.annual_cap, 1.0)
        add(on_x(problem.spend.T / s_cap), -INF, problem.annual_cap / s_cap)
    if M:
        # z_m - sum_p relief_{p,m} x_p <= 0
        add(sp.hstack([-relief.T, sp.identity(M), sp.csr_matrix((M, extra))]), -INF, 0.0)
    for p, q in problem.requires:
        row = np.zeros(P)
        row[p], row[q] = 1.0, -1.0
        add(on_x(row[None, :]), -INF, 0.0)
    for p, qs in problem.requires_any:
        row = np.zeros(P)
        row[qs] = -1.0
        row[p] = 1.0
        add(on_x(row[None, :]), -INF, 0.0)
    for group in problem.exclusive:
        row = np.zeros(P)
        row[group] = 1.0
        add(on_x(row[None, :]), -INF, 1.0)

    # Benefit of each country, in units of ``scale`` US$, over (x, z).
    scale = max(float(np.abs(problem.npv).max(initial=0)),
                float(value[reach > 0].max(initial=0)), 1.0)

    def benefit_row(k: int, first: int) -> np.ndarray:
        c = np.zeros(n_cols)
        c[:P] = problem.weight_npv * problem.npv[:, k] / scale
        mine = problem.cell_country == k
        c[first:first + M][mine] = problem.weight_gdp * value[mine] / scale
        return c

    coef = [benefit_row(k, P) for k in range(K)]
    for name, floor in problem.floors.items():
        add(sp.csr_matrix(coef[problem.countries.index(name)][None, :]), floor / scale, INF)
    if extra:
        big = np.maximum(base, np.asarray(relief.sum(axis=0)).ravel()) + 1.0
        eye, zero = sp.identity(M), sp.csr_matrix((M, M))
        # u_m - (R x)_m + big_m d_m >= 0   and   u_m - big_m d_m >= base_m - big_m
        add(sp.hstack([-relief.T, zero, eye, sp.diags(big)]), 0.0, INF)
        add(sp.hstack([sp.csr_matrix((M, P)), zero, eye, sp.diags(-big)]), base - big, INF)
        upper = [benefit_row(k, P + M) for k in range(K)]
        for name, share in problem.shares.items():
            k = problem.countries.index(name)
            others = sum(upper[j] for j in range(K) if j != k)
            add(sp.csr_matrix(((1 - share) * coef[k] - share * others)[None, :]), 0.0, INF)
    eps_row = sum(r.shape[0] for r in rows)
    add(sp.csr_matrix(coef[K - 1][None, :]), -INF, INF)  # epsilon row, relaxed until used

    A = sp.vstack(rows).tocsc()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_cols, A.shape[0]
    weights = np.asarray(problem.weights, dtype=float)
    lp.col_cost_ = np.asarray(sum(w * c for w, c in zip(weights, coef, strict=True)))
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.concatenate([np.where(problem.eligible, 1.0, 0.0), base]
                                   + ([base, np.ones(M)] if extra else []))
    lp.row_lower_ = np.concatenate(lo)
    lp.row_upper_ = np.concatenate(hi)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_cols, A.shape[0]
    integer, cont = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
    lp.integrality_ = [integer] * P + [cont] * M + ([cont] * M + [integer] * M if extra else [])
    h = silent_highs()
    h.setOptionValue("mip_rel_gap", float(gap))
    h.setOptionValue("time_limit", float(time_limit))
    h.passModel(lp)
    return _Model(h, coef, eps_row, n_cols, scale)


def _run(problem: Problem, model: _Model) -> Solution:
    """Solve the loaded model; map the solution back or explain in words why there is none."""
    h = model.highs
    h.run()
    status = h.getModelStatus()
    ok = {highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit,
          highspy.HighsModelStatus.kSolutionLimit, highspy.HighsModelStatus.kIterationLimit}
    has_solution = h.getInfo().primal_solution_status == 2  # feasible
    if status not in ok or not has_solution:
        if status == highspy.HighsModelStatus.kInfeasible or not has_solution:
            raise SolverError(_explain_infeasible(problem))
        raise SolverError(f"the portfolio optimiser stopped without a solution "
                          f"({h.modelStatusToString(status)})")
    x = np.asarray(h.getSolution().col_value[: problem.n]) > 0.5
    gap = float(h.getInfo().mip_gap)
    label = "optimal" if status == highspy.HighsModelStatus.kOptimal else "time limit"
    return _make_solution(problem, x, status=label, gap=gap if np.isfinite(gap) else 0.0)


def _explain_infeasible(problem: Problem) -> str:
    """Say in words which requirement cannot be met, with the best achievable values."""
    relaxed = Problem(**{**problem.__dict__, "floors": {}, "shares": {}})
    lines = []
    best = {}
    for k, name in enumerate(problem.countries):
        w = tuple(1.0 if j == k else 1e-6 for j in range(len(problem.countries)))
        try:
            sol = solve_portfolio(Problem(**{**relaxed.__dict__, "weights": w}))
            best[name] = sol.benefit[name]
        except SolverError:
            return ("no portfolio meets the budget, per-year cap and project rules at all; "
                    "check the budget and the requires/exclusive entries")
    for name, floor in problem.floors.items():
        if floor > best[name] + 1e-6 * max(1.0, abs(floor)):
            lines.append(f"{name}'s benefit floor of US${floor / 1e9:,.2f}B is above the most "
                         f"any portfolio within the US${problem.budget / 1e9:,.1f}B budget can "
                         f"give {name} (US${best[name] / 1e9:,.2f}B)")
    if problem.shares:
        shares = ", ".join(f"{n} at least {s:.0%}" for n, s in problem.shares.items())
        lines.append(f"the required shares of the total benefit ({shares}) cannot all hold "
                     "together with the budget")
    if not lines:
        floors = ", ".join(f"{n} >= US${f / 1e9:,.2f}B" for n, f in problem.floors.items())
        lines.append(f"the benefit floors ({floors}) can each be met alone but not together "
                     f"within the US${problem.budget / 1e9:,.1f}B budget")
    return "no portfolio is feasible: " + "; ".join(lines) + "."


def solve_portfolio(
    problem: Problem, *, gap: float = 1e-3, time_limit: float = 60.0
) -> Solution:
    """The optimal portfolio (to ``gap``) under every constraint of ``problem``."""
    return _run(problem, build(problem, gap=gap, time_limit=time_limit))


def pareto_front(
    problem: Problem, points: int = 9, *, gap: float = 1e-3, time_limit: float = 60.0
) -> list[Solution]:
    """Non-dominated portfolios trading the first country's benefit against the last's.

    Augmented epsilon-constraint: maximise U_first + delta * U_last subject to U_last >= eps for
    ``points`` levels of eps between U_last at the first country's optimum and its own maximum;
    dominated and duplicate points are dropped.
    """
    K = len(problem.countries)
    delta = 1e-4
    model = build(problem, gap=gap, time_limit=time_limit)
    h = model.highs

    def solve_with(w: np.ndarray, eps: float) -> Solution:
        h.changeColsCost(model.n_cols, np.arange(model.n_cols, dtype=np.int32),
                         sum(wk * c for wk, c in zip(w, model.benefit_rows, strict=True)))
        h.changeRowBounds(model.eps_row, eps / model.scale, INF)
        return _run(problem, model)

    first = np.zeros(K)
    first[0], first[K - 1] = 1.0, delta
    last = np.zeros(K)
    last[K - 1], last[0] = 1.0, delta
    a = solve_with(first, -INF)
    b = solve_with(last, -INF)
    lo_e, hi_e = a.benefit[problem.countries[-1]], b.benefit[problem.countries[-1]]
    sols = [a, b]
    for eps in np.linspace(lo_e, hi_e, max(points, 2))[1:-1]:
        try:
            sols.append(solve_with(first, float(eps)))
        except SolverError:
            continue
    scale = max(abs(v) for s in sols for v in s.benefit.values())
    return _non_dominated(problem, sols, tol=gap * scale)


def _non_dominated(problem: Problem, sols: list[Solution], tol: float = 0.0) -> list[Solution]:
    """Drop duplicates and any solution another dominates (first vs last country).

    ``s`` goes if some ``t`` is at least as good in both and better in one, or is better by
    more than ``tol`` in one while at most ``tol`` worse in the other (solver-gap noise).
    """
    c0, c1 = problem.countries[0], problem.countries[-1]
    unique = list({tuple(s.ids): s for s in sols}.values())
    pts = np.array([[s.benefit[c0], s.benefit[c1]] for s in unique])
    keep = []
    for i, a in enumerate(pts):
        dominated = False
        for j, b in enumerate(pts):
            if i == j:
                continue
            exact = (b >= a).all() and (b > a).any()
            noisy = (b >= a - tol).all() and (b > a + tol).any()
            if exact or noisy:
                dominated = True
                break
        if not dominated:
            keep.append(unique[i])
    return sorted(keep, key=lambda s: -s.benefit[c0])
