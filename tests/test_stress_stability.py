"""Stress engine on networks of several markets: a market's result does not depend on which
other markets a scenario touches (issue 14 item 7), dormant capacity, and hand-computed
cases that pin spare utilisation and surge size (each fails under a one-line engine change)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from friendshore.disruption.engine import run_scenario
from friendshore.network.checks import check_network
from friendshore.network.supply import SupplyNetwork, toy_network
from friendshore.scenario.spec import parse_scenario

CODES = ("CHN", "USA", "JPN", "DEU", "AUS", "KOR", "OTH")
MARKETS = (("gallium", "refine"), ("rare_earths", "mine"), ("rare_earths", "component"))
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Elasticities and cap stated in each hand-computed case, so defaults can change freely.
CLEAR = {"stress_supply_elasticity": 0.1, "stress_demand_elasticity": 0.2,
         "stress_max_price_multiplier": 10.0, "stress_stockpile_months_by_country": {}}


def _network(flows: np.ndarray, capacity: np.ndarray, markets=MARKETS) -> SupplyNetwork:
    n = flows.shape[1]
    production = flows.sum(axis=2)
    return SupplyNetwork(
        countries=CODES[:n], markets=markets, units=("t",) * len(markets),
        production=production, capacity=capacity, reserves=np.full(production.shape, np.nan),
        flows=flows, demand=flows.sum(axis=1), stockpile_months=np.zeros(production.shape),
    )


@st.composite
def chained_networks(draw: st.DrawFn) -> SupplyNetwork:
    """Three markets (gallium; rare-earth ore feeding magnets) over 4..7 countries, each
    country absent from some markets, some with dormant capacity (capacity, no output)."""
    n = draw(st.integers(4, len(CODES)))
    m = len(MARKETS)
    vals = draw(st.lists(st.floats(0, 100), min_size=m * n * n, max_size=m * n * n))
    flows = np.array(vals).reshape(m, n, n)
    absent = np.array(draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n))).reshape(m, n)
    absent[:, :2] = False  # CHN and USA take part in every market
    flows[absent, :] = 0.0
    flows.transpose(0, 2, 1)[absent] = 0.0
    flows[:, 0, 1] += 10.0  # CHN always ships to the USA
    flows[:, 1, 0] += 5.0  # and the USA to CHN (the outage below needs a US producer)
    production = flows.sum(axis=2)
    spare = np.array(draw(st.lists(st.floats(0, 0.5), min_size=m * n, max_size=m * n)))
    capacity = production * (1.0 + spare.reshape(m, n))
    dormant = np.array(draw(st.lists(st.floats(0, 50), min_size=m * n, max_size=m * n)))
    capacity = np.where(production > 0, capacity, dormant.reshape(m, n))
    return _network(flows, capacity)


def _scenario(shocks: list[dict], share: float, countries=("USA", "JPN")):
    return parse_scenario({"name": "t", "countries": list(countries), "shocks": shocks,
                           "assumptions": {"stress_dormant_capacity_share": share}})


GALLIUM_BAN = {"kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
               "stage": "refine", "cut": {"dist": "uniform", "low": 0.3, "high": 1.0},
               "targets": "all"}


def _same_market(a, b, commodity: str, stage: str) -> None:
    i, j = a.market_index(commodity, stage), b.market_index(commodity, stage)
    np.testing.assert_allclose(a.shortfall_t[:, i], b.shortfall_t[:, j], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(a.price_multiplier[:, i], b.price_multiplier[:, j], rtol=1e-12)


@FAST
@given(net=chained_networks(), share=st.floats(0, 1), outage=st.floats(0, 1),
       seed=st.integers(0, 99))
def test_a_market_ignores_shocks_to_markets_outside_its_chain(net, share, outage, seed):
    check_network(net)
    ore = {"kind": "production_outage", "country": "USA", "commodity": "rare_earths",
           "stage": "mine", "share": outage, "months": 6}
    alone = run_scenario(_scenario([GALLIUM_BAN], share), net, draws=4, seed=seed)
    both = run_scenario(_scenario([GALLIUM_BAN, ore], share), net, draws=4, seed=seed)
    _same_market(alone, both, "gallium", "refine")
    magnets = run_scenario(_scenario([ore], share), net, draws=4, seed=seed)
    _same_market(magnets, both, "rare_earths", "component")


def test_shipped_gallium_result_ignores_an_unrelated_shock(network):
    """The issue's case: a cobalt event that changes nothing moved the US gallium shortfall
    (residual 'OTH' capacity entered the country list only with cobalt's producers)."""
    ban = {**GALLIUM_BAN, "cut": 1.0, "targets": ["USA"]}
    cobalt = {"kind": "production_outage", "country": "COD", "commodity": "cobalt",
              "stage": "mine", "share": 0.5, "months": 6}
    for share in (0.0, 1.0):
        alone = run_scenario(_scenario([ban], share), network, draws=2)
        both = run_scenario(_scenario([ban, cobalt], share), network, draws=2)
        _same_market(alone, both, "gallium", "refine")


def _spare_case() -> SupplyNetwork:
    """One gallium market: CHN ships USA 20 and JPN 60 t and uses 100; AUS makes 20 t
    (10 own, 10 to JPN) with 40 t idle; OTH has 30 t of capacity and produced nothing."""
    f = np.zeros((1, 4, 4))
    f[0, 0, 0], f[0, 0, 1], f[0, 0, 2], f[0, 3, 3], f[0, 3, 2] = 100, 20, 60, 10, 10
    flows = np.zeros((1, 5, 5))
    flows[:, :4, :4] = f
    codes = ("CHN", "USA", "JPN", "AUS", "OTH")
    production = flows.sum(axis=2)
    capacity = production.copy()
    capacity[0, 3] += 40.0
    capacity[0, 4] = 30.0
    net = _network(flows, capacity, markets=MARKETS[:1])
    return dataclasses.replace(net, countries=codes)


def _hand_full_ban(idle: float, u: float) -> tuple[float, float, float]:
    """Steps 2-3 of docs/stress.md by hand for :func:`_spare_case` under a full Chinese ban:
    pool = u·idle shared over the gaps (USA 20, JPN 60), then the price clears the rest."""
    gaps = np.array([20.0, 60.0])
    pool = u * idle
    h = gaps * (1.0 - min(1.0, pool / gaps.sum()))
    big_h, big_d = h.sum(), 200.0
    p = (big_d / (big_d - big_h)) ** (1.0 / 0.3)
    e = (big_d - big_h) * (p ** 0.1 - 1.0)
    room = (1.0 - u) * idle + max(pool - gaps.sum(), 0.0)
    if e > room:
        e = room
        p = ((big_d - big_h + e) / big_d) ** (-1.0 / 0.2)
    short = h * (1.0 - min(1.0, e / big_h))
    return float(short[0]), float(short[1]), float(min(p, 10.0))


@pytest.mark.parametrize("u", [0.0, 0.25, 0.8])
@pytest.mark.parametrize("share", [0.0, 0.5, 1.0])
def test_spare_utilisation_and_dormant_share_by_hand(u, share):
    sc = parse_scenario({"name": "t", "countries": ["USA", "JPN"], "shocks": [
        {"kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
         "stage": "refine", "cut": 1.0, "targets": "all"}],
        "assumptions": {**CLEAR, "stress_spare_utilisation": u,
                        "stress_dormant_capacity_share": share}})
    res = run_scenario(sc, _spare_case(), draws=1)
    usa, jpn, price = _hand_full_ban(40.0 + share * 30.0, u)
    np.testing.assert_allclose(res.shortfall_t[0, 0], [usa, jpn], rtol=1e-10)
    assert res.price_multiplier[0, 0] == pytest.approx(price, rel=1e-10)


def test_demand_surge_by_hand():
    """JPN's gallium demand (100 t of the toy's 680) rises by half with no idle capacity
    anywhere: the 50 t gap is unmet and demand alone clears, p = ((D − H)/D)^(−1/ε_d)."""
    net = toy_network()
    net = dataclasses.replace(net, capacity=net.production.copy())
    sc = parse_scenario({"name": "t", "countries": ["JPN", "USA"], "shocks": [
        {"kind": "demand_surge", "countries": ["JPN"], "commodity": "gallium",
         "stage": "refine", "increase": 0.5}], "assumptions": CLEAR})
    res = run_scenario(sc, net, draws=1)
    m = res.market_index("gallium")
    d0_jpn = float(net.demand[m, net.countries.index("JPN")])
    world = float(net.demand[m].sum())
    gap = 0.5 * d0_jpn
    assert res.shortfall_t[0, m, 0] == pytest.approx(gap, rel=1e-10)
    assert res.shortfall_share[0, m, 0] == pytest.approx(gap / (1.5 * d0_jpn), rel=1e-10)
    assert res.shortfall_t[0, m, 1] == 0.0
    assert res.price_multiplier[0, m] == pytest.approx(((world + gap) / world) ** 5, rel=1e-10)
