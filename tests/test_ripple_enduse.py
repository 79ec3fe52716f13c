"""Detailed end-use bridge: the shipped tables validate, bad rows are caught with file, row and
field, and spot checks of sourced facts (MCS 2026 prices and consumption, the gallium basis)."""

from __future__ import annotations

import pandas as pd
import pytest

from friendshore.errors import IngestError, UnknownNameError
from friendshore.iomodel import enduse
from friendshore.iomodel.enduse import (
    _read,
    check_consumption,
    check_end_use,
    check_prices,
    consumption,
    end_use,
    price,
)


def _raw(name: str) -> pd.DataFrame:
    return _read(name).copy()


def _bad(df: pd.DataFrame, i: int, field: str, value: str) -> pd.DataFrame:
    df.loc[i, field] = value
    return df


def test_shipped_tables_validate_and_shares_sum_to_one() -> None:
    t = enduse.end_use_table()
    sums = t.groupby(["country", "commodity", "stage"])["share"].sum()
    assert ((sums - 1).abs() < 1e-4).all()
    assert {"USA", "JPN"} <= set(t["country"])
    assert len(enduse.consumption_table()) and len(enduse.price_table())


def test_first_slice_covers_both_countries() -> None:
    cov = enduse.coverage().set_index(["commodity", "stage"])
    for key in [("gallium", "refine"), ("germanium", "refine"), ("rare_earths", "component"),
                ("rare_earths", "refine"), *[(s, "refine") for s in (
                    "ndpr", "dysprosium", "terbium", "samarium", "gadolinium", "lutetium",
                    "yttrium", "lanthanum", "cerium")]]:
        assert cov.loc[key, "end_use_countries"] == "JPN|USA", key
        assert cov.loc[key, "price"], key


def test_gallium_dependent_share_is_its_stated_arithmetic() -> None:
    # (packaged LEDs 17.65 + GaAs RF 5.793 + RF GaN 1.3) / WSTS 2021 world sales 555.893, US$ bn
    us = end_use("USA", "gallium", "refine")
    assert us.loc["334413", "share"] == 1.0
    assert us.loc["334413", "dependent_share"] == pytest.approx(
        (17.65 + 5.793 + 1.3) / 555.893, abs=5e-4)
    assert not us.loc["334413", "whole_industry"]
    jp = end_use("JPN", "gallium", "refine")
    assert jp.loc["3211021", "dependent_share"] == pytest.approx(5.793 / 463.002, abs=5e-4)
    assert jp.loc["3211011", "dependent_share"] == pytest.approx(
        (17.65 + 1.3) / (43.404 + 30.337), abs=5e-4)


def test_magnet_users_are_motors_vehicles_and_electronics() -> None:
    us = end_use("USA", "rare_earths", "component")
    assert {"335312", "336111", "336112", "333611", "334112", "334300", "334510"} <= set(us.index)
    assert us.loc["336111", "share"] + us.loc["336112", "share"] == pytest.approx(0.216)
    jp = end_use("JPN", "rare_earths", "component")
    assert {"3311012", "3511011", "3531021"} <= set(jp.index)


def test_base_and_alloy_metals_go_to_their_first_users() -> None:
    # CDA: wire rod mills 49 % + brass mills 40 % of US copper -> BEA 331420, whose whole output
    # is copper and copper-alloy products (dependent by product, not a flag)
    cu = end_use("USA", "copper", "refine")
    assert cu.loc["331420", "share"] == pytest.approx(0.49 + 0.40)
    assert cu.loc["331420", "dependent_share"] == 1.0 and not cu.loc["331420", "whole_industry"]
    assert cu.loc["331520", "whole_industry"]
    # MCS 2020: superalloys 46 % of US cobalt; MYB 2014: cemented carbides 6,880 of 11,600 t W
    assert end_use("USA", "cobalt", "refine").loc["331490", "share"] == 0.46
    assert end_use("USA", "tungsten", "refine").loc["33351B", "share"] == pytest.approx(
        6880 / 11600, abs=0.005)
    for key in [("cobalt", "refine"), ("lithium", "refine"), ("nickel", "refine"),
                ("graphite", "mine"), ("antimony", "refine"), ("tungsten", "refine"),
                ("platinum", "refine"), ("palladium", "refine"), ("beryllium", "refine"),
                ("copper", "refine"), ("aluminum", "refine")]:
        assert len(end_use("JPN", *key)) and len(end_use("USA", *key)), key


def test_mcs2026_prices_by_element_not_mischmetal() -> None:
    # MCS 2026 (2025): NdPr oxide 69, Dy oxide 239, Tb oxide 1,010, Lu oxide 888 $/kg
    assert price("ndpr", "refine") == 69_000
    assert price("dysprosium", "refine") == 239_000
    assert price("terbium", "refine") == 1_010_000
    assert price("lutetium", "refine") == 888_000
    assert price("gallium", "refine") == 580_000
    assert price("platinum", "refine") == pytest.approx(1_200 * 32_150.75)
    # BACI 2024 world trade in HS 850511: US$4,962,889,102 for 187,826.6 t
    assert price("rare_earths", "component") == pytest.approx(4_962_889_102 / 187_826.6, rel=1e-6)
    assert price("tungsten", "refine") == pytest.approx(380 * 100 / 0.793, rel=1e-6)


def test_consumption_spot_checks() -> None:
    assert consumption("USA", "gallium", "refine")["quantity"] == 19.0  # MCS 2026, 19,000 kg
    assert consumption("USA", "rare_earths", "refine")["quantity"] == 27_000
    assert consumption("JPN", "gallium", "refine")["quantity"] == 167.0  # JOGMEC 2021
    assert consumption("JPN", "rare_earths", "refine")["year"] == 2024


