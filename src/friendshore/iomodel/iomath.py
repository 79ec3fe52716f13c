"""Pure input–output algebra on plain numpy arrays, named after the textbook symbols.

Notation follows Miller & Blair (2009), *Input–Output Analysis: Foundations and Extensions*,
2nd ed., Cambridge University Press (M&B):

* ``Z`` (n×n) inter-industry flows, ``x`` (n) total output, ``f`` final demand, ``v`` value added;
* ``A = Z x̂⁻¹`` technical coefficients (M&B eq. 2.4), ``L = (I − A)⁻¹`` Leontief inverse (2.11);
* ``B = x̂⁻¹ Z`` allocation coefficients (M&B eq. 12.4), ``G = (I − B)⁻¹`` Ghosh inverse (12.7).

The hot paths never form an inverse: :func:`factor` LU-factorises ``I − A`` (or ``I − B``) once
and :func:`solve` / :func:`solve_T` reuse the factors for any number of right-hand sides.
Multipliers are row vectors ``k̂ L`` summed over rows, i.e. ``m' = k' L`` (M&B §6.2), computed as
one transposed solve ``(I − A)' m = k`` instead of an inverse.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.linalg as sla

__all__ = [
    "LU",
    "calc_A",
    "calc_B",
    "calc_G",
    "calc_L",
    "calc_coefficients",
    "calc_multipliers",
    "factor",
    "solve",
    "solve_T",
]


class LU(NamedTuple):
    """LU factors of ``I − M`` (from :func:`scipy.linalg.lu_factor`), read-only.

    The factors are cached per table and shared by every thread of the process (web jobs,
    sweeps), so nothing may write to them: :func:`solve` hands LAPACK a private copy of the
    pivots (see there) and the arrays are flagged read-only so any other writer fails loudly.
    """

    lu: np.ndarray
    piv: np.ndarray


def _safe_inv(x: np.ndarray) -> np.ndarray:
    """``1/x`` with zeros where ``x`` is zero (industries with no output have no coefficients)."""
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    np.divide(1.0, x, out=out, where=x != 0)
    return out


def calc_A(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Technical coefficients ``A = Z x̂⁻¹``: a_ij = z_ij / x_j (M&B eq. 2.4)."""
    return np.asarray(Z, dtype=float) * _safe_inv(x)[None, :]


def calc_B(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Allocation (output) coefficients ``B = x̂⁻¹ Z``: b_ij = z_ij / x_i (M&B eq. 12.4)."""
    return _safe_inv(x)[:, None] * np.asarray(Z, dtype=float)


def calc_coefficients(k: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Direct coefficients of a satellite row ``k`` (value added, imports, jobs): ``k x̂⁻¹``."""
    return np.asarray(k, dtype=float) * _safe_inv(x)


def factor(M: np.ndarray) -> LU:
    """LU-factorise ``I − M`` once, for Leontief (``M = A``) or Ghosh (``M = B``) solves."""
    n = M.shape[0]
    lu, piv = sla.lu_factor(np.eye(n) - M, check_finite=False)
    lu.flags.writeable = False
    piv.flags.writeable = False
    return LU(lu, piv)


def _lapack_args(lu: LU) -> tuple[np.ndarray, np.ndarray]:
    """The factors as :func:`scipy.linalg.lu_solve` may use them from any thread.

    scipy's ``getrs`` wrapper shifts the pivot array to 1-based *in place* for the LAPACK call
    and shifts it back afterwards; two threads solving on the same cached pivots corrupt each
    other's (and the heap: ``double free or corruption``). The pivots are n integers, so each
    call gets its own copy; ``lu`` itself is only read.
    """
    return lu.lu, lu.piv.copy()


def solve(lu: LU, rhs: np.ndarray) -> np.ndarray:
    """``(I − M)⁻¹ rhs`` by the LU factors; ``rhs`` is (n,) or (n, k) for k shocks at once."""
    return sla.lu_solve(_lapack_args(lu), rhs, check_finite=False)


def solve_T(lu: LU, rhs: np.ndarray) -> np.ndarray:
    """``(I − M)⁻ᵀ rhs``, i.e. row vectors times the inverse: ``(rhs' (I − M)⁻¹)'``."""
    return sla.lu_solve(_lapack_args(lu), rhs, trans=1, check_finite=False)


def calc_L(A: np.ndarray) -> np.ndarray:
    """Leontief inverse ``L = (I − A)⁻¹`` (M&B eq. 2.11); dense, for display and small tables."""
    return solve(factor(A), np.eye(A.shape[0]))


def calc_G(B: np.ndarray) -> np.ndarray:
    """Ghosh inverse ``G = (I − B)⁻¹`` (M&B eq. 12.7): ``x' = v' G`` for supply shocks."""
    return solve(factor(B), np.eye(B.shape[0]))


def calc_multipliers(lu: LU, coefficients: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Type I multipliers ``m' = k' L`` for each direct-coefficient row ``k`` (M&B §6.2).

    ``coefficients`` maps a name to its direct coefficients per unit of output (for ``output``
    pass ones: the simple output multiplier ``1' L``). One transposed solve handles all rows.
    """
    names = list(coefficients)
    K = np.column_stack([np.asarray(coefficients[k], dtype=float) for k in names])
    M = solve_T(lu, K)
    return {name: M[:, i] for i, name in enumerate(names)}
