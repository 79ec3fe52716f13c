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
from collections.abc import Callable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STATS", "TAILS", "Result", "Tidy", "cvar", "jsonable", "summarise", "summary_frame"]

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


#: Rows a notebook's HTML view shows before it says how many more ``to_frame()`` holds.
HTML_ROWS = 20


class Tidy:
    """Notebook views shared by the result objects: a one-line ``repr`` and an HTML table of
    ``to_frame()`` (printing a whole result ran to 98,000 characters for ``plan()``)."""

    def to_frame(self) -> pd.DataFrame:
        """The result as a tidy DataFrame, one row per observation (subclasses say which)."""
        raise NotImplementedError

    def headline(self) -> str:
        """What the result is, in one line (subclasses say)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.headline()}; .to_frame() for the table>"

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        more = (f"<p>{HTML_ROWS} of {len(frame):,} rows; .to_frame() for all</p>"
                if len(frame) > HTML_ROWS else "")
        return (f"<p><b>{escape(type(self).__name__)}</b> {escape(self.headline())}</p>"
                + frame.head(HTML_ROWS).to_html(index=False, na_rep="—") + more)


class Result(Tidy, dict):
    """A result mapping (what ``--json``, the web API and saved runs carry) with a tidy
    DataFrame view built by ``frame`` and the short notebook views of :class:`Tidy`."""

    def __init__(self, data: Mapping[str, Any], *, title: str,
                 frame: Callable[[Mapping[str, Any]], pd.DataFrame]) -> None:
        super().__init__(data)
        self.title = title
        self._frame = frame

    def to_frame(self) -> pd.DataFrame:
        """The tidy table of this result (see the function that built it)."""
        return self._frame(self)

    def headline(self) -> str:
        """The title given by the API function that built the result."""
        return self.title


def summary_frame(out: Mapping[str, Any]) -> pd.DataFrame:
    """A stress summary (``{"countries": {ISO3: {quantity: {mean, p5, …}}}}``) as one row per
    country and quantity with the :data:`STATS` as columns; units are in the quantity names."""
    import pandas as pd

    rows = [{"country": country, "quantity": quantity, **{k: s[k] for k in STATS}}
            for country, stats in out["countries"].items() for quantity, s in stats.items()
            if isinstance(s, Mapping) and set(STATS) <= set(s)]
    return pd.DataFrame(rows, columns=["country", "quantity", *STATS])


def appraisal_frame(out: Mapping[str, Any]) -> pd.DataFrame:
    """An appraisal as one row per country and measure (``npv_usd``, ``irr`` as a fraction,
    ``payback_years``): the announced case (``base``) beside the Monte Carlo mean, P5, P50,
    P95 and the share of draws where the measure is defined."""
    import pandas as pd

    names = {"npv": "npv_usd", "irr": "irr", "payback_years": "payback_years"}
    rows = [{"country": country, "measure": names[m], "base": out["base"][country].get(m),
             **out["monte_carlo"][country][m]}
            for country in out["monte_carlo"] for m in names]
    return pd.DataFrame(rows, columns=["country", "measure", "base", "mean", "p5", "p50",
                                       "p95", "defined"])


def plan_frame(out: Mapping[str, Any]) -> pd.DataFrame:
    """A plan as one row per candidate project: chosen or not, the funder's cost, expected
    NPV, support cost and avoided GDP loss per country (US$), and for the chosen ones their
    benefit alone and at the margin (nested ripple and strategic figures stay in the mapping)."""
    import pandas as pd

    flat = pd.DataFrame([{k: v for k, v in row.items() if not isinstance(v, Mapping)}
                         for row in out["projects"]])
    detail = pd.DataFrame(out["projects_detail"])
    if detail.empty:
        return flat
    return flat.merge(detail.drop(columns=["cost_usd"]), on="id", how="left")


def sweep_frame(out: Mapping[str, Any]) -> pd.DataFrame:
    """A sweep as one row per country and scenario, largest mean GDP loss first per country
    (``world_share`` a fraction, ``shortfall_pct_*`` 0..100 of the country's demand)."""
    import pandas as pd

    return pd.DataFrame([{"country": country, **row}
                         for country, rows in out["scenario_ranking"].items() for row in rows])


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
