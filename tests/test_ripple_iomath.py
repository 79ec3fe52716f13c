"""Hand-computed IO examples: Leontief, Ghosh and multipliers (Miller & Blair 2009)."""

from __future__ import annotations

import numpy as np
import pytest

from friendshore.iomodel import iomath

# Three sectors in a supply chain; A is nilpotent, so L = I + A + A² exactly (by hand).
X = np.array([100.0, 200.0, 300.0])
Z = np.array([[0.0, 0.0, 0.0], [20.0, 0.0, 0.0], [10.0, 60.0, 0.0]])
A_HAND = np.array([[0.0, 0.0, 0.0], [0.2, 0.0, 0.0], [0.1, 0.3, 0.0]])
L_HAND = np.array([[1.0, 0.0, 0.0], [0.2, 1.0, 0.0], [0.16, 0.3, 1.0]])
B_HAND = np.array([[0.0, 0.0, 0.0], [0.1, 0.0, 0.0], [1 / 30, 0.2, 0.0]])
G_HAND = np.array([[1.0, 0.0, 0.0], [0.1, 1.0, 0.0], [1 / 30 + 0.02, 0.2, 1.0]])


def test_three_sector_leontief_and_ghosh_by_hand() -> None:
    np.testing.assert_allclose(iomath.calc_A(Z, X), A_HAND)
    np.testing.assert_allclose(iomath.calc_L(A_HAND), L_HAND, atol=1e-12)
    np.testing.assert_allclose(iomath.calc_B(Z, X), B_HAND)
    np.testing.assert_allclose(iomath.calc_G(B_HAND), G_HAND, atol=1e-12)


def test_three_sector_multipliers_by_hand() -> None:
    va = X - Z.sum(axis=0)  # [70, 140, 300]: no imports in this economy
    mult = iomath.calc_multipliers(
        iomath.factor(A_HAND),
        {"output": np.ones(3), "value_added": iomath.calc_coefficients(va, X)},
    )
    np.testing.assert_allclose(mult["output"], [1.36, 1.3, 1.0])
    # a closed economy: every dollar of final demand ends up as a dollar of value added
    np.testing.assert_allclose(mult["value_added"], [1.0, 1.0, 1.0])


def test_miller_blair_two_sector_table() -> None:
    """M&B (2009) §2.3: Z = [[150, 500], [200, 100]], x = [1000, 2000]."""
    A = iomath.calc_A(np.array([[150.0, 500.0], [200.0, 100.0]]), np.array([1000.0, 2000.0]))
    np.testing.assert_allclose(A, [[0.15, 0.25], [0.2, 0.05]])
    np.testing.assert_allclose(iomath.calc_L(A), [[1.2541, 0.3300], [0.2640, 1.1221]], atol=1e-4)


def test_factorised_solve_matches_inverse_for_many_shocks() -> None:
    rng = np.random.default_rng(1)
    A = rng.uniform(0, 0.1, (20, 20))
    shocks = rng.uniform(0, 1, (20, 50))
    lu = iomath.factor(A)
    L = iomath.calc_L(A)
    np.testing.assert_allclose(iomath.solve(lu, shocks), L @ shocks)
    np.testing.assert_allclose(iomath.solve_T(lu, shocks), L.T @ shocks)


def test_zero_output_industry_has_zero_coefficients() -> None:
    A = iomath.calc_A(np.zeros((2, 2)), np.array([0.0, 5.0]))
    assert np.all(A == 0) and np.isfinite(A).all()


@pytest.mark.parametrize("n", [1, 4])
def test_leontief_is_identity_without_intermediates(n: int) -> None:
    np.testing.assert_allclose(iomath.calc_L(np.zeros((n, n))), np.eye(n))
