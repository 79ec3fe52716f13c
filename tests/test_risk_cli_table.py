"""The rich ``friendshore risk`` table shows the EC 2017 EU supply risk; ``--json`` is unchanged."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import friendshore as fs
from friendshore.api._risk import RISK_JSON_FIELDS
from friendshore.cli import app


def test_rich_table_has_the_ec2017_supply_risk_column() -> None:
    row = fs.risk(["gallium"]).iloc[0]
    assert row["eu_sr_bottleneck"]  # gallium's only stage with a known EC 2017 SR
    res = CliRunner().invoke(app, ["risk", "gallium"])
    assert res.exit_code == 0, res.output
    header = next(ln for ln in res.stdout.splitlines() if ln.strip().startswith("commodity"))
    assert header.split()[2:6] == ["EU", "SR", "EU", "SR"]  # "EU SR", then "EU SR EC17"
    assert header.split()[6] == "EC17"
    cells = next(ln for ln in res.stdout.splitlines() if ln.strip().startswith("gallium"))
    assert cells.split()[2:4] == [f"{row['eu_supply_risk']:.2f}",
                                  f"{row['eu_supply_risk_ec2017']:.2f}*"]
    res = CliRunner().invoke(app, ["risk", "gallium", "--json"])
    assert list(json.loads(res.stdout)[0]) == RISK_JSON_FIELDS
