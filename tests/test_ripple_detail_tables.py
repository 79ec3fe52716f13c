"""Detailed IO tables (BEA 2017 detail, MIC 2015 basic): identities, totals, x = A x + f₀."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from friendshore.errors import IngestError, UnknownNameError
from friendshore.iomodel import detail, iomath
from friendshore.iomodel.detail import detail_table, identity_report
from friendshore.iomodel.tables import IOTable, bea_table, mic_table
from friendshore.readers import io_tables

BEA_USE = "Detail_Use_2017_PRO_BeforeRedef_17sch.csv.gz"


def _edit_gz(path: Path, edit) -> None:
    """Rewrite one gzip CSV of a copied folder through ``edit(list of lines)``."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    edit(lines)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def _bea_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "us_bea_detail_2017"
    shutil.copytree(io_tables.data_dir() / "us_bea_detail_2017", folder)
    return folder


# -- USA ---------------------------------------------------------------------------------------
def test_usa_shape_labels_and_names() -> None:
    t = detail_table("USA")
    assert isinstance(t, IOTable) and t.n == 402 and t.A.shape == (402, 402)
    assert (t.currency, t.scale, t.year, t.level) == ("USD", 1e6, 2017, 402)
    for code in ("334413", "335312", "336111", "331410", "212230"):
        assert code in t.labels
    assert t.names[t.index("334413")] == "Semiconductor and related device manufacturing"
    assert all(t.names) and t.labels == io_tables.read_bea_detail()["industry_names"].index.tolist()
    assert t.name_columns(["335312"]) == {"name": ["Motor and generator manufacturing"]}
    assert t.series(t.x, "x")["336111"] == pytest.approx(40_026)
    with pytest.raises(UnknownNameError, match="334413"):
        t.index("33441")


def test_usa_totals_are_the_published_figures() -> None:
    t = detail_table("USA")
    raw = io_tables.read_bea_detail()
    assert t.va.sum() == pytest.approx(19_612_089, abs=0.5)  # $M, = 2017 GDP
    fd = raw["use"].loc[[c for c in raw["make"].columns if c != "T008"],
                        [c for c in raw["use"].columns if c.startswith("F")]]
    assert fd.to_numpy().sum() == pytest.approx(19_612_107, abs=0.5)
    assert raw["use"].loc["T008", t.labels].sum() == pytest.approx(34_468_114, abs=0.5)
    # the Make table's industry totals that x uses agree to within $1 M
    assert t.x.sum() == pytest.approx(34_468_114, abs=1)
    assert not identity_report("USA")["identity"].str.contains("published").any()


def test_usa_identities_hold_to_bea_rounding() -> None:
    report = identity_report("USA")
    assert list(report.columns) == detail.REPORT_COLUMNS
    # BEA's cells are whole $M; the one row beyond the rounding bound is off by $5 M
    assert report["code"].tolist() == ["448000"]
    assert report["difference"].abs().max() <= 5
    assert "1 accounting identities fail: see identity_report('USA')" in detail_table("USA").notes


def test_usa_x_equals_Ax_plus_f0() -> None:
    t = detail_table("USA")
    raw = io_tables.read_bea_detail()
    p = detail._bea_parts(raw)
    # the only residuals are BEA's own rounding gaps: commodity use vs commodity output (passed
    # to industries by the market shares D = V q̂⁻¹) and Make row sums vs industry output
    V, q = p["V"].to_numpy(), p["q"].to_numpy()
    D = np.divide(V, q[None, :], out=np.zeros_like(V), where=q[None, :] != 0)
    q_use = (p["U"].sum(axis=1) + p["E"].sum(axis=1)).to_numpy()
    expected = (t.x - V.sum(axis=1)) - D @ (q_use - q)
    np.testing.assert_allclose(t.x - (t.A @ t.x + t.f0), expected, atol=1e-6)
    assert np.abs(expected).max() <= 27  # the largest commodity rounding gap is 333318's $26 M
    # Leontief: the final demand reproduces output through the cached LU factors
    np.testing.assert_allclose(iomath.solve(t.lu_L, t.f0), t.x, rtol=3e-3, atol=30)


