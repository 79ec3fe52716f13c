"""Stockpiles where they are held: released at the holder's stage before the shortage passes
down the stages; no magnet stock unless a scenario adds one."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from friendshore.assumptions import Assumptions
from friendshore.disruption.engine import run_scenario
from friendshore.network.build import stockpile_months
from friendshore.network.supply import toy_network
from friendshore.scenario.spec import parse_scenario

#: toy network without spare capacity, so every shortfall is the hand-computed exposure
NET = dataclasses.replace(toy_network(), capacity=toy_network().production.copy())


def _ore_cut(months: int, responses: list[dict] = ()) -> object:
    """AUS stops its 8 kt of rare-earth ore to JPN, JPN's only ore, from month 0."""
    return parse_scenario({
        "name": "t", "countries": ["JPN", "USA"], "responses": list(responses),
        "shocks": [{"kind": "export_restriction", "exporter": "AUS", "commodity": "rare_earths",
                    "stage": "mine", "cut": 1.0, "targets": ["JPN"], "months": months}]})


def _magnets(res, country: str) -> float:
    return float(res.shortfall_t[0, res.market_index("rare_earths", "component"),
                                 res.countries.index(country)])


def test_ore_stock_delays_the_magnet_shortage_by_hand():
    # JPN holds 2 months of its ore demand: without the ore JPN's magnet makers stop, so JPN
    # (6 kt/yr own magnets) and the USA (1 kt/yr from JPN) are short, but only from month 3
    res = run_scenario(_ore_cut(12), NET, draws=1)
    assert _magnets(res, "JPN") == pytest.approx(6_000 * 10 / 12)
    assert _magnets(res, "USA") == pytest.approx(1_000 * 10 / 12)
    bare = run_scenario(_ore_cut(12).with_settings(
        assumptions={"stress_stockpile_months_by_country": {}}), NET, draws=1)
    assert _magnets(bare, "JPN") == pytest.approx(6_000.0)
    # a 2-month cut is covered entirely by the ore stock: no magnet is missing downstream
    short = run_scenario(_ore_cut(2), NET, draws=1)
    assert _magnets(short, "JPN") == pytest.approx(0.0, abs=1e-9)
    assert _magnets(short, "USA") == pytest.approx(0.0, abs=1e-9)
    # the ore stock is what was drawn: none left, and the cover path fell over months 0-1
    mine = res.market_index("rare_earths", "mine")
    assert res.stockpile_months[0, mine, 0] == pytest.approx(0.0, abs=1e-9)
    path = short.cover_paths("JPN")[0]
    np.testing.assert_allclose(path[:3], [1.0, 0.0, 0.0], atol=1e-6)


def test_no_magnet_stock_unless_a_scenario_adds_one():
    values = Assumptions()
    assert stockpile_months(values, "rare_earths", ["JPN"], "component").tolist() == [0.0]
    assert stockpile_months(values, "rare_earths", ["JPN"], "refine").tolist() == [2.0]
    sc = parse_scenario({"name": "t", "countries": ["JPN"], "shocks": [{
        "kind": "export_restriction", "exporter": "CHN", "commodity": "rare_earths",
        "stage": "component", "cut": 1.0, "targets": ["JPN"]}]})
    res = run_scenario(sc, NET, draws=1)
    # JPN imports 4 kt/yr of magnets from CHN and holds none of them
    assert _magnets(res, "JPN") == pytest.approx(4_000.0)
    added = sc.with_settings(responses=[{
        "kind": "stockpile_release", "countries": ["JPN"], "commodity": "rare_earths",
        "stage": "component", "stock_months": 3}])
    res = run_scenario(added, NET, draws=1)
    # 3 months of its 10 kt/yr magnet demand = 2.5 kt released against the 4 kt lost
    assert _magnets(res, "JPN") == pytest.approx(4_000.0 - 2_500.0)


def test_shipped_network_holds_no_magnets(network):
    net = network
    jp = net.country("JPN")
    assert net.stockpile_months[net.market("rare_earths", "component")].max() == 0.0
    assert net.stockpile_months[net.market("rare_earths", "refine"), jp] == 2.0
    assert net.stockpile_months[net.market("gallium", "refine"), jp] == 2.0


def test_stock_at_a_named_stage_overrides_by_assumption():
    values = Assumptions({"stress_stockpile_stages": ["component"]})
    assert stockpile_months(values, "rare_earths", ["JPN"], "component").tolist() == [2.0]
    assert stockpile_months(values, "rare_earths", ["JPN"], "mine").tolist() == [0.0]
