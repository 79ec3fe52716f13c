"""risk() and `friendshore risk` on the shipped data: shape, published facts, null-not-zero."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from typer.testing import CliRunner

from friendshore import risk
from friendshore.api._risk import RISK_FIELDS, RISK_JSON_FIELDS, import_sources
from friendshore.cli import app
from friendshore.errors import FriendshoreError, UnknownNameError
from risk_rows import risk_row


def test_fields_and_one_row_per_commodity_stage(risk_table) -> None:
    assert list(risk_table.columns[: len(RISK_FIELDS)]) == RISK_FIELDS
    assert not risk_table.duplicated(["commodity", "stage"]).any()
    usgs = risk_table[risk_table["source"].fillna("").str.startswith("usgs-mcs")]
    assert usgs["commodity"].nunique() >= 70


def test_published_usgs_facts(risk_table) -> None:
    ree = risk_row(risk_table, "rare_earths", "mine")
    # USGS MCS 2026 (data year 2025), the default edition
    assert ree["year"] == 2025 and ree["top_country"] == "CHN"
    # 270,000 t of the rows' 389,310 t (69.4 %); of the rounded 390,000 t world total, 69.2 %
    assert ree["china_share"] == pytest.approx(270_000 / 389_310, abs=1e-4)
    assert ree["world_reported"] == 390_000
    assert 270_000 / ree["world_reported"] == pytest.approx(0.692, abs=1e-3)
    assert ree["us_net_import_reliance"] == pytest.approx(0.67)  # Fig2 2025 (80 % for 2024)
    co = risk_row(risk_table, "cobalt", "mine")  # DR Congo 230,000 of the rows' 314,600 t
    assert co["top_country"] == "COD" and co["top_share"] == pytest.approx(230 / 314.6)
    ga = risk_row(risk_table, "gallium", "refine")  # China 900 t of 909 t (Japan 3, Russia 6)
    assert ga["china_share"] == pytest.approx(900 / 909)
    assert ga["us_net_import_reliance"] == pytest.approx(1.0)


def test_hhi_matches_shares_and_sr_defaults(risk_table) -> None:
    ok = risk_table.dropna(subset=["hhi"])
    assert ((ok["hhi"] >= 0) & (ok["hhi"] <= 1 + 1e-9)).all()
    assert np.allclose(ok["hhi_10000"], 10_000 * ok["hhi"])
    assert (ok["hhi"] >= ok["top_share"] ** 2 - 1e-12).all()
    assert ((ok["hhi_wgi"] >= 0) & (ok["hhi_wgi"] <= 10)).all()
    # neutral defaults: EOL-RIR 0, SI 1 -> SR equals the governance-weighted HHI
    both = risk_table.dropna(subset=["hhi_wgi"])
    assert np.allclose(both["eu_supply_risk"], both["hhi_wgi"])


def test_missing_is_null_not_zero(risk_table) -> None:
    lead = risk_row(risk_table, "lead", "refine")  # neither production by country nor trade
    for field in ("world_production", "hhi", "hhi_wgi", "top_share", "eu_supply_risk"):
        assert math.isnan(lead[field])
    magnets = risk_row(risk_table, "rare_earths", "component")  # trade only: shares of exports
    assert math.isnan(magnets["world_production"]) and magnets["share_basis"] == "exports"
    assert magnets["jpn_top_source"] in {"PHL", "VNM", "CHN"}
    copper_mine = risk_row(risk_table, "copper", "mine")  # USGS reports NIR for refined copper only
    assert math.isnan(copper_mine["us_net_import_reliance"])
    # refined copper: MCS 2026 Fig2, 57 % in 2025 (45 % in 2024, MCS 2025)
    assert risk_row(risk_table, "copper", "refine")["us_net_import_reliance"] == pytest.approx(0.57)


def test_rows_without_production_series() -> None:
    df = risk("abrasives")  # USGS gives US import reliance but no production by country
    assert len(df) == 1 and df.iloc[0]["us_net_import_reliance"] == pytest.approx(0.95)
    assert math.isnan(df.iloc[0]["hhi"]) and df.iloc[0]["year"] == 2025  # MCS 2026 Fig2


def test_japan_reliance_from_trade(risk_table) -> None:
    g = risk_row(risk_table, "graphite", "mine")  # Japan mines no graphite and imports it
    assert g["jpn_production"] == 0 and g["jpn_import_reliance"] == 1.0
    assert g["jpn_top_source"] == "CHN"
    ga = risk_row(risk_table, "gallium", "refine")  # HS 811292 is a mixed group: an estimate
    ni = ga["jpn_net_imports_t"] * 0.02  # risk_lumped_code_share: gallium's share of the code
    assert ga["jpn_production"] == 3.0 and ga["trade_hs6"] == "811292"
    assert ga["jpn_import_reliance"] == pytest.approx(ni / (3.0 + ni))
    half = risk("gallium", assumptions={"risk_lumped_code_share.gallium": 0.01})
    assert risk_row(half, "gallium", "refine")["jpn_import_reliance"] < ga["jpn_import_reliance"]


def test_japan_reliance_is_known_for_the_battery_and_magnet_materials(risk_table) -> None:
    rows = {(c, s): risk_row(risk_table, c, s) for c, s in (
        ("cobalt", "refine"), ("lithium", "refine"), ("nickel", "refine"),
        ("rare_earths", "component"), ("gallium", "refine"))}
    for (c, s), r in rows.items():
        assert 0.0 <= r["jpn_import_reliance"] <= 1.0, (c, s)
        assert r["trade_hs6"], (c, s)  # the HS6 codes summed are named
    # cobalt: Japan refines 5,600 t (IEA 2023) and imports HS 282200 at 0.634 t Co per t
    co = rows[("cobalt", "refine")]
    assert co["trade_hs6"] == "282200" and co["jpn_nir_bound"] is None
    ni_co = co["jpn_net_imports_t"] * 0.634
    assert co["jpn_import_reliance"] == pytest.approx(ni_co / (5600 + ni_co))
    # lithium: IEA lists no Japanese refiner, so Japan makes at most the rest of world
    # (1,400 t Li in 2023): a lower bound, with lithium carbonate at 0.1878 t Li per t
    li = rows[("lithium", "refine")]
    ni_li = li["jpn_net_imports_t"] * 0.1878
    assert math.isnan(li["jpn_production"]) and li["jpn_nir_bound"] == ">"
    assert li["jpn_import_reliance"] == pytest.approx(ni_li / (1400 + ni_li))
    assert rows[("nickel", "refine")]["jpn_nir_bound"] == ">"
    # magnets: Japan exports more t of HS 850511 than it imports: 0 whatever it produces
    mag = rows[("rare_earths", "component")]
    assert mag["jpn_net_exporter"] and mag["jpn_import_reliance"] == 0.0


def test_japan_supply_risk_by_hand(risk_table) -> None:
    from friendshore.metrics.concentration import scale_wgi
    from friendshore.store import open_store, queries_risk

    g = risk_row(risk_table, "graphite", "mine")  # Japan produces none: sourcing = its imports
    src = import_sources("JPN", "graphite").dropna(subset=["quantity"])
    gov = queries_risk.governance_mean(open_store(), ["va", "pv", "ge", "rq", "rl", "cc"])
    gov = gov[gov["year"] == 2023].set_index("country")["estimate"]
    q = src.set_index("exporter")["quantity"]
    s = q / q.sum()
    w = scale_wgi(gov.reindex(s.index).fillna(0.0))  # 0.0 estimate = scaled 5, the default
    assert g["jpn_sourcing_hhi_wgi"] == pytest.approx(float((s**2 * w).sum()), rel=1e-9)
    ir = g["jpn_import_reliance"]
    expected = g["hhi_wgi"] * ir / 2 + g["jpn_sourcing_hhi_wgi"] * (1 - ir / 2)
    assert g["jpn_supply_risk"] == pytest.approx(expected)


def test_overrides_and_selection() -> None:
    df = risk(["Gallium", "cobalt"], assumptions={"risk_eol_rir.gallium": 0.5,
                                                  "risk_si_sr": 0.8})
    assert set(df.commodity) == {"gallium", "cobalt"}
    ga = risk_row(df, "gallium", "refine")
    assert ga["eu_supply_risk"] == pytest.approx(ga["hhi_wgi"] * 0.5 * 0.8)
    co = risk_row(df, "cobalt", "mine")
    assert co["eu_supply_risk"] == pytest.approx(co["hhi_wgi"] * 0.8)
    with pytest.raises(UnknownNameError, match="gallium"):
        risk("galium")
    with pytest.raises(FriendshoreError, match="years with data: .*2024"):
        risk(year=1900)
    with pytest.raises(UnknownNameError, match="baci-hs17-2024"):
        risk("gallium", assumptions={"risk_trade_source": "baci-2024"})
    y23 = risk("rare_earths", year=2023)
    assert risk_row(y23, "rare_earths", "mine")["year"] == 2023


def test_import_sources_japan_magnets() -> None:
    df = import_sources("JPN", "rare_earths")
    assert df["share"].sum() == pytest.approx(1.0)
    assert df["share"].is_monotonic_decreasing
    assert set(df["hs6"]) == {"850511"}


def test_cli_json_shape() -> None:
    res = CliRunner().invoke(app, ["risk", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert all(list(r) == RISK_JSON_FIELDS for r in rows)
    assert len({r["commodity"] for r in rows if r["hhi"] is not None}) >= 70
    ree = next(r for r in rows if r["commodity"] == "rare_earths" and r["stage"] == "mine")
    assert ree["top_country"] == "CHN"
    magnets = next(r for r in rows if r["stage"] == "component" and
                   r["commodity"] == "rare_earths")
    assert magnets["share_basis"] == "exports" and magnets["world_production"] is None
    assert magnets["china_share"] == pytest.approx(0.73, abs=0.01)


def test_cli_set_and_table() -> None:
    res = CliRunner().invoke(app, ["risk", "gallium", "--set", "risk_si_sr=0.5", "--json"])
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)[0]
    assert row["eu_supply_risk"] == pytest.approx(row["hhi_wgi"] * 0.5)
    res = CliRunner().invoke(app, ["risk", "cobalt"])
    assert res.exit_code == 0 and "cobalt" in res.stdout
