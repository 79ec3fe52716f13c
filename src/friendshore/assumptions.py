"""Named assumptions: every number that is not data has a name, a default, a unit and a source.

The defaults live in ``data/assumptions/*.yaml`` (one file per layer), so the table shown to
users, the docs and the code read one place. Users override any of them by name, from a
scenario's ``assumptions:`` block, a CLI ``--set name=value`` flag, the web API or the Python
API; every path goes through :class:`Assumptions`, which checks each override against the
assumption's declared ``type`` and ``range`` (see :data:`TYPES`): a wrong type, a value out of
range, NaN or infinity is a :class:`~friendshore.errors.ScenarioError` naming the assumption
(exit 2 on the CLI, 422 on the web), never a wrong number further down.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from .errors import ScenarioError, UnknownNameError

__all__ = ["TYPES", "Assumption", "Assumptions", "all_assumptions", "assumption", "check_value",
           "recording", "resolve", "unrecorded"]

#: The set collecting the names read by :meth:`Assumptions.__getitem__` in this context.
_read: ContextVar[set[str] | None] = ContextVar("friendshore_assumptions_read", default=None)


@contextmanager
def unrecorded() -> Iterator[None]:
    """Reads inside the block are not recorded: for a shared artefact built once per process
    (the network), whose own key names the assumptions it depends on."""
    token = _read.set(None)
    try:
        yield
    finally:
        _read.reset(token)


@contextmanager
def recording() -> Iterator[set[str]]:
    """Collect the names of the assumptions a computation reads (in this thread), so a report
    lists the assumptions its run used. Caches keyed by assumption values read them on every
    call, so a warm cache records the same names as a cold one."""
    names: set[str] = set()
    token = _read.set(names)
    try:
        yield names
    finally:
        _read.reset(token)

#: Declared types of assumption values. Numbers must be finite and lie in the declared
#: ``range`` ``[low, high]`` (``null`` for an open end); maps have string keys and their
#: numbers obey the range too; strings, booleans and string lists declare ``range: null``.
TYPES = ("number", "integer", "boolean", "string", "number_map", "number_map_map",
         "number_or_map", "integer_list", "string_list")


@dataclass(frozen=True)
class Assumption:
    """One named assumption: its default value, unit, source and meaning."""

    name: str
    default: Any
    unit: str
    source: str
    description: str
    layer: str
    type: str = "number"
    range: tuple[float | None, float | None] | None = None

    def check(self, value: Any, where: str | None = None) -> Any:
        """``value`` as this assumption's type, or :class:`ScenarioError` naming it."""
        return check_value(self.name, self.type, self.range, value, where=where)


def _number(name: str, value: Any, bounds: Any, integer: bool, where: str) -> float | int:
    kind = "an integer" if integer else "a number"
    if isinstance(value, str) and value.strip().lower().lstrip("+-") in {
            "nan", ".nan", "inf", ".inf", "infinity"}:
        raise ScenarioError(f"{name} must be a finite {kind.split()[1]}, not {value!r} (NaN and "
                            "infinity are not allowed)", path=where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(f"{name} must be {kind}, got {type(value).__name__} {value!r}",
                            path=where)
    if math.isnan(value):
        raise ScenarioError(f"{name} must not be NaN", path=where)
    if math.isinf(value):
        raise ScenarioError(f"{name} must be finite, not {value}", path=where)
    if integer:
        if value != int(value):
            raise ScenarioError(f"{name} must be an integer, got {value!r}", path=where)
        value = int(value)
    low, high = bounds or (None, None)
    if (low is not None and value < low) or (high is not None and value > high):
        shown = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        raise ScenarioError(f"{name} must lie in {shown}, got {value!r}", path=where)
    return value


def check_value(name: str, kind: str, bounds: Any, value: Any,
                where: str | None = None) -> Any:
    """Check ``value`` against a declared ``kind`` (one of :data:`TYPES`) and ``bounds``."""
    where = where or name
    if kind in ("number", "integer"):
        return _number(name, value, bounds, kind == "integer", where)
    if kind == "number_or_map":  # one value for every key, or {key: value, "*": fallback}
        kind = "number_map" if isinstance(value, Mapping) else "number"
        return check_value(name, kind, bounds, value, where)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ScenarioError(f"{name} must be true or false, got {value!r}", path=where)
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise ScenarioError(f"{name} must be a string, got {value!r}", path=where)
        return value
    if kind in ("integer_list", "string_list"):
        if not isinstance(value, list | tuple):
            raise ScenarioError(f"{name} must be a list, got {value!r}", path=where)
        item = "integer" if kind == "integer_list" else "string"
        return [check_value(name, item, bounds, v, f"{where}[{i}]") for i, v in enumerate(value)]
    if kind in ("number_map", "number_map_map"):
        if not isinstance(value, Mapping):
            raise ScenarioError(f"{name} must be a mapping, got {value!r}", path=where)
        inner = "number" if kind == "number_map" else "number_map"
        out = {}
        for key, v in value.items():
            if not isinstance(key, str):
                raise ScenarioError(f"{name} keys must be strings, got {key!r}", path=where)
            out[key] = check_value(name, inner, bounds, v, f"{where}.{key}")
        return out
    raise ScenarioError(f"{name} declares unknown type {kind!r} (one of {', '.join(TYPES)})")


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
            missing = {"default", "unit", "source", "description", "type", "range"} - set(spec)
            if missing:
                raise ScenarioError(f"assumption {name!r} lacks {sorted(missing)}", file=entry.name)
            if name in out:
                raise ScenarioError(f"assumption {name!r} defined twice", file=entry.name)
            bounds = tuple(spec["range"]) if spec["range"] is not None else None
            out[name] = Assumption(name=name, layer=layer, type=spec["type"], range=bounds,
                                   **{k: spec[k] for k in
                                      ("default", "unit", "source", "description")})
            out[name].check(spec["default"], where=f"{name}.default")  # the default obeys it
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
        if overrides is not None and not isinstance(overrides, Mapping):
            raise ScenarioError(f"assumptions must be a mapping of names to values, got "
                                f"{type(overrides).__name__}", path="assumptions")
        for key, value in (overrides or {}).items():
            if key not in table:
                raise UnknownNameError("assumption", key, table, where="assumptions")
            self.overrides[key] = table[key].check(value, where=f"assumptions.{key}")

    def __getitem__(self, name: str) -> Any:
        names = _read.get()
        if names is not None:
            names.add(name)
        return self._value(name)

    def _value(self, name: str) -> Any:
        if name in self.overrides:
            return self.overrides[name]
        return assumption(name).default

    def snapshot(self, prefix: str = "") -> dict[str, Any]:
        """Every value whose name starts with ``prefix`` (for a run's record; not counted as
        read by :func:`recording`)."""
        return {name: self._value(name) for name in all_assumptions() if name.startswith(prefix)}

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
                "value": self._value(a.name),
                "default": a.default,
                "overridden": a.name in self.overrides,
                "unit": a.unit,
                "type": a.type,
                "range": list(a.range) if a.range is not None else None,
                "source": a.source,
                "description": a.description,
            }
            for a in all_assumptions().values()
        ]
        return pd.DataFrame(rows)


def resolve(overrides: Mapping[str, Any] | None = None) -> Assumptions:
    """Shortcut for ``Assumptions(overrides)``."""
    return Assumptions(overrides)
