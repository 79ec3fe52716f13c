"""LNG scenarios: they parse in the stress schema, and name real LNG exporters and importers."""

from __future__ import annotations

from importlib import resources

import pytest

from friendshore.api import alliance as api
from friendshore.assumptions import assumption
from friendshore.scenarios.spec import read_scenario_file

LNG_SCENARIOS = ["hormuz-closure", "sakhalin-cutoff", "us-lng-export-pause"]


def _path(name: str):
    return resources.files("friendshore") / "data" / "scenarios" / f"{name}.yaml"


@pytest.mark.parametrize("name", LNG_SCENARIOS)
def test_lng_scenarios_parse_and_name_lng_trade(name: str, store) -> None:
    scenario = read_scenario_file(str(_path(name)))
    assert scenario.name == name
    matrix = api.lng_security(store=store)["suppliers"]
    for shock in scenario.shocks:
        assert (shock.commodity, shock.stage) == ("lng", "refine")
        exporter = getattr(shock, "exporter", None) or shock.country
        assert exporter in set(matrix["exporter"])
    assert "JPN" in scenario.countries


def test_lng_stockpile_assumption_is_sourced() -> None:
    a = assumption("lng_stockpile_months_by_country")
    assert 0.45 <= a.default["JPN"] <= 0.75  # two to three weeks
    assert a.default["KOR"] == pytest.approx(9 / 30)
    assert "METI" in a.source and "9 days" in a.source
