"""The embedded DuckDB store: shipped data, newer releases, and saved runs."""

from .store import Store, default_store_path, open_store

__all__ = ["Store", "default_store_path", "open_store"]
