"""USGS MCS reader and supply API: published facts, country mapping, bad input, atomic ingest."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import friendshore
from friendshore.cli import app
from friendshore.conventions.commodities import (
    STAGES,
    all_commodities,
    validate_commodity,
    validate_stage,
)
from friendshore.conventions.countries import validate_iso3
from friendshore.errors import IngestError, UnknownNameError
from friendshore.readers import usgs_mcs
from friendshore.store import Store
from ingest_checks import assert_rejects

DATA = Path(__file__).parent / "data" / "atlas"
WORLD = usgs_mcs.shipped()[0] / "world" / "MCS2025_World_Data.csv"


@pytest.fixture(scope="module")
def world() -> pd.DataFrame:
    return usgs_mcs.read_world(WORLD)


# -- published figures (USGS MCS 2025) --------------------------------------------------------
def test_rare_earths_china_2024() -> None:
    df = friendshore.supply("rare_earths", year=2024, source="usgs-mcs-2025")
    chn = df.set_index("country").loc["CHN"]
    assert chn["production"] == 270_000
    assert df.attrs["world_total"] == 390_000
    assert chn["world_share"] == pytest.approx(0.692, abs=5e-4)
    # shares are over the country rows + 'other countries' (393,950 t), see api.atlas
    assert df.attrs["denominator"] == 393_950
    assert chn["share"] == pytest.approx(270_000 / 393_950)
    assert df.attrs["basis"] == "REO" and df.attrs["unit"] == "t"


def test_cobalt_drc_share_about_76_percent() -> None:
    df = friendshore.supply("Cobalt", source="usgs-mcs-2025")
    assert df.attrs["stage"] == "mine" and df.attrs["year"] == 2024
    assert df.iloc[0]["country"] == "COD"
    assert df.iloc[0]["share"] == pytest.approx(0.76, abs=0.01)
    assert "USA" in set(df["country"])  # the US row is typed differently but lands in mine


def test_gallium_china_primary_about_99_percent() -> None:
    df = friendshore.supply("gallium", stage="refine", source="usgs-mcs-2025")
    assert df.iloc[0]["country"] == "CHN"
    assert df.iloc[0]["production"] == 750  # 750,000 kg -> 750 t
    assert df.iloc[0]["share"] == pytest.approx(0.99, abs=0.01)


def test_shares_sum_to_one_without_other_countries() -> None:
    df = friendshore.supply("rare_earths", year=2024, source="usgs-mcs-2025")
    other = df.attrs["other_countries"]
    assert df["share"].sum() + other / df.attrs["denominator"] == pytest.approx(1)
    assert list(df["production"]) == sorted(df["production"], reverse=True)


# -- mapping ----------------------------------------------------------------------------------
def test_every_usgs_country_row_maps_to_iso3(world: pd.DataFrame) -> None:
    countries = world.loc[~world["is_aggregate"], "country"].unique()
    for code in countries:
        assert validate_iso3(code) == code
    assert set(world.loc[world["is_aggregate"], "country"]) == {"WLD", "OTH"}


def test_world_totals_kept_once_and_never_in_rows(world: pd.DataFrame) -> None:
    key = ["commodity", "stage", "measure", "year", "country"]
    assert not world.duplicated(key).any()
    df = friendshore.supply("titanium", year=2024)
    assert "WLD" not in set(df["country"]) and "OTH" not in set(df["country"])
    ilm = world.query("commodity == 'ilmenite' and country == 'WLD' and year == 2024 "
                      "and measure == 'production'")
    assert ilm["value"].tolist() == [8_900_000]  # not the ilmenite + rutile total


def test_usgs_quirks(world: pd.DataFrame) -> None:
    ger = world.query("commodity == 'germanium' and measure == 'production'")
    assert len(ger) and ger["value"].isna().all()  # 'Gemanium', all withheld/blank
    ree_res = world.query("commodity == 'rare_earths' and country == 'WLD' "
                          "and measure == 'reserves'").iloc[0]
    assert ree_res["value"] == 90_000_000 and ree_res["lower_bound"]
    assert world.query("withheld")["value"].isna().all()
    assert world.query("commodity == 'boron' and country == 'USA' "
                       "and measure == 'production'")["withheld"].all()
    he = world.query("commodity == 'helium' and country == 'USA' and year == 2024 "
                     "and measure == 'production'").iloc[0]
    assert he["value"] == 81_000_000 and he["unit"] == "m3"  # two US rows summed
    pgm = world.query("commodity == 'platinum_group_metals' and country == 'ZAF' "
                      "and year == 2024 and measure == 'production'").iloc[0]
    assert pgm["value"] == 72 + 120  # palladium + platinum, kg -> t
    cem = world.query("commodity == 'cement' and measure == 'capacity' and country == 'CHN' "
                      "and year == 2024")
    assert cem["value"].tolist() == [1_900_000_000]  # clinker capacity, kt -> t


def test_combined_country_row_is_not_attributed(world: pd.DataFrame) -> None:
    abr = world.query("commodity == 'abrasives' and year == 2024 and measure == 'capacity'")
    assert "USA" not in set(abr["country"]) or abr.query("country == 'USA'")["value"].isna().all()
    oth = abr.query("country == 'OTH'").iloc[0]
    assert oth["value"] == 60_000 + 80_000 and "United States and Canada" in oth["note"]


def test_salient_long_format() -> None:
    sal = usgs_mcs.read(usgs_mcs.shipped()[0])["us_salient"]
    ree = sal.query("commodity == 'rare_earths' and year == 2024").set_index("variable")
    assert ree.loc["NIR_Compounds-Metals", "value"] == 80  # '_t' suffix, but a percentage
    assert ree.loc["NIR_Compounds-Metals", "unit"] == "pct"
    assert ree.loc["USprod_Concentrate", "value"] == 45_000
    ga = sal.query("commodity == 'gallium' and year == 2024").set_index("variable")
    assert ga.loc["Imports_GaAs", "value"] == 180 and ga.loc["Imports_GaAs", "unit"] == "t"


def test_import_reliance_fig2() -> None:
    nir = usgs_mcs.read(usgs_mcs.shipped()[0])["us_import_reliance"].set_index("commodity")
    assert nir.loc["rare_earths", "nir_pct"] == 80
    assert list(nir.loc["rare_earths", "import_sources"]) == ["CHN", "MYS", "JPN", "EST"]
    assert nir.loc["gallium", "nir_pct"] == 100
    assert nir.loc["lithium", "nir_pct"] == 50 and nir.loc["lithium", "bound"] == ">"
    assert nir.loc["beryllium", "net_exporter"]  # from T5 ('E'), absent from Fig2
    assert list(nir.loc["indium", "import_sources"])[0] == "KOR"


# -- commodities ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "slug"),
    [("Gemanium", "germanium"), ("RARE EARTHS", "rare_earths"), ("Natural graphite", "graphite"),
     ("  Lithium ", "lithium"), ("PGM", "platinum_group_metals"), ("lng", "lng")],
)
def test_commodity_names(name: str, slug: str) -> None:
    assert validate_commodity(name) == slug


def test_unknown_commodity_lists_close_matches() -> None:
    with pytest.raises(UnknownNameError, match="did you mean gallium"):
        friendshore.supply("galium")
    with pytest.raises(UnknownNameError, match="mine"):
        validate_stage("mines")
    assert STAGES == ("mine", "refine", "component")


def test_commodities_cover_usgs(world: pd.DataFrame) -> None:
    df = friendshore.commodities()
    assert set(df["slug"]) == set(all_commodities())
    assert world["commodity"].nunique() >= 77
    row = df.set_index("slug").loc["rare_earths"]
    assert row["unit"] == "t" and 2024 in row["years"]


# -- bad input --------------------------------------------------------------------------------
def test_truncated_file_names_file_row_column() -> None:
    with pytest.raises(IngestError, match=r"MCS2026_truncated\.csv, row 5, field 'PROD_2024'"):
        usgs_mcs.read(DATA / "MCS2026_truncated.csv")


def test_malformed_value_names_file_row_column() -> None:
    with pytest.raises(IngestError, match=r"MCS2026_malformed\.csv, row 3, field 'PROD_2024'"):
        usgs_mcs.read(DATA / "MCS2026_malformed.csv")


def test_missing_column_is_named(tmp_path: Path) -> None:
    src = (DATA / "MCS2026_World_Data.csv").read_text(encoding="utf-8-sig")
    assert_rejects(usgs_mcs.read, tmp_path / "MCS2026_nounit.csv",
                   src.replace("UNIT_MEAS", "UNITS"), row=1, field="UNIT_MEAS")


def test_unmapped_country_is_an_error(tmp_path: Path) -> None:
    src = (DATA / "MCS2026_World_Data.csv").read_text(encoding="utf-8-sig")
    assert_rejects(usgs_mcs.read, tmp_path / "MCS2026_atlantis.csv",
                   src.replace("Burma", "Atlantis"), row=4, field="COUNTRY")


# -- ingest -----------------------------------------------------------------------------------
def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    """Every row of the tables an ingest writes, as sorted text (load times excluded)."""
    out = {}
    for table in ("supply", "us_import_reliance", "us_salient", "us_end_use", "sources"):
        df = store.query(f"SELECT * FROM {table}").drop(columns="loaded_at", errors="ignore")
        df = df.astype(str)
        out[table] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return out


def test_mcs2026_style_file_ingests(store: Store) -> None:
    result = friendshore.ingest(DATA / "MCS2026_World_Data.csv", "usgs-mcs", store=store)
    assert result["source"] == "usgs-mcs-2026"
    df = friendshore.supply("rare_earths", store=store)
    assert df.attrs["source"] == "usgs-mcs-2026" and df.attrs["year"] == 2025
    assert df.set_index("country").loc["CHN", "production"] == 280_000
    old = friendshore.supply("rare_earths", year=2024, source="usgs-mcs-2025", store=store)
    assert old.set_index("country").loc["CHN", "production"] == 270_000
    co = friendshore.supply("cobalt", store=store).set_index("country")
    assert co.loc["KOR", "withheld"] and pd.isna(co.loc["KOR", "production"])
    status = friendshore.data_status(store=store).set_index("source")
    assert status.loc["usgs-mcs-2026", "first_year"] == 2024
    assert status.loc["usgs-mcs-2026", "last_year"] == 2025


def test_failed_ingest_leaves_store_unchanged(store: Store, monkeypatch) -> None:
    before = _snapshot(store)
    real = Store.replace_source

    def fail_after_first_table(self, source, kind, tables, **kw):
        first = dict(list(tables.items())[:1])
        real(self, source, kind, first, **kw)
        raise RuntimeError("injected failure mid-ingest")

    monkeypatch.setattr(Store, "replace_source", fail_after_first_table)
    with pytest.raises(RuntimeError, match="injected"):
        friendshore.ingest(usgs_mcs.shipped()[0], "usgs-mcs", store=store)
    after = _snapshot(store)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[table], obj=table)


def test_failed_bad_file_ingest_leaves_store_unchanged(store: Store) -> None:
    before = _snapshot(store)
    with pytest.raises(IngestError):
        friendshore.ingest(DATA / "MCS2026_truncated.csv", "usgs-mcs", store=store)
    after = _snapshot(store)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[table], obj=table)


# -- CLI --------------------------------------------------------------------------------------
def test_cli_supply_json() -> None:
    # default: the newest edition, MCS 2026, data year 2025; its country rows + other
    # countries sum to 389,310 t REO (rounded world total 390,000 t)
    res = CliRunner().invoke(app, ["supply", "rare_earths", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows[0] == {"country": "CHN", "production": 270000.0, "unit": "t",
                       "share": pytest.approx(270_000 / 389_310)}


def test_cli_commodities_and_status_json() -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["commodities", "--json"])
    assert res.exit_code == 0, res.output
    assert "gallium" in {c["slug"] for c in json.loads(res.stdout)}
    res = runner.invoke(app, ["data", "status", "--json"])
    assert res.exit_code == 0, res.output
    assert "usgs-mcs-2025" in {s["source"] for s in json.loads(res.stdout)}


def test_rows_add_up_to_world_totals(world: pd.DataFrame) -> None:
    """Country rows + OTH match the USGS world total within 5 % for every series (units and
    series mapping are consistent), except one USGS typo: kaolin 2024 world total 4,400 kt
    where the 2023 total and the rows give about 44,000 kt."""
    flows = world[world["measure"] != "reserves"]
    key = ["commodity", "stage", "measure", "year"]
    rows = flows[flows["country"] != "WLD"].groupby(key)["value"].sum(min_count=1)
    wld = flows[flows["country"] == "WLD"].groupby(key)["value"].sum(min_count=1)
    ratio = (rows / wld).dropna()
    off = ratio[(ratio - 1).abs() > 0.05]
    assert len(ratio) > 150
    assert list(off.index) == [("kaolin", "mine", "production", 2024)]


def test_new_release_fig2_labels_resolve_by_name(store: Store) -> None:
    path = DATA / "MCS2026_Fig2_Net_Import_Reliance.csv"
    nir = usgs_mcs.read(path)["us_import_reliance"].set_index("commodity")
    assert set(nir.index) == {"gallium", "tin", "beryllium"}  # cesium is not a commodity here
    assert nir.loc["tin", "stage"] == "refine" and nir.loc["tin", "bound"] == ">"
    assert list(nir.loc["tin", "import_sources"]) == ["PER", "BOL"]  # footnote digit dropped
    assert nir.loc["beryllium", "net_exporter"] and pd.isna(nir.loc["beryllium", "nir_pct"])
    assert nir.loc["gallium", "year"] == 2025
    res = friendshore.ingest(path, "usgs-mcs", store=store)
    assert res["source"] == "usgs-mcs-2026"
    # the edition's supply rows are untouched by a Fig2-only ingest
    ga = friendshore.supply("gallium", stage="refine", year=2025, store=store)
    assert ga.attrs["source"] == "usgs-mcs-2026" and len(ga) > 0


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.integers(0, 10**9), min_size=2, max_size=6),
    st.sampled_from([("kilograms", 1e-3), ("metric tons", 1), ("thousand metric tons", 1e3)]),
    st.booleans(),
)
def test_world_csv_round_trip(values: list[int], unit: tuple[str, float], commas: bool) -> None:
    """Values written in the MCS world format come back converted to t, summed per key."""
    countries = ["China", "Japan", "Burma", "Canada ", "Korea, Republic of", "Other Countries"]
    header = ["SOURCE", "COMMODITY", "COUNTRY", "TYPE", "UNIT_MEAS", "PROD_2030",
              "PROD_EST_ 2031", "PROD_NOTES", "RESERVES_2031", "RESERVE_NOTES"]
    rows = [header]
    for name, v in zip(countries, values, strict=False):
        cell = f'"{v:,}"' if commas else str(v)
        rows.append(["MCS2032", "Gallium ", name, "Primary production", unit[0], cell, cell, "",
                     "", ""])
    text = "\n".join(",".join(f'"{c}"' if "," in c and not c.startswith('"') else c
                              for c in r) for r in rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "MCS2032_World_Data.csv"
        path.write_text(text + "\n", encoding="utf-8-sig")
        df = usgs_mcs.read(path)["supply"]
    got = df.query("year == 2031").set_index("country")["value"]
    codes = ["CHN", "JPN", "MMR", "CAN", "KOR", "OTH"][: len(values)]
    assert got.to_dict() == pytest.approx(
        {c: v * unit[1] for c, v in zip(codes, values, strict=True)}
    )
    assert set(df["commodity"]) == {"gallium"} and set(df["stage"]) == {"refine"}
