"""One scenario per Chinese control in force (USGS MCS 2026 T4), derived from the T4 rows."""

from __future__ import annotations

import pytest

import friendshore
from friendshore.assumptions import Assumptions
from friendshore.errors import UnknownNameError
from friendshore.scenario.controls import CURATED, control_name, control_scenarios
from friendshore.scenario.spec import Fixed, Uniform

LICENCE = "Export licensing requirement for materials and technologies"


def _row(commodity, country="CHN", kind=LICENCE, since="2025", item=None):
    return {"country": country, "control_type": kind, "item": item or commodity,
            "since": since, "commodity": commodity, "data_source": "https://www.mofcom.gov.cn/x"}


def test_a_licence_is_a_uniform_cut_on_every_stage_china_produces() -> None:
    out = control_scenarios([_row("tungsten")], {"tungsten": ["mine", "refine"]}, Assumptions())
    sc = out["china-control-tungsten"]
    assert sc.in_force and "T4" in sc.control_source and "mofcom" in sc.control_source
    assert [(ev.commodity, ev.stage, ev.exporter, ev.targets) for ev in sc.shocks] == [
        ("tungsten", "mine", "CHN", "all"), ("tungsten", "refine", "CHN", "all")]
    cut = sc.shocks[0].cut
    assert isinstance(cut, Uniform) and (cut.low, cut.high) == (0.0, 1.0)
    assert sc.shocks[0].months == Fixed(value=12.0) and sc.horizon_months == 12


def test_the_cut_range_and_length_are_assumptions() -> None:
    a = Assumptions({"stress_control_cut_low": 0.2, "stress_control_cut_high": 0.5,
                     "stress_control_months": 18})
    sc = control_scenarios([_row("indium")], {"indium": ["refine"]}, a)["china-control-indium"]
    assert (sc.shocks[0].cut.low, sc.shocks[0].cut.high) == (0.2, 0.5)
    assert sc.shocks[0].months == Fixed(value=18.0) and sc.horizon_months == 18


def test_a_ban_cuts_everything() -> None:
    sc = control_scenarios([_row("bauxite", kind="Export ban")], {"bauxite": ["mine"]},
                           Assumptions())["china-control-bauxite"]
    assert sc.shocks[0].cut == Fixed(value=1.0) and "bans" in sc.description


def test_rows_without_a_chinese_market_are_left_out_and_rows_merge() -> None:
    rows = [_row("nickel", country="IDN"), _row(None, item="synthesized diamond"),
            _row("silver"), _row("rare_earths"), _row("graphite", since="2023"),
            _row("graphite", since="2025", item="artificial graphite anode materials")]
    out = control_scenarios(rows, {"graphite": ["mine"], "rare_earths": ["refine"],
                                   "nickel": ["mine"]}, Assumptions())
    assert list(out) == ["china-control-graphite"]  # silver: no stage where China produces
    assert "since 2023" in out["china-control-graphite"].description
    assert "artificial graphite" in out["china-control-graphite"].description


def test_the_library_has_a_scenario_per_chinese_control() -> None:
    listed = {s["name"]: s for s in friendshore.scenarios()}
    t4 = friendshore.controls("CHN")
    expected = {control_name(c) for c in t4["commodity"].dropna() if c not in CURATED}
    assert expected <= set(listed)
    assert len(expected) == 11
    assert all(listed[n]["in_force"] for n in expected)
    assert listed["china-rare-earth-elements-2025"]["in_force"]  # the curated one
    assert listed["hormuz-closure"]["in_force"] is False
    assert set(friendshore.api.scenario_names()) == set(listed)


def test_a_control_scenario_runs_and_its_cut_reaches_the_engine() -> None:
    out = friendshore.stress("china-control-gallium", draws=200, seed=1)
    assert out["countries"]["USA"]["shortfall_pct"]["mean"] > 1.0
    none = friendshore.stress("china-control-gallium", draws=200, seed=1,
                              assumptions={"stress_control_cut_high": 0.0})
    assert none["countries"]["USA"]["shortfall_pct"]["mean"] == 0.0


def test_an_unknown_control_name_lists_the_library() -> None:
    with pytest.raises(UnknownNameError) as err:
        friendshore.load_scenario("china-control-unobtainium")
    assert "china-control-gallium" in str(err.value)


def test_the_planner_takes_control_names_with_the_run_assumptions() -> None:
    from friendshore.api._invest import _scenarios

    a = Assumptions({"stress_control_cut_high": 0.5})
    out = _scenarios("china-control-gallium,hormuz-closure", a, None)
    assert list(out) == ["china-control-gallium", "hormuz-closure"]
    assert out["china-control-gallium"].shocks[0].cut.high == 0.5
    with pytest.raises(UnknownNameError, match="scenarios: .*china-control-gallium"):
        _scenarios(["china-control-unobtainium"], a, None)
