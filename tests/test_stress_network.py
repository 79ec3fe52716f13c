"""Network calibration: US demand from USGS salient files, the rare-earth refine stage, lumped
HS codes; the rebalancing helpers as properties on random flows."""

from __future__ import annotations

import csv
import importlib
from importlib import resources

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from friendshore.network.build import (
    _calibrate_importer,
    _stage_demand,
    lumped_codes,
    us_consumption_map,
)
from friendshore.network.checks import check_network

api = importlib.import_module("friendshore.api._stress")


def _salient(code: str, year: int, column: str) -> float:
    """One value of a shipped USGS MCS 2025 salient file, read by hand (kg -> t)."""
    path = resources.files("friendshore") / "data" / "usgs_mcs2025" / "salient" / code
    with path.open(encoding="utf-8-sig") as fh:
        row = next(r for r in csv.DictReader(fh) if int(r["Year"]) == year)
    return float(row[column]) / 1000.0


def test_us_gallium_demand_is_usgs_consumption(network):
    check_network(network)
    m = network.market("gallium", "refine")
    us = network.country("USA")
    # MCS 2026 long file, gallium salient 2025: 'Consumption, reported' 19,000 kg (MCS 2025
    # gave 19,000 kg for 2024 too); the US produces no primary Ga
    assert _salient("mcs2025-galli_salient.csv", 2024, "Consump_kg") == pytest.approx(19.0)
    assert network.demand[m, us] == pytest.approx(19.0, rel=1e-9)
    assert network.flows[m, us, us] == 0.0  # all imported: USGS NIR 100 %
    assert ("US calibrated to USGS MCS2026 consumption Consumption, reported 2025 = 19 t"
            in network.notes["gallium/refine"])


def test_us_cobalt_refine_demand_is_usgs_apparent_consumption(network):
    m = network.market("cobalt", "refine")
    # the market year is 2023 (IEA refining); MCS2025 cobalt salient 2023: 6,440 t apparent
    assert network.years[m] == 2023
    assert network.demand[m, network.country("USA")] == pytest.approx(6440.0, rel=1e-9)


def test_every_calibrated_market_is_recorded(network):
    listed = {(r.commodity, r.stage) for r in us_consumption_map().itertuples()}
    noted = {tuple(k.split("/")) for k, v in network.notes.items()
             if "/" in k and "US calibrated" in v}
    assert noted and noted <= listed
    assert all(f"{c}/{s} (" in network.notes["us_calibration"] for c, s in noted)
    assert ("rare_earths", "refine") not in listed  # USGS REO basis differs from magnet REE


def test_lumped_code_keeps_china_gallium_at_home(network):
    assert lumped_codes() == frozenset({"811292"})  # Ga, Ge share HS 811292
    m = network.market("gallium", "refine")
    cn = network.country("CHN")
    own = network.flows[m, cn, cn] / network.production[m, cn]
    # China consumes most of its primary gallium (it exported tens of t before the 2023
    # licences); the raw 811292 tonnage made China export all 750 t
    assert 0.75 < own < 0.99
    assert "shared with other commodities" in network.notes["gallium/refine"]
    ge = network.market("germanium", "refine")
    # 6,870 t of 811292 trade is not germanium: the estimate is of the order of 100 t
    assert 50 < network.production[ge].sum() < 500


def test_rare_earth_chain_has_refine_stage(network):
    assert network.stages_of("rare_earths") == ("mine", "refine", "component")
    r = network.market("rare_earths", "refine")
    c = network.market("rare_earths", "component")
    # IEA Global Critical Minerals Outlook 2024: magnet rare-earth refining 2023, China 70.3 kt
    assert network.production[r, network.country("CHN")] == pytest.approx(70_300.0)
    assert network.years[r] == 2023
    jp = network.country("JPN")
    # Japan separates none itself; its demand is its magnet output x 0.3 t magnet REE per t,
    # scaled down with everyone's since the world's need exceeds world refining
    assert network.production[r, jp] == 0.0
    need = 0.3 * network.production[c]
    scale = min(1.0, network.production[r].sum() / need.sum())
    assert scale < 1.0
    assert network.demand[r, jp] == pytest.approx(need[jp] * scale, rel=1e-9)
    assert "stress_ree_magnet_ree_per_magnet = 0.3" in network.notes["rare_earths/refine"]


