"""Output helpers shared by the command modules: JSON or rich tables, never both."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from rich.console import Console
from rich.table import Table

from .. import safeyaml
from ..errors import ScenarioError
from ..results import jsonable

if TYPE_CHECKING:
    import pandas as pd

console = Console()
console_err = Console(stderr=True)




def print_json(obj: Any) -> None:
    """Print ``obj`` as indented JSON on stdout (nothing else goes there)."""
    print(json.dumps(jsonable(obj), indent=2, ensure_ascii=False))


def fmt(value: Any, digits: int = 3) -> str:
    """Format a number for a table cell; missing values show as an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v != 0 and (abs(v) >= 1e5 or abs(v) < 10 ** -digits):
            return f"{v:,.{digits}g}" if abs(v) < 1e5 else f"{v:,.0f}"
        return f"{v:,.{digits}f}".rstrip("0").rstrip(".") if "." in f"{v:.{digits}f}" else f"{v}"
    return str(value)


def print_table(
    rows: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    title: str | None = None,
    columns: Iterable[str] | None = None,
    caption: str | None = None,
) -> None:
    """Print rows as a rich table (pandas is imported here, so ``--help`` never loads it)."""
    import pandas as pd

    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    cols = list(columns) if columns is not None else list(df.columns)
    table = Table(title=title, caption=caption)
    for col in cols:
        numeric = col in df and pd.api.types.is_numeric_dtype(df[col])
        table.add_column(col, justify="right" if numeric else "left")
    for rec in df[cols].itertuples(index=False):
        table.add_row(*(fmt(v) for v in rec))
    console.print(table)


def parse_sets(pairs: list[str] | None) -> dict[str, Any]:
    """``--set name=value`` pairs into assumption overrides; values are read as YAML (numbers,
    booleans, lists, mappings), so ``--set x=0.3`` gives a float and ``--set m={JPN: 2}`` a dict."""
    out: dict[str, Any] = {}
    for i, pair in enumerate(pairs or []):
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ScenarioError(f"expected name=value, got {pair!r}", path=f"--set[{i}]")
        out[name.strip()] = safeyaml.load(value, what="value", path=f"--set {name.strip()}")
    return out
