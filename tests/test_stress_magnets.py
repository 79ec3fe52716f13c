"""Magnets from production: named production points, own use, Japan's and the US's import
origins, and bans on separated rare earths that reach Japanese magnet users."""

from __future__ import annotations

import csv
import importlib
import re
from importlib import resources

import numpy as np
import pytest

from friendshore.assumptions import Assumptions, assumption
from friendshore.network.build import _calibrate_columns, build_network
from friendshore.readers.trade import magnet_import_shares

api = importlib.import_module("friendshore.api._stress")


def _rows(folder: str, name: str) -> list[dict[str, str]]:
    path = resources.files("friendshore") / "data" / folder / name
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_named_defaults_are_their_cited_rows():
    points = {(r["metric"], r["year"], r["geography"]): r["value"]
              for r in _rows("rare_earths", "ndfeb_production_datapoints.csv")}
    prod = assumption("rare_earths_magnet_production_t").default
    assert prod["CHN"] == float(points[("sintered NdFeB production", "2023", "China")])
    assert prod["JPN"] == float(points[("NdFeB alloy production", "2020", "Japan")])
    share = assumption("rare_earths_refine_china_import_share").default
    jp = next(r for r in _rows("rare_earths", "japan_ree_demand_and_imports_datapoints.csv")
              if r["year"] == "2024H1")
    cited = float(re.search(r"China share ([\d.]+)%", jp["note"])[1])
    assert share["JPN"] == pytest.approx(cited / 100)
    us = [r for r in _rows("trade", "comtrade_USA_CHN_2846_280530_2020_2024.csv")
          if r["reporterCode"] == "842" and r["flowCode"] == "M" and r["refYear"] == "2024"
          and r["cmdCode"] == "2846"]
    kg = {r["partnerCode"]: float(r["netWgt"]) for r in us}
    assert share["USA"] == pytest.approx(kg["156"] / kg["0"], abs=5e-4)


def test_magnet_makers_use_their_own_magnets(network):
    c = network.market("rare_earths", "component")
    f = network.flows[c]
    cn, jp = network.country("CHN"), network.country("JPN")
    assert network.production[c, cn] == 255_200 and network.production[c, jp] == 12_400
    exports = f[jp].sum() - f[jp, jp]
    imports = f[:, jp].sum() - f[jp, jp]
    # own use = production − exports + imports, and Japan's users get Japanese magnets
    assert network.demand[c, jp] == pytest.approx(12_400 - exports + imports)
    assert f[jp, jp] > 1_000
    # China's share of the world's magnets from the named tonnages and BACI exports elsewhere:
    # below IEA's 94 % of sintered NdFeB, since HS 850511 holds every metal magnet
    share = network.production[c, cn] / network.production[c].sum()
    assert 0.75 < share < 0.94


def test_japan_and_us_magnet_imports_follow_baci_2018_2024(network):
    c = network.market("rare_earths", "component")
    shares = magnet_import_shares(2018, 2024)
    for code in ("JPN", "USA"):
        j = network.country(code)
        col = network.flows[c][:, j].copy()
        col[j] = 0.0
        want = shares[shares["importer"] == code].set_index("exporter")["share"]
        # imports split in proportion to the BACI shares, an origin's output capping its part
        # (the caps' excess passes on): the largest two origins are below their caps
        first, second = want.nlargest(2).index  # PHL, CHN for Japan; CHN, JPN for the US
        ratio = [col[network.country(e)] / col.sum() / want[e] for e in (first, second)]
        assert ratio[0] == pytest.approx(ratio[1], rel=1e-9)
        assert 1.0 <= ratio[0] < 1.05
    assert shares[shares["importer"] == "JPN"].set_index("exporter")["share"].idxmax() == "PHL"


def test_production_points_are_overridable(store):
    net = build_network(store, Assumptions({"rare_earths_magnet_production_t": {"JPN": 20_000}}))
    c, jp = net.market("rare_earths", "component"), net.country("JPN")
    assert net.production[c, jp] == 20_000
    assert net.production[c, net.country("CHN")] != 255_200  # no longer named: exports


def test_calibrate_columns_by_hand():
    # producers A, B; importers A (own 2) and C; C's 6 split 1:2 over A and B
    f = np.array([[5.0, 1.0, 4.0], [0.0, 3.0, 3.0], [0.0, 0.0, 0.0]])
    out = _calibrate_columns(f, {2: (6.0, 0.0, np.array([1.0, 2.0, 0.0]))})
    np.testing.assert_allclose(out[:, 2], [2.0, 4.0, 0.0])
    np.testing.assert_allclose(out.sum(axis=1), f.sum(axis=1))  # output unchanged
    np.testing.assert_allclose(out[0, :2], [8.0 * 5 / 6, 8.0 * 1 / 6])


def _scenario(stage: str, origin: bool = False) -> dict:
    return {"name": "t", "countries": ["JPN", "USA"], "assumptions": {
                "stress_spare_capacity": 0.0, "stress_stockpile_months_by_country": {}},
            "shocks": [{"kind": "export_restriction", "exporter": "CHN",
                        "commodity": "rare_earths", "stage": stage, "cut": 1.0,
                        "targets": ["JPN"], "origin": origin}]}


def test_refined_rare_earth_ban_on_japan_reaches_japanese_magnet_users(network):
    res = api.run_stress(_scenario("refine"), draws=1, seed=0)
    c, r = network.market("rare_earths", "component"), network.market("rare_earths", "refine")
    cn, jp = network.country("CHN"), network.country("JPN")
    sigma = network.flows[r, cn, jp] / network.demand[r, jp]  # no spare, no stock: all lost
    assert sigma == pytest.approx(0.796, abs=1e-3)
    m = res.market_index("rare_earths", "component")
    # Japan's magnet makers lose that share of output; Japan's users lose it on their own
    # use of Japanese magnets (the price response finds no idle capacity)
    assert res.shortfall_t[0, m, 0] == pytest.approx(sigma * network.flows[c, jp, jp], rel=1e-9)
    assert res.shortfall_share[0, m, 0] > 0.05


def test_origin_magnet_ban_is_not_filled_by_chinese_material_abroad():
    plain = api.run_stress({**_scenario("component"), "assumptions": {}}, draws=200, seed=3)
    traced = api.run_stress({**_scenario("component", origin=True), "assumptions": {}},
                            draws=200, seed=3)
    a = plain.country_arrays("JPN")["shortfall_share"]
    b = traced.country_arrays("JPN")["shortfall_share"]
    assert (b > a + 0.01).all()
