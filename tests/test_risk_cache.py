"""risk() keeps computed tables per store: repeated calls skip the computation, and an
ingest (a source's loaded_at changes) recomputes."""

from __future__ import annotations

import gzip
import importlib
from pathlib import Path

import pandas as pd
import pytest

import friendshore
from friendshore.readers import wgi
from friendshore.store import queries_risk

risk_api = importlib.import_module("friendshore.api._risk")


@pytest.fixture()
def computations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The measure of every production/reserves series query risk() makes."""
    calls: list[str] = []
    real = queries_risk.picked_rows

    def picked_rows(store, measure, year):
        calls.append(measure)
        return real(store, measure, year)

    monkeypatch.setattr(queries_risk, "picked_rows", picked_rows)
    return calls


def test_second_call_is_served_from_the_cache(store, computations):
    first = friendshore.risk("gallium", store=store)
    n = len(computations)
    assert n > 0
    second = friendshore.risk(["gallium"], store=store)
    assert len(computations) == n  # nothing recomputed
    pd.testing.assert_frame_equal(first, second)
    second.loc[:, "hhi"] = -1.0  # a caller's edits do not reach the cache
    pd.testing.assert_frame_equal(friendshore.risk("gallium", store=store), first)
    assert len(computations) == n


def test_other_requests_are_computed_separately(store, computations):
    base = friendshore.risk("gallium", store=store)
    n = len(computations)
    friendshore.risk("cobalt", store=store)
    assert len(computations) > n
    n = len(computations)
    over = friendshore.risk("gallium", store=store, assumptions={"risk_si_sr.gallium": 0.5})
    assert len(computations) > n
    assert (over["si_sr"] == 0.5).all() and not (base["si_sr"] == 0.5).all()


def test_an_ingest_invalidates(store, computations, tmp_path: Path):
    before = friendshore.risk("gallium", store=store)
    n = len(computations)
    # China governed like the best-governed country: its production weighs less in HHI_WGI
    with gzip.open(wgi.shipped()[0], "rt", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    table.loc[table["code"] == "CHN", "estimate"] = 2.5
    path = tmp_path / "wgi.csv"
    table.to_csv(path, index=False)
    friendshore.ingest(path, "wgi", store=store)
    after = friendshore.risk("gallium", store=store)
    assert len(computations) > n
    assert (after["hhi_wgi"] < before["hhi_wgi"]).all()
    pd.testing.assert_series_equal(after["hhi"], before["hhi"])
