"""Start-up (issue 12 item 6): ``import friendshore`` and the CLI app that ``--help`` builds load
neither pandas nor DuckDB, so help and tab-completion cost well under the 0.5 s budget."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("pandas", "duckdb", "pyarrow", "scipy")


@pytest.mark.parametrize("module", ["friendshore", "friendshore.cli"])
def test_import_loads_no_table_or_store_library(module):
    code = (f"import sys, {module}; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "", f"import {module} loaded {out.stdout.strip()}"


def test_help_loads_no_table_or_store_library():
    code = ("import sys\nfrom friendshore.cli import app\n"
            "try:\n    app(['--help'], prog_name='friendshore')\nexcept SystemExit:\n    pass\n"
            f"print('LOADED=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120)
    assert "stress" in out.stdout
    assert out.stdout.splitlines()[-1] == "LOADED=", out.stdout.splitlines()[-1]
