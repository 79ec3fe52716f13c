"""Portfolio MIP: hand-built case, MILP = brute force, budget, Pareto, floors, infeasibility."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from friendshore.errors import SolverError
from friendshore.invest.portfolio import (
    Problem,
    benefits,
    brute_force,
    greedy,
    pareto_front,
    solve_portfolio,
)


def three() -> Problem:
    """Two separation plants relieve the same rare-earth shortfall; a magnet plant needs one.

    Base shortfall 100 t in one scenario for each country, worth 1e7 US$/t (probability
    included). A relieves 80 t, B relieves 60 t: together they can only remove 100 t.
    """
    return Problem(
        ids=["A", "B", "M"],
        cost=np.array([4e9, 3e9, 2e9]),
        npv=np.array([[0.1e9, -0.2e9], [0.0, 0.1e9], [0.5e9, 0.25e9]]),
        budget=7e9,
        base=np.array([100.0, 100.0]),
        relief=np.array([[80.0, 80.0], [60.0, 60.0], [0.0, 0.0]]),
        value=np.array([1e7, 1e7]),
        cell_country=np.array([0, 1]),
        requires_any=[(2, [0, 1])],
    )


def test_hand_built_three_projects() -> None:
    """By hand (US$B, USA / JPN): {A,M}: 0.8+0.1+0.5 = 1.4 / 0.8-0.2+0.25 = 0.85;
    {B,M}: 0.6+0+0.5 = 1.1 / 0.6+0.1+0.25 = 0.95; {A,B} (7e9 fits; relief 140 t capped at 100):
    1.0+0.1 = 1.1 / 1.0-0.2+0.1 = 0.9. Totals 2.25, 2.05, 2.0: {A,M} is optimal."""
    prob = three()
    sol = solve_portfolio(prob, gap=0)
    assert sol.ids == ["A", "M"]
    assert sol.benefit["USA"] == pytest.approx(1.4e9)
    assert sol.benefit["JPN"] == pytest.approx(0.85e9)
    assert sol.budget_used == 6e9
    np.testing.assert_allclose(benefits(prob, np.array([1, 1, 0])), [1.1e9, 0.9e9])
    # Japan needs at least 0.9B: {B,M} (0.95B) beats {A,B} (0.9B, total 2.0).
    prob.floors = {"JPN": 0.9e9}
    assert solve_portfolio(prob, gap=0).ids == ["B", "M"]


def test_dependency_and_exclusivity_hold() -> None:
    """The magnet plant alone is never chosen; an exclusive pair is never both chosen."""
    prob = three()
    prob.npv[2] = [5e9, 5e9]  # very attractive magnet plant
    prob.exclusive = [[0, 1]]
    sol = solve_portfolio(prob, gap=0)
    assert "M" in sol.ids and len({"A", "B"} & set(sol.ids)) == 1


def random_problem(seed: int, n: int, scen: int = 4, comm: int = 3) -> Problem:
    """A random instance with shared commodities, dependencies, groups and a budget."""
    rng = np.random.default_rng(seed)
    K = 2
    cells = scen * comm * K
    base = rng.uniform(0, 100, cells)
    cell_comm = np.tile(np.repeat(np.arange(comm), K), scen)
    proj_comm = rng.integers(0, comm, n)
    relief = rng.uniform(0, 60, (n, cells)) * (proj_comm[:, None] == cell_comm[None, :])
    cost = rng.uniform(1, 10, n) * 1e9
    npv = rng.normal(0, 0.5, (n, K)) * 1e9
    reqs = [(p, int(rng.integers(0, p))) for p in range(1, n) if rng.random() < 0.15]
    groups = [[0, 1]] if n >= 2 else []
    return Problem(
        ids=[f"p{i}" for i in range(n)], cost=cost, npv=npv, budget=cost.sum() * 0.4,
        base=base, relief=relief, value=rng.uniform(1e6, 1e7, cells),
        cell_country=np.tile(np.arange(K), scen * comm), requires=reqs, exclusive=groups,
        eligible=rng.random(n) > 0.1,
    )


@settings(max_examples=16, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 15), st.sampled_from([1.0, 1e-3, 1e6]))
def test_milp_equals_brute_force(seed: int, n: int, magnitude: float) -> None:
    """On random instances of up to 15 projects the MILP optimum equals enumeration, also
    when shortfalls dwarf what projects can relieve (or the reverse)."""
    prob = random_problem(seed, n)
    prob.base = prob.base * magnitude
    exact = brute_force(prob)
    sol = solve_portfolio(prob, gap=0)
    assert sol.objective == pytest.approx(exact.objective, rel=1e-6, abs=1e3)
    assert sol.budget_used <= prob.budget * (1 + 1e-9)
    g = greedy(prob)
    assert g.budget_used <= prob.budget * (1 + 1e-9)
    assert g.objective <= sol.objective + 1e3


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.integers(6, 12), st.floats(0.0, 0.45))
def test_mutual_benefit_share_holds(seed: int, n: int, share: float) -> None:
    """With a share floor, Japan's exact benefit is at least that share of the total."""
    prob = random_problem(seed, n)
    prob.shares = {"JPN": share}
    try:
        sol = solve_portfolio(prob, gap=0)
    except SolverError as exc:
        assert "no portfolio" in str(exc)
        with pytest.raises(SolverError):
            brute_force(prob)
        return
    total = sol.benefit["USA"] + sol.benefit["JPN"]
    assert sol.benefit["JPN"] >= share * total - 1e-6 * abs(total) - 1
    assert sol.objective == pytest.approx(brute_force(prob).objective, rel=1e-6, abs=1e3)


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10_000), st.integers(4, 12))
def test_pareto_points_are_non_dominated(seed: int, n: int) -> None:
    """No Pareto point is dominated by another point or by any feasible subset."""
    prob = random_problem(seed, n)
    front = pareto_front(prob, points=7, gap=0)
    assert front
    pts = np.array([[s.benefit["USA"], s.benefit["JPN"]] for s in front])
    for i, a in enumerate(pts):
        for j, b in enumerate(pts):
            if i != j:
                assert not ((b >= a).all() and (b > a).any())
    # The extremes match single-objective optima.
    best_usa = solve_portfolio(Problem(**{**prob.__dict__, "weights": (1.0, 1e-4)}), gap=0)
    assert pts[:, 0].max() == pytest.approx(best_usa.benefit["USA"], rel=1e-6, abs=1e3)
    for s in front:
        assert s.budget_used <= prob.budget * (1 + 1e-9)


