"""Stress engine: LP agreement, mass balance, limiting cases, monotonicity, reproducibility."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from friendshore.disruption.engine import run_scenario
from friendshore.disruption.reference import run_reference
from friendshore.disruption.steps import fill, market_step
from friendshore.network.checks import check_network
from friendshore.network.supply import SupplyNetwork, toy_network
from friendshore.scenario.spec import parse_scenario

CODES = ("CHN", "USA", "JPN", "DEU", "AUS", "KOR")
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def networks(draw: st.DrawFn) -> SupplyNetwork:
    """A random one-market network of 3..6 countries with random spare capacity."""
    n = draw(st.integers(3, len(CODES)))
    vals = draw(st.lists(st.floats(0, 100), min_size=n * n, max_size=n * n))
    flows = np.array(vals).reshape(n, n)
    flows[0, 1] += 10.0  # the first country always exports something
    spare = np.array(draw(st.lists(st.floats(0, 0.5), min_size=n, max_size=n)))
    prod = flows.sum(axis=1)
    return SupplyNetwork(
        countries=CODES[:n], markets=(("gallium", "refine"),), units=("t",),
        production=prod[None], capacity=(prod * (1 + spare))[None],
        reserves=np.full((1, n), np.nan), flows=flows[None], demand=flows.sum(axis=0)[None],
        stockpile_months=np.zeros((1, n)),
    )


def _ban(cut, *, targets="all", responses=(), countries=("USA", "JPN", "DEU"), **extra):
    return parse_scenario({
        "name": "t", "countries": list(countries), "responses": list(responses), **extra,
        "shocks": [{"kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
                    "stage": "refine", "cut": cut, "targets": targets}],
    })


@FAST
@given(net=networks(), allied=st.booleans(), targeted=st.booleans(), seed=st.integers(0, 99))
def test_engine_agrees_with_lp_reference(net, allied, targeted, seed):
    check_network(net)
    sc = _ban({"dist": "uniform", "low": 0.0, "high": 1.0},
              targets=["USA", "JPN"] if targeted else "all",
              responses=[{"kind": "allied_sharing"}] if allied else [],
              countries=net.countries[1:])
    fast = run_scenario(sc, net, draws=6, seed=seed)
    ref = run_reference(sc, net, draws=6, seed=seed)
    scale = max(1.0, float(net.demand.max()))
    np.testing.assert_allclose(fast.shortfall_t, ref.shortfall_t, rtol=1e-6, atol=1e-6 * scale)
    np.testing.assert_allclose(fast.price_multiplier, ref.price_multiplier, rtol=1e-6)


@FAST
@given(net=networks(), u=st.floats(0, 1), o=st.floats(0, 1), seed=st.integers(0, 9))
def test_mass_balance(net, u, o, seed):
    n = len(net.countries)
    rng = np.random.default_rng(seed)
    cut = rng.uniform(0, 1, (4, 1, n))
    outage = np.zeros((4, n))
    outage[:, -1] = o
    out = market_step(
        net.flows[0], net.capacity[0], outage=outage, exporters=np.array([0]), cut=cut,
        surge=rng.uniform(0, 0.5, (4, n)), new_capacity=np.zeros((4, n)), allies=None,
        utilisation=u, eps_s=0.1, eps_d=0.2, pmax=10.0,
    )
    delivered = out.delivered
    assert (delivered <= out.demand + 1e-9).all()  # nobody gets more than it demands
    assert (delivered.sum(axis=1) <= out.supplied + 1e-9).all()  # nothing from nowhere
    producible = (net.capacity[0][None] * (1 - outage)).sum(axis=1)
    assert (out.supplied <= producible + 1e-9).all()  # nothing beyond capacity
    assert (out.shortfall >= 0).all() and (out.price >= 1).all()


@FAST
@given(net=networks(), seed=st.integers(0, 99))
def test_zero_shock_changes_nothing(net, seed):
    res = run_scenario(_ban(0.0, countries=net.countries), net, draws=5, seed=seed)
    assert (res.shortfall_t == 0).all()
    assert (res.price_multiplier == 1).all()


@FAST
@given(net=networks(), c1=st.floats(0, 1), c2=st.floats(0, 1), allied=st.booleans())
def test_shortfall_never_falls_as_cut_grows(net, c1, c2, allied):
    lo, hi = sorted((c1, c2))
    resp = [{"kind": "allied_sharing"}] if allied else []
    a = run_scenario(_ban(lo, responses=resp, countries=net.countries), net, draws=1)
    b = run_scenario(_ban(hi, responses=resp, countries=net.countries), net, draws=1)
    scale = max(1.0, float(net.demand.max()))
    assert (b.shortfall_t >= a.shortfall_t - 1e-9 * scale).all()
    assert (b.price_multiplier >= a.price_multiplier - 1e-12).all()


def test_full_ban_without_spare_or_stockpile_is_the_hand_computed_exposure():
    net = toy_network()
    net = dataclasses.replace(net, capacity=net.production.copy())
    sc = _ban(1.0, assumptions={"stress_stockpile_months_by_country": {}})
    res = run_scenario(sc, net, draws=3)
    m = res.market_index("gallium")
    # CHN ships 20 of USA's 25 t, 60 of JPN's 100 t and 30 of DEU's 35 t (toy network)
    np.testing.assert_allclose(res.shortfall_t[:, m], [[20.0, 60.0, 30.0]] * 3)
    np.testing.assert_allclose(res.shortfall_share[:, m], [[20 / 25, 60 / 100, 30 / 35]] * 3)
    assert (res.stockpile_months == 0).all()


@FAST
@given(net=networks())
def test_full_ban_without_spare_equals_exposure_on_random_networks(net):
    net = dataclasses.replace(net, capacity=net.production.copy())
    others = list(net.countries[1:])
    res = run_scenario(_ban(1.0, countries=others), net, draws=2)
    exposure = net.flows[0, 0, 1:]  # what CHN ships to each other country, by hand
    np.testing.assert_allclose(res.shortfall_t[0, 0], exposure, rtol=1e-9, atol=1e-9)
    share = np.divide(exposure, net.demand[0, 1:], out=np.zeros_like(exposure),
                      where=net.demand[0, 1:] > 1e-200)
    np.testing.assert_allclose(res.shortfall_share[0, 0], share, rtol=1e-9, atol=1e-12)


def test_stockpile_covers_japan_for_two_months():
    net = dataclasses.replace(toy_network(), capacity=toy_network().production.copy())
    res = run_scenario(_ban(1.0), net, draws=2)
    m = res.market_index("gallium")
    # JPN holds 2 months of 100 t/yr; a 12-month cut of 60 t/yr leaves 60 - 100/6 unmet
    np.testing.assert_allclose(res.shortfall_t[:, m, 1], 60.0 - 100.0 / 6)
    np.testing.assert_allclose(res.stockpile_months[:, m, 1], 0.0)


def test_shortfall_propagates_down_the_stages():
    net = dataclasses.replace(toy_network(), capacity=toy_network().production.copy())
    sc = parse_scenario({"name": "t", "countries": ["USA", "CHN"], "shocks": [
        {"kind": "production_outage", "country": "USA", "commodity": "rare_earths",
         "stage": "mine", "share": 1.0}]})
    res = run_scenario(sc, net, draws=1)
    mine = res.market_index("rare_earths", "mine")
    mag = res.market_index("rare_earths", "component")
    # CHN loses USA's 40 kt of its 340 kt of ore, so makes 40/340 fewer magnets
    assert res.shortfall_share[0, mine, 1] == pytest.approx(40_000 / 340_000)
    assert res.shortfall_t[0, mag, 0] == pytest.approx(8_000 * 40_000 / 340_000)


def test_fill_shares_equally():
    given, used = fill(np.array([[3.0, 1.0]]), np.array([[2.0, 6.0]]))
    np.testing.assert_allclose(given, [[1.0, 3.0]])
    np.testing.assert_allclose(used, [[3.0, 1.0]])


def test_seeds_reproducible_and_chunk_independent():
    sc = parse_scenario({"name": "t", "shocks": [{
        "kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
        "stage": "refine", "cut": {"dist": "triangular", "low": 0.5, "mode": 0.9, "high": 1.0},
        "months": {"dist": "uniform", "low": 3, "high": 12}}]})
    net = toy_network()
    a = run_scenario(sc, net, draws=500, seed=11)
    b = run_scenario(sc, net, draws=500, seed=11, chunk_bytes=1)
    c = run_scenario(sc, net, draws=500, seed=12)
    np.testing.assert_array_equal(a.shortfall_t, b.shortfall_t)
    assert not np.array_equal(a.shortfall_t, c.shortfall_t)