def test_usa_column_accounting_and_leakages() -> None:
    t = detail_table("USA")
    p = detail._bea_parts(io_tables.read_bea_detail())
    # output = domestic inputs + imported inputs + value added + the purchases of goods no
    # industry makes (q = 0: used goods S00402, noncomparable imports S00300), up to rounding
    # (1'D = column sum / q differs from 1 by the Make table's rounding)
    gap = t.x - (t.Z.sum(axis=0) + t.m + t.va)
    V, q, U = p["V"].to_numpy(), p["q"].to_numpy(), p["U"].to_numpy()
    ones = np.divide(V.sum(axis=0), q, out=np.zeros_like(q), where=q != 0)
    own = t.x - U.sum(axis=0) - p["va"].sum().to_numpy()  # the industry identity's rounding
    assert (np.abs(gap) <= np.abs(own) + np.abs(1 - ones) @ np.abs(U) + 1e-6).all()
    assert np.abs(gap).max() > 1  # used goods do leak
    assert p["q"]["S00300"] == 0 and p["q"]["S00402"] == 0
    # value added + import multipliers are 1 up to the used-goods leakage
    mult = t.multipliers
    assert ((mult["value_added"] + mult["imports"]).between(0.9, 1.01)).all()


def test_usa_detail_sums_to_summary_semiconductor_sector() -> None:
    t, s = detail_table("USA"), bea_table(2017)
    computers = sum(t.x[i] for i, c in enumerate(t.labels) if c.startswith("334"))
    assert computers == pytest.approx(s.x[s.index("334")], rel=1e-4)
    assert t.va.sum() == pytest.approx(s.va.sum(), abs=50)


def test_usa_212230_is_flagged_in_the_notes() -> None:
    notes = " ".join(detail_table("USA").notes)
    assert "212230" in notes and "812100" in notes and "331410" in notes


def test_broken_identity_is_reported(tmp_path) -> None:
    folder = _bea_copy(tmp_path)
    use = pd.read_csv(folder / BEA_USE, index_col=0)
    col = use.columns.get_loc("331410") + 1  # +1: the row-name column

    def bump(lines: list[str]) -> None:
        i = next(k for k, line in enumerate(lines) if line.startswith("212230,"))
        cells = lines[i].split(",")
        cells[col] = str(float(cells[col]) + 1000)
        lines[i] = ",".join(cells)

    _edit_gz(folder / BEA_USE, bump)
    report = identity_report("USA", folder)
    hits = set(zip(report["code"], report["identity"], strict=True))
    assert ("212230", "commodity output = intermediate use + final demand") in hits
    assert ("331410", "industry output = intermediate inputs + value added") in hits
    row = report[report["code"] == "212230"].iloc[0]
    assert row["difference"] == pytest.approx(-1000, abs=row["tolerance"])
    assert (report["identity"] == "value_added = published").sum() == 0  # VA rows untouched


def test_bad_detail_cell_names_file_row_and_field(tmp_path) -> None:
    folder = _bea_copy(tmp_path)

    def spoil(lines: list[str]) -> None:
        cells = lines[3].split(",")
        cells[2] = "n/a"
        lines[3] = ",".join(cells)

    _edit_gz(folder / BEA_USE, spoil)
    with pytest.raises(IngestError, match=r"row 4.*field '1111B0'") as err:
        io_tables.read_bea_detail(folder)
    assert err.value.file == BEA_USE


def test_unknown_country_is_an_error() -> None:
    with pytest.raises(UnknownNameError, match="DEU"):
        detail_table("DEU")


# -- JPN ---------------------------------------------------------------------------------------
def test_jpn_shape_codes_and_names() -> None:
    t = detail_table("JPN")
    assert t.n == 509 and t.A.shape == (509, 509)
    assert (t.currency, t.scale, t.year, t.level) == ("JPY", 1e9, 2015, 509)
    expect = {"3211011": ("Semiconductor devices", "半導体素子"),
              "3311012": ("Electric motors", "電動機"),
              "3511011": ("Passenger cars", "乗用車"),
              "2711099": ("Other non-ferrous metal ingots", "その他の非鉄金属地金")}
    for code, (en, ja) in expect.items():
        assert t.name_columns([code]) == {"name": [en], "name_ja": [ja]}
    assert all(t.names) and len(set(t.labels)) == 509
    with pytest.raises(UnknownNameError, match="3211011"):
        t.index("321101")


def test_jpn_totals_are_mics_published_figures() -> None:
    raw = io_tables.read_mic_basic()
    p = detail._mic_parts(raw)
    assert p["g"].sum() == pytest.approx(1_017_818.4, abs=0.05)  # billion yen
    assert p["X"].to_numpy().sum() == pytest.approx(469_579.7, abs=0.05)
    assert p["va"].to_numpy().sum() == pytest.approx(548_238.7, abs=0.05)
    t = detail_table("JPN")
    assert t.x.sum() == pytest.approx(1_017_818.4, abs=0.05)
    # value added without 家計外消費支出 is GDP, as in the 185-sector table
    assert t.va.sum() == pytest.approx(mic_table(185).va.sum(), rel=1e-9)


