"""Readable tables (issue 13 item 4): ``risk`` most critical first unless ``--sort`` says
otherwise; every table fits the terminal by folding or dropping columns and says which, never
cutting an id or a name; the risk caption spells out its abbreviations."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

import friendshore as fs
from friendshore.cli import app
from friendshore.cli._common import console
from friendshore.errors import UnknownNameError

WIDTH = 100


@pytest.fixture()
def narrow(monkeypatch) -> None:
    """Every table printed at WIDTH columns, as in a 100-column terminal."""
    monkeypatch.setattr(console, "_width", WIDTH)


def _run(*argv: str) -> str:
    res = CliRunner().invoke(app, list(argv))
    assert res.exit_code == 0, res.output
    return res.stdout


def _rows(text: str, names: list[str]) -> list[str]:
    """The first cell of each table row that is one of ``names``, in print order."""
    return [ln.split()[0] for ln in text.splitlines() if ln.split() and ln.split()[0] in names]


def test_risk_is_most_critical_first(narrow) -> None:
    table = fs.risk()
    out = _run("risk")
    shown = _rows(out, list(table["commodity"]))
    ranked = table.sort_values("eu_supply_risk", ascending=False, na_position="last",
                               kind="stable")
    assert shown[:5] == ranked["commodity"].head(5).tolist()
    assert shown[-1] in set(table.loc[table["eu_supply_risk"].isna(), "commodity"])
    json_rows = json.loads(_run("risk", "--json"))
    values = [r["eu_supply_risk"] for r in json_rows]
    known = [v for v in values if v is not None]
    assert known == sorted(known, reverse=True) and values[len(known):] == [None] * (
        len(values) - len(known))


def test_risk_sort_option(narrow) -> None:
    shown = _rows(_run("risk", "--sort", "commodity"), list(fs.risk()["commodity"]))
    assert shown == sorted(shown)
    rows = json.loads(_run("risk", "--sort", "china_share", "--json"))
    shares = [r["china_share"] for r in rows if r["china_share"] is not None]
    assert shares == sorted(shares, reverse=True)
    res = CliRunner().invoke(app, ["risk", "--sort", "china_shares"])  # main() exits 2 on it
    assert isinstance(res.exception, UnknownNameError)
    assert "did you mean china_share" in str(res.exception)


def test_risk_fits_100_columns_and_says_what_it_drops(narrow) -> None:
    out = _run("risk")
    lines = out.splitlines()
    assert max(map(len, lines)) <= WIDTH
    assert "…" not in out
    dropped = next(ln for ln in lines if ln.startswith("not shown at 100 columns:"))
    assert "world prod." in dropped
    caption = " ".join(lines)
    for spelled in ("net import reliance", "Worldwide Governance Indicators", "supply risk",
                    "Herfindahl"):
        assert spelled in caption
    assert "mid-" not in caption  # the caption wraps at words


def _names(command: str) -> list[str]:
    """The ids or names a table of ``command`` must show whole, one per row."""
    from friendshore.assumptions import Assumptions

    if command == "projects":
        return [p["id"] for p in fs.projects()]
    if command == "scenarios":
        return [s["name"] for s in fs.scenarios()]
    return list(Assumptions().table()["name"])


@pytest.mark.parametrize("command", ["projects", "scenarios", "assumptions"])
def test_ids_and_names_are_never_cut_at_100_columns(narrow, command) -> None:
    out = _run(command)
    assert max(map(len, out.splitlines())) <= WIDTH
    assert "…" not in out
    cells = {cell for ln in out.splitlines() for cell in ln.split()}
    assert set(_names(command)) <= cells


def test_numbers_are_never_cut(narrow) -> None:
    out = _run("stress", "china-gallium-germanium-ban", "--draws", "40", "--seed", "3")
    res = fs.stress("china-gallium-germanium-ban", draws=40, seed=3)
    gdp = res["countries"]["USA"]["gdp_change_usd"]["mean"] / 1e6
    assert f"{gdp:,.3f}".rstrip("0") in out or f"{gdp:,.0f}" in out
    assert "…" not in out and not math.isnan(gdp)


def test_long_names_wrap_between_words_and_keep_the_numbers(narrow) -> None:
    out = _run("multipliers", "--country", "USA")
    assert "not shown" not in out and max(map(len, out.splitlines())) <= WIDTH
    cells = {cell for ln in out.splitlines() for cell in ln.split()}
    names = fs.multipliers("USA")["name"]
    assert {w for name in names for w in name.split()} <= cells  # no word cut in two
