"""Stress engine: horizon-average price multiplier and shortfall of shocks shorter than the
horizon, by hand and as properties."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from friendshore.disruption.engine import run_scenario
from friendshore.network.supply import toy_network
from friendshore.scenario.spec import parse_scenario

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: The toy network without spare capacity, so the price is the demand response alone.
NET = dataclasses.replace(toy_network(), capacity=toy_network().production.copy())
#: Toy gallium: CHN exports 60 + 20 + 30 = 110 t of 680 t world demand; ε_d = 0.2 (default).
PEAK = (680 / 570) ** (1 / 0.2)


def _ban(months: int | None, start: int = 0, cut: float = 1.0, horizon: int = 12) -> object:
    shock = {"kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
             "stage": "refine", "cut": cut, "start_month": start}
    if months is not None:
        shock["months"] = months
    return parse_scenario({"name": "t", "countries": ["USA", "JPN", "DEU"],
                           "horizon_months": horizon, "shocks": [shock],
                           "assumptions": {"stress_stockpile_months_by_country": {}}})


def test_one_month_ban_averages_to_a_twelfth_of_the_price_rise_by_hand():
    one = run_scenario(_ban(1), NET, draws=2)
    year = run_scenario(_ban(12), NET, draws=2)
    m = one.market_index("gallium")
    # no spare capacity: demand alone clears, p = (D / (D − H))^(1/ε_d) in the ban's months
    np.testing.assert_allclose(one.price_multiplier[:, m], PEAK, rtol=1e-12)
    np.testing.assert_allclose(year.price_multiplier[:, m], PEAK, rtol=1e-12)
    np.testing.assert_allclose(one.price_multiplier_avg[:, m], 1 + (PEAK - 1) / 12, rtol=1e-12)
    np.testing.assert_allclose(year.price_multiplier_avg[:, m], PEAK, rtol=1e-12)
    # the horizon shortfall share is aggregated the same way: 1 month of 12 is 1/12 of it
    np.testing.assert_allclose(year.shortfall_share[:, m], [[20 / 25, 60 / 100, 30 / 35]] * 2)
    np.testing.assert_allclose(one.shortfall_share[:, m], year.shortfall_share[:, m] / 12)
    arr = one.market_arrays("JPN", "gallium")
    assert arr["price_multiplier_avg"] == pytest.approx(1 + (PEAK - 1) / 12)
    assert arr["price_multiplier"] == pytest.approx(PEAK)
    assert one.country_arrays("JPN")["price_multiplier_avg"] == pytest.approx(1 + (PEAK - 1) / 12)


def test_zero_shock_leaves_the_average_price_at_one():
    res = run_scenario(_ban(None, cut=0.0), NET, draws=3)
    assert (res.price_multiplier_avg == 1).all() and (res.shortfall_share == 0).all()


@FAST
@given(start=st.integers(0, 15), months=st.integers(1, 24), horizon=st.integers(1, 24),
       cut=st.floats(0, 1))
def test_average_price_counts_the_shock_months_inside_the_horizon(start, months, horizon, cut):
    res = run_scenario(_ban(months, start, cut, horizon), NET, draws=1)
    m = res.market_index("gallium")
    peak = float(res.price_multiplier[0, m])
    active = max(0, min(start + months, horizon) - start)
    expected = 1 + (peak - 1) * active / horizon
    assert float(res.price_multiplier_avg[0, m]) == pytest.approx(expected, rel=1e-12)
    assert 1 <= res.price_multiplier_avg[0, m] <= peak + 1e-12


@FAST
@given(m1=st.integers(1, 12), m2=st.integers(1, 12), cut=st.floats(0, 1))
def test_average_price_and_shortfall_never_fall_as_the_shock_lasts_longer(m1, m2, cut):
    lo, hi = sorted((m1, m2))
    a = run_scenario(_ban(lo, cut=cut), NET, draws=1)
    b = run_scenario(_ban(hi, cut=cut), NET, draws=1)
    assert (b.price_multiplier_avg >= a.price_multiplier_avg - 1e-12).all()
    assert (b.shortfall_share >= a.shortfall_share - 1e-12).all()
