"""Markets read from another commodity's series: rare-earth refining is IEA magnet-REE refining."""

from __future__ import annotations

import pytest

from friendshore.api import _atlas as atlas
from friendshore.conventions.commodities import commodity, derived_series


def test_rare_earth_refine_lists_the_stage_and_its_series() -> None:
    assert commodity("rare_earths").stages == ("mine", "refine", "component")
    assert derived_series()[("rare_earths", "refine")] == ("magnet_rare_earths", "refine")


def test_supply_rare_earth_refine_is_the_iea_magnet_ree_series() -> None:
    """IEA 2024 outlook: China refines about 90% of magnet rare earths (2023)."""
    df = atlas.supply("rare_earths", stage="refine")
    assert df.attrs["commodity"] == "rare_earths" and df.attrs["stage"] == "refine"
    assert df.attrs["series"] == "magnet_rare_earths refine"
    assert df.attrs["basis"] == "magnet REE content"
    assert df.iloc[0]["country"] == "CHN"
    assert df.iloc[0]["share"] == pytest.approx(0.92, abs=0.02)
    same = atlas.supply("magnet_rare_earths", stage="refine")
    assert list(df["country"]) == list(same["country"])


def test_commodities_lists_rare_earth_refine() -> None:
    rows = atlas.commodities().set_index("slug")
    assert "refine" in rows.at["rare_earths", "stages"]
