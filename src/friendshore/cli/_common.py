"""Output helpers shared by the command modules: JSON or rich tables, never both, and the one
``--out FILE`` export every tabular command offers."""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .. import safeyaml
from ..errors import FriendshoreError, ScenarioError
from ..results import jsonable

if TYPE_CHECKING:
    import pandas as pd

console = Console()
console_err = Console(stderr=True)


#: A step shows a progress bar once it has run this long (seconds): quick steps stay quiet.
PROGRESS_AFTER_S = 2.0


class Bar:
    """A rich progress bar on stderr (stdout stays clean for ``--json``) that appears only
    once its step has run :data:`PROGRESS_AFTER_S`; call it with the share done (0-1)."""

    def __init__(self, label: str) -> None:
        self.label, self.done = label, 0.0
        self._lock = threading.Lock()
        self._bar: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None

    def begin(self) -> None:
        """Start the clock; the bar shows when it runs out, if the step is still going."""
        self._timer = threading.Timer(PROGRESS_AFTER_S, self._show)
        self._timer.daemon = True
        self._timer.start()

    def _show(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        with self._lock:
            if self._timer is None:  # ended before the bar was due
                return
            self._bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                                 TextColumn("{task.percentage:>3.0f}%"), TimeElapsedColumn(),
                                 console=console_err, transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=1.0, completed=self.done)

    def __call__(self, fraction: float) -> None:
        with self._lock:
            self.done = fraction
            if self._bar is not None:
                self._bar.update(self._task, completed=fraction)

    def end(self) -> None:
        """Stop the clock and remove the bar."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self._bar is not None:
                self._bar.stop()
                self._bar = None


@contextmanager
def progress(label: str) -> Iterator[Callable[[float], None]]:
    """A :class:`Bar` for the block: the callback the API's ``progress=`` parameters take."""
    bar = Bar(label)
    bar.begin()
    try:
        yield bar
    finally:
        bar.end()


def store_build_progress() -> Callable[[float], None]:
    """The callback the store calls while it builds itself from the shipped data (first use,
    10-18 s): a :class:`Bar` from its first call (0) to its last (1)."""
    bar = Bar("building the data store (first use)")

    def update(fraction: float) -> None:
        if fraction <= 0:
            bar.begin()
        bar(fraction)
        if fraction >= 1:
            bar.end()

    return update


