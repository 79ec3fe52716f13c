"""Checked CSV reading shared by every reader: package paths, two readers, column and cell checks.

pandas silently pads a short (truncated) row with NaN and coerces bad cells; here a malformed
file, a missing column, a blank required cell or a non-number is an :class:`IngestError` naming
the file, the row and the field. Both readers return every cell as text plus the row number in
column :data:`ROW` (1-based file line, header on row 1, as a spreadsheet shows them), so the
checks below report rows the same way whichever reader was used:

* :func:`read_strict` (csv module): a short or long row is an error at its exact file line;
  for hand-made tables (USGS MCS, IEA) where truncation must not pass silently;
* :func:`read_table` (pandas, gzip transparent): fast, for large machine-written tables (BACI,
  WGI, SIPRI ...); a truncated row shows up as blank cells, caught by :func:`require_values`.
"""

from __future__ import annotations

import csv
import re
import zlib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError

__all__ = [
    "PRINTED",
    "ROW",
    "clean_text",
    "numbers",
    "package_file",
    "parse_numbers",
    "read_strict",
    "read_table",
    "reject_first",
    "require_columns",
    "require_values",
]

#: Name of the column holding each row's line number in the file.
ROW = "_row"

#: A number as published tables (USGS) print it: digits grouped by three with commas, optional
#: decimals ('1,234.5', '270000'); '7,5' or '75,0000' is not one (it is not 75 or 750000).
PRINTED = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+"
#: Published-table numbers with an optional '>' / '<' bound ('>50', '1,234.5').
_QUALIFIED = re.compile(rf"^(?P<bound>[<>])?\s*(?P<num>{PRINTED})$")
#: A plain decimal, read alike by every form (parse_numbers' vectorised path when qualified).
_DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")
#: Machine-written numbers: optional sign, decimals, exponent; no separators, no bound.
_PLAIN = re.compile(r"^(?P<bound>)(?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)$")
_LINE = re.compile(r"line (\d+)")


def package_file(*parts: str) -> Path:
    """Path of a shipped file or folder under ``friendshore/data/``."""
    return Path(str(resources.files("friendshore") / "data")).joinpath(*parts)


def read_strict(path: str | Path, encoding: str = "utf-8-sig") -> pd.DataFrame:
    """All cells of ``path`` as text (BOM stripped); a row of the wrong width is an error.

    ``encoding``: the file's text encoding (USGS MCS 2026 writes cp1252)."""
    name = str(path)
    try:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise IngestError("empty file", file=name, row=1) from None
            header = _unique([clean_text(h) for h in header])
            rows, lines = [], []
            for rec in reader:
                line = reader.line_num
                if not any(c.strip() for c in rec):
                    continue
                if len(rec) != len(header):
                    col = header[len(rec)] if len(rec) < len(header) else f"#{len(rec)}"
                    what = "truncated row" if len(rec) < len(header) else "extra fields"
                    raise IngestError(
                        f"{what}: {len(rec)} fields, header has {len(header)}",
                        file=name, row=line, field=col,
                    )
                rows.append(rec)
                lines.append(line)
    except csv.Error as exc:
        raise IngestError(f"malformed CSV: {exc}", file=name, row=reader.line_num) from exc
    except UnicodeDecodeError as exc:
        raise IngestError(f"not {encoding} text: {exc.reason}", file=name) from exc
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df[ROW] = np.asarray(lines, dtype=np.int64)
    return df


def read_table(path: str | Path, columns: Iterable[str] = ()) -> pd.DataFrame:
    """All cells of ``path`` as text (blank = NaN), checked to hold ``columns``; BOM, gzip ok."""
    name = Path(path).name
    try:
        df = pd.read_csv(
            path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
        )
    except pd.errors.ParserError as exc:
        line = _LINE.search(str(exc))
        raise IngestError(
            f"malformed CSV: {exc}", file=name, row=int(line.group(1)) if line else None
        ) from exc
    except (OSError, EOFError, UnicodeDecodeError, zlib.error, ValueError) as exc:
        raise IngestError(f"cannot read file: {exc}", file=name) from exc
    df.columns = [str(c).strip() for c in df.columns]
    require_columns(df, columns, name)
    df[ROW] = np.arange(len(df), dtype=np.int64) + 2
    return df


