"""Concentration metrics checked by hand on tiny tables, plus properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from friendshore.metrics.concentration import (
    concentration_table,
    group_share,
    hhi,
    hhi_10000,
    hhi_wgi,
    scale_wgi,
    shares,
    top_shares,
)


def test_hhi_by_hand() -> None:
    s = shares([60, 30, 10])
    assert s == pytest.approx([0.6, 0.3, 0.1])
    assert hhi(s) == pytest.approx(0.36 + 0.09 + 0.01)
    assert hhi_10000(s) == pytest.approx(4600.0)
    assert top_shares(s, 1) == pytest.approx(0.6)
    assert top_shares(s, 3) == pytest.approx(1.0)


def test_shares_use_world_total_and_nan_for_unknown_total() -> None:
    assert shares([270_000], total=390_000)[0] == pytest.approx(0.6923, abs=1e-4)
    assert np.isnan(shares([1, 2], total=0)).all()
    assert math.isnan(hhi([np.nan, np.nan]))  # nothing known: NaN, never 0


def test_scale_wgi_endpoints() -> None:
    assert scale_wgi(2.5) == 0.0
    assert scale_wgi(-2.5) == 10.0
    assert scale_wgi(0.0) == 5.0
    assert scale_wgi(-3.0) == 10.0  # clipped


def test_hhi_wgi_by_hand() -> None:
    # shares 0.5, 0.5; WGI estimates 0.0 and 1.5 -> scaled 5 and 2
    s = np.array([0.5, 0.5])
    w = scale_wgi(np.array([0.0, 1.5]))
    assert hhi_wgi(s, w) == pytest.approx(0.25 * 5 + 0.25 * 2)
    assert hhi_wgi(s, w, t=[1.0, 1.2]) == pytest.approx(0.25 * 5 + 0.25 * 2 * 1.2)


def test_group_share() -> None:
    assert group_share([0.5, 0.3, 0.2], ["CHN", "AUS", "USA"], ["AUS", "USA"]) == pytest.approx(
        0.5
    )


TINY = pd.DataFrame(
    {
        "commodity": ["x"] * 5 + ["y"] * 3,
        "stage": ["mine"] * 8,
        "year": [2024] * 8,
        "country": ["CHN", "AUS", "USA", "OTH", "WLD", "COD", "CHN", "WLD"],
        "value": [50.0, 30.0, np.nan, 20.0, 95.0, 70.0, np.nan, 100.0],
    }
)


def test_concentration_table_by_hand() -> None:
    wgi = {"CHN": 6.0, "AUS": 1.0, "COD": 9.0}
    out = concentration_table(TINY, wgi_scaled=wgi, allies=["AUS", "USA"]).set_index(
        "commodity"
    )
    x = out.loc["x"]
    assert x["world_production"] == 100.0  # rows + OTH; the rounded WLD row is kept aside
    assert x["world_reported"] == 95.0
    assert x["hhi"] == pytest.approx(0.25 + 0.09)  # OTH and withheld USA excluded
    assert x["hhi_10000"] == pytest.approx(3400.0)
    assert x["hhi_wgi"] == pytest.approx(0.25 * 6 + 0.09 * 1)
    assert x["top_country"] == "CHN" and x["top_share"] == pytest.approx(0.5)
    assert x["top3_share"] == pytest.approx(0.8)
    assert x["china_share"] == pytest.approx(0.5)
    assert x["allied_share"] == pytest.approx(0.3)
    y = out.loc["y"]
    assert y["world_production"] == 70.0
    assert y["hhi"] == pytest.approx(1.0)
    assert math.isnan(y["china_share"])  # China listed but withheld: unknown, not 0
    assert y["allied_share"] == 0.0  # no listed ally


def test_missing_wgi_gives_nan_not_zero() -> None:
    out = concentration_table(TINY, wgi_scaled={"CHN": 6.0}).set_index("commodity")
    assert math.isnan(out.loc["x", "hhi_wgi"])
    out = concentration_table(TINY, wgi_scaled={"CHN": 6.0}, wgi_missing=5.0)
    assert out.set_index("commodity").loc["x", "hhi_wgi"] == pytest.approx(0.25 * 6 + 0.09 * 5)


def test_china_unlisted_with_complete_coverage_is_zero() -> None:
    df = pd.DataFrame(
        {"commodity": "z", "stage": "mine", "year": 2024, "country": ["AUS", "CHL"],
         "value": [3.0, 1.0]}
    )
    out = concentration_table(df).iloc[0]
    assert out["world_production"] == 4.0
    assert out["china_share"] == 0.0
    assert out["hhi"] == pytest.approx(0.75**2 + 0.25**2)


@settings(deadline=None)  # timing on a shared CI machine is not what this tests
@given(st.lists(st.floats(min_value=0.001, max_value=1e6), min_size=1, max_size=30))
def test_hhi_bounds(values: list[float]) -> None:
    s = shares(values)
    h = hhi(s)
    assert 1 / len(values) - 1e-9 <= h <= 1 + 1e-9
    w = np.full(len(values), 10.0)
    assert hhi_wgi(s, w) == pytest.approx(10 * h)


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c"]),
            st.sampled_from(["CHN", "AUS", "USA", "COD", "OTH"]),
            st.one_of(st.none(), st.floats(min_value=0.0, max_value=1e6)),
        ),
        min_size=1,
        max_size=25,
        unique_by=lambda r: (r[0], r[1]),
    )
)
def test_vectorised_table_matches_scalar_functions(rows) -> None:
    df = pd.DataFrame(rows, columns=["commodity", "country", "value"]).assign(
        stage="mine", year=2024
    )
    df["value"] = df["value"].astype(float)
    wgi = {"CHN": 6.0, "AUS": 1.0, "USA": 2.0, "COD": 9.0}
    out = concentration_table(df, wgi_scaled=wgi, allies=["AUS", "USA"]).set_index("commodity")
    for name, grp in df.groupby("commodity"):
        total = grp["value"].sum(min_count=1)
        named = grp[(grp["country"] != "OTH") & grp["value"].notna()]
        r = out.loc[name]
        if not total > 0:
            assert math.isnan(r["hhi"]) and math.isnan(r["world_production"])
            continue
        s = shares(named["value"], total=total)
        assert r["world_production"] == pytest.approx(total)
        if len(named):
            assert r["hhi"] == pytest.approx(hhi(s))
            assert r["hhi_wgi"] == pytest.approx(hhi_wgi(s, named["country"].map(wgi)))
            assert r["top_share"] == pytest.approx(top_shares(s, 1))
            assert r["allied_share"] == pytest.approx(
                group_share(s, named["country"].tolist(), ["AUS", "USA"]))
