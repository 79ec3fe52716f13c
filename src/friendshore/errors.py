"""The one exception tree of friendshore.

::

    FriendshoreError
    ├── IngestError          bad input file: names file, row and field
    ├── UnknownNameError     unknown commodity, country, group, scenario…; lists close matches
    ├── ScenarioError        bad scenario or catalog: names the YAML path (shocks[0].exporter)
    ├── StoreError           the DuckDB store cannot be opened, built or written
    ├── SolverError          an optimisation problem is infeasible or failed, explained in words
    └── AuthError            the web server is misconfigured for its address
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "AuthError",
    "FriendshoreError",
    "IngestError",
    "ScenarioError",
    "SolverError",
    "StoreError",
    "UnknownNameError",
    "close_matches",
]


class FriendshoreError(Exception):
    """Base class of every error friendshore raises on purpose."""


class IngestError(FriendshoreError):
    """A source file is malformed: the message names the file, the row and the field."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file, self.row, self.field = file, row, field
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file is not None else "",
                f"row {row}" if row is not None else "",
                f"field {field!r}" if field is not None else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)


def close_matches(name: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    """Return up to ``n`` candidates that look like ``name`` (case-insensitive)."""
    cands = list(candidates)
    lower = {c.lower(): c for c in cands}
    hits = difflib.get_close_matches(name.lower(), list(lower), n=n, cutoff=0.5)
    sub = [c for c in cands if name.lower() in c.lower() and c not in hits]
    return ([lower[h] for h in hits] + sub)[:n]


class UnknownNameError(FriendshoreError, KeyError):
    """A name (commodity, country, group, stage, scenario, project) is not known."""

    def __init__(
        self, kind: str, name: str, candidates: Iterable[str] = (), *, where: str | None = None
    ) -> None:
        self.kind, self.name, self.where = kind, name, where
        self.matches = close_matches(str(name), candidates)
        hint = f"; did you mean {', '.join(self.matches)}?" if self.matches else ""
        prefix = f"{where}: " if where else ""
        self.message = f"{prefix}unknown {kind} {name!r}{hint}"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class ScenarioError(FriendshoreError, ValueError):
    """A scenario, catalog or request is invalid; ``path`` is the YAML/JSON path of the field."""

    def __init__(self, message: str, *, path: str | None = None, file: str | None = None) -> None:
        self.path, self.file = path, file
        where = " ".join(p for p in (file or "", path or "") if p)
        super().__init__(f"{where}: {message}" if where else message)


class StoreError(FriendshoreError):
    """The store cannot be opened, built or written."""


class SolverError(FriendshoreError):
    """An optimisation failed or is infeasible; the message explains why in words."""


class AuthError(FriendshoreError):
    """The web server would run off-localhost without a token."""
