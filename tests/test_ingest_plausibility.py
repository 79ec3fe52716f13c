"""Plausibility checks on USGS MCS ingest (issue 14 item 5): corrupted copies of the shipped files.

Each variant is the shipped MCS 2025 world CSV, an MCS 2025 salient CSV or the MCS 2026 long file
with one line edited (or repeated) in ``tmp_path``. A hard defect must be refused naming its file,
row and field, through the API and the CLI (exit 2), and leave every table of the store exactly
as it was; a soft one (a country above the world total by no more than the world total's
rounding) is refused without ``--allow-warnings`` and loaded, with its warning listed in
``data status``, with it.
"""

from __future__ import annotations

import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import friendshore
from friendshore.cli import main
from friendshore.errors import IngestError
from friendshore.readers import usgs_mcs
from friendshore.readers._csv import package_file
from friendshore.store import Store

WORLD25 = package_file("usgs_mcs2025", "world", "MCS2025_World_Data.csv")
SALIENT25 = package_file("usgs_mcs2025", "salient", "mcs2025-galli_salient.csv")
LONG26 = package_file("usgs_mcs2026", "MCS2026_Commodities_Data.csv")
ENCODING = {WORLD25: "utf-8-sig", SALIENT25: "utf-8-sig", LONG26: "cp1252"}


@dataclass(frozen=True)
class Variant:
    """One corrupted copy: ``line`` of ``source`` with ``old`` -> ``new`` (first occurrence in
    that line), or the line repeated when ``old`` is None; the defect expected at ``row`` and
    ``field``, with ``message`` (a regex) and whether it is ``soft`` (a warning)."""

    id: str
    source: Path
    line: int
    old: str | None
    new: str
    row: int
    field: str
    message: str
    soft: bool = False

    def write(self, folder: Path) -> Path:
        """The corrupted copy under ``folder``, in the source's encoding and line endings."""
        enc = ENCODING[self.source]
        text = self.source.read_bytes().decode(enc)  # line endings kept (CRLF)
        lines = text.splitlines(keepends=True)
        target = lines[self.line - 1]
        if self.old is None:
            lines.insert(self.line, target)
        else:
            assert self.old in target, (self.id, target)
            lines[self.line - 1] = target.replace(self.old, self.new, 1)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / self.source.name
        path.write_text("".join(lines), encoding=enc, newline="")
        return path


