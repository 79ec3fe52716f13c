"""Invest API and CLI: projects, appraise and plan on the shipped catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from friendshore.api import _invest as api
from friendshore.cli import app
from friendshore.errors import SolverError

SCENARIOS = "china-rare-earth-ban,sakhalin-cutoff"


@pytest.fixture(scope="module")
def planned() -> dict:
    """One plan on the shipped catalog with a small scenario set and few draws."""
    return api.plan(scenarios=SCENARIOS, draws=60, pareto_points=5)


def test_projects_lists_catalog() -> None:
    rows = api.projects()
    assert len(rows) >= 20 and all(r["source_url"] for r in rows)


def test_appraise_reports_both_countries() -> None:
    res = api.appraise("alaska-lng", draws=200, seed=3)
    assert set(res["base"]) == {"USA", "JPN"}
    assert res["capex"]["mean"] > 44e9  # LNG reference-class overrun
    assert res["ripple"]["construction_value_added_usd"] > 0
    assert res["ripple"]["construction_job_years_estimate"] > 0


def test_plan_contract(planned: dict) -> None:
    """The JSON contract holds: portfolio within budget, both benefits, a Pareto front."""
    for key in ("portfolio", "budget_used", "usa_benefit", "jpn_benefit", "pareto"):
        assert key in planned
    assert planned["budget_used"] <= planned["budget"] * (1 + 1e-9)
    assert planned["usa_benefit"] >= -1e-6 and planned["jpn_benefit"] >= -1e-6
    assert not set(planned["portfolio"]) & set(planned["excluded"])
    assert "bwrx300-fleet" in planned["excluded"]  # notice after the 2029 deadline
    pts = [(p["usa"], p["jpn"]) for p in planned["pareto"]]
    assert pts
    for a in pts:
        assert not any(b != a and b[0] >= a[0] and b[1] >= a[1] for b in pts)
    assert planned["greedy"]["budget_used"] <= planned["budget"]


def test_plan_budget_binds() -> None:
    res = api.plan(budget=1e9, scenarios=SCENARIOS, draws=40, pareto_points=3)
    assert res["budget_used"] <= 1e9


def test_plan_infeasible_floor_is_explained() -> None:
    with pytest.raises(SolverError, match="JPN's benefit floor"):
        api.plan(scenarios=SCENARIOS, draws=40, floors={"JPN": 1e12}, pareto_points=3)


def test_cli_plan_json_and_plot(tmp_path: Path) -> None:
    png = tmp_path / "pareto.png"
    result = CliRunner().invoke(app, ["plan", "--json", "--scenarios", SCENARIOS,
                                      "--budget", "5e9", "--plot", str(png),
                                      "--set", "invest_plan_draws=40"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["budget_used"] <= 5e9 and data["pareto"]
    assert sorted(d["id"] for d in data["projects_detail"]) == sorted(data["portfolio"])
    assert png.stat().st_size > 1000


def test_cli_projects_json() -> None:
    result = CliRunner().invoke(app, ["projects", "--json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) >= 20


def test_plan_korea_terms_and_expected_capex() -> None:
    """Korea's MOU applies its yearly cap; the expected-capex basis costs more than announced."""
    kor = api.plan(agreement="us_korea_2025", scenarios=SCENARIOS, draws=40, pareto_points=3)
    assert kor["annual_cap"] == 20e9 and kor["budget"] == 200e9
    assert "mp-10x-magnets" in kor["excluded"]  # financed under the Japan MOU
    exp = api.plan(scenarios=SCENARIOS, draws=40, pareto_points=3, capex_basis="expected")
    ann = {r["id"]: r["cost_usd"] for r in api.plan(scenarios=SCENARIOS, draws=40,
                                                      pareto_points=3)["projects"]}
    costs = {r["id"]: r["cost_usd"] for r in exp["projects"]}
    assert costs["alaska-lng"] > ann["alaska-lng"] >= 44e9  # announced capex + ramp-up deficits


def test_agreement_terms_by_data(tmp_path: Path) -> None:
    """A copy of the MOU with a wider spread raises Japan's entitlement, hence its NPV."""
    import yaml

    from friendshore.invest.agreements import agreement_ids, load_agreement

    assert "us_japan_2025" in agreement_ids()
    raw = load_agreement("us_japan_2025").model_dump(mode="json")
    raw["deemed_allocation"]["spread"] = 0.04
    path = tmp_path / "wide.yaml"
    path.write_text(yaml.safe_dump(raw))
    base = api.appraise("mp-mountain-pass-hree", draws=10, seed=1)
    wide = api.appraise("mp-mountain-pass-hree", draws=10, seed=1, agreement=path)
    assert wide["base"]["JPN"]["npv"] > base["base"]["JPN"]["npv"]


