"""Import reliance, import shares, R/P and the EU supply-risk formula by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from friendshore.metrics.crm import eu_supply_risk
from friendshore.metrics.exposure import import_shares, net_import_reliance, reserves_to_production


def test_net_import_reliance_by_hand() -> None:
    # P = 20, M = 100, X = 20 -> NI = 80, AC = 100 -> 80 %
    assert net_import_reliance(20, 100, 20)[()] == pytest.approx(0.8)
    assert net_import_reliance(0, 5, 1)[()] == 1.0  # no production: fully import reliant
    assert net_import_reliance(10, 1, 5)[()] == 0.0  # net exporter
    # content factor: 100 t Li2CO3 imported, 0.1878 Li -> 18.78 t Li vs 10 t produced
    assert net_import_reliance(10, 100, 0, 0.1878)[()] == pytest.approx(18.78 / 28.78)
    # P = 0: an unknown factor cancels; P > 0: unknown
    assert net_import_reliance(0, 7, 2, np.nan)[()] == 1.0
    assert math.isnan(net_import_reliance(3, 7, 2, np.nan)[()])
    assert math.isnan(net_import_reliance(np.nan, 7, 2)[()])
    # a net exporter relies on nothing, whatever it produces (P >= 0), even unknown P or f
    assert net_import_reliance(np.nan, 2, 7)[()] == 0.0
    assert net_import_reliance(3, 2, 7, np.nan)[()] == 0.0
    # NIR falls as P rises: an upper bound on P gives a lower bound on NIR
    assert net_import_reliance(50, 100, 20)[()] < net_import_reliance(20, 100, 20)[()]


def test_import_shares_by_hand() -> None:
    flows = pd.DataFrame({"commodity": "x", "stage": "mine", "exporter": ["A", "B", "A"],
                          "value_usd": [30.0, 50.0, 20.0]})
    out = import_shares(flows)
    assert out["exporter"].tolist() == ["A", "B"]
    assert out["share"].tolist() == pytest.approx([0.5, 0.5])
    assert out["rank"].tolist() == [0, 1]


def test_reserves_to_production() -> None:
    assert reserves_to_production(11_000_000, 290_000)[()] == pytest.approx(37.93, abs=0.01)
    assert math.isnan(reserves_to_production(1.0, 0.0)[()])


def test_eu_supply_risk_by_hand() -> None:
    # global-supply form
    assert eu_supply_risk(4.0, 0.25, 0.9)[()] == pytest.approx(4.0 * 0.75 * 0.9)
    # import-reliance weighted form (EC 2017): IR = 0.6 -> weights 0.3 (GS) and 0.7 (EU)
    sr = eu_supply_risk(4.0, 0.0, 1.0, hhi_wgi_eu=2.0, import_reliance=0.6)[()]
    assert sr == pytest.approx(4.0 * 0.3 + 2.0 * 0.7)
    assert math.isnan(eu_supply_risk(np.nan)[()])
