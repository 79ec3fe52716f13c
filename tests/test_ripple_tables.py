"""Accounting identities of the shipped IO tables and published totals."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from friendshore.errors import IngestError, UnknownNameError
from friendshore.iomodel.tables import bea_table, get_table, mic_table, wiod_table
from friendshore.readers import io_tables


@pytest.mark.parametrize("year", [2017, 2022, 2023])
def test_bea_row_and_column_identities(year: int) -> None:
    t = bea_table(year)
    assert t.n == 71
    # total output = intermediate use + final demand (million USD; BEA rounds cells to $1M)
    np.testing.assert_allclose(t.Z.sum(axis=1) + t.f, t.x, atol=15)
    # total output = intermediate inputs + imported inputs + value added
    np.testing.assert_allclose(t.Z.sum(axis=0) + t.m + t.va, t.x, atol=15)
    # VA + import multipliers = 1: the only leakages from domestic output
    mult = t.multipliers
    np.testing.assert_allclose(mult["value_added"] + mult["imports"], 1.0, atol=1e-3)


def test_bea_2023_value_added_is_published_gdp() -> None:
    t = bea_table(2023)
    assert t.va.sum() == pytest.approx(27_720_704, abs=1)
    use = io_tables.read_bea(2023)["use"]
    gdp_expenditure = use.loc[: "Other", "Total Final Uses (GDP)"].sum()
    assert t.va.sum() == pytest.approx(gdp_expenditure, abs=10)


@pytest.mark.parametrize("level", [13, 37, 185])
def test_mic_identities_and_published_output(level: int) -> None:
    t = mic_table(level)
    assert t.n == level
    assert t.x.sum() == pytest.approx(1_017_818, abs=1)  # ¥1,017.8 trillion (billion yen)
    np.testing.assert_allclose(t.Z.sum(axis=1) + t.f, t.x, atol=1e-6)
    raw = io_tables.read_mic(level)["table"]
    ohcr = raw.loc["ohcr", t.labels].to_numpy()
    np.testing.assert_allclose(t.Z.sum(axis=0) + t.m + t.va + ohcr, t.x, atol=1e-6)
    # value added (without 家計外消費支出) is GDP: final demand less imports, the other side
    fd = [c for c in raw.columns if not c[:1].isdigit() and c not in ("Total", "ohcc")]
    assert t.va.sum() == pytest.approx(raw.loc[t.labels, fd].sum().sum(), rel=1e-9)


def test_mic_185_and_37_agree_on_output_of_shipbuilding_group() -> None:
    t185, t37 = mic_table(185), mic_table(37)
    transport = sum(t185.x[t185.index(c)] for c in t185.labels if c.startswith("35"))
    assert transport == pytest.approx(t37.x[t37.index("35")], rel=1e-6)


def test_wiod_row_identity_within_integer_rounding() -> None:
    t = wiod_table()
    assert t.n == 1435
    assert np.abs(t.Z.sum(axis=1) + t.f - t.x).max() <= 110
    usa = sum(t.x[i] for i, c in enumerate(t.labels) if c.startswith("USA_"))
    assert usa / 1e6 == pytest.approx(26.9, abs=0.05)  # trillion USD


def test_unknown_industry_lists_close_matches() -> None:
    with pytest.raises(UnknownNameError, match="3364OT"):
        get_table("USA").index("3364")


def test_bad_cell_names_file_row_and_field(tmp_path) -> None:
    shutil.copytree(io_tables.data_dir() / "japan_mic_2015", tmp_path, dirs_exist_ok=True)
    path = tmp_path / "japan_io_2015_13sector_billion_yen.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[3] = "n/a"
    lines[2] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(IngestError, match=r"row 3.*field") as err:
        io_tables.read_mic(13, tmp_path)
    assert err.value.file == path.name


def test_io_tables_are_listed_in_the_store_sources(store) -> None:
    got = store.query("SELECT source, first_year, last_year FROM sources WHERE kind = 'io-tables'")
    assert set(got["source"]) == {"bea-io-summary", "bea-io-detail", "mic-io-2015",
                                  "mic-io-2015-basic", "wiod-2013"}


def test_reader_validates_each_shipped_folder() -> None:
    for path in io_tables.shipped():
        assert io_tables.read(path) == {}


def test_bea_reader_names_missing_column(tmp_path) -> None:
    shutil.copytree(io_tables.data_dir() / "us_bea_summary", tmp_path, dirs_exist_ok=True)
    path = tmp_path / "Summary_Use_2017_PRO_BeforeRedef_17sch.csv"
    text = path.read_text(encoding="utf-8").replace("3364OT,", "3364XX,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match="3364OT") as err:
        io_tables.read_bea(2017, tmp_path)
    assert err.value.file == path.name and err.value.field == "3364OT"


def test_construction_vectors_sum_to_one() -> None:
    for t in (bea_table(2023), mic_table(13), mic_table(37), mic_table(185), wiod_table()):
        assert t.construction.sum() == pytest.approx(1.0)
        assert all(code in t.labels for code in t.construction.index)
