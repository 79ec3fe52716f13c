"""English names of Japan's MIC IO sectors: every code named, both names carried everywhere."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

import friendshore as fs
from friendshore.cli import app
from friendshore.iomodel.detail import detail_table
from friendshore.iomodel.tables import mic_table
from friendshore.readers import io_tables

CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
LEVELS = (13, 37, 185)


def english(name: str) -> bool:
    """A non-empty name without Japanese script (what a browser without CJK fonts can show)."""
    return bool(name.strip()) and not CJK.search(name)


@pytest.mark.parametrize("level", LEVELS)
def test_every_mic_code_has_an_english_and_a_japanese_name(level: int) -> None:
    labels = io_tables.read_mic(level)["labels"]
    assert list(labels.columns) == ["code", "name_ja", "name_en"]
    assert labels["code"].is_unique
    bad = labels[~labels["name_en"].fillna("").map(english)]
    assert bad.empty, f"{level} sectors: no English name for {bad['code'].tolist()}"
    assert labels["name_ja"].fillna("").map(lambda s: bool(CJK.search(s))).all()
    # every sector of the table (and every value-added / final-demand row) is labelled
    t = mic_table(level)
    assert set(t.labels) <= set(labels["code"])
    assert all(map(english, t.names)) and t.names_ja is not None
    assert all(CJK.search(n) for n in t.names_ja)


@pytest.mark.parametrize(("level", "code", "name", "name_ja"), [
    (13, "03", "Manufacturing", "製造業"),
    (37, "27", "Non-ferrous metals", "非鉄金属"),
    (185, "3541", "Ships and ship repair", "船舶・同修理"),
    (185, "2711", "Non-ferrous metal smelting and refining", "非鉄金属製錬・精製"),
])
def test_codes_keep_their_meaning(level: int, code: str, name: str, name_ja: str) -> None:
    """The codes are the source's own; only a name column was added."""
    m = fs.multipliers("JPN", level=level)
    assert m.loc[code, "name"] == name and m.loc[code, "name_ja"] == name_ja
    assert list(m.columns[:2]) == ["name", "name_ja"]
    assert len(m) == level


def test_us_tables_carry_no_japanese_column() -> None:
    assert "name_ja" not in fs.multipliers("USA").columns
    assert "name_ja" not in fs.ripple("USA", "3364OT", 1e9)["by_industry"].columns


def test_ripple_cli_json_shows_english_and_japanese_names() -> None:
    res = CliRunner().invoke(app, ["ripple", "--country", "JPN", "--industry", "3541",
                                   "--amount", "1e9", "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["industry"] == "3541"
    assert out["industry_name"] == "Ships and ship repair"
    assert out["industry_name_ja"] == "船舶・同修理"
    rows = out["by_industry"]
    assert rows[0]["industry"] == "3541" and rows[0]["name"] == "Ships and ship repair"
    assert all(english(r["name"]) and CJK.search(r["name_ja"]) for r in rows)


def test_stress_top_industries_name_japanese_sectors_in_english() -> None:
    out = fs.stress("china-rare-earth-ban", draws=200, seed=1)
    jpn = out["countries"]["JPN"]["top_industries"]
    assert jpn, "JPN has a GDP model (MIC 2015 basic)"
    basic = detail_table("JPN")
    for row in jpn:
        assert english(row["name"]) and CJK.search(row["name_ja"])
        assert row["name"] == basic.names[basic.index(row["industry"])]
    assert all("name_ja" not in r for r in out["countries"]["USA"]["top_industries"])
