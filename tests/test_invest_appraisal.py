"""Appraisal: the deemed-allocation schedule, the waterfall split and NPV/IRR/payback."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from friendshore.assumptions import Assumptions
from friendshore.invest.agreements import load_agreement
from friendshore.invest.appraisal import (
    Draws,
    appraise_project,
    calc_irr,
    calc_npv,
    calc_payback,
    cash_flows,
    deemed_schedule,
    payments,
    split_cash,
    waterfall,
)
from invest_factory import JAPAN, PLAIN, project


def test_worked_example_first_year_entitlement() -> None:
    """US$10B at 5.5% over 20 years: 0.55 interest + 0.50 principal = 1.05B in year one."""
    assert JAPAN.deemed_allocation.rate == pytest.approx(0.055)
    sched = deemed_schedule(10e9, 0.055, 20)
    assert sched[0] == pytest.approx(1.05e9)
    assert sched[1] == pytest.approx(0.055 * 9.5e9 + 0.5e9)
    assert sched.sum() - 10e9 == pytest.approx(0.055 * 0.5e9 * 20 * 21 / 2)


def _run(dist: list[float], terms=PLAIN) -> tuple[np.ndarray, np.ndarray]:
    years = len(dist) + 1
    funding = np.zeros((1, years))
    funding[0, 0] = 10e9
    d = np.array([[0.0, *dist]])
    operating = np.arange(years)[None, :] >= 1
    return waterfall(funding, d, operating, 20, terms)


def test_waterfall_first_year_is_the_entitlement() -> None:
    """Distributable 2.1B in year one: Japan's half is exactly its 1.05B entitlement."""
    host, funder = _run([2.1e9])
    assert funder[0, 1] == pytest.approx(1.05e9)
    assert host[0, 1] == pytest.approx(1.05e9)


def test_waterfall_payoff_within_a_year_switches_to_90_10() -> None:
    """100B in year one: 50/50 until 10.55B is paid, then 90/10 on the remaining 78.9B."""
    host, funder = _run([100e9])
    assert funder[0, 1] == pytest.approx(10.55e9 + 0.1 * 78.9e9)
    assert host[0, 1] == pytest.approx(10.55e9 + 0.9 * 78.9e9)


def test_waterfall_shortfall_carried_forward_hand_computed() -> None:
    """A hand-computed four-year path: shortfall, catch-up, prepayment, payoff."""
    host, funder = _run([1.0e9, 3.2055e9, 10e9, 10e9, 10e9])
    assert funder[0, 1] == pytest.approx(0.5e9)  # due 1.05, short 0.55 carried
    assert funder[0, 2] == pytest.approx(1.60275e9)  # 0.55275 + 0.5 + 0.55
    assert funder[0, 3] == pytest.approx(5.0e9)  # prepays: outstanding 9 -> 4.495
    assert funder[0, 4] == pytest.approx(4.742225e9 + 0.1 * (10e9 - 2 * 4.742225e9))
    assert funder[0, 5] == pytest.approx(1.0e9)  # 90/10 from then on
    assert host[0, 5] == pytest.approx(9.0e9)


def test_construction_interest_is_capitalised() -> None:
    """Under the MOU terms interest accrues from funding: 10B funded a year before operation
    is owed 10.55B, so year one is due 0.055 x 10.55 + 10.55 / 20."""
    host, funder = _run([100e9], JAPAN)
    owed = 10e9 * 1.055
    payoff = owed * 1.055
    assert funder[0, 1] == pytest.approx(payoff + 0.1 * (100e9 - 2 * payoff))
    _, funder = _run([2 * (0.055 * owed + owed / 20)], JAPAN)
    assert funder[0, 1] == pytest.approx(0.055 * owed + owed / 20)


def test_upfront_funding_and_overrun_calls() -> None:
    """The funder pays the announced capex in the notice year and overruns as they are spent."""
    p = project(capex_usd=2e9, lead_time_years=2)
    cf = cash_flows(p, Draws(np.array([0.5]), np.array([0]), np.array([1.0])))
    paid, _ = payments(p, cf)
    np.testing.assert_allclose(paid["JPN"][0, :2], [2e9 + 0.5e9, 0.5e9])


