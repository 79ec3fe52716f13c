"""Plausibility checks on the supply rows of both USGS MCS readers (2025 world CSV, 2026 long file).

Both readers turn each source cell into one *cell row* (commodity, stage, measure, year, value
in t, the file row and the column it came from) before rows of the same key are summed; the
checks run there, so each names the file, row and field of the cell at fault.

Hard (an :class:`~friendshore.errors.IngestError`; nothing is loaded):

* a negative quantity (production, capacity, reserves);
* a duplicate key: two file rows with the same commodity, series, country and year (a repeated
  row would double that country, or the world);
* a unit whose scale differs from the other rows of its series (one row in thousand tons among
  kilograms multiplies it a million-fold);
* a country row larger than the world total by more than the world total's rounding.

Soft (a warning row in ``ingest_warnings``; loaded only with ``--allow-warnings``, listed by
``data status``):

* a country row larger than the world total by no more than the rounding of the world total as
  written (``760,000`` is rounded to 10,000: a country at 765,000 may be right);
* a country row larger than the world total where that world total is a listed USGS defect
  (``data/usgs_known_defects.csv``, with the reason): the published numbers are kept as published.

Numbers written otherwise than USGS writes them and misspelt or missing year columns are refused
by the readers themselves (see :mod:`.usgs_mcs` and :mod:`.usgs_mcs2026`).
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError
from ._csv import package_file

__all__ = ["WARNING_COLUMNS", "check_cells", "combine", "world_warnings"]

#: Columns of the ``ingest_warnings`` rows a reader returns (``source`` is added on load).
WARNING_COLUMNS = ["file", "row", "field", "check", "message"]

_SERIES = ["commodity", "stage", "measure", "series"]


def _none() -> pd.DataFrame:
    return pd.DataFrame(columns=WARNING_COLUMNS)


def combine(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The warnings of several files as one ``ingest_warnings`` frame, empty when none (a
    reload with no findings then clears the old ones)."""
    found = [f for f in frames if len(f)]
    return pd.concat(found, ignore_index=True) if found else _none()


def _fail(cells: pd.DataFrame, mask: pd.Series | np.ndarray, message, file: str,
          field: str | None = None) -> None:
    """Raise naming the first cell row under ``mask``; ``message(row)`` words the error."""
    mask = np.asarray(mask, dtype=bool)
    if mask.any():
        r = cells[mask].sort_values("row_no").iloc[0]
        raise IngestError(message(r), file=file, row=int(r["row_no"]),
                          field=field or r["field"])


def check_cells(cells: pd.DataFrame, file: str, *, country_field: str, unit_field: str) -> None:
    """The hard checks that need no world total, on the cell rows (see the module docstring).

    ``cells`` has the supply key columns, ``value`` (t), ``row_no``, ``field`` (the cell's
    column), ``label`` (the country as written), ``unit_label`` and ``scale`` (t per unit)."""
    _fail(cells, cells["value"] < 0,
          lambda r: f"negative {r['measure']} {_t(r['value'])} {r['unit']}", file)
    key = [*_SERIES, "year", "label"]
    per_row = cells.drop_duplicates([*key, "row_no"])
    first = per_row.groupby(key, sort=False)["row_no"].transform("min")
    _fail(per_row, per_row["row_no"] != first,
          lambda r: (f"duplicate row: same commodity, series, country and year as row "
                     f"{int(first[r.name])} ({r['label']}, {r['year']})"), file, country_field)
    scale = cells.drop_duplicates([*_SERIES, "row_no"])
    usual = scale.groupby(_SERIES, sort=False)["scale"].transform(lambda s: s.mode().iloc[0])
    label = scale.assign(usual=usual).query("scale == usual").groupby(_SERIES)["unit_label"]
    usual_label = label.agg("first")
    _fail(scale, scale["scale"] != usual,
          lambda r: (f"unit {r['unit_label']!r} differs from the "
                     f"{usual_label[tuple(r[_SERIES])]!r} of the other rows of "
                     f"{r['commodity']} {r['series']!r}"), file, unit_field)


@cache
def _known_defects() -> pd.DataFrame:
    """``data/usgs_known_defects.csv``: world totals USGS published wrong, with the reason."""
    df = pd.read_csv(package_file("usgs_known_defects.csv"), dtype=str, keep_default_na=False)
    return df.assign(row=df["row"].astype(int), world_t=df["world_t"].astype(float))


def _t(value: float) -> str:
    """A quantity for a message: thousands grouped, small values to three figures."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _rounding(value: float) -> float:
    """The step the number ``value`` is rounded to, as written: 760,000 -> 10,000; 1.5 -> 0.1."""
    if not value:
        return 0.0
    for exp in range(int(math.floor(math.log10(abs(value)))), -7, -1):
        step = 10.0 ** exp
        if math.isclose(value / step, round(value / step), rel_tol=1e-9, abs_tol=1e-9):
            return step
    return 0.0


def world_warnings(supply: pd.DataFrame, file: str) -> pd.DataFrame:
    """Compare each country row with its world total: refuse one larger by more than the world
    total's rounding, return warning rows (``WARNING_COLUMNS``) for the soft cases.

    ``supply`` holds summed rows (one per key) with ``row_no``, ``field`` and ``scale`` (t per
    unit as written) of their first cell; a world total written as a lower bound (``>N``) or
    withheld is not compared."""
    key = ["commodity", "stage", "measure", "year"]
    world = supply[(supply["country"] == "WLD") & supply["value"].notna()
                   & ~supply["lower_bound"]]
    world = world[key + ["value", "row_no", "field", "scale"]].rename(
        columns={"value": "world", "row_no": "world_row", "field": "world_field",
                 "scale": "world_scale"})
    rows = supply[~supply["is_aggregate"]].merge(world, on=key)
    above = rows[rows["value"] > rows["world"]].sort_values("row_no")
    known = _known_defects()
    known = known[known["file"] == Path(file).name]
    out = []
    for (row, field), grp in above.groupby(["world_row", "world_field"], sort=False):
        w = grp.iloc[0]
        head = f"{w['commodity']} {w['measure']} {w['year']}"
        world_text = f"world total {_t(w['world'])} {w['unit']} (row {row})"
        defect = known[(known["row"] == row) & (known["field"] == field)
                       & np.isclose(known["world_t"], w["world"])]
        if len(defect):  # one warning on the world total, naming the rows above it
            names = ", ".join(f"{r.country} {_t(r.value)} (row {r.row_no})"
                              for r in grp.itertuples())
            out.append({"file": file, "row": int(row), "field": field, "check": "known-defect",
                        "message": f"{head}: {world_text} is below {names}; known USGS "
                                   f"defect: {defect['reason'].iloc[0]}"})
            continue
        step = _rounding(w["world"] / w["world_scale"]) * w["world_scale"]
        for r in grp.itertuples():
            text = f"{head}: {_t(r.value)} {r.unit} is larger than the {world_text}"
            if r.value - r.world > step:
                raise IngestError(text, file=file, row=int(r.row_no), field=r.field)
            out.append({"file": file, "row": int(r.row_no), "field": r.field,
                        "check": "world-rounding",
                        "message": f"{text}, by no more than its rounding ({_t(step)} {r.unit})"})
    return pd.DataFrame(out, columns=WARNING_COLUMNS) if out else _none()
