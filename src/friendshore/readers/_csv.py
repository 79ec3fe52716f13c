"""Strict CSV reading shared by the atlas readers: every row must have the header's width.

pandas silently pads a short (truncated) row with NaN; here a short or long row, an unclosed
quote or a missing column is an :class:`IngestError` naming the file, row and column.
Row numbers are 1-based file lines with the header on row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import IngestError

__all__ = ["ROW", "clean_text", "parse_numbers", "read_strict", "require_columns"]

#: Name of the column holding each row's line number in the file.
ROW = "_row"

_NUMBER = re.compile(r"^(?P<bound>[<>])?\s*(?P<num>-?\d[\d,]*(?:\.\d+)?|-?\.\d+)$")


def read_strict(path: Path) -> pd.DataFrame:
    """All cells of ``path`` as text (BOM stripped), with the line number in column ``ROW``."""
    name = str(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
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
        raise IngestError(f"not UTF-8 text: {exc.reason}", file=name) from exc
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df[ROW] = np.asarray(lines, dtype=np.int64)
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


def parse_numbers(
    cells: pd.Series, *, file: str, field: str, rows: pd.Series, text_ok: Iterable[str] = ()
) -> pd.DataFrame:
    """Parse text cells into ``value`` (float), ``bound`` ('>', '<' or None) and ``flag``.

    Accepts plain numbers with thousands separators and ``>N`` / ``<N``. Blank cells give NaN.
    Cells equal (case-insensitively) to one of ``text_ok`` (e.g. 'W', 'NA', 'E') give NaN with
    the text kept in ``flag``; anything else is an error naming the file, row and column.
    """
    text = cells.fillna("").astype(str).map(clean_text).str.replace("\u2212", "-", regex=False)
    parts = text.str.extract(_NUMBER)
    value = pd.to_numeric(parts["num"].str.replace(",", "", regex=False), errors="coerce")
    ok_words = {w.casefold() for w in text_ok}
    is_word = text.str.casefold().isin(ok_words)
    bad = (text != "") & value.isna() & ~is_word
    if bad.any():
        i = bad.idxmax()
        raise IngestError(
            f"not a number: {text[i]!r}", file=file, row=int(rows[i]), field=field
        )
    return pd.DataFrame(
        {
            "value": value.astype(float),
            "bound": parts["bound"].where(parts["bound"].notna(), None),
            "flag": text.where(is_word | parts["bound"].notna(), None),
        },
        index=cells.index,
    )
