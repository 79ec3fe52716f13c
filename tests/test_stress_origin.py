"""Origin-aware export restrictions (China's October 2025 rule), by hand and against the LP."""

from __future__ import annotations

import numpy as np
import pytest

from friendshore.disruption.engine import run_scenario
from friendshore.disruption.reference import run_reference
from friendshore.errors import ScenarioError
from friendshore.network.checks import check_network
from friendshore.network.supply import SupplyNetwork
from friendshore.scenario.spec import parse_scenario

CODES = ("CHN", "VNM", "JPN")


def _three_countries() -> SupplyNetwork:
    """CHN separates and makes magnets; VNM makes 4 t of magnets, all for JPN, from 6 t of
    Chinese and 2 t of its own separated rare earths; JPN makes 6 t of magnets from Chinese
    material and imports 10 t from CHN and 4 t from VNM. Only VNM has idle magnet capacity
    (2 t); no stockpiles."""
    refine = np.array([[100.0, 6.0, 3.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]])
    magnets = np.array([[150.0, 0.0, 10.0], [0.0, 0.0, 4.0], [0.0, 0.0, 6.0]])
    flows = np.stack([refine, magnets])
    prod = flows.sum(axis=2)
    capacity = prod.copy()
    capacity[1, 1] += 2.0
    net = SupplyNetwork(
        countries=CODES, markets=(("rare_earths", "refine"), ("rare_earths", "component")),
        units=("t", "t"), production=prod, capacity=capacity,
        reserves=np.full_like(prod, np.nan), flows=flows, demand=flows.sum(axis=1),
        stockpile_months=np.zeros_like(prod),
    )
    check_network(net)
    return net


def _magnet_ban(origin: bool, stage: str = "component") -> object:
    return parse_scenario({
        "name": "t", "countries": ["JPN", "VNM"],
        "shocks": [{"kind": "export_restriction", "exporter": "CHN", "commodity": "rare_earths",
                    "stage": stage, "cut": 1.0, "targets": ["JPN"], "origin": origin}]})


def _japan_magnets(res) -> np.ndarray:
    return res.shortfall_t[:, res.market_index("rare_earths", "component"), 0]


def test_origin_cuts_third_country_magnets_made_of_chinese_material_by_hand():
    net = _three_countries()
    plain = run_scenario(_magnet_ban(False), net, draws=2)
    traced = run_scenario(_magnet_ban(True), net, draws=2)
    # Without origin: JPN loses CHN's 10 t; VNM's idle 2 t: half (u = 0.5) rerouted at once,
    # the other half called by the price (it is below the price-induced supply), so 8 t short.
    np.testing.assert_allclose(_japan_magnets(plain), 8.0)
    # With origin: VNM's magnets are 6/8 Chinese material, so 0.75 x 4 t to JPN is withheld
    # too (13 t lost) and only a quarter of VNM's idle capacity counts: 0.25 + 0.25 t.
    np.testing.assert_allclose(_japan_magnets(traced), 13.0 - 0.5)
    np.testing.assert_allclose(traced.shortfall_share[:, 1, 0], 12.5 / 20.0)
    assert (_japan_magnets(traced) > _japan_magnets(plain)).all()
    # VNM is no target: it loses nothing either way
    np.testing.assert_allclose(traced.shortfall_t[:, :, 1], 0.0)


def test_origin_follows_what_third_countries_still_receive_upstream():
    """If CHN also stops separated rare earths to VNM, VNM's remaining magnets are made of its
    own material: the origin rule withholds nothing more (no double count)."""
    net = _three_countries()
    sc = parse_scenario({"name": "t", "countries": ["JPN"], "shocks": [
        {"kind": "export_restriction", "exporter": "CHN", "commodity": "rare_earths",
         "stage": "refine", "cut": 1.0, "targets": ["VNM"]},
        {"kind": "export_restriction", "exporter": "CHN", "commodity": "rare_earths",
         "stage": "component", "cut": 1.0, "targets": ["JPN"], "origin": True}]})
    res = run_scenario(sc, net, draws=1, check=True)
    # VNM loses 6/8 of its input, so makes 1 t of magnets, all of its own material, which JPN
    # still gets (10 + 3 t lost); VNM's idle 2 t shrink with its input to 0.5 t, none of it
    # Chinese, so all of it counts (0.25 rerouted, 0.25 called by the price): 12.5 t short
    assert _japan_magnets(res)[0] == pytest.approx(12.5)


def test_origin_agrees_with_the_lp_reference():
    net = _three_countries()
    sc = _magnet_ban(True).with_settings(draws=4)
    fast, ref = run_scenario(sc, net), run_reference(sc, net)
    np.testing.assert_allclose(fast.shortfall_t, ref.shortfall_t, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fast.price_multiplier, ref.price_multiplier, rtol=1e-9)


def test_origin_off_by_default_and_needs_an_upstream_stage():
    assert _magnet_ban(False).shocks[0].origin is False
    assert parse_scenario({"name": "t", "shocks": [{
        "kind": "export_restriction", "exporter": "CHN", "commodity": "rare_earths",
        "stage": "refine"}]}).shocks[0].origin is False
    with pytest.raises(ScenarioError, match=r"shocks\[0\]\.origin.*upstream"):
        run_scenario(_magnet_ban(True, stage="refine"), _three_countries(), draws=1)
