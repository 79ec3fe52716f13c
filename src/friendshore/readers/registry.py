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
from types import ModuleType

from ..errors import UnknownNameError

__all__ = ["READERS", "load_shipped", "reader"]

#: source key -> module under friendshore.ingest
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


def load_shipped(store) -> None:
    """Load every shipped dataset into ``store`` (inside the caller's transaction)."""
    for kind in READERS:
        mod = reader(kind)
        for path in mod.shipped():
            mod.load(store, path)
