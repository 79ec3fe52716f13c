"""Scenario specs: bad names get YAML paths and close matches; impossible numbers fail early."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from friendshore.errors import ScenarioError, UnknownNameError
from friendshore.network.supply import toy_network
from friendshore.results import cvar, summarise
from friendshore.scenario.sampling import sample_scenario
from friendshore.scenario.spec import parse_scenario, validate_names

api_stress = importlib.import_module("friendshore.api._stress")


def _scenario(**shock):
    base = {"kind": "export_restriction", "exporter": "CHN", "commodity": "gallium",
            "stage": "refine"}
    return {"name": "t", "shocks": [{**base, **shock}]}


@pytest.mark.parametrize(
    ("shock", "path", "match"),
    [
        ({"exporter": "CHM"}, "shocks[0].exporter", "CHN"),
        ({"commodity": "galium"}, "shocks[0].commodity", "gallium"),
        ({"stage": "refining"}, "shocks[0].stage", "refine"),
        ({"targets": "allys"}, "shocks[0].targets", "allies"),
        ({"targets": ["USA", "JAP"]}, "shocks[0].targets[1]", None),
    ],
)
def test_unknown_names_give_path_and_close_matches(shock, path, match):
    sc = parse_scenario(_scenario(**shock))
    with pytest.raises(UnknownNameError) as err:
        validate_names(sc, toy_network())
    assert err.value.where == path
    assert path in str(err.value)
    if match:
        assert match in err.value.matches


def test_exporter_must_produce_in_that_market():
    sc = parse_scenario(_scenario(exporter="AUS"))
    where = r"shocks\[0\]\.exporter: unknown producer of gallium"
    with pytest.raises(UnknownNameError, match=where):
        validate_names(sc, toy_network())


def test_unknown_group_in_responses_and_unknown_assumption():
    sc = parse_scenario({**_scenario(), "responses": [{"kind": "allied_sharing", "group": "G8"}]})
    with pytest.raises(UnknownNameError, match=r"responses\[0\]\.group"):
        validate_names(sc, toy_network())
    sc = parse_scenario({**_scenario(), "assumptions": {"stress_demand_elastcity": 0.3}})
    with pytest.raises(UnknownNameError) as err:
        validate_names(sc, toy_network())
    assert "stress_demand_elasticity" in err.value.matches


@pytest.mark.parametrize(
    ("shock", "path", "words"),
    [
        ({"cut": {"dist": "uniform", "low": 0.9, "high": 0.5}}, "shocks[0].cut", "greater"),
        ({"cut": 1.5}, "shocks[0].cut", "[0, 1]"),
        ({"cut": {"dist": "normal", "mean": 0.5, "sd": 0.2}}, "shocks[0].cut", "truncate"),
        ({"months": -2}, "shocks[0].months", ">= 0"),
        ({"start_month": {"dist": "uniform", "low": -1, "high": 2}}, "shocks[0].start_month",
         ">= 0"),
        ({"months": {"dist": "triangular", "low": 6, "mode": 3, "high": 9}}, "shocks[0].months",
         "mode"),
        ({"cut": {"dist": "beta", "a": 1}}, "shocks[0].cut.dist", "beta"),
    ],
)
def test_impossible_distributions_rejected_with_path(shock, path, words):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(_scenario(**shock))
    assert err.value.path == path
    assert words in str(err.value)


def test_impossible_scenario_rejected_before_any_work(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("the network was built for an invalid scenario")

    monkeypatch.setattr(api_stress, "build_network", boom)
    with pytest.raises(ScenarioError, match=r"shocks\[0\]\.cut"):
        api_stress.stress(_scenario(cut={"dist": "uniform", "low": 1, "high": 0}))


def test_unknown_scenario_name_lists_close_matches():
    with pytest.raises(UnknownNameError) as err:
        api_stress.load_scenario("china-galium-germanium-ban")
    assert "china-gallium-germanium-ban" in err.value.matches


def test_sampling_is_seeded_and_rounds_months():
    sc = parse_scenario(_scenario(cut={"dist": "lognormal", "mu": -1, "sigma": 0.5, "high": 1},
                                  months={"dist": "triangular", "low": 6, "mode": 12, "high": 24}))
    a = sample_scenario(sc, 1000, 5)
    b = sample_scenario(sc, 1000, 5)
    cut, months = a[("shocks", 0, "cut")], a[("shocks", 0, "months")]
    np.testing.assert_array_equal(cut, b[("shocks", 0, "cut")])
    assert ((cut > 0) & (cut <= 1)).all()
    assert (months == np.rint(months)).all() and months.min() >= 6 and months.max() <= 24


def test_summary_statistics_by_hand():
    v = np.arange(1, 101, dtype=float)  # 1..100
    s = summarise(v)
    assert s["mean"] == 50.5
    assert s["cvar95"] == pytest.approx(np.mean([96, 97, 98, 99, 100]))
    assert cvar(v, tail="low") == pytest.approx(3.0)
    assert s["p5"] <= s["p50"] <= s["p95"]


def test_country_codes_are_normalised_not_silently_empty() -> None:
    """'usa' means USA in a scenario, a stress run and a sweep; it never reports zeros."""
    import friendshore as fs

    out = fs.stress("drc-cobalt-outage", draws=32, seed=1, countries=["usa"])
    ref = fs.stress("drc-cobalt-outage", draws=32, seed=1, countries=["USA"])
    assert list(out["countries"]) == ["USA"] and out["countries"] == ref["countries"]
    assert out["countries"]["USA"]["shortfall_pct"]["mean"] > 0
    sweep = fs.sweep(draws=8, countries=[" jpn"])
    assert list(sweep["ranking"]) == ["JPN"]
