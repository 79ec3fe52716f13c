"""WGI reader: code mapping to ISO3, published values, bad input naming file, row and field."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from friendshore.errors import IngestError
from friendshore.readers import wgi
from ingest_checks import assert_rejects

HEADER = "code,countryname,year,indicator,estimate,pctrank\n"


@pytest.fixture(scope="module")
def governance():
    return wgi.read(wgi.shipped()[0])["governance"]


def test_wgi_codes_map_to_iso3(governance) -> None:
    codes = set(governance["country"])
    assert {"ROU", "COD", "TLS", "AND", "PSE", "XKX"} <= codes
    assert not {"ROM", "ZAR", "TMP", "ADO", "WBG", "KSV"} & codes
    assert len(codes) == 214


def test_published_wgi_values(governance) -> None:
    g = governance.set_index(["country", "year", "indicator"])["estimate"]
    # PROVENANCE.md verification: 2023 political stability and China's other estimates
    assert g["CHN", 2023, "pv"] == pytest.approx(-0.513, abs=1e-3)
    assert g["COD", 2023, "pv"] == pytest.approx(-2.045, abs=1e-3)
    assert g["JPN", 2023, "pv"] == pytest.approx(0.951, abs=1e-3)
    assert g["CHN", 2023, "va"] == pytest.approx(-1.505, abs=1e-3)
    assert set(governance["year"]) == set(range(2013, 2024))


def test_missing_marker_is_null_not_zero(tmp_path: Path) -> None:
    p = tmp_path / "w.csv"
    p.write_text(HEADER + "ROM,Romania,2023,pv,..,..\n")
    out = wgi.read(p)["governance"]
    assert out["country"].tolist() == ["ROU"]
    assert out["estimate"].isna().all() and out["pctrank"].isna().all()


@pytest.mark.parametrize(
    ("body", "row", "field"),
    [
        ("ROM,Romania,2023,pv,abc,50\n", 2, "estimate"),
        ("ROM,Romania,2023,pv,0.1,50\nXXQ,Atlantis,2023,pv,0.1,50\n", 3, "code"),
        ("ROM,Romania,2023,zz,0.1,50\n", 2, "indicator"),
        ("ROM,Romania,2023,pv,0.1,50\nZAR,Congo,20", 3, "indicator"),  # truncated
        ("ROM,Romania,2023,pv,0.1,50\nROM,Romania,2023,pv,0.2,51\n", 3, "code"),
    ],
)
def test_bad_input_names_file_row_field(tmp_path: Path, body: str, row: int, field: str) -> None:
    assert_rejects(wgi.read, tmp_path / "bad.csv", HEADER + body, row=row, field=field)


def test_missing_column_and_truncated_gzip(tmp_path: Path) -> None:
    assert_rejects(wgi.read, tmp_path / "nocol.csv", "code,year,indicator,estimate\n"
                   "ROM,2023,pv,0.1\n", row=1, field="pctrank")
    gz = tmp_path / "cut.csv.gz"
    data = gzip.compress((HEADER + "ROM,Romania,2023,pv,0.1,50\n" * 2000).encode())
    gz.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError, match=r"file cut\.csv\.gz"):
        wgi.read(gz)
