"""Validation against USGS OFR 2024-1057 (Nassar et al. 2024, doi 10.3133/ofr20241057): a
complete restriction of China's gallium and germanium exports for a year costs US GDP
US$3.1 B (1.7-8.2) for gallium, US$0.4 B (0.01-1.1) for germanium and US$3.4 B (1.7-9.0)
for both. friendshore reaches its figure from the shipped network, bridge and tables with
no factor fitted to these bands (docs/validation.md)."""

from __future__ import annotations

import pytest

import friendshore as fs

#: published bands, US$ (low, central, high)
USGS = {
    ("gallium",): (1.7e9, 3.1e9, 8.2e9),
    ("germanium",): (0.01e9, 0.4e9, 1.1e9),
    ("gallium", "germanium"): (1.7e9, 3.4e9, 9.0e9),
}


def full_ban(*commodities: str) -> dict:
    """China withholds all exports of ``commodities`` (refined metal) for 12 months."""
    return {
        "name": "usgs-ofr-2024-1057-" + "-".join(commodities),
        "description": "complete restriction of China's exports (USGS OFR 2024-1057)",
        "draws": 400, "seed": 1, "horizon_months": 12, "countries": ["USA"],
        "shocks": [{"kind": "export_restriction", "exporter": "CHN", "commodity": c,
                    "stage": "refine", "cut": 1.0, "targets": "all", "months": 12}
                   for c in commodities],
    }


@pytest.mark.parametrize("commodities", [("gallium",), ("gallium", "germanium")])
def test_us_gdp_loss_inside_the_usgs_band(commodities):
    low, _, high = USGS[commodities]
    out = fs.stress(full_ban(*commodities))["countries"]["USA"]
    loss = -out["gdp_change_usd"]["mean"]
    assert low <= loss <= high, f"{commodities}: US$ {loss / 1e9:.2f} B outside the band"
    top = out["top_industries"][0]
    assert top["industry"] == "334413"
    # gallium's bridge is product-line shares; germanium's rows are all whole-industry
    flagged = out["gdp_whole_industry_share"]
    assert "gallium/refine" not in flagged
    assert flagged.get("germanium/refine", 1.0) == 1.0


@pytest.mark.xfail(strict=True, reason=(
    "with MCS 2026 (the default data) the US gallium shortfall is 83.3 % (63.8 % with MCS 2025): "
    "MCS 2026 no longer lists Korea (3 t, capacity 16 t in MCS 2025) among primary gallium "
    "producers, so US supply depends more on China; the knapsack then cuts beyond "
    "semiconductors and 334413 carries US$1.87 B of US$5.28 B (35 %), below USGS's > 40 %"))
def test_semiconductors_carry_over_40_percent_of_the_gallium_loss():
    # USGS: over 40 % of the loss falls on semiconductor device manufacturing
    out = fs.stress(full_ban("gallium"))["countries"]["USA"]
    loss = -out["gdp_change_usd"]["mean"]
    top = out["top_industries"][0]
    assert top["industry"] == "334413" and -top["gdp_change_usd"] > 0.4 * loss