def test_korea_terms_load_with_cap() -> None:
    """Other agreements are data: Korea's MOU has a US$20B yearly cap."""
    korea = load_agreement("us_korea_2025")
    assert korea.annual_cap_usd == 20e9 and korea.commercially_reasonable


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=-1e9, max_value=5e10), min_size=3, max_size=30))
def test_waterfall_conserves_cash(dist: list[float]) -> None:
    """Host plus funder receipts equal the positive distributable cash, year by year."""
    host, funder = _run(dist)
    expect = np.maximum(np.array([0.0, *dist]), 0)
    np.testing.assert_allclose(host[0] + funder[0], expect, rtol=1e-9, atol=1.0)
    assert (host >= -1e-6).all() and (funder >= -1e-6).all()


def test_npv_irr_payback_hand_computed() -> None:
    """[-100, 110] has IRR 10%; [-100, 50, 50, 50] pays back after 2 years."""
    assert calc_irr(np.array([[-100.0, 110.0]]))[0] == pytest.approx(0.10, abs=1e-9)
    assert calc_npv(np.array([[-100.0, 110.0]]), 0.10)[0] == pytest.approx(0.0, abs=1e-9)
    assert calc_payback(np.array([[-100.0, 50, 50, 50]]))[0] == 2.0
    assert np.isnan(calc_payback(np.array([[-100.0, 10, 10]]))[0])
    assert np.isnan(calc_irr(np.array([[100.0, 10.0]]))[0])


def test_cash_flows_phasing_and_ramp() -> None:
    """Capex spread over the lead time; revenue follows the ramp-up, then full capacity."""
    p = project(capex_usd=2e9, lead_time_years=2, ramp_up=[0.5], economic_life_years=3,
                capacity=10.0, price={"usd_per_unit": 1e6, "basis": "t"})
    cf = cash_flows(p, Draws.base())
    np.testing.assert_allclose(cf.capex[0], [1e9, 1e9, 0, 0, 0])
    np.testing.assert_allclose(cf.revenue[0], [0, 0, 5e6, 1e7, 1e7])
    slipped = cash_flows(p, Draws(np.array([0.5]), np.array([1]), np.array([2.0])))
    np.testing.assert_allclose(slipped.capex[0], [1e9, 1e9, 1e9, 0, 0, 0])
    np.testing.assert_allclose(slipped.revenue[0, 3:], [1e7, 2e7, 2e7])


@pytest.mark.parametrize("financing", [
    {"kind": "waterfall"},
    {"kind": "equity", "shares": {"USA": 0.3, "JPN": 0.7}},
    {"kind": "loan", "lender": "JPN", "sponsor": "USA", "debt_share": 0.6, "rate": 0.05,
     "tenor_years": 8},
])
def test_financing_splits_sum_to_project_cash(financing: dict) -> None:
    """Whatever the financing, the countries' net flows add up to the project's over its life
    (year by year too, except that upfront funding is paid into the SPV before it is spent)."""
    p = project(financing=financing)
    cf = cash_flows(p, Draws.base())
    flows = split_cash(p, cf)
    total = sum(flows.values())
    net = cf.distributable - cf.capex
    np.testing.assert_allclose(total.sum(axis=1), net.sum(axis=1), rtol=1e-9)
    np.testing.assert_allclose(total[:, 2:], net[:, 2:], atol=1.0)


def test_monte_carlo_overrun_mean_matches_reference_class() -> None:
    """The drawn capex averages announced capex x (1 + the reference-class mean overrun)."""
    p = project()  # separation -> mining class
    res = appraise_project(p, draws=20000, seed=1)
    mean = Assumptions()["invest_overrun_mining_mean"]
    assert res.capex_draws.mean() == pytest.approx(1e9 * (1 + mean), rel=0.02)
    summary = res.summary()
    assert set(summary["monte_carlo"]) == {"USA", "JPN"}
    assert summary["base"]["JPN"]["npv"] > summary["monte_carlo"]["JPN"]["npv"]["p5"]