W, S, L = WORLD25, SALIENT25, LONG26
# Lines of the shipped files: 371 China gallium (kg: 2023 621000, 2024 750000), 372 Japan gallium,
# 376 World total gallium (633000, 760000); 882 Brazil rare earths (reserves 21000000 t).
# MCS 2026: 2552 Japan gallium 2024 "3,000" kg, 2557 China gallium 2025 "900,000" kg,
# 2561 World total gallium 2025 "900,000" kg.
VARIANTS = [
    # negative quantities
    Variant("w25-negative", W, 371, "750000", "-750000", 371, "PROD_EST_ 2024", "negative"),
    Variant("w25-negative-minus-sign", W, 371, "750000", "\u2212750000", 371, "PROD_EST_ 2024",
            "negative"),
    Variant("w25-negative-reserves", W, 882, "21000000", "-21000000", 882, "RESERVES_2024",
            "negative"),
    Variant("w25-negative-bound", W, 882, "21000000", ">-21000000", 882, "RESERVES_2024",
            "negative"),
    Variant("l26-negative", L, 2557, '"900,000"', '"-900,000"', 2557, "Value", "negative"),
    Variant("l26-negative-small", L, 2552, '"3,000"', '"-3,000"', 2552, "Value", "negative"),
    # duplicate keys
    Variant("w25-duplicate-country", W, 371, None, "", 372, "COUNTRY", "duplicate.*row 371"),
    Variant("w25-duplicate-world", W, 376, None, "", 377, "COUNTRY", "duplicate.*row 376"),
    Variant("l26-duplicate-country", L, 2557, None, "", 2558, "Country", "duplicate.*row 2557"),
    Variant("l26-duplicate-world", L, 2561, None, "", 2562, "Country", "duplicate.*row 2561"),
    # numbers not written as USGS writes them
    Variant("w25-decimal-comma", W, 371, "750000", '"7,5"', 371, "PROD_EST_ 2024",
            "not a number.*'7,5'"),
    Variant("w25-bad-grouping", W, 371, "750000", '"75,0000"', 371, "PROD_EST_ 2024",
            "not a number"),
    Variant("w25-two-points", W, 371, "750000", "7.500.00", 371, "PROD_EST_ 2024",
            "not a number"),
    Variant("w25-text", W, 372, "3000,3000", "3000,lots", 372, "PROD_EST_ 2024", "not a number"),
    Variant("s25-decimal-comma", S, 3, "8890", '"8,89"', 3, "Imports_Metal_kg",
            "not a number.*'8,89'"),
    Variant("l26-decimal-comma", L, 2557, '"900,000"', '"7,5"', 2557, "Value", "'7,5'"),
    Variant("l26-bad-grouping", L, 2557, '"900,000"', '"9000,00"', 2557, "Value", "'9000,00'"),
    Variant("l26-text", L, 2557, '"900,000"', "lots", 2557, "Value", "'lots'"),
    # a unit unlike the other rows of the series
    Variant("w25-unit-scale", W, 372, "kilograms", "thousand metric tons", 372, "UNIT_MEAS",
            "'thousand metric tons'.*'kilograms'"),
    Variant("w25-unit-scale-down", W, 882, "metric tons", "kilograms", 882, "UNIT_MEAS",
            "'kilograms'.*'metric tons'"),
    Variant("w25-unknown-unit", W, 372, "kilograms", "kilotonnes", 372, "UNIT_MEAS",
            "unknown unit"),
    Variant("l26-unit-scale", L, 2552, "kilograms", "thousand metric tons", 2552, "Unit",
            "'thousand metric tons'.*'kilograms'"),
    Variant("l26-unknown-unit", L, 2552, "kilograms", "kilotonnes", 2552, "Unit", "unknown unit"),
    # year columns and year cells
    Variant("w25-misspelt-year-column", W, 1, "PROD_EST_ 2024", "PROD_EST_ 2O24", 1,
            "PROD_EST_ 2O24", "not a known column"),
    Variant("w25-misspelt-kind", W, 1, "PROD_2023", "PORD_2023", 1, "PORD_2023",
            "not a known column"),
    Variant("w25-misspelt-capacity-column", W, 1, "CAP_2023", "CAP_2O23", 1, "CAP_2O23",
            "not a known column"),
    Variant("w25-year-gap", W, 1, "PROD_2023", "PROD_2022", 1, "PROD_2023", "missing"),
    Variant("l26-bad-year", L, 2557, ",2025,", ",2O25,", 2557, "Year", "bad year"),
    Variant("l26-future-year", L, 2557, ",2025,", ",2052,", 2557, "Year", "after"),
    # a country row larger than the world total (beyond the world total's rounding)
    Variant("w25-country-above-world", W, 371, "750000", "7500000", 371, "PROD_EST_ 2024",
            "larger than the world total.*row 376"),
    Variant("l26-country-above-world", L, 2557, '"900,000"', '"9,000,000"', 2557, "Value",
            "larger than the world total.*row 2561"),
    # malformed files and unknown names (checks that existed before; kept in the suite)
    Variant("w25-truncated-row", W, 372, ",,,\r\n", "\r\n", 372, "CAP_NOTES", "truncated row"),
    Variant("w25-extra-field", W, 372, ",,,\r\n", ",,,,\r\n", 372, "#14", "extra fields"),
    Variant("w25-unquoted-comma", W, 372, "3000,3000", "3,000,3000", 372, "#14", "extra fields"),
    Variant("w25-unknown-country", W, 372, "Japan", "Atlantis", 372, "COUNTRY", "Atlantis"),
    Variant("w25-missing-column", W, 1, "UNIT_MEAS", "UNITS", 1, "UNIT_MEAS", "missing column"),
    Variant("w25-blank-commodity", W, 372, "Gallium ", "", 372, "COMMODITY", "empty cell"),
    Variant("l26-renamed-column", L, 1, "Statistics_detail", "Statistic_detail", 1,
            "Statistics_detail", "missing column"),
    Variant("l26-unknown-country", L, 2552, "Japan", "Atlantis", 2552, "Country", "Atlantis"),
    # soft: above the world total by no more than its rounding (760,000 kg: 10,000 kg steps)
    Variant("w25-above-world-by-rounding", W, 371, "750000", "765000", 371, "PROD_EST_ 2024",
            "larger than the world total.*rounding", soft=True),
    Variant("l26-above-world-by-rounding", L, 2557, '"900,000"', '"950,000"', 2557, "Value",
            "larger than the world total.*rounding", soft=True),
]
HARD = [v for v in VARIANTS if not v.soft]
SOFT = [v for v in VARIANTS if v.soft]


def _where(v: Variant) -> str:
    return rf"{re.escape(v.source.name)}, row {v.row}, field '{re.escape(v.field)}'"


def _fingerprint(store: Store) -> dict[str, tuple[int, int]]:
    """(rows, order-free hash of every row) of each table of the store."""
    tables = store.query("SELECT table_name FROM information_schema.tables "
                         "WHERE table_schema = 'main' ORDER BY table_name")["table_name"]
    out = {}
    for t in tables:
        row = store.query(f'SELECT count(*) AS n, coalesce(sum(hash(t::VARCHAR)), 0) AS h '
                          f'FROM "{t}" t').iloc[0]
        out[t] = (int(row["n"]), int(row["h"]))
    return out


