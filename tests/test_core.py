"""Core plumbing: errors, assumptions, countries and saved runs."""

from __future__ import annotations

import pytest

from friendshore.assumptions import Assumptions
from friendshore.conventions.countries import group_members, to_iso3, validate_iso3
from friendshore.errors import IngestError, UnknownNameError
from friendshore.store import Store


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Congo (Kinshasa)", "COD"),
        ("Burma", "MMR"),
        ("Korea, Republic of", "KOR"),
        ("Canada ", "CAN"),
        ("Australia\u00a0", "AUS"),
        ("Côte d’Ivoire", "CIV"),
        ("ROM", "ROU"),
        ("ZAR", "COD"),
        ("World total (rounded) 10", "WLD"),
        ("Other Countries", "OTH"),
    ],
)
def test_country_names_map_to_iso3(name: str, iso3: str) -> None:
    assert to_iso3(name) == iso3


def test_unmapped_country_names_file_row_field() -> None:
    with pytest.raises(IngestError, match=r"file a\.csv, row 7, field 'COUNTRY'"):
        to_iso3("Atlantis", file="a.csv", row=7, field="COUNTRY")


def test_unknown_iso3_lists_close_matches() -> None:
    with pytest.raises(UnknownNameError, match="JPN"):
        validate_iso3("JPM")


def test_groups_are_data() -> None:
    assert set(group_members("g7")) == {"CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"}
    assert len(group_members("EU27")) == 27
    with pytest.raises(UnknownNameError, match="allies"):
        group_members("alies")


def test_unknown_assumption_override_is_rejected() -> None:
    with pytest.raises(UnknownNameError):
        Assumptions({"no_such_assumption": 1})


def test_saved_run_round_trip_and_atomicity() -> None:
    s = Store(":memory:", build=False)
    rid = s.save_run("stress", "demo", {"draws": 10}, {"x": [1.0, 2.0]}, seed=7)
    run = s.get_run(rid)
    assert run["inputs"] == {"draws": 10} and run["outputs"] == {"x": [1.0, 2.0]}
    assert run["seed"] == 7
    with pytest.raises(TypeError), s.transaction():
        s.execute(
            "INSERT INTO runs (id, kind, created_at) VALUES ('half', 'stress', now())"
        )
        raise TypeError("crash mid-save")
    assert s.list_runs()["id"].tolist() == [rid]


def test_assumptions_command_lists_every_assumption_with_a_source() -> None:
    import json

    from typer.testing import CliRunner

    from friendshore.assumptions import all_assumptions
    from friendshore.cli import app

    out = CliRunner().invoke(app, ["assumptions", "--json"])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)
    assert {r["name"] for r in rows} == set(all_assumptions())
    assert all(r["source"].strip() and r["unit"] is not None for r in rows)


def test_set_pairs_parse_as_yaml_and_reject_missing_equals() -> None:
    from friendshore.cli._common import parse_sets
    from friendshore.errors import ScenarioError

    assert parse_sets(["a=0.3", "b={JPN: 2}", "c=x=y"]) == {"a": 0.3, "b": {"JPN": 2}, "c": "x=y"}
    with pytest.raises(ScenarioError, match=r"--set\[1\]"):
        parse_sets(["a=1", "oops"])


def test_api_exports_match_each_layer_module() -> None:
    import importlib

    import friendshore
    from friendshore import api

    by_module: dict[str, set[str]] = {}
    for name, module in api.EXPORTS.items():
        by_module.setdefault(module, set()).add(name)
    for module, names in by_module.items():
        assert set(importlib.import_module(f"friendshore.api.{module}").__all__) == names
    assert callable(friendshore.risk) and callable(friendshore.stress)
    assert callable(friendshore.api.ripple)
