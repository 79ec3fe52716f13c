"""Support instruments: price floors, grants and loan guarantees (hand-computed cases,
properties, validation and their flow into plan)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from friendshore.api import _invest as api
from friendshore.assumptions import Assumptions
from friendshore.cli import app
from friendshore.errors import ScenarioError, UnknownNameError
from friendshore.invest.appraisal import (
    Draws,
    appraise_project,
    calc_npv,
    cash_flows,
    draw_uncertainty,
    guaranteed_waterfall,
    payments,
    support_costs,
    waterfall,
)
from friendshore.invest.catalog import load_catalog
from invest_factory import PLAIN, catalog, project, project_dict

FLOOR = {"price": 1500.0, "unit": "usd/t", "years": 3, "payer": "USA"}
USA_RATE, BASE_YEAR = 0.07, 2026


def _floored(**floor: object) -> object:
    """A 100 t/yr project at US$1,000/t, built in one year, with a price floor."""
    return project(capacity=100.0, price={"usd_per_unit": 1000.0, "basis": "test"},
                   opex_usd_per_year=0.0, lead_time_years=1, economic_life_years=5,
                   notice_date="2027-01-01", support={"price_floor": {**FLOOR, **floor}})


def test_price_floor_hand_computed() -> None:
    """Price below the floor in 2 of the 3 floor years: the payer pays sum (F - p) x volume,
    revenue is max(p, F) x volume, and the PV discounts from the notice year."""
    p = _floored()
    path = np.array([[1.0, 1.0, 1.2, 1.6, 0.5, 0.5]])  # per year from notice; op. years 1..5
    cf = cash_flows(p, Draws(np.zeros(1), np.zeros(1, dtype=int), path))
    cost = support_costs(p, cf)["USA"][0]
    expected = [0.0, 500 * 100, 300 * 100, 0.0, 0.0, 0.0]  # years 4-5: after the floor ends
    np.testing.assert_allclose(cost, expected)
    np.testing.assert_allclose(cf.revenue[0], [0, 1.5e5, 1.5e5, 1.6e5, 5e4, 5e4])
    pv = 50_000 / 1.07**2 + 30_000 / 1.07**3  # notice 2027 = base year 2026 + 1
    assert calc_npv(cost[None, :], USA_RATE, 2027 - BASE_YEAR)[0] == pytest.approx(pv)


def test_price_floor_base_case_in_appraisal() -> None:
    """Announced case (price 1000 < floor 1500 for all 3 floor years): the payer's PV cost."""
    app = appraise_project(_floored(), draws=0)
    pv = sum(500 * 100 / 1.07 ** (t + 1) for t in (1, 2, 3))
    assert app.support_base["USA"] == pytest.approx(pv)
    summary = app.summary()["support"]
    assert summary["cost_base"]["USA"] == pytest.approx(pv)
    assert summary["project_npv"]["with"]["mean"] > summary["project_npv"]["without"]["mean"]


def test_price_floor_share_and_upside() -> None:
    """``share`` scales the top-up; ``upside_share`` hands the payer part of p - F."""
    p = _floored(share=0.5, upside_share=0.3)
    path = np.array([[1.0, 1.0, 2.0, 2.0, 2.0, 2.0]])
    cf = cash_flows(p, Draws(np.zeros(1), np.zeros(1, dtype=int), path))
    cost = support_costs(p, cf)["USA"][0]
    np.testing.assert_allclose(cost[:4], [0.0, 0.5 * 500 * 100, -0.5 * 0.3 * 500 * 100,
                                          -0.5 * 0.3 * 500 * 100])


@settings(max_examples=25, deadline=None)
@given(price=st.floats(100.0, 5000.0), years=st.integers(1, 8), share=st.floats(0.05, 1.0),
       fin=st.sampled_from([{"kind": "waterfall"},
                            {"kind": "equity", "shares": {"USA": 0.6, "JPN": 0.4}}]))
