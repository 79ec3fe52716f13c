"""EC 2017 supply risk with EU sourcing: hand-computed cases, properties and the shipped data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from friendshore import risk
from friendshore.api._base import get_store
from friendshore.conventions.countries import group_members
from friendshore.metrics.crm import eu_supply_risk, sourcing_hhi_wgi
from risk_rows import risk_row

_KEYS = ["commodity", "stage"]
_unit = st.floats(0.0, 1.0)
_hhi = st.floats(0.0, 10.0)


def _frame(rows: list[tuple], cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["commodity", "stage", *cols])


def test_sourcing_hhi_wgi_by_hand() -> None:
    # EU production 20 t (DEU); imports 60 t from CHN and 20 t from AUS: shares .2/.6/.2
    domestic = _frame([("x", "mine", "DEU", 20.0)], ["country", "value"])
    imports = _frame([("x", "mine", "CHN", 60.0), ("x", "mine", "AUS", 20.0)],
                     ["exporter", "value"])
    wgi = {"DEU": 1.0, "CHN": 6.0, "AUS": 1.5}
    got = sourcing_hhi_wgi(domestic, imports, wgi)
    assert got.loc[("x", "mine")] == pytest.approx(0.04 * 1 + 0.36 * 6 + 0.04 * 1.5)  # 2.26
    # the export-restriction factor t weighs the sourcing term too (EC 2017: HHI_WGI,t)
    got_t = sourcing_hhi_wgi(domestic, imports, wgi, trade_factor={"CHN": 1.2})
    assert got_t.loc[("x", "mine")] == pytest.approx(0.04 + 0.36 * 6 * 1.2 + 0.06)  # 2.692


def test_sourcing_unknown_wgi_is_unknown_not_zero() -> None:
    domestic = _frame([("x", "mine", "DEU", 20.0)], ["country", "value"])
    imports = _frame([("x", "mine", "NCL", 80.0)], ["exporter", "value"])
    assert np.isnan(sourcing_hhi_wgi(domestic, imports, {"DEU": 1.0}).loc[("x", "mine")])
    filled = sourcing_hhi_wgi(domestic, imports, {"DEU": 1.0}, wgi_missing=5.0)
    assert filled.loc[("x", "mine")] == pytest.approx(0.04 * 1 + 0.64 * 5)


def test_full_form_by_hand() -> None:
    # [4 * 0.6/2 + 2 * (1 - 0.6/2)] * (1 - 0.1) * 0.9 = 2.6 * 0.81
    got = eu_supply_risk(4.0, 0.1, 0.9, hhi_wgi_eu=2.0, import_reliance=0.6)
    assert float(got) == pytest.approx(2.106)
    # no import reliance: only the sourcing term, at full weight
    assert float(eu_supply_risk(4.0, hhi_wgi_eu=2.0, import_reliance=0.0)) == 2.0
    assert np.isnan(eu_supply_risk(4.0, hhi_wgi_eu=2.0, import_reliance=np.nan))


@given(gs=_hhi, ir=_unit, eol=_unit, si=_unit)
def test_full_form_equals_global_form_when_sourcing_mirrors_supply(gs, ir, eol, si) -> None:
    full = eu_supply_risk(gs, eol, si, hhi_wgi_eu=gs, import_reliance=ir)
    assert float(full) == pytest.approx(float(eu_supply_risk(gs, eol, si)), abs=1e-12)


@given(gs=_hhi, eu=_hhi, ir=_unit)
def test_full_form_lies_between_its_terms(gs, eu, ir) -> None:
    full = float(eu_supply_risk(gs, hhi_wgi_eu=eu, import_reliance=ir))
    assert min(gs, eu) - 1e-9 <= full <= max(gs, eu) + 1e-9



def test_eu_import_reliance_from_extra_eu_trade(risk_table) -> None:
    """Barite: no EU member in the USGS table, so EU production is 0 and IR is 100 %; the net
    imports are extra-EU only (flows between members skipped), recomputed here by hand."""
    eu = group_members("EU27")
    flows = get_store(None).query(
        "SELECT importer, exporter, quantity FROM trade_flows "
        "WHERE source = 'baci-hs17-2024' AND commodity = 'barite' AND stage = 'mine' "
        "AND year = 2024")
    imp = flows[flows.importer.isin(eu) & ~flows.exporter.isin(eu)]["quantity"].sum()
    exp = flows[flows.exporter.isin(eu) & ~flows.importer.isin(eu)]["quantity"].sum()
    ba = risk_row(risk_table, "barite", "mine")
    assert ba["eu_production"] == 0
    assert ba["eu_net_imports_t"] == pytest.approx(imp - exp)
    assert ba["eu_import_reliance"] == 1.0


def test_ec2017_column_is_the_formula_of_its_columns(risk_table) -> None:
    ok = risk_table.dropna(subset=["eu_supply_risk_ec2017"])
    assert len(ok) >= 10
    ir = ok["eu_import_reliance"]
    expected = (ok["hhi_wgi"] * ir / 2 + ok["eu_sourcing_hhi_wgi"] * (1 - ir / 2)) \
        * (1 - ok["eol_rir"]) * ok["si_sr"]
    assert np.allclose(ok["eu_supply_risk_ec2017"], expected)
    assert ((ok["eu_import_reliance"] >= 0) & (ok["eu_import_reliance"] <= 1)).all()
    # unknown inputs give null, never 0
    unknown = risk_table[risk_table["eu_import_reliance"].isna()
                         | risk_table["eu_sourcing_hhi_wgi"].isna()]
    assert unknown["eu_supply_risk_ec2017"].isna().all()


def test_overrides_reach_the_ec2017_column(risk_table) -> None:
    base = risk_row(risk_table, "barite", "mine")["eu_supply_risk_ec2017"]
    half = risk("barite", assumptions={"risk_eol_rir.barite": 0.5})
    assert risk_row(half, "barite", "mine")["eu_supply_risk_ec2017"] == pytest.approx(base / 2)
    # the region is an assumption too; USGS withholds US barite output (W), so the G7's
    # production, reliance and SR are unknown: null, never 0 or 100 %
    g7 = risk_row(risk("barite", assumptions={"risk_eu_group": "G7"}), "barite", "mine")
    assert np.isnan(g7["eu_production"]) and np.isnan(g7["eu_import_reliance"])
    assert np.isnan(g7["eu_supply_risk_ec2017"])


def test_bottleneck_stage_has_the_highest_sr(risk_table) -> None:
    known = risk_table.dropna(subset=["eu_supply_risk_ec2017"])
    flagged = known[known["eu_sr_bottleneck"].astype(bool)]
    assert set(flagged["commodity"]) == set(known["commodity"])
    top = known.groupby("commodity")["eu_supply_risk_ec2017"].max()
    assert np.allclose(flagged["eu_supply_risk_ec2017"], flagged["commodity"].map(top))
    no_sr = risk_table["eu_supply_risk_ec2017"].isna()
    assert risk_table.loc[no_sr, "eu_sr_bottleneck"].isna().all()