@pytest.fixture(scope="module")
def shared_store(built_store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """One writable copy of the built store for every refused variant (a refusal changes
    nothing, which is what each test checks)."""
    path = tmp_path_factory.mktemp("plausible") / "friendshore.duckdb"
    shutil.copy(built_store_path, path)
    with Store(path) as s:
        yield s


def test_the_suite_is_the_issue_size() -> None:
    assert len(VARIANTS) >= 38 and len(SOFT) >= 2


@pytest.mark.parametrize("variant", HARD, ids=lambda v: v.id)
def test_hard_defect_is_refused_naming_file_row_field(variant: Variant, tmp_path: Path,
                                                       shared_store: Store) -> None:
    path = variant.write(tmp_path)
    before = _fingerprint(shared_store)
    with pytest.raises(IngestError, match=rf"{_where(variant)}: .*{variant.message}") as err:
        friendshore.ingest(path, "usgs-mcs", store=shared_store, allow_warnings=True)
    assert (Path(err.value.file).name, err.value.row, err.value.field) == (
        path.name, variant.row, variant.field)
    assert _fingerprint(shared_store) == before


@pytest.mark.parametrize("variant", SOFT, ids=lambda v: v.id)
def test_soft_defect_needs_allow_warnings(variant: Variant, tmp_path: Path, store: Store) -> None:
    path = variant.write(tmp_path)
    before = _fingerprint(store)
    with pytest.raises(IngestError, match=rf"{_where(variant)}: .*{variant.message}.*"
                                          r"--allow-warnings"):
        friendshore.ingest(path, "usgs-mcs", store=store)
    assert _fingerprint(store) == before
    res = friendshore.ingest(path, "usgs-mcs", store=store, allow_warnings=True)
    assert any(re.search(variant.message, w) for w in res["warnings"])
    warned = friendshore.data_warnings(store=store)
    hit = warned[(warned["source"] == res["source"]) & (warned["row"] == variant.row)]
    assert list(hit["field"]) == [variant.field]
    status = friendshore.data_status(store=store).set_index("source")
    assert status.loc[res["source"], "warnings"] == len(res["warnings"])


def test_unchanged_shipped_files_have_no_new_findings() -> None:
    """The shipped 2026 long file passes every check; the 2025 world file only warns of its one
    known USGS defect (kaolin 2024 world total 4,400 kt below China's 7,800 kt)."""
    tables = usgs_mcs.read(LONG26)
    assert tables["ingest_warnings"].empty
    warned = usgs_mcs.read(WORLD25)["ingest_warnings"]
    assert list(warned["row"]) == [264] and list(warned["field"]) == ["PROD_EST_ 2024"]
    assert warned["message"].str.contains("known USGS defect").all()


def test_shipped_warning_shows_in_data_status(store: Store) -> None:
    warned = friendshore.data_warnings(store=store)
    assert list(warned.query("source == 'usgs-mcs-2025'")["row"]) == [264]
    status = friendshore.data_status(store=store).set_index("source")
    assert status.loc["usgs-mcs-2025", "warnings"] == 1
    assert status.loc["usgs-mcs-2026", "warnings"] == 0


def _cli(monkeypatch, capsys, store_path: Path, argv: list[str]) -> tuple[int, str]:
    monkeypatch.setenv("FRIENDSHORE_STORE", str(store_path))
    monkeypatch.setattr(sys, "argv", ["friendshore", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    return info.value.code, out.out + out.err


def test_cli_exit_2_and_allow_warnings(monkeypatch, capsys, tmp_path: Path,
                                       built_store_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    shutil.copy(built_store_path, path)
    hard = next(v for v in HARD if v.id == "w25-decimal-comma").write(tmp_path / "h")
    code, out = _cli(monkeypatch, capsys, path, ["data", "ingest", str(hard), "--source",
                                                 "usgs-mcs", "--allow-warnings"])
    assert code == 2 and "row 371, field 'PROD_EST_ 2024'" in out and "Traceback" not in out
    soft = SOFT[1].write(tmp_path)
    code, out = _cli(monkeypatch, capsys, path, ["data", "ingest", str(soft), "--source",
                                                 "usgs-mcs"])
    assert code == 2 and "--allow-warnings" in out
    code, out = _cli(monkeypatch, capsys, path, ["data", "ingest", str(soft), "--source",
                                                 "usgs-mcs", "--allow-warnings"])
    assert code == 0 and "warning" in out
    code, out = _cli(monkeypatch, capsys, path, ["data", "status"])
    assert code == 0 and "2557" in out and "rounding" in out