def test_floor_never_lowers_npv(price: float, years: int, share: float, fin: dict) -> None:
    """On the same draws, the project's NPV with a floor is never below that without."""
    p = project(capacity=100.0, price={"usd_per_unit": 1000.0, "basis": "test"},
                financing=fin, support={"price_floor": {"price": price, "unit": "usd/t",
                                                        "years": years, "payer": "JPN",
                                                        "share": share}})
    app = appraise_project(p, draws=40, seed=5)
    with_, without = app.project_npv["with"], app.project_npv["without"]
    assert (with_ >= without - 1e-6 * np.abs(without).max()).all()
    assert (app.support_draws["JPN"] >= 0).all()


def test_grant_lowers_funder_outlay_and_costs_payer() -> None:
    """A grant of X: the funder (JPN, waterfall) pays X less, the payer (USA) pays X."""
    grant = 2.0e8
    bare = project(capex_usd=1.0e9)
    granted = project(capex_usd=1.0e9, support={"grant": {"amount_usd": grant, "payer": "USA"}})
    cf_bare, cf = cash_flows(bare, Draws.base()), cash_flows(granted, Draws.base())
    paid_bare, _ = payments(bare, cf_bare)
    paid, _ = payments(granted, cf)
    assert paid_bare["JPN"].sum() - paid["JPN"].sum() == pytest.approx(grant)
    cost = support_costs(granted, cf)["USA"]
    assert cost.sum() == pytest.approx(grant) and cost[0, 0] == pytest.approx(grant)
    app = appraise_project(granted, draws=30, seed=2)
    assert sum(app.paid_by_year["JPN"].values()) == pytest.approx(
        sum(appraise_project(bare, draws=0).paid_by_year["JPN"].values()) - grant)
    assert app.support_base["USA"] == pytest.approx(grant)  # notice year = base year


def test_grant_with_overrun_covers_a_fixed_amount() -> None:
    """With a 50% overrun the financing still funds capex - X (X fixed, overrun not shared)."""
    p = project(capex_usd=1.0e9, support={"grant": {"amount_usd": 3e8, "payer": "USA",
                                                    "year": 2027}})
    cf = cash_flows(p, Draws(np.array([0.5]), np.array([0]), np.array([1.0])))
    paid, _ = payments(p, cf)
    cost = support_costs(p, cf)["USA"]
    assert paid["JPN"][:, :2].sum() == pytest.approx(1.5e9 - 3e8)
    assert cost[0, 1] == pytest.approx(3e8) and cost.sum() == pytest.approx(3e8)


def test_loan_guarantee_hand_computed() -> None:
    """Loan 1,000 at 0% over 5 years (200/yr) on cash of 150/yr: the guarantor covers half the
    shortfall (25/yr) and earns 1% x half the outstanding balance (5, 4, 3, 2, 1)."""
    p = project(capacity=1.0, price={"usd_per_unit": 150.0, "basis": "test"},
                opex_usd_per_year=0.0, capex_usd=1000.0, lead_time_years=1,
                economic_life_years=6,
                financing={"kind": "loan", "lender": "JPN", "sponsor": "USA",
                           "debt_share": 1.0, "rate": 0.0, "tenor_years": 5},
                support={"guarantee": {"share": 0.5, "payer": "JPN", "fee_rate": 0.01}})
    cf = cash_flows(p, Draws.base())
    cost = support_costs(p, cf)["JPN"][0]
    np.testing.assert_allclose(cost, [0, 20, 21, 22, 23, 24, 0])
    paid, got = payments(p, cf)
    bare = p.model_copy(update={"support": None})
    paid0, _ = payments(bare, cf)
    np.testing.assert_allclose(paid0["USA"][0] - paid["USA"][0], cost)  # sponsor relieved
    np.testing.assert_allclose(got["JPN"][0], [0, 200, 200, 200, 200, 200, 0])


def test_fixed_price_offtake_hand_computed() -> None:
    """JPN buys 40% at a fixed US$1,200/t for 2 years: revenue p + 0.4 (1200 - p) per t and
    JPN bears 0.4 x 100 t x (1200 - p), a gain when the market is dearer; market basis moves
    no money."""
    off = {"country": "JPN", "share": 0.4, "price_basis": "fixed", "price": 1200.0,
           "unit": "usd/t", "years": 2}
    p = project(capacity=100.0, price={"usd_per_unit": 1000.0, "basis": "test"},
                lead_time_years=1, economic_life_years=4, support={"offtake": off})
    path = np.array([[1.0, 1.0, 1.5, 1.0, 1.0]])
    cf = cash_flows(p, Draws(np.zeros(1), np.zeros(1, dtype=int), path))
    np.testing.assert_allclose(support_costs(p, cf)["JPN"][0], [0, 8000, -12000, 0, 0])
    np.testing.assert_allclose(cf.revenue[0], [0, 108000, 138000, 100000, 100000])
    market = project(support={"offtake": {**off, "price_basis": "market", "price": None}})
    assert support_costs(market, cash_flows(market, Draws.base())) == {}


