"""GDP cost of shortfalls: limiting cases, monotonicity and the commodity bridge."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from friendshore.assumptions import Assumptions
from friendshore.iomodel import bridge
from friendshore.iomodel.gdp import gdp_change


@pytest.mark.parametrize("country", ["USA", "JPN"])
def test_zero_shortfall_and_no_price_rise_change_nothing(country: str) -> None:
    g = gdp_change(country, "gallium", np.zeros(4), np.ones(4))
    assert g is not None
    np.testing.assert_array_equal(g.total_usd, 0.0)
    assert (g.by_industry_usd == 0).all()


@settings(max_examples=30, deadline=None)
@given(
    a=st.floats(0, 1), b=st.floats(0, 1), price=st.floats(1, 5),
    country=st.sampled_from(["USA", "JPN"]),
    commodity=st.sampled_from(["gallium", "germanium", "cobalt", "rare_earths", "copper", "lng"]),
)
def test_gdp_loss_never_falls_as_shortfall_grows(a, b, price, country, commodity) -> None:
    lo, hi = min(a, b), max(a, b)
    g = gdp_change(country, commodity, np.array([lo, hi]), np.array([price, price]))
    assert g.total_usd[1] <= g.total_usd[0] + 1e-6 * max(1.0, abs(g.total_usd[0]))
    assert g.total_usd[0] <= 1e-6  # never a gain


def test_loss_grows_with_price_and_falls_with_substitutability() -> None:
    base = gdp_change("USA", "germanium", np.array([0.5, 0.5]), np.array([1.0, 3.0]))
    assert base.total_usd[1] < base.total_usd[0] < 0
    subst = gdp_change("USA", "germanium", np.array([0.5]), np.array([1.0]),
                       Assumptions({"ripple_substitutability": 1.0}))
    np.testing.assert_allclose(subst.total_usd, 0.0, atol=1e-6)


def test_by_industry_sums_to_mean_total_and_names_first_users() -> None:
    g = gdp_change("USA", "gallium", np.linspace(0, 1, 101), np.full(101, 1.5))
    assert g.by_industry_usd.sum() == pytest.approx(g.total_usd.mean(), rel=1e-9)
    assert g.top_industries(5)["industry"].iloc[0] == "334"  # integrated circuits, optics


def test_forward_weight_zero_gives_leontief_only_and_smaller_loss() -> None:
    both = gdp_change("USA", "cobalt", np.array([1.0]), np.array([1.0]))
    back = gdp_change("USA", "cobalt", np.array([1.0]), np.array([1.0]),
                      Assumptions({"ripple_forward_weight": 0.0}))
    assert both.total_usd[0] < back.total_usd[0] < 0


def test_exchange_rate_scales_japan_results() -> None:
    a = gdp_change("JPN", "cobalt", np.array([0.5]), np.array([2.0]))
    b = gdp_change("JPN", "cobalt", np.array([0.5]), np.array([2.0]),
                   Assumptions({"ripple_jpy_per_usd": 100.0}))
    # Japan's commodity value is borrowed in USD, so the yen result is fixed up to the rate
    assert b.total_usd[0] != pytest.approx(a.total_usd[0])


def test_other_countries_and_unmapped_commodities_are_not_available() -> None:
    assert gdp_change("DEU", "gallium", np.zeros(2), np.ones(2)) is None
    assert gdp_change("USA", "shipbuilding", np.zeros(2), np.ones(2)) is None


def test_every_risk_table_commodity_has_a_us_mapping_or_unmapped_flag() -> None:
    from importlib import resources

    with (resources.files("friendshore") / "data" / "commodities.csv").open("rb") as fh:
        slugs = set(pd.read_csv(fh)["slug"])
    table = bridge.bridge_table("USA")
    assert slugs <= set(table["commodity"])
    for slug in slugs:
        fu = bridge.first_use("USA", slug)
        assert fu.unmapped or fu.shares.sum() == pytest.approx(1.0)
    assert "shipbuilding" in bridge.unmapped("USA")


@pytest.mark.parametrize("country", ["USA", "JPN"])
def test_bridge_rows_are_sourced_and_use_table_codes(country: str) -> None:
    from friendshore.iomodel.tables import bea_table, mic_table

    table = bea_table(2023) if country == "USA" else mic_table(185)
    rows = bridge.bridge_table(country)
    mapped = rows[~rows["unmapped"]]
    assert (mapped["source"] != "").all()
    assert set(mapped["industry"]) <= set(table.labels)


def test_two_solve_fast_path_equals_capped_per_draw_path() -> None:
    from friendshore.iomodel import gdp as gdp_mod
    from friendshore.iomodel.tables import bea_table

    t = bea_table(2023)
    rng = np.random.default_rng(3)
    basis = np.zeros((t.n, 2))
    basis[t.index("334"), :] = [1e3, 10.0]
    margin = np.zeros(t.n)
    margin[t.index("334")] = 5.0
    shocks = np.vstack([rng.uniform(0, 1, 50), rng.uniform(0, 2, 50)])
    fast = gdp_mod._value_added(t, basis, margin, shocks, 1.0)
    d = basis @ shocks
    dx = gdp_mod._propagate(t, d, 1.0)
    dva = t.coefficients["value_added"][:, None] * dx + margin[:, None] * shocks[1]
    np.testing.assert_allclose(fast[0], dva.sum(axis=0), rtol=1e-9)
    np.testing.assert_allclose(fast[1], dva.mean(axis=1), rtol=1e-9, atol=1e-9)


def test_draws_are_independent_of_batching_even_when_caps_bind() -> None:
    sigma, price = np.array([0.2, 1.0, 0.7]), np.array([1.5, 1.0, 3.0])
    batch = gdp_change("USA", "gold", sigma, price).total_usd
    single = [gdp_change("USA", "gold", sigma[[k]], price[[k]]).total_usd[0] for k in range(3)]
    np.testing.assert_allclose(batch, single, rtol=1e-9)


def test_years_scales_the_annual_loss() -> None:
    one = gdp_change("JPN", "cobalt", np.array([0.4]), np.array([1.5]))
    half = gdp_change("JPN", "cobalt", np.array([0.4]), np.array([1.5]), years=0.5)
    assert half.total_usd[0] == pytest.approx(0.5 * one.total_usd[0])


def test_stress_reports_gdp_distribution_for_usa_and_japan() -> None:
    import friendshore as fs

    out = fs.stress("china-gallium-germanium-ban", draws=200, seed=5)
    for country in ("USA", "JPN"):
        stats = out["countries"][country]
        gdp = stats["gdp_change_usd"]
        assert gdp["cvar95"] <= gdp["p5"] <= gdp["p50"] <= gdp["p95"] <= 0
        assert gdp["mean"] < 0
        top = stats["top_industries"]
        assert len(top) == 5 and top[0]["gdp_change_usd"] <= top[-1]["gdp_change_usd"]
    # the detailed model: the US loss starts in semiconductor device manufacturing (BEA detail)
    assert out["countries"]["USA"]["top_industries"][0]["industry"] == "334413"
    assert out["countries"]["USA"]["top_industries"][0]["table"].startswith("bea-detail 2017")


def test_lng_has_first_use_industries_and_own_values() -> None:
    """LNG is bridged for both countries and valued from energy statistics, not USGS."""
    from friendshore.iomodel.tables import bea_table, mic_table

    us, jp = bridge.first_use("USA", "lng"), bridge.first_use("JPN", "lng")
    assert not us.unmapped and not jp.unmapped
    assert us.shares["22"] == pytest.approx(0.68)  # EIA 2023: power, buildings, pipelines
    assert set(jp.shares.index) == {"4611", "4621"}  # power and city gas (MIC 2015)
    assert set(us.rows["industry"]) <= set(bea_table(2023).labels)
    assert set(jp.rows["industry"]) <= set(mic_table(185).labels)
    assert us.rows["estimate"].all() and jp.rows["estimate"].all()
    own = bridge.own_values()
    assert (own["source"] != "").all() and own["estimate"].all()
    assert bridge.own_consumption_value("JPN", "lng") == pytest.approx(44.2e9)  # MOF 2023
    # US LNG imports (EI 2023, 0.464 bcm) x 35.7e6 MMBtu/bcm x Henry Hub 2023 US$2.53/MMBtu
    assert bridge.consumption_value("lng") == pytest.approx(0.464 * 35.7e6 * 2.53, rel=1e-6)
    assert bridge.own_consumption_value("JPN", "gallium") is None


@pytest.mark.parametrize(("country", "value"), [("JPN", 44.2e9), ("USA", 0.464 * 35.7e6 * 2.53)])
def test_lng_price_rise_without_pass_through_costs_its_value(country: str, value: float) -> None:
    """No shortfall, no pass-through, price doubled: the loss is the whole LNG bill (margin)."""
    a = Assumptions({"ripple_price_pass_through": 0.0})
    g = gdp_change(country, "lng", np.array([0.0]), np.array([2.0]), a)
    assert g is not None
    assert g.total_usd[0] == pytest.approx(-value, rel=1e-9)
    assert not any("borrows the US intensity" in n for n in g.notes)


def test_lng_shortfall_hits_japanese_power_and_city_gas() -> None:
    g = gdp_change("JPN", "lng", np.array([0.0, 0.2]), np.array([1.0, 1.0]))
    assert g.total_usd[0] == 0 and g.total_usd[1] < 0
    assert set(g.top_industries(2)["industry"]) == {"4611", "4621"}


def test_price_term_is_the_lost_margin_by_hand_and_a_twelfth_for_one_month() -> None:
    """No pass-through: the price channel is the margin (p̄ − 1) V · years, nothing else."""
    a = Assumptions({"ripple_price_pass_through": 0.0})
    p = 2.0
    g = gdp_change("JPN", "lng", np.zeros(2), np.array([p, 1 + (p - 1) / 12]), a)
    # Japan's 2023 LNG import bill, US$44.2 bn (data/bridge, MOF trade statistics)
    np.testing.assert_allclose(g.total_usd, [-44.2e9, -44.2e9 / 12], rtol=1e-9)


@pytest.mark.parametrize("country", ["USA", "JPN"])
def test_one_month_spike_in_a_year_costs_a_twelfth_of_a_year_long_one(country: str) -> None:
    p = 3.0
    g = gdp_change(country, "lng", np.zeros(2), np.array([p, 1 + (p - 1) / 12]))
    assert g.total_usd[0] < 0
    assert g.total_usd[1] == pytest.approx(g.total_usd[0] / 12, rel=1e-9)


@settings(max_examples=30, deadline=None)
@given(
    s=st.lists(st.floats(0, 1), min_size=2, max_size=2),
    p=st.lists(st.floats(1, 10), min_size=2, max_size=2),
    country=st.sampled_from(["USA", "JPN"]),
    commodity=st.sampled_from(["gallium", "cobalt", "rare_earths", "lng"]),
)
def test_gdp_loss_never_falls_as_shortfall_and_price_grow_together(s, p, country, commodity):
    g = gdp_change(country, commodity, np.sort(s), np.sort(p))
    assert g.total_usd[1] <= g.total_usd[0] + 1e-6 * max(1.0, abs(g.total_usd[0]))


def _hormuz(months: int, share: float = 1.0, **assumptions: object) -> dict:
    """The shipped Hormuz closure with a fixed length and outage share, JPN only."""
    from friendshore.api._stress import load_scenario

    sc = load_scenario("hormuz-closure").model_dump(mode="json")
    for shock in sc["shocks"]:
        shock["months"], shock["share"] = months, share
    return {**sc, "countries": ["JPN"], "draws": 4,
            "assumptions": {**sc["assumptions"], **assumptions}}


def test_stress_gdp_prices_a_one_month_closure_at_a_twelfth_of_a_year_long_one() -> None:
    """Quantity channel off (substitutability 1): GDP is the price term alone, and the price
    in the closure's months does not depend on how long it lasts."""
    from friendshore.api._ripple import stress_gdp
    from friendshore.api._stress import run_stress

    runs = {m: run_stress(_hormuz(m, ripple_substitutability=1.0)) for m in (1, 12)}
    arr = {m: r.market_arrays("JPN", "lng") for m, r in runs.items()}
    peak = arr[12]["price_multiplier"]
    assert (peak > 1).all()
    np.testing.assert_allclose(arr[1]["price_multiplier"], peak)
    np.testing.assert_allclose(arr[1]["price_multiplier_avg"], 1 + (peak - 1) / 12)
    gdp = {m: stress_gdp(r, "JPN")["gdp_change_usd"] for m, r in runs.items()}
    assert gdp[12]["mean"] < 0
    assert gdp[1]["mean"] == pytest.approx(gdp[12]["mean"] / 12, rel=1e-9)


def test_stress_gdp_is_zero_under_a_zero_shock_and_grows_with_the_closure() -> None:
    from friendshore.api._ripple import stress_gdp
    from friendshore.api._stress import run_stress

    zero = stress_gdp(run_stress(_hormuz(6, share=0.0)), "JPN")["gdp_change_usd"]
    assert all(v == 0 for v in zero.values())
    means = [stress_gdp(run_stress(_hormuz(m)), "JPN")["gdp_change_usd"]["mean"]
             for m in (1, 3, 6, 12)]
    assert all(b <= a for a, b in zip(means, means[1:], strict=False)) and means[0] < 0