def _write_json(df: pd.DataFrame, path: Path) -> None:
    path.write_text(json.dumps(jsonable(df), indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")


#: ``--out`` writers by file extension: the same tidy table in each format.
WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    ".csv": lambda df, path: df.to_csv(path, index=False),
    ".parquet": lambda df, path: df.to_parquet(path, index=False),
    ".xlsx": lambda df, path: df.to_excel(path, index=False),
    ".json": _write_json,
}


def _check_out(path: Path | None) -> Path | None:
    """Refuse an ``--out`` extension no writer knows before any work is done (exit 2)."""
    if path is not None and path.suffix.lower() not in WRITERS:
        raise typer.BadParameter(f"{path}: the extension must be one of {', '.join(WRITERS)}")
    return path


OutOpt = Annotated[Path | None, typer.Option(
    "--out", callback=_check_out, dir_okay=False,
    help="Also write the table to FILE, by extension: .csv, .parquet, .xlsx or .json.")]


def _cells(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding lists, mappings or mixed types as JSON text, so CSV, Parquet and
    Excel each store one plain value per cell (JSON files keep the structure)."""
    import pandas as pd

    out = df.copy()
    out.attrs = {}  # Parquet would serialise attrs as JSON; numpy scalars there fail
    for col in out.select_dtypes(include="object").columns:
        kind = pd.api.types.infer_dtype(out[col], skipna=True)
        if kind not in ("string", "empty", "boolean", "integer", "floating"):
            out[col] = [None if v is None or v is pd.NA else
                        v if isinstance(v, str) else json.dumps(jsonable(v), ensure_ascii=False)
                        for v in out[col]]
    return out


def export(rows: pd.DataFrame | Sequence[Mapping[str, Any]], path: Path | None) -> None:
    """Write ``rows`` to ``path`` by its extension (nothing without a path): fractions as in
    ``--json``, field names stating units; a line on stderr says what was written."""
    if path is None:
        return
    import pandas as pd

    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    suffix = path.suffix.lower()
    try:
        WRITERS[suffix](df if suffix == ".json" else _cells(df), path)
    except OSError as exc:
        raise FriendshoreError(f"cannot write {path}: {exc.strerror or exc}") from exc
    console_err.print(f"wrote {len(df):,} rows to {path}", highlight=False)


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


#: Columns that identify a row (ids, names): always shown, never folded or cut, so they can be
#: copied into the next command (``appraise ID``, ``--set NAME=…``).
KEY_COLUMNS = frozenset({"id", "name", "slug", "commodity", "stage", "country", "scenario",
                         "project", "exporter", "importer", "market", "layer"})
#: Key columns of prose (industry names): they may wrap between words, never inside one.
WORDY_KEYS = frozenset({"name"})
#: A text column whose longest cell is longer than this many characters wraps onto more lines.
FOLD_AT = 30
_NUMERIC = r"^[-+<>]?[\d.,—%*>x†]*$"


def print_table(
    rows: pd.DataFrame | Sequence[Mapping[str, Any]],
    *,
    title: str | None = None,
    columns: Iterable[str] | Mapping[str, str] | None = None,
    caption: str | None = None,
    keep: Iterable[str] = (),
    drop_first: Iterable[str] = (),
) -> None:
    """Print rows as a rich table that fits the terminal without cutting a cell (pandas is
    imported here, so ``--help`` never loads it).

    The one width rule of every table: numbers and key columns (:data:`KEY_COLUMNS`, the first
    column, ``keep``) are shown whole (names of :data:`WORDY_KEYS` may wrap between words);
    long text columns fold onto more lines (at most
    :data:`FOLD_AT` wide where the table is too wide otherwise); where it is still too wide,
    columns are dropped (``drop_first`` in order, then from the right) and a line names them.
    ``columns`` may map field names to headers; the caption wraps at words below the table.
    """
    import pandas as pd
    from rich import box
    from rich.measure import Measurement

    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows))
    heads = (dict(columns) if isinstance(columns, Mapping)
             else {c: c for c in (columns if columns is not None else df.columns)})
    cells = {c: [fmt(v) for v in df[c]] if c in df else [] for c in heads}
    first = next(iter(heads), None)
    kept = {first, *keep, *(c for c in heads if c in KEY_COLUMNS)}
    order = [c for c in drop_first if c in heads and c not in kept]
    order += [c for c in reversed(heads) if c not in kept and c not in order]

    def build(shown: list[str], narrow: bool = False) -> Table:
        table = Table(box=box.SIMPLE_HEAD, title=title, pad_edge=False, collapse_padding=True)
        for col in shown:
            texts = cells[col]
            numeric = (col in df and pd.api.types.is_numeric_dtype(df[col])) or all(
                re.match(_NUMERIC, t) for t in texts)
            fold = not numeric and col not in kept and max(map(len, texts), default=0) > FOLD_AT
            wordy = col in WORDY_KEYS and col in kept
            whole = max([len(heads[col]), *map(len, texts)])
            word = max([len(heads[col]), *(len(w) for t in texts for w in t.split())])
            table.add_column(heads[col], justify="right" if numeric else "left",
                             no_wrap=not (fold or wordy), overflow="fold",
                             max_width=FOLD_AT if fold and narrow else None,
                             min_width=word if wordy else None if fold else whole)
        for i in range(len(df)):
            table.add_row(*(cells[c][i] for c in shown))
        return table

    def width(table: Table) -> int:
        return Measurement.get(console, console.options.update_width(10**6), table).minimum

    shown, dropped = list(heads), []
    table = build(shown)
    if width(table) > console.width:  # long words (paths, URLs) fold inside FOLD_AT columns
        table = build(shown, narrow=True)
    if order and (full := width(table)) > console.width:
        # Each column is measured once, alone: own[c] = min_c + e (e: the table's edges).
        # With full = Σ min + (n − 1)·g + e, dropping c narrows the table by
        # min_c + g = own[c] + (full − Σ own) / (n − 1): n one-column measurements instead
        # of one whole-table measurement per dropped column.
        own = {c: width(build([c], narrow=True)) for c in shown}
        gap = (full - sum(own.values())) / max(len(shown) - 1, 1)
        while order and full > console.width:
            dropped.append(order.pop(0))
            shown.remove(dropped[-1])
            full -= own[dropped[-1]] + gap
        table = build(shown, narrow=True)
    while order and width(table) > console.width:  # the estimate fell short: measure
        dropped.append(order.pop(0))
        shown.remove(dropped[-1])
        table = build(shown, narrow=True)
    console.print(table)
    if dropped:
        console.print(f"[dim]not shown at {console.width} columns: "
                      f"{', '.join(heads[c] for c in dropped)} (a wider terminal, --json or "
                      "--out FILE has every column)[/]", highlight=False)
    if caption:
        console.print(caption, highlight=False, style="dim")


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
