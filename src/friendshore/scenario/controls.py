"""Scenarios of the export controls in force: one per Chinese control of USGS MCS 2026 T4.

A control in force is data (the T4 row), so its scenario is derived from the row rather than
written by hand: China restricts its exports of the commodity at every stage it produces in
the network, to every destination, for ``stress_control_months``. An export ban cuts 100 %;
a licensing requirement cuts a share drawn uniformly between ``stress_control_cut_low`` and
``stress_control_cut_high`` (no public record gives licence approval rates by commodity, so
the default range, 0 to 1, states that ignorance). Controls that a shipped scenario models
with more detail (:data:`CURATED`) are that scenario instead.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..assumptions import Assumptions
from .spec import Scenario, parse_scenario

__all__ = ["CURATED", "control_name", "control_scenarios"]

#: Commodities whose Chinese control a shipped scenario models element by element.
CURATED = {"rare_earths": "china-rare-earth-elements-2025"}


def control_name(commodity: str) -> str:
    """Library name of the scenario of China's control on ``commodity``."""
    return "china-control-" + commodity.replace("_", "-")


def control_scenarios(
    controls: Iterable[Mapping[str, Any]], stages: Mapping[str, Sequence[str]], a: Assumptions,
) -> dict[str, Scenario]:
    """One in-force scenario per Chinese control whose commodity has a market where China
    produces: ``controls`` are T4 rows (``country``, ``control_type``, ``item``, ``since``,
    ``commodity``, ``data_source``), ``stages`` the stages of each commodity at which China
    produces in the network. Rows on one commodity share one scenario."""
    rows: dict[str, list[Mapping[str, Any]]] = {}
    for row in controls:
        commodity = row.get("commodity")
        if row.get("country") == "CHN" and commodity and commodity not in CURATED \
                and stages.get(commodity):
            rows.setdefault(commodity, []).append(row)
    out = {}
    for commodity, group in rows.items():
        ban = all("ban" in str(r["control_type"]).lower() for r in group)
        cut: Any = 1.0 if ban else {"dist": "uniform", "low": a["stress_control_cut_low"],
                                    "high": a["stress_control_cut_high"]}
        name = control_name(commodity)
        items = ", ".join(dict.fromkeys(str(r["item"]) for r in group))
        since = min(str(r["since"]) for r in group)
        sources = "; ".join(dict.fromkeys(str(r["data_source"]) for r in group))
        out[name] = parse_scenario({
            "name": name,
            "description": f"China {'bans' if ban else 'licenses'} {items} exports (since "
                           f"{since}, MCS 2026 T4): {', '.join(stages[commodity])}, "
                           f"{a['stress_control_months']} months",
            "in_force": True,
            "control_source": f"USGS MCS 2026 T4 (data to 2025-11-21); {sources}",
            "seed": zlib.crc32(name.encode()) % 2**31,
            "horizon_months": max(12, int(a["stress_control_months"])),
            "shocks": [{"kind": "export_restriction", "exporter": "CHN", "commodity": commodity,
                        "stage": stage, "cut": cut, "targets": "all",
                        "months": a["stress_control_months"]}
                       for stage in stages[commodity]],
        })
    return out
