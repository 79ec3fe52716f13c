"""The one Python API: it alone combines the store, the network and the analyses.

The CLI, the web app and the reports call these functions and only render what they return.
Every function takes an optional ``store`` (a :class:`~friendshore.store.Store`); without it
the process-wide default store is used, built from the shipped data on first use.
"""

from __future__ import annotations

from .store import Store, open_store

__all__ = ["get_store"]


def get_store(store: Store | None = None) -> Store:
    """``store`` itself, or the default store (opened once per process)."""
    return store if store is not None else open_store()
