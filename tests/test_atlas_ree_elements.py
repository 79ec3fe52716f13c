"""Rare earths by element: deposit composition (USGS MYB 2022 T2), element supply by country,
element markets in supply, risk and stress, and the 2025 element scenario."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from friendshore.assumptions import Assumptions
from friendshore.errors import IngestError
from friendshore.network.build import build_network
from friendshore.readers import ree_elements

atlas = importlib.import_module("friendshore.api._atlas")
risk_api = importlib.import_module("friendshore.api._risk")
stress_api = importlib.import_module("friendshore.api._stress")
REQUIRED = ("ndpr", "dysprosium", "terbium", "samarium", "gadolinium", "lutetium", "yttrium",
            "lanthanum", "cerium")


def test_composition_is_usgs_myb_2022_table_2():
    comp = ree_elements.read(ree_elements.shipped()[0])
    assert comp.loc["Bayan Obo", "Ce"] == pytest.approx(0.50)
    assert comp.loc["Longnan", "Y"] == pytest.approx(0.649)
    assert comp.loc["Longnan", "Ce"] == pytest.approx(0.0109)  # printed '<1.09': the bound
    assert comp.loc["Mountain Pass", "Tb"] == 0.0  # not reported
    assert (comp.sum(axis=1) <= 1.05).all()


@pytest.mark.parametrize(("cell", "field", "match"), [
    ("Xx", "element", "unknown element"), ("120", "percent_reo", "percent_reo")])
def test_bad_composition_names_file_row_and_field(tmp_path, cell, field, match):
    text = ree_elements.shipped()[0].read_text(encoding="utf-8").splitlines()
    head = text[0].split(",")
    row = text[3].split(",")
    col = head.index(field) + 1  # the quoted location holds one comma
    row[col] = cell
    bad = tmp_path / "comp.csv"
    bad.write_text("\n".join([text[0], *text[1:3], ",".join(row)]), encoding="utf-8")
    with pytest.raises(IngestError, match=match) as err:
        ree_elements.read(bad)
    assert "comp.csv" in str(err.value) and "row 4" in str(err.value)


def test_element_mine_supply_by_hand():
    sup = atlas.supply("ndpr", "mine", year=2024)
    chn = float(sup.loc[sup["country"] == "CHN", "production"].iloc[0])
    # 270,000 t REO: 92.9 % Bayan Obo (Nd 18.5 + Pr 6.2 %), 7.1 % Longnan (3.47 + 1.08 %)
    assert chn == pytest.approx(270_000 * (0.929 * 0.247 + 0.071 * 0.0455), rel=1e-9)
    dy = atlas.supply("dysprosium", "mine", year=2024)
    assert dy["country"].iloc[0] == "MMR"  # Myanmar's ionic clays: most of the world's Dy ore
    assert dy.attrs["basis"] == "Dy oxide (REO basis)"


def test_element_separation_follows_iea_refining_shares():
    tb = atlas.supply("terbium", "refine")
    # separation (IEA, 2023) uses the world mine output of the nearest mine year: MCS 2026
    # has 2024 and 2025, so 2024
    mine = atlas.supply("terbium", "mine", year=2024)
    assert tb.attrs["year"] == 2023
    iea = atlas.supply("rare_earths", "refine", year=tb.attrs["year"])
    assert tb.attrs["denominator"] == pytest.approx(mine.attrs["denominator"], rel=1e-9)
    share = lambda df: float(df.loc[df["country"] == "CHN", "share"].iloc[0])  # noqa: E731
    assert share(tb) == pytest.approx(share(iea), rel=1e-9)


def test_element_markets_appear_in_risk_with_their_price():
    table = risk_api.risk(list(REQUIRED))
    for slug in REQUIRED:
        rows = table[table["commodity"] == slug]
        assert set(rows["stage"]) == {"mine", "refine"}, slug
        refine = rows[rows["stage"] == "refine"].iloc[0]
        assert 0.85 < refine["china_share"] < 0.95
        assert refine["price_usd_per_t"] > 0
        assert refine["world_value_usd"] == pytest.approx(
            refine["world_production"] * refine["price_usd_per_t"])
    tb = table[(table["commodity"] == "terbium") & (table["stage"] == "refine")].iloc[0]
    assert tb["price_usd_per_t"] == 1_010_000  # MCS 2026: Tb oxide US$1,010/kg in 2025


def test_japan_buys_elements_where_it_buys_separated_rare_earths(network):
    cn, jp = network.country("CHN"), network.country("JPN")
    for slug in ("terbium", "dysprosium", "ndpr"):
        m = network.market(slug, "refine")
        assert network.flows[m, cn, jp] / network.demand[m, jp] == pytest.approx(0.796, abs=1e-6)
    # world element output is preserved by the flows
    m = network.market("terbium", "mine")
    assert network.flows[m].sum() == pytest.approx(network.production[m].sum())


def test_ore_assumption_is_overridable(store):
    net = build_network(store, Assumptions({"rare_earths_ore_by_country": {
        "MMR": {"Bayan Obo": 1.0}}}))
    m, mm = net.market("dysprosium", "mine"), net.country("MMR")
    mmr_2025 = 22_000  # USGS MCS 2026: Burma's 2025 REO mine output (31,000 t in 2024, MCS 2025)
    assert net.production[m, mm] == pytest.approx(mmr_2025 * 0.001)  # Bayan Obo: 0.1 % Dy


def test_element_scenario_names_the_april_2025_list_and_leaves_japan_short():
    sc = stress_api.load_scenario("china-rare-earth-elements-2025")
    assert {s.commodity for s in sc.shocks} == {"samarium", "gadolinium", "terbium",
                                                 "dysprosium", "lutetium", "yttrium"}
    res = stress_api.run_stress(sc, draws=200, seed=1)
    jpn = res.shortfall_share[:, :, res.countries.index("JPN")]
    assert (jpn.mean(axis=0) > 0.1).all()  # every element short, China ships 79.6 %
    zero = sc.model_dump()
    for shock in zero["shocks"]:
        shock["cut"] = {"dist": "fixed", "value": 0.0}
    res0 = stress_api.run_stress(zero, draws=20, seed=1)
    assert np.abs(res0.shortfall_t).max() == pytest.approx(0.0)


def test_magnet_ban_reads_the_october_rule_with_origin():
    sc = stress_api.load_scenario("china-magnet-export-ban")
    assert [s.origin for s in sc.shocks] == [True]