def test_stage_demand_with_factor_by_hand():
    prod = np.array([80.0, 20.0, 0.0])
    nxt = np.array([100.0, 0.0, 50.0])
    # 0.4 x (100, 0, 50) = (40, 0, 20); 40 left over goes to producers 80:20
    np.testing.assert_allclose(_stage_demand(prod, nxt, 0.4), [72.0, 8.0, 20.0])
    # factor too large: demand scaled down to world output
    np.testing.assert_allclose(_stage_demand(prod, nxt, 1.0), [100 * 100 / 150, 0, 50 * 100 / 150])
    np.testing.assert_allclose(_stage_demand(prod, nxt, None), [100 * 100 / 150, 0, 50 * 100 / 150])


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    share=st.floats(0.0, 1.5),
    own_first=st.booleans(),
)
def test_calibrate_importer_keeps_production(seed, share, own_first):
    rng = np.random.default_rng(seed)
    n = 5
    flows = rng.uniform(0, 10, (n, n)) * (rng.uniform(size=(n, n)) < 0.6)
    flows[2] = 0.0  # one country produces nothing
    j = 0
    supply = flows.sum(axis=1)
    target = share * float(supply.sum())
    weights = rng.uniform(0, 1, n)
    out = _calibrate_importer(flows, j, target, weights, own_first=own_first)
    assert (out >= -1e-9).all()
    np.testing.assert_allclose(out.sum(axis=1), supply, atol=1e-9)
    own = min(supply[j] if own_first else flows[j, j], target)
    # j keeps ``own`` at home and imports the rest, as far as the others produce
    want = own + min(target - own, supply[np.arange(n) != j].sum())
    assert out[j, j] == pytest.approx(own, abs=1e-9)
    assert out[:, j].sum() == pytest.approx(want, rel=1e-9, abs=1e-9)


def _ree_ban(cut: float | dict, **settings) -> dict:
    """The shipped china-rare-earth-ban with both cuts replaced by ``cut``."""
    sc = api.load_scenario("china-rare-earth-ban").model_dump(exclude_none=True)
    for shock in sc["shocks"]:
        shock["cut"] = cut
    return {**sc, **settings}


def test_rare_earth_ban_restricts_separated_oxides_and_magnets():
    stages = {s.stage for s in api.load_scenario("china-rare-earth-ban").shocks}
    assert stages == {"refine", "component"}
    magnets = {s.stage for s in api.load_scenario("china-magnet-export-ban").shocks}
    assert magnets == {"component"}


def test_rare_earth_ban_leaves_japan_short_and_a_zero_cut_does_not():
    res = api.run_stress("china-rare-earth-ban", draws=2000, seed=7)
    jpn = res.country_arrays("JPN")
    # Japan makes magnets from Chinese separated rare earths: materially short (was 0.3 %)
    assert float(jpn["shortfall_share"].mean()) > 0.01
    zero = api.run_stress(_ree_ban(0.0), draws=200, seed=7)
    for c in ("USA", "JPN"):
        assert float(np.abs(zero.country_arrays(c)["shortfall_t"]).max()) == pytest.approx(0.0)


def test_full_rare_earth_ban_is_the_hand_computed_exposure(network):
    """No spare capacity, no stockpile, a year-long full ban at both stages: Japan loses
    China's magnets plus, from every other magnet maker, the share of its separated rare
    earths it bought from China."""
    sc = _ree_ban(1.0, horizon_months=12, responses=[])
    for shock in sc["shocks"]:
        shock["months"] = 12
    values = {"stress_spare_capacity": 0.0, "stress_stockpile_months_by_country": {}}
    res = api.run_stress(sc, draws=3, seed=1, assumptions=values)
    r = network.market("rare_earths", "refine")
    c = network.market("rare_earths", "component")
    cn, jp = network.country("CHN"), network.country("JPN")
    dem = network.demand[r]
    lost = np.divide(network.flows[r, cn], dem, out=np.zeros_like(dem), where=dem > 0)
    lost[cn] = 0.0  # China's own separators keep their supply
    into_japan = network.flows[c, :, jp]
    want = into_japan[cn] + float((np.delete(into_japan * lost, cn)).sum())
    assert want > 0.3 * network.demand[c, jp]
    np.testing.assert_allclose(res.country_arrays("JPN")["shortfall_t"], want, rtol=1e-9)
