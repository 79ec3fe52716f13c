"""Checked CSV reading for the risk-layer readers (WGI, BACI, Comtrade); gzip is transparent.

pandas pads a truncated row with NaN, so readers declare the fields every row must have
(``require_values``); a missing header column, an over-long row, an unreadable file, a blank
required cell or a non-number all raise :class:`IngestError` naming the file, the row (file
line, header = 1) and the field.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError

__all__ = ["numbers", "package_file", "read_table", "require_values"]

_LINE = re.compile(r"line (\d+)")


def package_file(folder: str, name: str) -> Path:
    """Path of a shipped file under ``friendshore/data/<folder>/``."""
    return Path(str(resources.files("friendshore") / "data" / folder / name))


def read_table(path: str | Path, columns: Iterable[str]) -> pd.DataFrame:
    """All cells of ``path`` as text, checked to hold ``columns``; BOM and gzip tolerated."""
    name = Path(path).name
    cols = list(columns)
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
    for col in cols:
        if col not in df.columns:
            raise IngestError("missing column", file=name, row=1, field=col)
    return df


def require_values(df: pd.DataFrame, columns: Iterable[str], path: str | Path) -> None:
    """Raise naming the first row with a blank cell in one of ``columns`` (e.g. truncation)."""
    for col in columns:
        blank = df[col].isna().to_numpy()
        if blank.any():
            i = int(blank.nonzero()[0][0])
            raise IngestError("missing value", file=Path(path).name, row=i + 2, field=col)


def numbers(
    df: pd.DataFrame,
    column: str,
    path: str | Path,
    *,
    missing: Iterable[str] = (),
    lower: float | None = None,
    upper: float | None = None,
) -> pd.Series:
    """``df[column]`` as floats; blanks and the ``missing`` markers (e.g. '..') become NaN.

    Any other text, or a value outside [lower, upper], raises naming the row and field."""
    raw = df[column]
    text = raw.fillna("").astype(str).str.strip()
    values = pd.to_numeric(text.where(~text.isin(list(missing)) & text.ne(""), None),
                           errors="coerce")
    bad = values.isna() & text.ne("") & ~text.isin(list(missing))
    if lower is not None:
        bad |= values < lower
    if upper is not None:
        bad |= values > upper
    if bad.any():
        i = int(np.asarray(bad).nonzero()[0][0])
        raise IngestError(
            f"bad value {raw.iloc[i]!r}", file=Path(path).name, row=i + 2, field=column
        )
    return values.astype(float)
