"""YAML from users (scenarios, catalogs, agreements, assumption overrides), read with limits.

``yaml.safe_load`` constructs no Python objects, but it still expands aliases: a few hundred
bytes of nested ``&a [*b, *b, …]`` anchors become billions of nodes (the "billion laughs"
bomb; 540 bytes took 17 s and 718 MB here). So every document a user gives is read with:

- **no aliases** (``*name``): refused as soon as one is met, before any expansion; anchors
  alone are harmless and allowed. Friendshore's own YAML has no use for them.
- **nesting depth** at most :data:`MAX_DEPTH` (a scenario needs about 6 levels), so deeply
  nested input cannot exhaust the parser's recursion.
- **size** at most :data:`MAX_BYTES`; a file is read only up to that many bytes (so
  ``/dev/zero`` or a huge file costs nothing).

Errors are :class:`~friendshore.errors.ScenarioError` naming the file, the line and column
and the problem, never the offending text (a file's content is not echoed back).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent

from .errors import ScenarioError

__all__ = ["MAX_BYTES", "MAX_DEPTH", "load", "read"]

#: Largest document read, in bytes (the shipped catalog is about 30 kB).
MAX_BYTES = 1024 * 1024
#: Deepest nesting of mappings and lists.
MAX_DEPTH = 32


class _LimitedLoader(yaml.SafeLoader):
    """A SafeLoader that refuses aliases and nesting deeper than :data:`MAX_DEPTH`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.MarkedYAMLError(problem="aliases (*name) are not allowed",
                                       problem_mark=mark)
        nested = self.check_event(CollectionStartEvent)
        if nested:
            self._depth += 1
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.MarkedYAMLError(
                    problem=f"nested more than {MAX_DEPTH} levels deep", problem_mark=mark)
        try:
            return Composer.compose_node(self, parent, index)
        finally:
            if nested:
                self._depth -= 1


def _describe(exc: yaml.YAMLError) -> str:
    """The problem and where it is, without the snippet of the document PyYAML quotes."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is not None:
            return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
        return problem
    return "invalid YAML"


def load(text: str | bytes, *, what: str = "YAML", file: str | None = None,
         path: str | None = None) -> Any:
    """Parse one YAML document with the limits above; ``what`` names it in errors."""
    if len(text) > MAX_BYTES:
        raise ScenarioError(f"{what} is over {MAX_BYTES} bytes", file=file, path=path)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise ScenarioError(f"{what} is not UTF-8 text", file=file, path=path) from None
    loader = _LimitedLoader(text)
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{what} is not valid YAML: {_describe(exc)}", file=file,
                            path=path) from None
    except RecursionError:
        raise ScenarioError(f"{what} is nested too deeply", file=file, path=path) from None
    finally:
        loader.dispose()


def read(path: str | Path, *, what: str = "YAML") -> Any:
    """Read and parse a YAML file, reading at most :data:`MAX_BYTES` + 1 bytes of it."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ScenarioError(f"cannot read {what}: {reason}", file=str(path)) from None
    return load(data, what=what, file=str(path))
