"""USGS MCS 2026 (one long file): published facts, text cells, bad input, atomic ingest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import friendshore
from friendshore.errors import IngestError
from friendshore.readers import usgs_mcs, usgs_mcs2026
from friendshore.readers._csv import package_file
from friendshore.store import Store

DATA = Path(__file__).parent / "data" / "mcs2026"
SAMPLE = DATA / "MCS2026_Commodities_Data.csv"
RELEASE = package_file("usgs_mcs2026")


@pytest.fixture(scope="module")
def release() -> dict[str, pd.DataFrame]:
    return usgs_mcs.read(RELEASE)


def _write(tmp_path: Path, old: str, new: str, name: str = "MCS2026_Commodities_Data.csv",
           count: int = 1) -> Path:
    """The sample long file with ``old`` replaced by ``new`` (cp1252, as USGS writes it)."""
    text = SAMPLE.read_text(encoding="cp1252")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, count), encoding="cp1252", newline="")
    return path


# -- published figures (USGS MCS 2026, data year 2025) ----------------------------------------
def test_rare_earths_2025_china_of_rounded_world(release) -> None:
    s = release["supply"].query("commodity == 'rare_earths' and measure == 'production' "
                                "and year == 2025").set_index("country")
    assert s.loc["CHN", "value"] == 270_000
    assert s.loc["WLD", "value"] == 390_000 and s.loc["WLD", "is_aggregate"]
    assert s.loc["USA", "value"] == 51_000
    # 2024 is revised in this release: world 380,000 t (390,000 in MCS 2025)
    w24 = release["supply"].query("commodity == 'rare_earths' and measure == 'production' "
                                  "and year == 2024 and country == 'WLD'")
    assert w24["value"].tolist() == [380_000]


def test_primary_gallium_china_900_t(release) -> None:
    g = release["supply"].query("commodity == 'gallium' and stage == 'refine' "
                                "and year == 2025").set_index(["measure", "country"])["value"]
    assert g[("production", "CHN")] == 900  # 900,000 kg
    assert g[("production", "WLD")] == 900
    assert g[("capacity", "CHN")] == 1_600 and g[("capacity", "WLD")] == 1_700


def test_v13_revision_applied_with_its_source(release) -> None:
    r = release["supply"].query("commodity == 'rare_earths' and measure == 'reserves'"
                                ).set_index("country")
    assert r.loc["BRA", "value"] == 11_000_000  # v1.0 CSV: 21,000,000
    assert r.loc["WLD", "value"] == 75_000_000 and r.loc["WLD", "lower_bound"]
    assert "v1.3" in r.loc["BRA", "note"]


def test_trend_tables(release) -> None:
    nir = release["us_import_reliance"].set_index("commodity")
    assert nir.loc["gallium", "nir_pct"] == 100 and nir.loc["gallium", "year"] == 2025
    assert list(nir.loc["gallium", "import_sources"]) == ["CAN", "JPN", "CHN", "DEU"]
    src = release["us_import_sources"].query("commodity == 'gallium'").set_index("country")
    assert src["share_pct"].to_dict() == {"CAN": 28, "JPN": 22, "CHN": 18, "DEU": 16,
                                          "OTH": 16}
    ctl = release["export_controls"].query("country == 'CHN'")
    assert {"gallium", "germanium", "antimony", "graphite", "rare_earths", "tungsten"} <= set(
        ctl["commodity"])
    assert ctl.set_index("commodity").loc["gallium", "since"] == "2023"
    laos = release["export_controls"].query("country == 'LAO'")
    assert set(laos["since"]) == {"2024"}  # 'Raw minerals, ... and zinc (2024).'
    assert "rare_earths" in set(release["us_end_use"]["commodity"])
    sal = release["us_salient"].query("commodity == 'gallium' and year == 2025")
    assert sal.set_index("variable").loc["Imports for consumption: Metal", "value"] == 25


def test_text_cells(release) -> None:
    s = release["supply"]
    assert s.query("withheld")["value"].isna().all() and s["withheld"].any()
    assert not s.query("commodity == 'gallium' and country == 'USA'")["withheld"].any()


# -- bad input and the documented handling ----------------------------------------------------
def test_withheld_value_is_null_and_flagged(tmp_path: Path) -> None:
    path = _write(tmp_path, 'Japan,Production,Primary production,kilograms,2025,"3,000"',
                  "Japan,Production,Primary production,kilograms,2025,W")
    s = usgs_mcs.read(path)["supply"].query("country == 'JPN' and year == 2025 "
                                            "and measure == 'production'").iloc[0]
    assert s["withheld"] and pd.isna(s["value"])


def test_lower_bound_value_is_kept_with_its_bound(tmp_path: Path) -> None:
    path = _write(tmp_path, 'China,Production,Primary production,kilograms,2025,"900,000"',
                  'China,Production,Primary production,kilograms,2025,">900,000"')
    s = usgs_mcs.read(path)["supply"].query("country == 'CHN' and year == 2025 "
                                            "and measure == 'production'").iloc[0]
    assert s["value"] == 900 and s["lower_bound"]


def test_renamed_column_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path, "Statistics_detail", "Statistic_detail")
    with pytest.raises(IngestError, match=r"row 1, field 'Statistics_detail'"):
        usgs_mcs.read(path)


@pytest.mark.parametrize(("old", "new", "message"), [
    ('"3,000"', '"3,0"', r"row 12, field 'Value'.*'3,0'"),        # not as USGS writes numbers
    ('"3,000"', "lots", r"row 12, field 'Value'"),                # unknown text
    ('kilograms,2025,"3,000"', 'kilograms,2O25,"3,000"', r"row 18, field 'Year'"),  # bad year
])
def test_bad_cell_is_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _write(tmp_path, old, new)
    with pytest.raises(IngestError, match=message):
        usgs_mcs.read(path)


# -- ingest -----------------------------------------------------------------------------------
def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    out = {}
    for table in ("supply", "us_import_reliance", "us_salient", "us_end_use",
                  "us_import_sources", "export_controls", "sources"):
        df = store.query(f"SELECT * FROM {table}").drop(columns="loaded_at", errors="ignore")
        df = df.astype(str)
        out[table] = df.sort_values(list(df.columns)).reset_index(drop=True)
    return out


def test_release_ingests_beside_2025(store: Store) -> None:
    res = friendshore.ingest(RELEASE, "usgs-mcs", store=store)
    assert res["source"] == "usgs-mcs-2026"
    df = friendshore.supply("rare_earths", store=store)
    assert df.attrs["source"] == "usgs-mcs-2026" and df.attrs["year"] == 2025
    assert df.attrs["world_total"] == 390_000
    assert df.set_index("country").loc["CHN", "production"] == 270_000
    ga = friendshore.supply("gallium", stage="refine", store=store)
    assert ga.set_index("country").loc["CHN", "production"] == 900
    old = friendshore.supply("rare_earths", year=2024, source="usgs-mcs-2025", store=store)
    assert old.set_index("country").loc["CHN", "production"] == 270_000
    assert old.attrs["world_total"] == 390_000
    status = friendshore.data_status(store=store).set_index("source")
    assert status.loc["usgs-mcs-2026", "edition"] == "MCS2026"
    assert status.loc["usgs-mcs-2026", "export_controls"] > 0


def test_failed_ingest_leaves_store_as_it_was(store: Store, tmp_path: Path) -> None:
    before = _snapshot(store)
    bad = _write(tmp_path, '"3,000"', '"3,0"')
    with pytest.raises(IngestError):
        friendshore.ingest(bad, "usgs-mcs", store=store)
    after = _snapshot(store)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(frame, after[table], obj=table)


def test_format_is_detected() -> None:
    assert usgs_mcs2026.is_long_file(SAMPLE)
    assert not usgs_mcs2026.is_long_file(
        usgs_mcs.shipped()[0] / "world" / "MCS2025_World_Data.csv")
