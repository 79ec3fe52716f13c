"""The one Python API: it alone combines the store, the network and the analyses.

The CLI, the web app and the reports call these functions and only render what they return.
Every function takes an optional ``store`` (a :class:`~friendshore.store.Store`); without it
the process-wide default store is used, built from the shipped data on first use.

Each layer's functions live in a private module of this package (``_atlas``, ``_risk`` …) and
are re-exported here. They are imported on first use (PEP 562), so a command that needs one
layer does not pay for importing the others (the planner alone pulls in scipy and HiGHS).
"""

from __future__ import annotations

import importlib
from typing import Any

from ._base import get_store

#: Public name -> private module that defines it (a test checks this against each ``__all__``).
EXPORTS: dict[str, str] = {
    **dict.fromkeys(["commodities", "controls", "data_status", "data_warnings", "ingest",
                     "supply"], "_atlas"),
    **dict.fromkeys(
        ["RISK_FIELDS", "RISK_JSON_FIELDS", "import_sources", "risk", "risk_assumptions"], "_risk"
    ),
    **dict.fromkeys(
        ["CALIBRATION_FIELDS", "calibration", "country_summary", "load_scenario", "run",
         "run_stress", "runs", "scenario_names", "scenario_yaml", "scenarios", "stress",
         "summarise_stress", "sweep"],
        "_stress",
    ),
    **dict.fromkeys(
        ["GdpImpact", "first_use_industries", "gdp_change", "io_tables", "multipliers",
         "ripple", "stress_gdp"],
        "_ripple",
    ),
    **dict.fromkeys(["appraise", "plan", "projects", "ripple_effects"], "_invest"),
    **dict.fromkeys(
        ["SHIPYARD_INDUSTRY", "defense", "defense_targets", "lng_security", "ships",
         "shipyard_ripple"],
        "_alliance",
    ),
}

__all__ = ["get_store", *EXPORTS]


def __getattr__(name: str) -> Any:
    """Import the layer module that defines ``name`` on first use, then cache the attribute."""
    module = EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
