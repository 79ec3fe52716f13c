"""Exports and notebook views (issue 13 item 3): every tabular command takes ``--out FILE`` and
writes the table by extension (.csv, .parquet, .xlsx, .json); result objects have
``to_frame()``, ``_repr_html_`` and a short ``repr``."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

import friendshore as fs
from friendshore.api._risk import RISK_JSON_FIELDS
from friendshore.cli import app
from friendshore.cli._common import WRITERS

#: Commands that print no table: loading, serving, the HTML report, a scenario's YAML.
NOT_TABULAR = {("data", "ingest"), ("serve",), ("report",), ("scenarios", "show")}


def _commands(group, path=()):  # noqa: ANN001, ANN202 - click command tree walk
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        if getattr(cmd, "commands", None):
            yield from _commands(cmd, (*path, name))
        else:
            yield (*path, name), cmd


def _read(path) -> pd.DataFrame:  # noqa: ANN001
    readers = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".xlsx": pd.read_excel,
               ".json": pd.read_json}
    return readers[path.suffix](path)


def test_every_tabular_command_takes_out() -> None:
    missing = [" ".join(path) for path, cmd in _commands(typer.main.get_command(app))
               if path not in NOT_TABULAR
               and not any("--out" in p.opts for p in cmd.params)]
    assert not missing


@pytest.mark.parametrize("ext", sorted(WRITERS))
def test_risk_table_read_back_in_every_format(tmp_path, ext) -> None:
    path = tmp_path / f"risk{ext}"
    res = CliRunner().invoke(app, ["risk", "gallium", "cobalt", "--sort", "commodity",
                                       "--out", str(path)])
    assert res.exit_code == 0, res.output
    back = _read(path)
    want = fs.risk(["gallium", "cobalt"])[RISK_JSON_FIELDS].reset_index(drop=True)
    assert list(back.columns) == RISK_JSON_FIELDS
    assert back["commodity"].tolist() == want["commodity"].tolist()
    assert back["stage"].tolist() == want["stage"].tolist()
    pd.testing.assert_series_equal(back["hhi"], want["hhi"].astype(float), check_dtype=False)


@pytest.mark.parametrize("ext", [".parquet", ".xlsx"])
def test_list_cells_are_written_as_one_value(tmp_path, ext) -> None:
    path = tmp_path / f"commodities{ext}"
    assert CliRunner().invoke(app, ["commodities", "--out", str(path)]).exit_code == 0
    back = _read(path).set_index("slug")
    assert back.loc["gallium", "stages"] == '["refine"]'


def test_stress_writes_its_tidy_frame(tmp_path) -> None:
    path = tmp_path / "stress.csv"
    args = ["stress", "china-gallium-germanium-ban", "--draws", "40", "--seed", "3"]
    res = CliRunner().invoke(app, [*args, "--out", str(path)])
    assert res.exit_code == 0, res.output
    want = fs.stress("china-gallium-germanium-ban", draws=40, seed=3).to_frame()
    pd.testing.assert_frame_equal(_read(path), want, check_dtype=False)


def test_an_unknown_extension_is_refused_before_any_work(tmp_path) -> None:
    res = CliRunner().invoke(app, ["risk", "--out", str(tmp_path / "risk.txt")])
    assert res.exit_code == 2
    assert "must be one of .csv, .parquet, .xlsx, .json" in res.output
    assert not (tmp_path / "risk.txt").exists()


def test_results_have_a_frame_html_and_a_short_repr() -> None:
    run = fs.api.run_stress("china-gallium-germanium-ban", draws=30, seed=1)
    out = fs.stress("china-gallium-germanium-ban", draws=30, seed=1)
    for res in (run, out):
        assert len(repr(res)) < 300
        assert res._repr_html_().count("<table") == 1
    frame = run.to_frame()
    assert len(frame) == 30 * len(run.markets) * len(run.countries)
    row = frame[(frame["draw"] == 4) & (frame["market"] == "gallium/refine")
                & (frame["country"] == "JPN")].iloc[0]
    m, c = run.markets.index(("gallium", "refine")), run.countries.index("JPN")
    assert row["shortfall_share"] == run.shortfall_share[4, m, c]
    assert row["price_multiplier"] == run.price_multiplier[4, m]
    summary = out.to_frame().set_index(["country", "quantity"])
    assert summary.loc[("JPN", "shortfall_pct"), "p95"] == \
        out["countries"]["JPN"]["shortfall_pct"]["p95"]


def test_plan_and_appraise_frames() -> None:
    plan = fs.plan(None, 20e9, ["china-rare-earth-ban"], draws=20, seed=1)
    frame = plan.to_frame()
    assert sorted(frame.loc[frame["chosen"], "id"]) == sorted(plan["portfolio"])
    assert len(frame) == len(plan["projects"]) and len(repr(plan)) < 300
    assert "<table" in plan._repr_html_()
    res = fs.appraise("alaska-lng", draws=20, seed=2, scenarios=["hormuz-closure"])
    table = res.to_frame().set_index(["country", "measure"])
    assert table.loc[("JPN", "irr"), "base"] == res["base"]["JPN"]["irr"]
    assert table.loc[("USA", "npv_usd"), "p95"] == res["monte_carlo"]["USA"]["npv"]["p95"]
