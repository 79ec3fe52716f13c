"""Summary statistics of Monte Carlo outcomes: mean, P5, P50, P95 and CVaR95.

CVaR95 is the mean of the worst 5 % of draws (at least one draw). Which tail is "worst"
depends on the quantity, so every summary names its tail:

- ``high`` is bad: shortfall (t and %), price multiplier, GDP loss → mean of the top 5 %;
- ``low`` is bad: months of stockpile cover, GDP change → mean of the bottom 5 %.

    >>> summarise([1, 2, 3, 4, 100])["cvar95"]
    100.0
    >>> summarise([1, 2, 3, 4, 100], tail="low")["cvar95"]
    1.0
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

__all__ = ["STATS", "TAILS", "cvar", "jsonable", "summarise"]

#: Keys of every summary, in order.
STATS = ("mean", "p5", "p50", "p95", "cvar95")

#: The bad tail of each stress output.
TAILS: dict[str, Literal["high", "low"]] = {
    "shortfall_pct": "high",
    "shortfall_t": "high",
    "price_multiplier": "high",
    "stockpile_months": "low",
}


def cvar(values: np.ndarray, level: float = 0.95, tail: Literal["high", "low"] = "high") -> float:
    """Mean of the worst ``1 - level`` share of ``values`` (the ``tail`` side)."""
    v = np.sort(np.asarray(values, dtype=float).ravel())
    k = max(1, math.ceil(round((1.0 - level) * len(v), 9)))
    return float(v[-k:].mean() if tail == "high" else v[:k].mean())


def summarise(values: np.ndarray, tail: Literal["high", "low"] = "high") -> dict[str, float]:
    """mean, p5, p50, p95 and cvar95 (worst 5 % on the ``tail`` side) of per-draw values."""
    v = np.asarray(values, dtype=float).ravel()
    p5, p50, p95 = np.percentile(v, [5, 50, 95])
    return {"mean": float(v.mean()), "p5": float(p5), "p50": float(p50), "p95": float(p95),
            "cvar95": cvar(v, 0.95, tail)}

def jsonable(obj: Any) -> Any:
    """Turn numpy/pandas values into plain JSON values; NaN becomes null (CLI, web and saved
    runs all write results through this one function). pandas is looked up, not imported: no
    object can be a DataFrame before pandas is loaded, and the CLI's start-up stays without it."""
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(obj, pd.DataFrame):
        return [jsonable(r) for r in obj.to_dict(orient="records")]
    if pd is not None and isinstance(obj, pd.Series):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(obj, np.bool_):
        return bool(obj)
    if pd is not None and (obj is pd.NA or obj is pd.NaT):
        return None
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj
