"""Dependent-output model (iomodel.dependent): a hand-worked table, LP vs knapsack, properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from friendshore.iomodel.dependent import (
    JointProgramme,
    Use,
    build_system,
    components,
    knapsack_curve,
    price_channel,
    shortfall_loss,
)

# Three industries: 0 semiconductors, 1 computers, 2 services (columns buy from rows).
# Semis: 0.2 services + 0.3 imports + 0.5 value added; computers: 0.5 semis + 0.1 services
# + 0.2 imports + 0.2 value added; services: value added only.
A3 = np.array([[0.0, 0.5, 0.0],
               [0.0, 0.0, 0.0],
               [0.2, 0.1, 0.0]])
V3 = np.array([0.5, 0.2, 1.0])
F3 = np.array([10.0, 20.0, 50.0])


def system3(delta: float = 0.5):
    """The mineral goes only into the dependent share ``delta`` of semiconductors."""
    return build_system(A3, V3, F3, {"ga": [Use(0, 1.0, delta)]})


def test_hand_example_curve():
    # By hand: x = (20, 20, 56); the dependent part of semis makes 10 of its 20 (δ = 0.5), so
    # r = 1/10 per unit; μ = (0.7, 0.65, 1) per unit of final demand; ρ = 0.1 for the dependent
    # semis' own final demand (5) and 0.1 × 0.25 = 0.025 for computers (20): ρ'f0 = 1.
    # Knapsack: cut dependent semis first (μ/ρ = 7), then computers (26).
    sys3 = system3()
    assert sys3.x0[sys3.parent == 0].sum() == pytest.approx(20.0)
    curve = knapsack_curve(sys3, "ga")
    np.testing.assert_allclose(curve.shortfall, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(curve.loss, [0.0, 3.5, 16.5])
    np.testing.assert_allclose(curve(np.array([0.0, 0.25, 0.75, 1.0])), [0.0, 1.75, 10.0, 16.5])


def test_hand_example_lp_and_attribution():
    sys3 = system3()
    prog = JointProgramme(sys3, ("ga",))
    for s, want in [(0.0, 0.0), (0.25, 1.75), (0.5, 3.5), (0.75, 10.0), (1.0, 16.5)]:
        loss, cut = prog.solve([s])
        assert loss == pytest.approx(want, abs=1e-7)
    # at σ = 0.75: dependent semis' final demand cut by 5, computers' by 10; by industry the
    # value added lost is semis 0.5 × (5 + 0.5 × 10), computers 0.2 × 10, services
    # 0.2 × 10 + 0.1 × 10 (computers also buy the non-dependent semis)
    _, cut = prog.solve([0.75])
    va, dx = sys3.by_industry(cut)
    np.testing.assert_allclose(va, [5.0, 2.0, 3.0], atol=1e-7)
    np.testing.assert_allclose(dx, [10.0, 10.0, 3.0], atol=1e-7)
    curve = knapsack_curve(sys3, "ga")
    np.testing.assert_allclose(curve.mean_cut(np.array([0.75]), len(sys3.f0)), cut, atol=1e-7)


def test_mean_cut_matches_per_draw_average():
    sys3 = system3()
    curve = knapsack_curve(sys3, "ga")
    draws = np.random.default_rng(1).uniform(0, 1, 501)
    prog = JointProgramme(sys3, ("ga",))
    want = np.mean([prog.solve([s])[1] for s in draws], axis=0)
    np.testing.assert_allclose(curve.mean_cut(draws, len(sys3.f0)), want, atol=1e-6)


def test_dependent_share_scales_first_segment():
    # loss(σ) on the first segment is σ/0.5 × μ_semis × δ × 10: proportional to δ
    low, high = knapsack_curve(system3(0.25), "ga"), knapsack_curve(system3(0.5), "ga")
    assert high(np.array([0.2]))[0] == pytest.approx(2 * low(np.array([0.2]))[0])
    assert high(np.array([0.2]))[0] == pytest.approx(0.2 / 0.5 * 0.7 * 0.5 * 10)


def test_two_minerals_joint_lp_by_hand():
    # germanium only in the dependent 40 % of computers (output 8 of 20, r = 1/8). A full Ge
    # shortfall stops those 8 (loss 0.65 × 8 = 5.2); they held 8 × 0.5 × 0.5 = 2 of the
    # dependent semis, i.e. 0.2 of Ga. Freeing Ga to σ = 0.5 then needs 0.3 more, cheapest
    # from the dependent semis' own final demand (3 units, 0.7 × 3 = 2.1): joint loss 7.3,
    # below the sum of the single losses 3.5 + 5.2.
    sys2 = build_system(A3, V3, F3, {"ga": [Use(0, 1.0, 0.5)], "ge": [Use(1, 1.0, 0.4)]})
    assert components(sys2, ["ga", "ge"]) == [["ga", "ge"]]
    prog = JointProgramme(sys2, ("ga", "ge"))
    assert prog.solve([0.5, 1.0])[0] == pytest.approx(7.3, abs=1e-6)
    assert knapsack_curve(sys2, "ga")(np.array([0.5]))[0] == pytest.approx(3.5)
    assert knapsack_curve(sys2, "ge")(np.array([1.0]))[0] == pytest.approx(5.2)
    out = shortfall_loss(sys2, {"ga": np.array([0.5, 0.0]), "ge": np.array([1.0, 0.0])})
    np.testing.assert_allclose(out.loss, [7.3, 0.0], atol=1e-6)
    assert out.methods == {"ga": "lp", "ge": "lp"}


def test_independent_minerals_separate():
    # block-diagonal table: two copies of the 3-industry economy, one mineral in each
    A = np.kron(np.eye(2), A3)
    sys6 = build_system(A, np.tile(V3, 2), np.tile(F3, 2),
                        {"ga": [Use(0, 1.0, 0.5)], "ge": [Use(3, 1.0, 0.5)]})
    assert sorted(map(sorted, components(sys6, ["ga", "ge"]))) == [["ga"], ["ge"]]
    out = shortfall_loss(sys6, {"ga": np.array([0.75]), "ge": np.array([0.25])})
    assert out.methods == {"ga": "knapsack", "ge": "knapsack"}
    assert out.loss[0] == pytest.approx(10.0 + 1.75)
    assert JointProgramme(sys6, ("ga", "ge")).solve([0.75, 0.25])[0] == pytest.approx(11.75)


def test_bad_input_raises():
    with pytest.raises(ValueError, match="sum to"):
        build_system(A3, V3, F3, {"ga": [Use(0, 0.6, 0.5)]})
    with pytest.raises(ValueError, match="dependent share"):
        build_system(A3, V3, F3, {"ga": [Use(0, 1.0, 0.0)]})
    with pytest.raises(ValueError, match="> 1"):
        build_system(A3, V3, F3, {"ga": [Use(0, 1.0, 0.7)], "ge": [Use(0, 1.0, 0.6)]})


def test_price_channel():
    cost, gain = price_channel(np.array([1.0, 2.5]), np.array([0.0, 0.6]), 100.0, 0.1)
    np.testing.assert_allclose(cost, [0.0, 1.5 * 100 * 0.4])
    np.testing.assert_allclose(gain, [0.0, 1.5 * 100 * 0.1])


@st.composite
def tables(draw):
    """Random small productive tables (column sums of A < 1) with one or two minerals."""
    n = draw(st.integers(3, 6))
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    A = rng.uniform(0, 1, (n, n)) * (rng.uniform(0, 1, (n, n)) < 0.5)
    A *= rng.uniform(0.2, 0.8, n) / np.maximum(A.sum(axis=0), 1e-9)
    v = (1 - A.sum(axis=0)) * rng.uniform(0.3, 1.0, n)
    f0 = rng.uniform(1, 100, n)
    users = rng.choice(n, size=min(n, 2), replace=False)
    shares = rng.dirichlet(np.ones(len(users)))
    uses = {"a": [Use(int(j), float(s), float(rng.uniform(0.05, 0.5)))
                  for j, s in zip(users, shares, strict=True)],
            "b": [Use(int(rng.integers(n)), 1.0, 0.3)]}
    return build_system(A, v, f0, uses)


@settings(max_examples=25, deadline=None)
@given(tables(), st.lists(st.floats(0, 1), min_size=1, max_size=6))
def test_properties_single_mineral(system, sigmas):
    curve = knapsack_curve(system, "a")
    s = np.sort(np.array(sigmas))
    loss = curve(s)
    assert curve(np.array([0.0]))[0] == 0.0
    assert np.all(np.diff(loss) >= -1e-9)                   # never falls as availability falls
    embodied = system.mu @ np.where(system.rho[0] > 0, system.f0, 0.0)
    assert curve(np.array([1.0]))[0] == pytest.approx(embodied)
    assert np.all(loss <= s * embodied + 1e-9)              # proportional cut is feasible
    prog = JointProgramme(system, ("a",))
    for x, y in zip(s, loss, strict=True):   # HiGHS solves to a tolerance of the table's scale
        assert prog.solve([x])[0] == pytest.approx(y, rel=1e-6, abs=1e-6 * max(embodied, 1.0))


@settings(max_examples=15, deadline=None)
@given(tables(), st.floats(0, 1), st.floats(0, 1))
def test_properties_two_minerals(system, sa, sb):
    prog = JointProgramme(system, ("a", "b"))
    joint = prog.solve([sa, sb])[0]
    la = knapsack_curve(system, "a")(np.array([sa]))[0]
    lb = knapsack_curve(system, "b")(np.array([sb]))[0]
    assert max(la, lb) - 1e-6 <= joint <= la + lb + 1e-6
    interp, _ = prog.evaluate(np.array([[sa, sb]]), step=0.05, max_points=400)
    assert interp[0] >= joint - 1e-6                          # convex: interpolation above
    exact_grid = prog.evaluate(np.array([[0.25, 0.5]]), step=0.05, max_points=400)[0][0]
    assert exact_grid == pytest.approx(prog.solve([0.25, 0.5])[0], rel=1e-6, abs=1e-6)


def test_whole_industry_use_is_required_by_every_part():
    # ga is in half of semis (δ = 0.5), ge in all of it (δ = 1): ge's requirement is spread
    # over both halves, r_ge = 1/20 per unit of semis output. By hand: each half's own final
    # demand (5) holds 0.25 of ge at μ = 0.7 (μ/ρ = 14), computers (20) hold 0.5 (μ/ρ = 26).
    sys2 = build_system(A3, V3, F3, {"ga": [Use(0, 1.0, 0.5)], "ge": [Use(0, 1.0, 1.0)]})
    assert len(sys2.parent) == 4                       # one ga part, no ge part
    np.testing.assert_allclose(sys2.r[1] @ sys2.x0, 1.0)
    curve = knapsack_curve(sys2, "ge")
    np.testing.assert_allclose(curve.shortfall, [0.0, 0.25, 0.5, 1.0])
    np.testing.assert_allclose(curve.loss, [0.0, 3.5, 7.0, 20.0])
    assert components(sys2, ["ga", "ge"]) == [["ga", "ge"]]   # they share the ga part


def test_delivery_items_cut_only_the_buyers_product_line():
    # κ = 2: the dependent semis part delivers 5 to computers (A_e = 0.25, x = 20); cutting it
    # frees 5 × 0.1 = 0.5 of ga and costs the product line of computers holding it, worth
    # κ' = min(2, 1/0.25) = 2 per unit: 5 × 2 × μ_computers 0.65 = 6.5 (μ/ρ = 13 < 26), so the
    # curve reaches σ = 1 at 3.5 + 6.5 = 10 instead of 16.5 (computers cut whole).
    sys3 = build_system(A3, V3, F3, {"ga": [Use(0, 1.0, 0.5)]}, downstream_multiple=2.0)
    curve = knapsack_curve(sys3, "ga")
    np.testing.assert_allclose(curve.shortfall, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(curve.loss, [0.0, 3.5, 10.0])
    prog = JointProgramme(sys3, ("ga",))
    for s, want in [(0.0, 0.0), (0.25, 1.75), (0.75, 6.75), (1.0, 10.0)]:
        assert prog.solve([s])[0] == pytest.approx(want, abs=1e-7)
    # the delivery cut is booked as 2 × 5 = 10 of computers' final demand (equal value added)
    _, cut = prog.solve([1.0])
    np.testing.assert_allclose(cut[[0, 1, 2, 3]], [0.0, 10.0, 0.0, 5.0], atol=1e-7)
    strict = knapsack_curve(build_system(A3, V3, F3, {"ga": [Use(0, 1.0, 0.5)]},
                                         downstream_multiple=100.0), "ga")
    np.testing.assert_allclose(strict.loss[-1], 3.5 + 5 * 4 * 0.65)   # capped at 1 / A_pq