def test_unknown_key_lists_covered_keys() -> None:
    with pytest.raises(UnknownNameError, match="USA/gallium/refine"):
        end_use("USA", "galium", "refine")
    with pytest.raises(UnknownNameError):
        price("gallium", "component")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("country", "DEU", "country must be"),
    ("commodity", "unobtainium", "unknown commodity slug"),
    ("stage", "component", "is not a stage of"),
    ("industry", "999999", "not a USA detailed industry code"),
    ("share", "0", "outside"),
    ("share", "1.5", "outside"),
    ("share", "abc", "not a number"),
    ("dependent_share", "0", "outside"),
    ("dependent_share", "1.01", "outside"),
    ("source", " ", "empty"),
    ("dependent_basis", "", "empty"),
    ("end_use", "", "empty"),
    ("estimate", "yes", "estimate must be"),
])
def test_bad_end_use_row_names_file_row_and_field(field: str, value: str, message: str) -> None:
    df = _raw("detail_end_use.csv")
    i = int(df.index[(df["country"] == "USA") & (df["commodity"] == "gallium")][0])
    with pytest.raises(IngestError, match=message) as err:
        check_end_use(_bad(df, i, field, value), file="bad.csv")
    assert (err.value.file, err.value.row, err.value.field) == ("bad.csv", i + 2, field)


def test_japanese_code_is_checked_against_the_mic_list() -> None:
    df = _raw("detail_end_use.csv")
    i = int(df.index[df["country"] == "JPN"][0])
    with pytest.raises(IngestError, match="JPN detailed industry") as err:
        check_end_use(_bad(df, i, "industry", "334413"))  # a BEA code is not a MIC row
    assert err.value.row == i + 2


def test_shares_that_do_not_sum_to_one_are_caught() -> None:
    df = _raw("detail_end_use.csv")
    rows = df.index[(df["country"] == "JPN") & (df["commodity"] == "gallium")]
    df.loc[rows[1], "share"] = "0.4"
    with pytest.raises(IngestError, match="sum to 0.9000") as err:
        check_end_use(df)
    assert (err.value.row, err.value.field) == (int(rows[0]) + 2, "share")


def test_duplicate_industry_and_missing_column_are_caught() -> None:
    df = _raw("detail_end_use.csv")
    dup = pd.concat([df, df.iloc[[0]]], ignore_index=True)
    with pytest.raises(IngestError, match="duplicate") as err:
        check_end_use(dup)
    assert err.value.row == len(dup) + 1
    with pytest.raises(IngestError, match="missing column") as err:
        check_end_use(df.drop(columns=["dependent_share"]))
    assert err.value.field == "dependent_share"


def test_element_slugs_are_valid_before_commodities_csv_has_them() -> None:
    df = _raw("detail_end_use.csv")
    assert "terbium" in set(df["commodity"])
    i = int(df.index[df["commodity"] == "terbium"][0])
    with pytest.raises(IngestError, match="unknown commodity"):
        check_end_use(_bad(df, i, "commodity", "terbium_oxide"))


@pytest.mark.parametrize(("field", "value"), [
    ("quantity", "-3"), ("quantity", "W"), ("unit", "kg"), ("year", "25"), ("source", ""),
    ("commodity", "galium"),
])
def test_bad_consumption_row(field: str, value: str) -> None:
    df = _raw("consumption.csv")
    with pytest.raises(IngestError) as err:
        check_consumption(_bad(df, 0, field, value), file="c.csv")
    assert (err.value.file, err.value.row, err.value.field) == ("c.csv", 2, field)


@pytest.mark.parametrize(("field", "value"), [
    ("price_usd_per_t", "0"), ("price_usd_per_t", "NA"), ("basis", ""), ("stage", "mine"),
    ("estimate", "TRUE"),
])
def test_bad_price_row(field: str, value: str) -> None:
    df = _raw("prices.csv")
    i = int(df.index[df["commodity"] == "gallium"][0])
    with pytest.raises(IngestError) as err:
        check_prices(_bad(df, i, field, value), file="p.csv")
    assert (err.value.file, err.value.row, err.value.field) == ("p.csv", i + 2, field)


def test_coarse_derived_rows_are_flagged_and_follow_the_bea_use_table() -> None:
    t = enduse.end_use_table()
    derived = t[t["source"].str.startswith("derived (coarse): ")]
    assert len(derived) and derived["estimate"].all() and derived["whole_industry"].all()
    assert set(derived["country"]) == {"USA"}
    # lead's summary user 335 is split by purchases of 331410: storage batteries buy the most
    lead = end_use("USA", "lead", "mine")
    assert lead["share"].idxmax() == "335911"
    hand = t[~t["source"].str.startswith("derived (coarse): ")]
    assert not set(derived["commodity"]) & set(hand["commodity"])


def test_japan_fibre_cable_is_dependent_by_product_not_flagged() -> None:
    # Silica fibre cores are GeO2-doped and 2721021 is the fibre industry itself (issue 10).
    jp = end_use("JPN", "germanium", "refine")
    assert jp.loc["2721021", "dependent_share"] == 1.0
    assert not jp.loc["2721021", "whole_industry"]
    assert "by product" in jp.loc["2721021", "dependent_basis"]
    # The rows with no sourced product line keep the flag until one is found.
    assert jp.loc["2051099", "whole_industry"]
    assert end_use("USA", "germanium", "refine")["whole_industry"].all()