@pytest.mark.parametrize(("support", "path", "error"), [
    ({"offtake": {"country": "JPN", "share": 0.5, "price_basis": "fixed", "years": 3}},
     "support.offtake", ScenarioError),
    ({"offtake": {"country": "ZZQ", "share": 0.5, "years": 3}}, "support.offtake.country",
     UnknownNameError),
    ({"price_floor": FLOOR, "offtake": {"country": "JPN", "share": 0.5, "years": 3,
                                        "price_basis": "fixed", "price": 9.0}},
     "support.offtake.price_basis", ScenarioError),
    ({"price_floor": {**FLOOR, "price": -10.0}}, "support.price_floor.price", ScenarioError),
    ({"price_floor": {**FLOOR, "years": 0}}, "support.price_floor.years", ScenarioError),
    ({"price_floor": {**FLOOR, "payer": "XXZ"}}, "support.price_floor.payer", UnknownNameError),
    ({"price_floor": {**FLOOR, "share": 1.5}}, "support.price_floor.share", ScenarioError),
    ({"grant": {"amount_usd": 5e9, "payer": "USA"}}, "support.grant.amount_usd", ScenarioError),
    ({"grant": {"amount_usd": 1e8, "payer": "USA", "year": 2020}}, "support.grant.year",
     ScenarioError),
    ({"price_floor": {**FLOOR, "unit": "usd/kg"}}, "support.price_floor.unit", ScenarioError),
])
def test_bad_support_names_the_field(support: dict, path: str, error: type) -> None:
    unit = "MW" if "usd/kg" in str(support) else "t/yr"
    with pytest.raises(error, match=re.escape(f"projects[0].{path}")):
        catalog([project_dict(support=support, unit=unit)])


def test_guarantee_needs_debt() -> None:
    """Equity has no debt service to guarantee."""
    with pytest.raises(ScenarioError, match=re.escape("projects[0].support.guarantee")):
        catalog([project_dict(financing={"kind": "equity", "shares": {"USA": 1.0}},
                              support={"guarantee": {"share": 0.5, "payer": "USA"}})])


def test_waterfall_guarantee_hand_computed() -> None:
    """US$10B deemed at 5.5%, cash 1.0B a year: due 1.05B, Japan's half 0.5B, gap 0.55B. A US
    guarantee of 50% pays Japan 0.275B and only 0.275B is carried; Japan pays a 1% fee on the
    guaranteed half of 10B (0.05B). Year two: due 0.055 x (9.5 + 0.275) + 0.5 + 0.275."""
    funding = np.zeros((1, 3))
    funding[0, 0] = 10e9
    dist = np.array([[0.0, 1.0e9, 1.0e9]])
    op = np.arange(3)[None, :] >= 1
    host, funder, payout, fee = guaranteed_waterfall(funding, dist, op, 20, PLAIN, 0.5, 0.01)
    assert payout[0, 1] == pytest.approx(0.275e9) and funder[0, 1] == pytest.approx(0.775e9)
    assert fee[0, 1] == pytest.approx(0.05e9) and host[0, 1] == pytest.approx(0.5e9)
    due2 = 0.055 * (9.5e9 + 0.275e9) + 0.5e9 + 0.275e9
    assert payout[0, 2] == pytest.approx(0.5 * (due2 - 0.5e9))
    assert fee[0, 2] == pytest.approx(0.01 * 0.5 * 9.5e9)
    plain_host, plain_funder = waterfall(funding, dist, op, 20, PLAIN)
    np.testing.assert_allclose(plain_funder + payout, funder)  # cash split itself unchanged
    np.testing.assert_allclose(plain_host, host)


