"""Named assumptions: every number that is not data has a name, a default, a unit and a source.

The defaults live in ``data/assumptions/*.yaml`` (one file per layer), so the table shown to
users, the docs and the code read one place. Users override any of them by name, from a
scenario's ``assumptions:`` block, a CLI ``--set name=value`` flag, or the Python API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from .errors import ScenarioError, UnknownNameError

__all__ = ["Assumption", "Assumptions", "all_assumptions", "assumption", "resolve"]


@dataclass(frozen=True)
class Assumption:
    """One named assumption: its default value, unit, source and meaning."""

    name: str
    default: Any
    unit: str
    source: str
    description: str
    layer: str


@cache
def all_assumptions() -> dict[str, Assumption]:
    """Load every shipped assumption from ``data/assumptions/*.yaml``."""
    out: dict[str, Assumption] = {}
    folder = resources.files("friendshore") / "data" / "assumptions"
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        layer = entry.name.removesuffix(".yaml")
        raw = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for name, spec in raw.items():
            missing = {"default", "unit", "source", "description"} - set(spec)
            if missing:
                raise ScenarioError(f"assumption {name!r} lacks {sorted(missing)}", file=entry.name)
            if name in out:
                raise ScenarioError(f"assumption {name!r} defined twice", file=entry.name)
            out[name] = Assumption(name=name, layer=layer, **{k: spec[k] for k in
                                   ("default", "unit", "source", "description")})
    return out


def assumption(name: str) -> Assumption:
    """Return the shipped assumption called ``name``."""
    table = all_assumptions()
    if name not in table:
        raise UnknownNameError("assumption", name, table)
    return table[name]


class Assumptions(Mapping[str, Any]):
    """The values in force for one run: shipped defaults with user overrides applied."""

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        table = all_assumptions()
        self.overrides: dict[str, Any] = {}
        for key, value in (overrides or {}).items():
            if key not in table:
                raise UnknownNameError("assumption", key, table, where="assumptions")
            self.overrides[key] = value

    def __getitem__(self, name: str) -> Any:
        if name in self.overrides:
            return self.overrides[name]
        return assumption(name).default

    def __iter__(self):
        return iter(all_assumptions())

    def __len__(self) -> int:
        return len(all_assumptions())

    def table(self) -> pd.DataFrame:
        """All assumptions with the value in force, whether it was overridden, unit and source."""
        rows = [
            {
                "name": a.name,
                "layer": a.layer,
                "value": self[a.name],
                "default": a.default,
                "overridden": a.name in self.overrides,
                "unit": a.unit,
                "source": a.source,
                "description": a.description,
            }
            for a in all_assumptions().values()
        ]
        return pd.DataFrame(rows)


def resolve(overrides: Mapping[str, Any] | None = None) -> Assumptions:
    """Shortcut for ``Assumptions(overrides)``."""
    return Assumptions(overrides)
