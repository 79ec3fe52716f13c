"""Shared check for the reader tests: a malformed file is refused naming its file, row, field."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from friendshore.errors import IngestError


def assert_rejects(read: Callable[[Path], object], path: Path, text: str, *, row: int,
                   field: str) -> None:
    """Write ``text`` to ``path``; ``read(path)`` must fail naming that file, ``row``, ``field``."""
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError, match=rf"row {row}, field '{re.escape(field)}'") as err:
        read(path)
    assert Path(err.value.file).name == path.name