def test_cli_plan_custom_catalog(tmp_path: Path) -> None:
    """`friendshore plan CATALOG.yaml` plans over that catalog only."""
    import yaml

    from friendshore.invest.catalog import shipped_catalog_path

    raw = yaml.safe_load(shipped_catalog_path().read_text())
    keep = {"mp-mountain-pass-hree", "mp-10x-magnets", "alcoa-wagerup-gallium"}
    raw["projects"] = [p for p in raw["projects"] if p["id"] in keep]
    for p in raw["projects"]:
        p["requires_any"] = [q for q in p.get("requires_any", []) if q in keep]
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(raw))
    result = CliRunner().invoke(app, ["plan", str(path), "--json", "--scenarios", SCENARIOS,
                                      "--set", "invest_plan_draws=30"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data["portfolio"]) <= keep and len(data["projects"]) == 3


def test_appraise_strategic_equals_plan(planned: dict) -> None:
    """appraise and plan share one code path: same project, scenarios, draws and seed give the
    same avoided shortfall and avoided GDP loss, per scenario and in present value."""
    row = {r["id"]: r for r in planned["projects"]}["mp-mountain-pass-hree"]
    res = api.appraise("mp-mountain-pass-hree", draws=60, scenarios=SCENARIOS)
    assert set(res["scenarios"]) == set(planned["scenarios"])
    assert res["strategic"] == row["strategic"]
    assert res["strategic"]["USA"]["gdp_loss_avoided_pv_usd"] == pytest.approx(
        row["avoided_gdp_usa"], rel=1e-12)
    assert res["strategic"]["JPN"]["gdp_loss_avoided_pv_usd"] == pytest.approx(
        row["avoided_gdp_jpn"], rel=1e-12)
    ban = res["strategic"]["scenarios"]["china-rare-earth-ban"]
    assert ban["USA"]["shortfall_t"] > 0 and 0 < ban["USA"]["shortfall_pct"] <= 100
    assert ban["USA"]["shortfall_t"] == ban["USA"]["markets"]["rare_earths/refine"]["shortfall_t"]
    # Probability-weighted per year: sum of annual probability x avoided per event.
    p = planned["scenarios"]["china-rare-earth-ban"]
    assert res["strategic"]["USA"]["gdp_loss_avoided_per_year_usd"] == pytest.approx(
        p * ban["USA"]["gdp_loss_usd"])
    assert res["ripple"] == row["ripple"]


def test_appraise_untouched_commodity_avoids_nothing() -> None:
    """No shipped scenario touches copper: Resolution Copper avoids no shortfall or GDP loss."""
    res = api.appraise("resolution-copper", draws=20)
    assert res["scenarios"]  # the whole library was evaluated
    for country in ("USA", "JPN"):
        agg = res["strategic"][country]
        assert agg["shortfall_t_per_year"] == 0 and agg["gdp_loss_avoided_pv_usd"] == 0
        for scn in res["strategic"]["scenarios"].values():
            assert scn[country]["shortfall_t"] == 0 and scn[country]["markets"] == {}


def test_appraise_ripple_phases() -> None:
    """Ripple per phase in the host: output >= value added, imports and wages positive."""
    rip = api.appraise("hanwha-philly-shipyard", draws=20, scenarios="hormuz-closure")["ripple"]
    assert rip["country"] == "USA"
    for phase in ("construction", "operation"):
        assert rip[f"{phase}_output_usd"] >= rip[f"{phase}_value_added_usd"] > 0
        assert rip[f"{phase}_imports_usd"] > 0 and rip[f"{phase}_compensation_usd"] > 0
        assert rip[f"{phase}_job_years_estimate"] > 0


def test_plan_projects_detail(planned: dict) -> None:
    """Per-project contributions of the chosen portfolio: costs add up to the budget used; a
    project's marginal benefit never exceeds its benefit alone (relief is capped), and the
    marginals add up to at most the portfolio's benefit."""
    detail = planned["projects_detail"]
    assert sorted(d["id"] for d in detail) == sorted(planned["portfolio"])
    assert sum(d["cost_usd"] for d in detail) == pytest.approx(planned["budget_used"])
    rows = {r["id"]: r for r in planned["projects"]}
    for d in detail:
        r = rows[d["id"]]
        for k in ("usa", "jpn"):  # NPV less the support it pays, plus avoided GDP loss
            assert d[f"{k}_benefit"] == pytest.approx(
                r[f"npv_{k}"] - r[f"support_cost_{k}"] + r[f"avoided_gdp_{k}"])
        for k in ("usa", "jpn"):
            assert d[f"{k}_marginal"] <= d[f"{k}_benefit"] + 1e-9 * abs(d[f"{k}_benefit"]) + 1
    for k in ("usa", "jpn"):
        total = planned[f"{k}_benefit"]
        assert sum(d[f"{k}_marginal"] for d in detail) <= total + 1e-9 * abs(total) + 1


def test_cli_appraise_sections_and_json() -> None:
    """The rich output has the three sections; --json carries strategic and ripple."""
    args = ["appraise", "mp-mountain-pass-hree", "--draws", "20", "--scenarios",
            "china-rare-earth-ban"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    for section in ("cash flows", "Strategic value", "Jobs and value added"):
        assert section in result.output
    result = CliRunner().invoke(app, [*args, "--json"])
    data = json.loads(result.stdout)
    assert data["strategic"]["USA"]["gdp_loss_avoided_pv_usd"] > 0
    assert data["ripple"]["operation_value_added_usd"] > 0
