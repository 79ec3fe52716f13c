"""Which readers build the store on first use, and from which shipped files.

Each entry maps a source key (as used by ``friendshore data ingest --source``) to its reader
module. A reader module exposes ``KIND`` and two functions:

* ``read(path) -> dict[str, pandas.DataFrame]``: validated, normalised rows per store table;
  it raises :class:`friendshore.errors.IngestError` naming file, row and field on bad input;
* ``load(store, path) -> int``: ``read`` then ``store.replace_source(...)`` (caller holds the
  transaction).

and a ``shipped()`` function listing the package files it loads on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType

from ..errors import UnknownNameError

__all__ = ["MCS2026_WHERE", "READERS", "load_shipped", "reader"]

#: source key -> module under friendshore.ingest
#: Where to get USGS MCS 2026: the file to pass to ``data ingest`` and where USGS publishes it
#: (here, not in the reader, so ``data ingest --help`` loads no pandas).
MCS2026_WHERE = ("MCS2026_Commodities_Data.csv (with its trends/ tables) from the USGS MCS 2026 "
                 "data release, doi 10.5066/P1WKQ63T: https://doi.org/10.5066/P1WKQ63T "
                 "(ScienceBase)")

READERS: dict[str, str] = {
    "usgs-mcs": "usgs_mcs",
    "iea": "iea",
    "ree-elements": "ree_elements",  # derived from the two above: load after them
    "unctad-shipbuilding": "ships",
    "sipri-milex": "defense",
    "lng": "lng",
    "wgi": "wgi",
    "baci": "trade",
    "comtrade": "comtrade",
    "io-tables": "io_tables",
}


def reader(kind: str) -> ModuleType:
    """The reader module for source key ``kind``."""
    if kind not in READERS:
        raise UnknownNameError("source", kind, READERS)
    return importlib.import_module(f"friendshore.readers.{READERS[kind]}")


def load_shipped(store, progress: Callable[[float], None] | None = None) -> None:
    """Load every shipped dataset into ``store`` (inside the caller's transaction), telling
    ``progress`` the share of files loaded (0 first, 1 last)."""
    todo = [(mod, path) for mod in map(reader, READERS) for path in mod.shipped()]
    for k, (mod, path) in enumerate(todo):
        if progress:
            progress(k / len(todo))
        mod.load(store, path)
    if progress:
        progress(1.0)