def test_jpn_identities_and_the_misplaced_v_table_cells() -> None:
    report = identity_report("JPN")
    # the only failures are the shipped V table's: goods 2623011/2623012 (cold-finished steel,
    # ¥3,345.373 bn) sit under activity 262201 (steel pipes) instead of 262301
    assert set(report["code"]) == {"262201", "262301"}
    assert report["difference"].abs().max() == pytest.approx(3345.373, abs=1e-6)
    assert not report["identity"].str.startswith("good").any()
    notes = " ".join(detail_table("JPN").notes)
    assert "2623011" in notes and "2623012" in notes and "262301" in notes


def test_repair_v_moves_only_what_restores_the_sums() -> None:
    V = pd.DataFrame([[5.0, 0.0], [3.0, 0.0]], index=["1000011", "1000021"],
                     columns=["100001", "100002"])
    g = pd.Series([5.0, 3.0], index=V.columns)
    fixed, moves = detail.repair_v(V, g, 0.001)
    assert moves == [("1000021", "100001", "100002", 3.0)]
    assert fixed.sum().tolist() == [5.0, 3.0]
    # a move that would not restore the column sums is not made
    unchanged, none = detail.repair_v(V, pd.Series([5.0, 4.0], index=V.columns), 0.001)
    assert none == [] and unchanged.equals(V)


def test_jpn_x_equals_Ax_plus_f0_and_columns_balance() -> None:
    t = detail_table("JPN")
    np.testing.assert_allclose(t.A @ t.x + t.f0, t.x, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(iomath.solve(t.lu_L, t.f0), t.x, rtol=1e-8, atol=1e-6)
    # columns: domestic + imported inputs + value added + 家計外消費支出 = output, per good
    raw = io_tables.read_mic_basic()
    p = detail._mic_parts(raw)
    V, _ = detail.repair_v(p["V"], p["g"], 0.001)
    share = V.T.to_numpy() / p["g"].to_numpy()[:, None]
    ohcr = p["va"].loc["ohcr"].to_numpy() @ share
    np.testing.assert_allclose(t.Z.sum(axis=0) + t.m + t.va + ohcr, t.x, rtol=1e-9, atol=1e-6)


def test_jpn_industry_technology_by_hand() -> None:
    """Two activities, three goods: Z_cc = X ĝ⁻¹ V' computed by hand."""
    X = np.array([[1.0, 2.0], [0.5, 0.0], [0.0, 1.0]])  # goods × activities
    V = np.array([[6.0, 0.0], [4.0, 0.0], [0.0, 8.0]])  # activity 1 makes goods 1, 2
    g = V.sum(axis=0)  # 10, 8
    Zcc = X @ (V.T / g[:, None])
    # good 2 is made by activity 1 alone: its inputs are 40 % of activity 1's inputs
    np.testing.assert_allclose(Zcc[:, 1], 0.4 * X[:, 0])
    np.testing.assert_allclose(Zcc.sum(axis=1), X.sum(axis=1))  # row sums carried over


def test_broken_mic_identity_is_reported(tmp_path) -> None:
    folder = tmp_path / "japan_mic_2015_basic"
    shutil.copytree(io_tables.data_dir() / "japan_mic_2015_basic", folder)

    def bump(lines: list[str]) -> None:
        i = next(k for k, line in enumerate(lines) if line.startswith("3311012,"))
        cells = lines[i].split(",")
        cells[1] = str(float(cells[1]) + 50)
        lines[i] = ",".join(cells)

    _edit_gz(folder / "mic2015_basic_io_transactions_billion_yen.csv.gz", bump)
    report = identity_report("JPN", folder)
    hits = set(zip(report["code"], report["identity"], strict=True))
    assert ("3311012", "good output = intermediate demand + final demand") in hits
    assert ("011101", "activity output = intermediate inputs + value added") in hits
    assert ("total", "intermediate = published") in hits


def test_jpn_translation_must_match_official_names(tmp_path) -> None:
    folder = tmp_path / "japan_mic_2015_basic"
    shutil.copytree(io_tables.data_dir() / "japan_mic_2015_basic", folder)
    path = folder / "mic2015_basic_names_en.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("3311012,Electric motors,電動機",
                                                             "3311012,Electric motors,発電機"),
                    encoding="utf-8")
    with pytest.raises(IngestError, match="3311012") as err:
        io_tables.read_mic_basic(folder)
    assert err.value.field == "name_ja" and err.value.row is not None