def test_waterfall_guarantee_in_appraisal() -> None:
    """On a weak waterfall project a US guarantee costs the US and raises Japan's NPV."""
    p = project(price={"usd_per_unit": 1.5e6, "basis": "test"},
                support={"guarantee": {"share": 1.0, "payer": "USA", "fee_rate": 0.0}})
    app = appraise_project(p, draws=50, seed=4)
    bare = appraise_project(p.model_copy(update={"support": None}), draws=50, seed=4)
    assert app.expected_support_cost("USA") > 0
    assert app.expected_npv("JPN") > bare.expected_npv("JPN")


def test_shipped_mp_floor_costs_the_us() -> None:
    """The DoD-MP US$110/kg NdPr floor on the shipped catalog: the US pays in expectation and
    the project's NPV rises with it."""
    p = load_catalog().get("mp-mountain-pass-hree")
    assert p.support is not None and p.support.price_floor.per_unit() == 110_000
    app = appraise_project(p, draws=200, seed=1)
    assert app.expected_support_cost("USA") > 0
    assert app.project_npv["with"].mean() > app.project_npv["without"].mean()
    assert app.expected_net("USA") == pytest.approx(
        app.expected_npv("USA") - app.expected_support_cost("USA"))


def test_plan_counts_support_cost_against_payer() -> None:
    """In plan, the payer's benefit is NPV - support cost (+ avoided GDP loss), and a grant
    lowers the budget the funder's outlay uses."""
    entries = [project_dict("g1", support={"grant": {"amount_usd": 2e8, "payer": "USA"}}),
               project_dict("g2", commodity="copper")]
    res = api.plan(catalog(entries), scenarios="china-rare-earth-ban", draws=20,
                   pareto_points=2)
    rows = {r["id"]: r for r in res["projects"]}
    assert rows["g1"]["cost_usd"] == pytest.approx(rows["g2"]["cost_usd"] - 2e8)
    assert rows["g1"]["support_cost_usa"] == pytest.approx(2e8)
    assert rows["g2"]["support_cost_usa"] == 0.0
    if "g1" in res["portfolio"]:
        detail = {d["id"]: d for d in res["projects_detail"]}["g1"]
        assert detail["usa_benefit"] == pytest.approx(
            rows["g1"]["npv_usa"] - 2e8 + rows["g1"]["avoided_gdp_usa"], rel=1e-6)


def test_cli_appraise_shows_support() -> None:
    """``appraise`` prints the support section and its JSON carries the payer's cost."""
    args = ["appraise", "mp-mountain-pass-hree", "--draws", "20", "--scenarios",
            "china-rare-earth-ban"]
    out = CliRunner().invoke(app, args, env={"COLUMNS": "160"})
    assert out.exit_code == 0, out.output
    assert "Support" in out.output and "Payer's cost" in out.output
    res = CliRunner().invoke(app, [*args, "--json"])
    sup = json.loads(res.stdout)["support"]
    assert sup["instruments"]["price_floor"]["payer"] == "USA"
    assert sup["cost"]["USA"]["mean"] > 0
    rows = json.loads(CliRunner().invoke(app, ["projects", "--json"]).stdout)
    assert {r["id"]: r for r in rows}["mp-10x-magnets"]["support"]["offtake"]["country"] == "USA"


def test_price_path_volatility_keeps_mean_and_raises_floor_cost() -> None:
    """A yearly random walk keeps the mean price (mean-preserving) and, the floor being a put,
    makes an at-the-money floor dearer than with one price level per draw."""
    p = project(capacity=100.0, price={"usd_per_unit": 1000.0, "basis": "test"},
                support={"price_floor": {**FLOOR, "price": 1000.0, "years": 8}},
                uncertainty={"price_sigma": 0.0})
    walk = Assumptions({"invest_price_path_sigma": 0.3})
    draws = draw_uncertainty(p, 20_000, np.random.default_rng(3), walk)
    assert draws.price_mult.shape[1] >= 12
    np.testing.assert_allclose(draws.price_mult.mean(axis=0), 1.0, atol=0.03)
    level = appraise_project(p, draws=200, seed=3)
    assert level.expected_support_cost("USA") == pytest.approx(0.0, abs=1e-6)  # p = F always
    moving = appraise_project(p, draws=200, seed=3, assumptions=walk)
    assert moving.expected_support_cost("USA") > 1e5
