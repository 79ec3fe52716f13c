"""Helpers shared by the alliance readers (ships, LNG, defense): package paths and CSV checks."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from ..errors import IngestError

__all__ = ["numeric", "package_file", "read_csv", "require_columns"]


def package_file(folder: str, name: str) -> Path:
    """Path of a shipped data file under ``friendshore/data/<folder>/``."""
    return Path(str(resources.files("friendshore") / "data" / folder / name))


def read_csv(path: str | Path, **kwargs) -> pd.DataFrame:
    """Read a CSV (BOM tolerated) or raise :class:`IngestError` naming the file."""
    try:
        return pd.read_csv(path, encoding="utf-8-sig", **kwargs)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise IngestError(f"cannot read CSV: {exc}", file=Path(path).name) from exc


def require_columns(df: pd.DataFrame, columns: list[str], path: str | Path) -> None:
    """Raise :class:`IngestError` when a required column is missing."""
    for col in columns:
        if col not in df.columns:
            raise IngestError("missing column", file=Path(path).name, row=1, field=col)


def numeric(
    df: pd.DataFrame, column: str, path: str | Path, *, nonnegative: bool = True
) -> pd.Series:
    """``df[column]`` as floats (blank = NaN); a non-number or negative value is an IngestError.

    Row numbers in errors are file lines (header = line 1).
    """
    raw = df[column]
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & raw.notna() & (raw.astype(str).str.strip() != "")
    if nonnegative:
        bad |= values < 0
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise IngestError(
            f"bad value {raw.iloc[i]!r} (expected a non-negative number)",
            file=Path(path).name, row=i + 2, field=column,
        )
    return values.astype(float)
