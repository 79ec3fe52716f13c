"""Stress engine: months-of-cover paths (the fan chart's data), by hand and as properties."""

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
NET = dataclasses.replace(toy_network(), capacity=toy_network().production.copy())


def _scenario(shocks: list[dict], responses: list[dict] = (), horizon: int = 12) -> object:
    return parse_scenario({"name": "t", "countries": ["USA", "JPN", "DEU"],
                           "horizon_months": horizon, "shocks": shocks,
                           "responses": list(responses)})


def _ban(commodity: str = "gallium", stage: str = "refine", **fields: object) -> dict:
    return {"kind": "export_restriction", "exporter": "CHN", "commodity": commodity,
            "stage": stage, "cut": 1.0, **fields}


def test_full_ban_draws_japan_down_by_hand():
    res = run_scenario(_scenario([_ban()]), NET, draws=3)
    path = res.cover_paths("JPN")
    assert path.dtype == np.float32 and path.shape == (3, 12)
    # JPN: 2 months of 100 t/yr in stock; CHN withholds 60 t/yr = 0.6 months of demand a month
    np.testing.assert_allclose(path[0], [1.4, 0.8, 0.2] + [0.0] * 9, atol=1e-6)
    np.testing.assert_array_equal(res.cover_paths("USA"), 0.0)  # no stockpile


def test_zero_shock_keeps_the_initial_cover():
    res = run_scenario(_scenario([_ban(cut=0.0)], horizon=18), NET, draws=4, seed=3)
    np.testing.assert_array_equal(res.cover_paths("JPN"), 2.0)
    np.testing.assert_array_equal(res.cover_paths("DEU"), 0.0)


@FAST
@given(
    cut=st.floats(0, 1), start=st.integers(0, 10), months=st.integers(1, 12),
    usa_stock=st.floats(0, 6), share=st.floats(0, 1), release_start=st.integers(0, 12),
    seed=st.integers(0, 99),
)
def test_cover_falls_only_under_a_shock_and_ends_at_stockpile_months(
    cut, start, months, usa_stock, share, release_start, seed
):
    sc = _scenario(
        [_ban(cut={"dist": "uniform", "low": 0.0, "high": cut}, start_month=start,
              months=months),
         _ban("rare_earths", "mine", cut={"dist": "uniform", "low": 0.0, "high": cut},
              exporter="AUS", start_month=start,
              months={"dist": "uniform", "low": 1, "high": months})],
        responses=[{"kind": "stockpile_release", "countries": ["USA"], "stock_months": usa_stock,
                    "share": share, "start_month": release_start}],
        horizon=15,
    )
    res = run_scenario(sc, NET, draws=8, seed=seed)
    assert len(res.reported) == 2  # gallium refine and magnets: weights matter
    for country in res.countries:
        path = res.cover_paths(country).astype(float)
        steps = np.diff(path, axis=1)
        assert (steps <= 1e-6).all()  # nothing refills a stockpile
        end = res.country_arrays(country)["stockpile_months"]
        np.testing.assert_allclose(path[:, -1], end, rtol=1e-6, atol=1e-6)
        # before the first shock month nothing is drawn: flat at the initial cover
        np.testing.assert_allclose(path[:, :start], path[:, :1].repeat(start, axis=1),
                                   rtol=1e-6)


def test_cover_paths_do_not_depend_on_the_chunk_size():
    sc = _scenario([_ban(cut={"dist": "uniform", "low": 0.3, "high": 1.0},
                         months={"dist": "uniform", "low": 1, "high": 6})])
    a = run_scenario(sc, NET, draws=300, seed=5)
    b = run_scenario(sc, NET, draws=300, seed=5, chunk_bytes=1)
    np.testing.assert_array_equal(a.cover_path, b.cover_path)
    assert a.cover_path.shape == (300, 12, 3)
    with pytest.raises(ValueError):
        a.cover_paths("CHN")  # not a country of interest: not stored
