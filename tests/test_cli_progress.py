"""Progress (issue 13 item 5): every step over PROGRESS_AFTER_S (store build, stress, sweep,
plan, appraise, report) shows the rich progress bar the stress command uses; quick steps show
nothing; the API reports each step's share done from 0 to 1 (the dashboard's job progress)."""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console
from typer.testing import CliRunner

import friendshore as fs
from friendshore.cli import _common, app
from friendshore.progress import BUILD_PROGRESS
from friendshore.store import Store


@pytest.fixture()
def terminal(monkeypatch) -> io.StringIO:
    """stderr as a 100-column terminal, captured (a pipe shows no live bar)."""
    buffer = io.StringIO()
    monkeypatch.setattr(_common, "console_err",
                        Console(file=buffer, force_terminal=True, width=100))
    return buffer


def test_a_slow_step_shows_the_bar_and_a_quick_one_does_not(monkeypatch, terminal) -> None:
    monkeypatch.setattr(_common, "PROGRESS_AFTER_S", 0.05)
    with _common.progress("slow step") as bar:
        bar(0.25)
        time.sleep(0.4)
        bar(0.5)
    assert "slow step" in terminal.getvalue()
    monkeypatch.setattr(_common, "PROGRESS_AFTER_S", 30.0)
    terminal.truncate(0)
    with _common.progress("quick step") as bar:
        bar(1.0)
    assert "quick step" not in terminal.getvalue()


def test_the_store_build_shows_the_bar(monkeypatch, terminal) -> None:
    monkeypatch.setattr(_common, "PROGRESS_AFTER_S", 0.05)
    update = _common.store_build_progress()
    update(0.0)
    time.sleep(0.4)
    update(0.5)
    update(1.0)
    assert "building the data store" in terminal.getvalue()


def test_the_store_build_reports_its_share_done(monkeypatch) -> None:
    calls: list[float] = []
    token = BUILD_PROGRESS.set(calls.append)
    try:
        Store(":memory:").close()
    finally:
        BUILD_PROGRESS.reset(token)
    assert calls[0] == 0.0 and calls[-1] == 1.0 and calls == sorted(calls) and len(calls) > 5


def _monotone(calls: list[float]) -> None:
    assert calls == sorted(calls) and calls[0] >= 0.0 and calls[-1] <= 1.0 and len(calls) > 2


def test_plan_and_appraise_report_progress() -> None:
    calls: list[float] = []
    fs.appraise("alcoa-wagerup-gallium", draws=20, seed=2,
                scenarios=["china-gallium-germanium-ban", "hormuz-closure"],
                progress=calls.append)
    _monotone(calls)
    calls.clear()
    fs.plan(None, 20e9, ["china-rare-earth-ban"], draws=20, seed=1, progress=calls.append)
    _monotone(calls)
    assert calls[-1] >= 0.95


def test_appraise_on_the_cli_shows_the_bar(monkeypatch, terminal) -> None:
    monkeypatch.setattr(_common, "PROGRESS_AFTER_S", 0.0)
    res = CliRunner().invoke(app, ["appraise", "alcoa-wagerup-gallium", "--draws", "20",
                                   "--scenarios", "china-gallium-germanium-ban"])
    assert res.exit_code == 0, res.output
    assert "appraise alcoa-wagerup-gallium" in terminal.getvalue()


def test_report_on_the_cli_shows_the_bar(monkeypatch, terminal, tmp_path) -> None:
    monkeypatch.setattr(_common, "PROGRESS_AFTER_S", 0.0)
    res = CliRunner().invoke(app, ["report", "china-gallium-germanium-ban", "--draws", "50",
                                   "--out", str(tmp_path / "report.html")])
    assert res.exit_code == 0, res.output
    assert "report china-gallium-germanium-ban" in terminal.getvalue()
