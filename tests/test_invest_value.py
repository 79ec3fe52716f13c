"""Strategic value on the toy network: relief is bounded, grows with capacity, caps jointly."""

from __future__ import annotations

import numpy as np
import pytest

from friendshore.invest.portfolio import Problem, benefits
from friendshore.invest.value import scenario_library, strategic_value
from friendshore.network.supply import toy_network
from friendshore.scenario.spec import parse_scenario
from invest_factory import catalog, project_dict

BAN = parse_scenario({
    "name": "toy-gallium-ban", "draws": 50, "seed": 1, "countries": ["USA", "JPN"],
    "shocks": [{"kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
                "stage": "refine", "cut": 1.0, "targets": "all", "months": 12}],
})


def _value(caps: list[float]):
    cat = catalog([project_dict(f"g{i}", capacity=c, notice_date="2024-01-01",
                                economic_life_years=60, lead_time_years=1)
                   for i, c in enumerate(caps)])
    return cat, strategic_value(list(cat), toy_network(), scenarios={"ban": BAN}, draws=50,
                                seed=1)


def test_relief_bounded_and_monotone() -> None:
    """Relief is non-negative, never above the base shortfall, and grows with capacity."""
    cat, sv = _value([5.0, 40.0, 400.0])
    assert sv.cells and all(c[0] == "ban" for c in sv.cells)
    assert (sv.base > 0).all() and (sv.value >= 0).all()
    r = sv.relief_matrix(cat.ids)
    assert (r >= 0).all()
    assert (r <= sv.base[None, :] * (1 + 1e-9)).all()
    assert (r[0] <= r[1] + 1e-9).all() and (r[1] <= r[2] + 1e-9).all()
    assert r[1].sum() > 0


def test_portfolio_benefit_caps_joint_relief() -> None:
    """Two big plants relieving the same shortfall are worth less than the sum of each."""
    cat, sv = _value([400.0, 400.0])
    prob = Problem(ids=cat.ids, cost=np.ones(2), npv=np.zeros((2, 2)), base=sv.base,
                   relief=sv.relief_matrix(cat.ids), value=sv.value,
                   cell_country=sv.cell_country())
    both = benefits(prob, np.array([1.0, 1.0])).sum()
    each = benefits(prob, np.array([1.0, 0.0])).sum()
    assert both < 2 * each
    assert both == pytest.approx(float(sv.value @ sv.base), rel=1e-6)


def test_summary_weights_scenarios_and_ignores_untouched_markets() -> None:
    """The per-project summary: per-year figures are probability-weighted per-event figures,
    the PV is the standalone portfolio value, and a project on a commodity the scenario does
    not touch avoids nothing."""
    cat = catalog([project_dict("ga", capacity=40.0, notice_date="2024-01-01",
                                economic_life_years=60, lead_time_years=1),
                   project_dict("cu", commodity="copper", notice_date="2024-01-01")])
    sv = strategic_value(list(cat), toy_network(), scenarios={"ban": BAN}, draws=50, seed=1)
    ga, cu = sv.summary("ga"), sv.summary("cu")
    usa = ga["scenarios"]["ban"]["USA"]
    assert usa["shortfall_t"] > 0 and 0 < usa["shortfall_pct"] <= 100
    assert ga["USA"]["shortfall_t_per_year"] == pytest.approx(0.05 * usa["shortfall_t"])
    prob = Problem(ids=cat.ids, cost=np.ones(2), npv=np.zeros((2, 2)), base=sv.base,
                   relief=sv.relief_matrix(cat.ids), value=sv.value,
                   cell_country=sv.cell_country())
    alone = benefits(prob, np.array([1.0, 0.0]))
    assert ga["USA"]["gdp_loss_avoided_pv_usd"] == pytest.approx(alone[0])
    assert ga["JPN"]["gdp_loss_avoided_pv_usd"] == pytest.approx(alone[1])
    for k in ("USA", "JPN"):
        assert cu["scenarios"]["ban"][k] == {"shortfall_t": 0.0, "shortfall_pct": 0.0,
                                             "gdp_loss_usd": 0.0, "markets": {}}
        assert cu[k]["shortfall_t_per_year"] == 0 and cu[k]["gdp_loss_avoided_pv_usd"] == 0


def test_library_has_shipped_scenarios() -> None:
    assert "sakhalin-cutoff" in scenario_library()


def test_separation_relieves_the_rare_earth_ban() -> None:
    """Separation plants sit on rare_earths/refine, the market china-rare-earth-ban restricts."""
    from friendshore.api._base import get_store
    from friendshore.invest.catalog import load_catalog, shipped_catalog_path
    from friendshore.network.build import build_network
    from friendshore.scenario.spec import read_scenario_file

    cat = load_catalog(shipped_catalog_path())
    separation = [p for p in cat if p.type == "separation"]
    assert separation and all((p.commodity, p.stage) == ("rare_earths", "refine")
                              for p in separation)
    ban = read_scenario_file(scenario_library()["china-rare-earth-ban"])
    sv = strategic_value([cat.get("mp-mountain-pass-hree")], build_network(get_store()),
                         scenarios={"ban": ban}, draws=40, seed=1)
    avoided = sv.avoided["mp-mountain-pass-hree"]["ban"]
    assert avoided["USA"]["shortfall_t"] > 0
    assert avoided["USA"]["gdp_loss_usd"] > 0
    refine = [i for i, c in enumerate(sv.cells) if c[1:] == ("rare_earths", "refine", "USA")]
    assert refine and sv.relief["mp-mountain-pass-hree"][refine[0]] > 0


def test_alaska_lng_relieves_japan_under_hormuz_closure() -> None:
    """With an LNG bridge, Alaska LNG's extra capacity cuts Japan's GDP loss (price peak)."""
    from friendshore.api._base import get_store
    from friendshore.invest.catalog import load_catalog, shipped_catalog_path
    from friendshore.network.build import build_network
    from friendshore.scenario.spec import read_scenario_file

    cat = load_catalog(shipped_catalog_path())
    hormuz = read_scenario_file(scenario_library()["hormuz-closure"])
    sv = strategic_value([cat.get("alaska-lng")], build_network(get_store()),
                         scenarios={"hormuz": hormuz}, draws=40, seed=1)
    jpn = [i for i, c in enumerate(sv.cells) if c[1:] == ("lng", "refine", "JPN")]
    assert jpn and sv.base[jpn[0]] > 0
    assert 0 < sv.relief["alaska-lng"][jpn[0]] <= sv.base[jpn[0]]
    assert sv.avoided["alaska-lng"]["hormuz"]["JPN"]["gdp_loss_usd"] > 0
