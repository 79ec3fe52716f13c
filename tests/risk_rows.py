"""One row of the risk table, for the risk test modules (the table itself is the
``risk_table`` fixture in conftest.py)."""

from __future__ import annotations

import pandas as pd


def risk_row(df: pd.DataFrame, commodity: str, stage: str) -> pd.Series:
    """The single row of ``df`` for ``commodity`` x ``stage`` (fails if not exactly one)."""
    hit = df[(df.commodity == commodity) & (df.stage == stage)]
    assert len(hit) == 1, (commodity, stage)
    return hit.iloc[0]
