"""The mass balance reduced on the device (issue 12 item 5) uses only reductions CuPy offers:
CuPy's ``max``/``min`` take no ``initial=`` (cupy/cupy#6935), so a check written with it passes
on numpy and fails on the first GPU run. An array type with CuPy's signatures stands in here,
where no GPU is."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from friendshore.disruption.engine import _Balance
from friendshore.errors import FriendshoreError


class CupyLike(np.ndarray):
    """A numpy array whose reductions have CuPy's signature (no ``initial``, no ``where``)."""

    def max(self, axis=None, out=None, keepdims=False):  # noqa: D102
        return np.ndarray.max(self, axis=axis, out=out, keepdims=keepdims)

    def min(self, axis=None, out=None, keepdims=False):  # noqa: D102
        return np.ndarray.min(self, axis=axis, out=out, keepdims=keepdims)


def _outcome(shortfall, demand, supplied) -> SimpleNamespace:
    return SimpleNamespace(**{k: np.asarray(v, dtype=float).view(CupyLike) for k, v in
                              {"shortfall": shortfall, "demand": demand,
                               "supplied": supplied}.items()})


@pytest.mark.parametrize("draws", [3, 0])
def test_balance_runs_on_cupy_signatures(draws):
    balance = _Balance()
    good = _outcome(np.full((draws, 2), 1.0), np.full((draws, 2), 4.0), np.full(draws, 6.0))
    balance.add(np, good)
    balance.verify()
    if draws:
        balance.add(np, _outcome(np.full((draws, 2), -1.0), np.full((draws, 2), 4.0),
                                 np.full(draws, 10.0)))
        with pytest.raises(FriendshoreError, match="mass balance"):
            balance.verify()