def _unique(names: list[str]) -> list[str]:
    """Suffix repeated header names with ``.1``, ``.2`` … (as pandas does)."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        out.append(f"{n}.{seen[n]}" if n in seen else n)
        seen[n] = seen.get(n, 0) + 1
    return out


def clean_text(value: str) -> str:
    """Collapse NBSPs and whitespace runs, strip the ends."""
    return " ".join(str(value).replace("\u00a0", " ").split())


def require_columns(df: pd.DataFrame, columns: Iterable[str], file: str) -> None:
    """Raise naming the first of ``columns`` missing from the header (row 1)."""
    for col in columns:
        if col not in df.columns:
            raise IngestError("missing column", file=file, row=1, field=col)


def require_values(df: pd.DataFrame, columns: Iterable[str], file: str) -> None:
    """Raise naming the first row with a blank cell in one of ``columns`` (e.g. truncation)."""
    for col in columns:
        reject_first(df[col].isna(), df, col, "missing value", file)


def reject_first(bad: pd.Series, df: pd.DataFrame, field: str, message: str, file: str) -> None:
    """Raise ``message`` naming the first row of ``df`` where ``bad`` holds, if any.

    ``{value!r}`` in ``message`` is that row's ``field`` cell; ``bad`` is aligned with ``df``.
    """
    mask = np.asarray(bad, dtype=bool)
    if mask.any():
        i = int(mask.nonzero()[0][0])
        raise IngestError(message.format(value=df[field].iloc[i]), file=file,
                          row=int(df[ROW].iloc[i]), field=field)


def parse_numbers(
    df: pd.DataFrame,
    column: str,
    file: str,
    *,
    missing: Iterable[str] = (),
    lower: float | None = None,
    upper: float | None = None,
    qualified: bool = False,
) -> pd.DataFrame:
    """``df[column]`` parsed into ``value`` (float), ``bound`` ('>', '<' or None) and ``flag``.

    Blank cells give NaN. Cells equal (case-insensitively) to one of the ``missing`` markers
    (e.g. '..', or USGS's 'W', 'NA', 'E') give NaN with the marker kept in ``flag``.
    ``qualified`` accepts the published-table forms ``1,234`` (thousands grouped by three:
    ``7,5`` is an error, not 75) and ``>N`` / ``<N`` (bound kept in ``bound`` and ``flag``);
    otherwise only plain numbers pass. Any other text, or a value
    outside [``lower``, ``upper``], is an error naming the file, row and column.

    Cells that are already finite numbers (most of them) are converted in one vectorised
    step; only the others are cleaned and matched as text (store builds spent half their
    time matching every cell).
    """
    raw = df[column]
    value = pd.to_numeric(raw, errors="coerce").astype(float)
    fast = np.isfinite(value.to_numpy())
    if qualified:  # published forms take no exponent, sign or trailing point
        fast &= raw.astype(str).str.fullmatch(_DECIMAL).to_numpy(dtype=bool)
    fast |= (raw.isna() | (raw == "")).to_numpy()
    bound = pd.Series([None] * len(df), index=df.index, dtype=object)
    flag = bound.copy()
    bad = np.zeros(len(df), dtype=bool)
    text = pd.Series("", index=df.index, dtype=object)
    if not fast.all():
        slow = ~fast
        text[slow] = raw[slow].astype(str).map(clean_text)
        if qualified:
            text[slow] = text[slow].str.replace("\u2212", "-", regex=False)
        parts = text[slow].str.extract(_QUALIFIED if qualified else _PLAIN)
        value[slow] = pd.to_numeric(parts["num"].str.replace(",", "", regex=False),
                                    errors="coerce")
        words = {w.casefold() for w in missing}
        is_word = text[slow].str.casefold().isin(words)
        bad[slow] = ((text[slow] != "") & value[slow].isna() & ~is_word).to_numpy()
        marked = parts["bound"].where(parts["bound"].isin(["<", ">"]))
        bound[slow] = marked.where(marked.notna(), None)
        flag[slow] = text[slow].where(is_word | marked.notna(), None)
    if lower is not None:
        bad |= (value < lower).to_numpy()
    if upper is not None:
        bad |= (value > upper).to_numpy()
    if bad.any():
        i = int(bad.nonzero()[0][0])
        v = value.iloc[i]
        shown = text.iloc[i] if not fast[i] else clean_text(raw.iloc[i])
        what = ("not a number" if pd.isna(v)
                else f"below {lower}" if lower is not None and v < lower else f"above {upper}")
        raise IngestError(f"{what}: {shown!r}", file=file, row=int(df[ROW].iloc[i]),
                          field=column)
    return pd.DataFrame({"value": value, "bound": bound, "flag": flag}, index=df.index)


def numbers(df: pd.DataFrame, column: str, file: str, **options) -> pd.Series:
    """Just the float ``value`` of :func:`parse_numbers` (same options, same checks)."""
    return parse_numbers(df, column, file, **options)["value"]