def test_infeasible_floor_is_explained_in_words() -> None:
    """A floor above what the budget allows gets a sentence naming the country and amounts."""
    prob = three()
    prob.floors = {"JPN": 50e9}
    with pytest.raises(SolverError, match=r"JPN's benefit floor of US\$50.00B is above"):
        solve_portfolio(prob)


def test_budget_and_deadline_eligibility() -> None:
    """Ineligible projects are never chosen; a zero budget chooses only free projects."""
    prob = three()
    prob.eligible = np.array([False, True, True])
    assert "A" not in solve_portfolio(prob, gap=0).ids
    prob.budget = 0.0
    assert solve_portfolio(prob, gap=0).ids == []


def test_annual_cap() -> None:
    """A per-year cap binds when two projects spend in the same year."""
    prob = three()
    prob.spend = np.array([[4e9, 0], [3e9, 0], [0, 2e9]])
    prob.years = [2026, 2027]
    prob.annual_cap = 3.5e9
    sol = solve_portfolio(prob, gap=0)
    assert sol.ids == ["B", "M"]


def test_negative_budget_is_explained() -> None:
    prob = three()
    prob.budget = -1.0
    with pytest.raises(SolverError, match="budget .* is negative"):
        solve_portfolio(prob)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.integers(4, 12), st.floats(0.0, 1.0))
def test_absolute_floors_hold(seed: int, n: int, level: float) -> None:
    """A Japanese floor set between 0 and Japan's best achievable benefit always holds exactly,
    and costs the US at most what the unconstrained optimum gave it."""
    prob = random_problem(seed, n)
    free = solve_portfolio(prob, gap=0)
    best_jpn = solve_portfolio(Problem(**{**prob.__dict__, "weights": (1e-6, 1.0)}), gap=0)
    floor = max(level * best_jpn.benefit["JPN"] * (1 - 1e-9), 0.0)
    prob.floors = {"JPN": floor}
    sol = solve_portfolio(prob, gap=0)
    assert sol.benefit["JPN"] >= floor - 1e-6 * abs(floor) - 1
    assert sol.objective <= free.objective + 1e-6 * abs(free.objective) + 1
    assert sol.objective == pytest.approx(brute_force(prob).objective, rel=1e-6, abs=1e3)
