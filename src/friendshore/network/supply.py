"""SupplyNetwork: a passive container of arrays over (commodity, stage) markets and countries.

Each market is one (commodity, stage) pair that has data; its arrays share one country axis.
The fields, their units and defaults are described in ``data/network/fields.csv``. The
network never computes anything itself: the stress engine reads it, :mod:`.checks` checks it.

A toy network ships for doctests and tests (illustrative round numbers, not data)::

    >>> net = toy_network()
    >>> net.market("gallium", "refine")
    0
    >>> float(net.flows[0, net.country("CHN"), net.country("JPN")])
    60.0
    >>> float(net.demand[0, net.country("JPN")])
    100.0
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from ..errors import UnknownNameError
from ..scenario.spec import STAGES

__all__ = ["SupplyNetwork", "fields", "toy_network"]


@cache
def fields() -> pd.DataFrame:
    """Description of each network field: axes, unit, basis, default (``fields.csv``)."""
    path = resources.files("friendshore") / "data" / "network" / "fields.csv"
    with path.open(encoding="utf-8") as fh:
        return pd.read_csv(fh)


@dataclass(frozen=True, eq=False)
class SupplyNetwork:
    """Arrays for every (commodity, stage) market over one country axis.

    ``production``, ``capacity``, ``reserves``, ``demand`` and ``stockpile_months`` have shape
    (markets, countries); ``flows`` has shape (markets, exporters, importers) and includes the
    diagonal (each producer's own use), so ``flows.sum(2) == production`` and
    ``flows.sum(1) == demand``.
    """

    countries: tuple[str, ...]
    markets: tuple[tuple[str, str], ...]
    units: tuple[str, ...]
    production: np.ndarray
    capacity: np.ndarray
    reserves: np.ndarray
    flows: np.ndarray
    demand: np.ndarray
    stockpile_months: np.ndarray
    years: tuple[int, ...] = ()
    methods: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cidx", {c: i for i, c in enumerate(self.countries)})
        object.__setattr__(self, "_midx", {m: i for i, m in enumerate(self.markets)})

    # -- lookups ----------------------------------------------------------------------------
    def country(self, code: str, *, where: str | None = None) -> int:
        """Index of ``code`` on the country axis."""
        try:
            return self._cidx[code]
        except KeyError:
            raise UnknownNameError("country", code, self.countries, where=where) from None

    def market(self, commodity: str, stage: str, *, where: str | None = None) -> int:
        """Index of the (commodity, stage) market; unknown names list close matches."""
        if (commodity, stage) in self._midx:
            return self._midx[(commodity, stage)]
        if commodity not in self.commodities:
            raise UnknownNameError(
                "commodity", commodity, self.commodities,
                where=f"{where}.commodity" if where else None,
            )
        raise UnknownNameError(
            f"stage of {commodity}", stage, self.stages_of(commodity),
            where=f"{where}.stage" if where else None,
        )

    @property
    def commodities(self) -> tuple[str, ...]:
        """Commodities with at least one market."""
        return tuple(dict.fromkeys(c for c, _ in self.markets))

    def stages_of(self, commodity: str) -> tuple[str, ...]:
        """Stages of ``commodity`` that have a market, upstream first."""
        have = {s for c, s in self.markets if c == commodity}
        return tuple(s for s in STAGES if s in have)

    def downstream(self, m: int) -> int | None:
        """The next stage's market of the same commodity, or None."""
        commodity, stage = self.markets[m]
        stages = self.stages_of(commodity)
        pos = stages.index(stage)
        return self._midx[(commodity, stages[pos + 1])] if pos + 1 < len(stages) else None

    def top_producers(self) -> list[tuple[str, str, str]]:
        """(commodity, stage, largest producer) of each commodity's last-stage market that has
        output, in market order: the markets of synthetic many-shock scenarios (one shock per
        independent chain) in the scale tests and benchmarks."""
        return [(c, s, self.countries[int(self.production[m].argmax())])
                for m, (c, s) in enumerate(self.markets)
                if self.downstream(m) is None and self.production[m].sum() > 0]

    def chain(self, m: int) -> list[int]:
        """``m`` and every market downstream of it, upstream first."""
        out = [m]
        while (nxt := self.downstream(out[-1])) is not None:
            out.append(nxt)
        return out

    def world_production(self, m: int) -> float:
        """World production of market ``m``."""
        return float(self.production[m].sum())


def toy_network() -> SupplyNetwork:
    """A small illustrative network (round numbers, not data) for doctests and tests.

    Markets: gallium refine (CHN supplies most, JPN imports 60 of 100 from CHN) and rare
    earths mine -> component (magnets), so shortfalls propagate one stage down. JPN holds 2
    months of gallium and of rare-earth ore, no magnets.
    """
    countries = ("CHN", "USA", "JPN", "DEU", "AUS", "OTH")
    ix = {c: i for i, c in enumerate(countries)}

    def matrix(cells: dict[tuple[str, str], float]) -> np.ndarray:
        """Exporter x importer flows from {(exporter, importer): quantity}, zero elsewhere."""
        out = np.zeros((len(countries), len(countries)))
        for (e, i), q in cells.items():
            out[ix[e], ix[i]] = q
        return out

    ga = matrix({
        ("CHN", "CHN"): 500, ("CHN", "JPN"): 60, ("CHN", "USA"): 20, ("CHN", "DEU"): 30,
        ("JPN", "JPN"): 10, ("DEU", "DEU"): 5, ("DEU", "USA"): 5, ("OTH", "JPN"): 30,
        ("OTH", "OTH"): 20,
    })
    ree_mine = matrix({
        ("CHN", "CHN"): 270_000, ("AUS", "CHN"): 10_000, ("AUS", "JPN"): 8_000,
        ("USA", "CHN"): 40_000, ("OTH", "CHN"): 20_000, ("AUS", "AUS"): 2_000,
    })
    magnets = matrix({
        ("CHN", "CHN"): 150_000, ("CHN", "USA"): 8_000, ("CHN", "DEU"): 10_000,
        ("CHN", "JPN"): 4_000, ("JPN", "JPN"): 6_000, ("JPN", "USA"): 1_000,
    })
    flows = np.stack([ga, ree_mine, magnets])
    production = flows.sum(axis=2)
    capacity = production * 1.1
    stock = np.zeros_like(production)
    stock[:2, ix["JPN"]] = 2.0  # JOGMEC-like: raw materials and metals, no magnet stock
    return SupplyNetwork(
        countries=countries,
        markets=(("gallium", "refine"), ("rare_earths", "mine"), ("rare_earths", "component")),
        units=("t", "t", "t"),
        production=production,
        capacity=capacity,
        reserves=np.full_like(production, np.nan),
        flows=flows,
        demand=flows.sum(axis=1),
        stockpile_months=stock,
        years=(2024, 2024, 2024),
        methods=("toy", "toy", "toy"),
        notes={"toy": "illustrative round numbers, not data"},
    )
