"""Supply API on a hand-made table: shares, ordering, aggregates, defaults, and the ingest CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import friendshore
from friendshore.cli import app
from friendshore.errors import UnknownNameError
from friendshore.readers.usgs_mcs import SUPPLY_COLUMNS
from friendshore.store import Store

DATA = Path(__file__).parent / "data" / "atlas"


def _rows(values: dict[str, float | None], year: int = 2024, **extra) -> pd.DataFrame:
    df = pd.DataFrame({"country": list(values), "value": list(values.values())})
    base = {
        "commodity": "gallium", "stage": "refine", "measure": "production", "year": year,
        "unit": "t", "basis": "Ga", "scenario": None, "estimated": False, "withheld": False,
        "lower_bound": False, "series": "test", "note": None, "row_no": 1,
    }
    df = df.assign(**{**base, **extra})
    df["is_aggregate"] = df["country"].isin(["WLD", "OTH"])
    return df[SUPPLY_COLUMNS]


@pytest.fixture()
def tiny() -> Store:
    store = Store(":memory:", build=False)
    with store.transaction():
        store.replace_source("usgs-mcs-2099", "usgs-mcs", {"supply": pd.concat([
            _rows({"CHN": 60.0, "JPN": 30.0, "KOR": None, "OTH": 10.0, "WLD": 95.0}),
            _rows({"CHN": 50.0, "JPN": 50.0}, year=2023),
            _rows({"CHN": 1.0}, year=2030, scenario="base_case"),
        ])})
    return store


def test_hand_computed_shares(tiny: Store) -> None:
    df = friendshore.supply("gallium", store=tiny)
    assert df.attrs["year"] == 2024  # latest observed year; the 2030 projection is not default
    assert list(df["country"]) == ["CHN", "JPN", "KOR"]  # largest first, missing last
    assert df["share"].tolist()[:2] == pytest.approx([0.6, 0.3])  # of 60 + 30 + 10 (OTH)
    assert pd.isna(df["share"].iloc[2])
    assert df["world_share"].tolist()[:2] == pytest.approx([60 / 95, 30 / 95])
    assert df.attrs["denominator"] == 100 and df.attrs["world_total"] == 95


def test_year_and_projection(tiny: Store) -> None:
    assert friendshore.supply("gallium", year=2023, store=tiny)["share"].tolist() == [0.5, 0.5]
    proj = friendshore.supply("gallium", year=2030, store=tiny)
    assert proj.attrs["scenario"] == "base_case" and proj["share"].tolist() == [1.0]
    with pytest.raises(UnknownNameError, match="2023, 2024, 2030"):
        friendshore.supply("gallium", year=1999, store=tiny)
    with pytest.raises(UnknownNameError, match="stage"):
        friendshore.supply("gallium", stage="mine", store=tiny)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1e9, allow_nan=False), min_size=1, max_size=8),
       st.floats(0, 1e9, allow_nan=False))
def test_shares_with_other_countries_sum_to_one(values: list[float], other: float) -> None:
    codes = ["CHN", "JPN", "USA", "AUS", "CAN", "BRA", "IND", "ZAF"][: len(values)]
    store = Store(":memory:", build=False)
    with store.transaction():
        store.replace_source("usgs-mcs-2099", "usgs-mcs", {"supply": _rows(
            {**dict(zip(codes, values, strict=True)), "OTH": other})})
    df = friendshore.supply("gallium", store=store)
    total = sum(values) + other
    if total > 0:
        assert df["share"].sum() + other / total == pytest.approx(1)
        assert (df["share"] >= 0).all()
    else:
        assert df["share"].isna().all()


def test_cli_data_ingest(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.duckdb"
    Store(path, build=False).close()
    monkeypatch.setenv("FRIENDSHORE_STORE", str(path))
    runner = CliRunner()
    res = runner.invoke(app, ["data", "ingest", str(DATA / "MCS2026_World_Data.csv"),
                              "--source", "usgs-mcs", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["source"] == "usgs-mcs-2026"
    res = runner.invoke(app, ["data", "ingest", str(DATA / "MCS2026_truncated.csv"),
                              "--source", "usgs-mcs"])
    assert res.exit_code != 0
    assert "MCS2026_truncated.csv, row 5, field 'PROD_2024'" in str(res.exception)


def test_component_stage_falls_back_to_exporter_shares() -> None:
    df = friendshore.supply("rare_earths", stage="component")  # permanent magnets, HS 850511
    assert df.attrs["measure"] == "exports" and df.attrs["source"] == "baci-hs17-2024"
    assert "850511" in df.attrs["basis"]
    assert df.iloc[0]["country"] == "CHN" and 0.5 < df.iloc[0]["share"] < 0.95
    assert df["share"].sum() == pytest.approx(1)
    res = CliRunner().invoke(app, ["supply", "rare_earths", "--stage", "component", "--json"])
    assert res.exit_code == 0, res.output
    assert set(json.loads(res.stdout)[0]) == {"country", "exports", "unit", "share"}
