"""Append a dated section to bench/RESULTS.md: commit, package versions, load, the lines."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from pathlib import Path


def record(title: str, lines: list[str], versions: str = "", note: str = "") -> None:
    """Append ``lines`` under ``## title — date`` with the commit, friendshore, CPython and
    numpy versions (plus ``versions``), the core count and load, then ``note``."""
    import numpy as np

    import friendshore

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    head = (f"\n## {title} — {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n\n"
            f"Commit {commit}, friendshore {friendshore.__version__}, CPython "
            f"{platform.python_version()}, numpy {np.__version__}{versions}; "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end. "
            f"{note}\n\n```\n")
    with open(Path(__file__).with_name("RESULTS.md"), "a", encoding="utf-8") as fh:
        fh.write(head + "\n".join(lines) + "\n```\n")
