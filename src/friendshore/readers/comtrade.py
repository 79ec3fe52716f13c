"""UN Comtrade 2024 reported imports: the trade reader under its own source key.

The parsing lives in :mod:`friendshore.readers.trade`, which recognises the Comtrade layout
from the header; this module only gives it the ``comtrade`` key and its shipped file.
"""

from __future__ import annotations

from .trade import load, read
from .trade import shipped_comtrade as shipped

__all__ = ["KIND", "load", "read", "shipped"]

KIND = "comtrade"
