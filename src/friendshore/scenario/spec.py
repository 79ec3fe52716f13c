"""Scenario YAML as pydantic models: shocks, responses and distributions over uncertain numbers.

A scenario is checked in two passes, both before any work starts:

1. :func:`parse_scenario` checks the structure and every distribution (``low > high``, a cut
   outside 0..1, negative months …) and reports the YAML path of the bad field, e.g.
   ``shocks[0].cut.low``;
2. :func:`validate_names` checks exporters, commodities, stages and groups against a
   :class:`~friendshore.network.SupplyNetwork` and lists close matches.

Example (``load_scenario`` also accepts the name of a shipped scenario)::

    >>> s = parse_scenario({"name": "x", "shocks": [{"kind": "export_restriction",
    ...     "exporter": "CHN", "commodity": "gallium", "stage": "refine",
    ...     "cut": {"dist": "uniform", "low": 0.8, "high": 1.0}}]})
    >>> s.shocks[0].months.value, s.horizon_months
    (12.0, 12)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from .. import safeyaml
from ..assumptions import Assumptions
from ..conventions.countries import group_members, validate_iso3
from ..errors import ScenarioError, UnknownNameError
from ..limits import MAX_DRAWS

__all__ = [
    "STAGES",
    "AlliedSharing",
    "DemandSurge",
    "Dist",
    "ExportRestriction",
    "Fixed",
    "LogNormal",
    "NewCapacity",
    "Normal",
    "ProductionOutage",
    "Scenario",
    "StockpileRelease",
    "Triangular",
    "Uniform",
    "parse_scenario",
    "read_scenario_file",
    "resolve_targets",
    "validate_names",
]

#: Supply-chain stages, upstream first.
STAGES = ("mine", "refine", "component")


class _Model(BaseModel):
    # allow_inf_nan=False: a NaN or infinite number anywhere in a scenario is refused by name
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Fixed(_Model):
    """A known number."""

    dist: Literal["fixed"] = "fixed"
    value: float

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        return self.value, self.value


class _Interval(_Model):
    """A distribution whose draws lie in [low, high] (each subclass declares both fields)."""

    @model_validator(mode="after")
    def _order(self) -> _Interval:
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) is greater than high ({self.high})")
        return self

    def bounds(self) -> tuple[float, float]:
        """Smallest and largest value a draw can take."""
        return self.low, self.high


class Uniform(_Interval):
    """Uniform on [low, high]."""

    dist: Literal["uniform"]
    low: float
    high: float


class Triangular(_Interval):
    """Triangular with support [low, high] and peak at mode."""

    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError(
                f"need low <= mode <= high, got {self.low}, {self.mode}, {self.high}"
            )
        return self


class Normal(_Interval):
    """Normal(mean, sd), truncated by clipping to [low, high] when given."""

    dist: Literal["normal"]
    mean: float
    sd: float = Field(ge=0)
    low: float = -math.inf
    high: float = math.inf


class LogNormal(_Interval):
    """exp(Normal(mu, sigma)), clipped to [low, high] when given; always positive."""

    dist: Literal["lognormal"]
    mu: float
    sigma: float = Field(ge=0)
    low: float = 0.0
    high: float = math.inf


Dist = Annotated[Fixed | Uniform | Triangular | Normal | LogNormal, Field(discriminator="dist")]


def _coerce_dist(value: Any) -> Any:
    """A bare number is shorthand for ``{dist: fixed, value: number}``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"dist": "fixed", "value": float(value)}
    return value


#: Allowed range of each uncertain field, checked against the distribution's support.
_RANGES: dict[str, tuple[float, float]] = {
    "cut": (0.0, 1.0),
    "share": (0.0, 1.0),
    "months": (0.0, math.inf),
    "start_month": (0.0, math.inf),
    "online_month": (0.0, math.inf),
    "increase": (-1.0, math.inf),
    "capacity": (0.0, math.inf),
    "stock_months": (0.0, math.inf),
}


class _Event(_Model):
    """Base of shocks and responses: coerces numbers to distributions and checks ranges."""

    @model_validator(mode="before")
    @classmethod
    def _numbers(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {k: (_coerce_dist(v) if k in _RANGES else v) for k, v in data.items()}
        return data

    @model_validator(mode="after")
    def _ranges(self) -> _Event:
        for name, (lo, hi) in _RANGES.items():
            dist = getattr(self, name, None)
            if dist is None:
                continue
            low, high = dist.bounds()
            if low < lo or high > hi:
                span = f"[{lo:g}, {hi:g}]" if math.isfinite(hi) else f">= {lo:g}"
                raise ValueError(
                    f"{name} must lie in {span}; this {dist.dist} distribution "
                    f"reaches [{low:g}, {high:g}] (give low/high to truncate it)"
                )
        return self

    def distributions(self) -> dict[str, Any]:
        """The uncertain fields of this event, in a fixed order (the sampling order)."""
        return {k: getattr(self, k) for k in _RANGES if getattr(self, k, None) is not None}


#: A country code as written by the user: stripped and upper-cased here, checked against the
#: ISO3 list (with close matches) by :func:`validate_names`, so 'usa' means USA, never nothing.
Country = Annotated[str, AfterValidator(lambda code: code.strip().upper())]

Targets = Literal["all"] | list[str] | str


class ExportRestriction(_Event):
    """An exporter withholds a share ``cut`` of its exports of one commodity stage.

    With ``origin`` the restriction follows the exporter's material abroad (China's rule of
    9 October 2025 on foreign products containing Chinese rare earths): third countries'
    deliveries of this stage to the targets are withheld in proportion to the exporter's
    share of their input at the upstream stage, and their spare capacity counts only their
    other input (docs/stress.md, "Origin-aware restrictions").
    """

    kind: Literal["export_restriction"]
    exporter: Country
    commodity: str
    stage: str
    cut: Dist = Fixed(value=1.0)
    targets: Targets = "all"
    origin: bool = False
    start_month: Dist = Fixed(value=0.0)
    months: Dist = Fixed(value=12.0)


class ProductionOutage(_Event):
    """A producer loses a share of its output (and of its capacity) for some months."""

    kind: Literal["production_outage"]
    country: Country
    commodity: str
    stage: str
    share: Dist = Fixed(value=1.0)
    start_month: Dist = Fixed(value=0.0)
    months: Dist = Fixed(value=12.0)


class DemandSurge(_Event):
    """Demand of some countries rises by ``increase`` (0.2 = +20 %) for some months."""

    kind: Literal["demand_surge"]
    commodity: str
    stage: str
    countries: Targets = "all"
    increase: Dist
    start_month: Dist = Fixed(value=0.0)
    months: Dist = Fixed(value=12.0)


Shock = Annotated[
    ExportRestriction | ProductionOutage | DemandSurge, Field(discriminator="kind")
]


class StockpileRelease(_Event):
    """Countries release up to ``share`` of their stockpile from ``start_month`` on.

    ``stock_months`` overrides the stockpile held (months of demand); without it the named
    assumptions ``stress_stockpile_months*`` apply. ``commodity`` limits it to one commodity
    and ``stage`` to one stage; without ``stage`` a stock sits at the stages its holder keeps
    (``stress_stockpile_stages``), so a magnet stock exists only where a scenario names
    ``stage: component``.
    """

    kind: Literal["stockpile_release"]
    countries: Targets = "all"
    commodity: str | None = None
    stage: str | None = None
    share: Dist = Fixed(value=1.0)
    stock_months: Dist | None = None
    start_month: Dist = Fixed(value=0.0)


class AlliedSharing(_Model):
    """Members of ``group`` offer their spare capacity to each other before anyone else."""

    kind: Literal["allied_sharing"]
    group: str = "allies"


class NewCapacity(_Event):
    """New capacity (t/yr, in the market's unit) comes online in ``online_month``."""

    kind: Literal["new_capacity"]
    country: Country
    commodity: str
    stage: str
    capacity: Dist
    online_month: Dist = Fixed(value=0.0)


Response = Annotated[
    StockpileRelease | AlliedSharing | NewCapacity, Field(discriminator="kind")
]


class Scenario(_Model):
    """One stress scenario: settings, assumption overrides, shocks and responses."""

    name: str
    description: str = ""
    #: True for a scenario of a control in force (USGS MCS 2026 T4), with that control's
    #: reference in ``control_source``
    in_force: bool = False
    control_source: str | None = None
    draws: int = Field(default=10_000, ge=1, le=MAX_DRAWS)
    seed: int = Field(default=0, ge=0)
    horizon_months: int = Field(default=12, ge=1, le=120)
    countries: list[Country] = Field(default_factory=lambda: ["USA", "JPN"])
    assumptions: dict[str, Any] = Field(default_factory=dict)
    shocks: list[Shock] = Field(min_length=1, description="at least one shock")
    responses: list[Response] = Field(default_factory=list)

    def with_settings(self, **changes: Any) -> Scenario:
        """A copy with settings replaced (``None`` values are ignored), re-validated."""
        data = self.model_dump()
        data.update({k: v for k, v in changes.items() if v is not None})
        return parse_scenario(data)


def _yaml_path(loc: tuple[Any, ...]) -> str:
    """``('shocks', 0, 'export_restriction', 'cut', 'uniform')`` -> ``shocks[0].cut``."""
    tags = {"export_restriction", "production_outage", "demand_surge", "stockpile_release",
            "allied_sharing", "new_capacity", "fixed", "uniform", "triangular", "normal",
            "lognormal", "float", "int", "str", "list[str]", "literal['all']",
            "function-after[_order(), Uniform]"}
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in tags or str(part).startswith(("function-", "literal[")):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_scenario(data: Mapping[str, Any], *, file: str | None = None) -> Scenario:
    """Validate a scenario mapping; errors name the YAML path of the first bad field."""
    if not isinstance(data, Mapping):
        raise ScenarioError("a scenario must be a mapping of fields", file=file)
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        path = _yaml_path(tuple(err["loc"]))
        field = msg.split(" ", 1)[0]
        if field in _RANGES and " must lie in " in msg:  # raised by _Event._ranges
            path = f"{path}.{field}" if path else field
        elif err["type"] == "union_tag_invalid":
            path = f"{path}.kind" if "'kind'" in msg else f"{path}.dist"
        raise ScenarioError(msg, path=path or None, file=file) from None


def read_scenario_file(path: str | Path) -> Scenario:
    """Read and validate one scenario YAML file."""
    path = Path(path)
    data = safeyaml.read(path, what="scenario")  # no aliases, bounded size and depth
    return parse_scenario(data or {}, file=str(path))


def resolve_targets(targets: Any, *, where: str) -> tuple[str, ...] | None:
    """``all`` -> None; a group name -> its members; a list -> validated ISO3 codes."""
    if targets == "all":
        return None
    if isinstance(targets, str):
        if targets.upper() in {"WLD", "ALL"}:
            return None
        try:
            return group_members(targets, where=where)
        except UnknownNameError:
            if len(targets) == 3:  # a single country code is allowed too
                return (validate_iso3(targets, where=where),)
            raise
    return tuple(validate_iso3(c, where=f"{where}[{i}]") for i, c in enumerate(targets))


def validate_names(scenario: Scenario, network: Any) -> Assumptions:
    """Check every name in ``scenario`` against ``network`` and the shipped groups and
    assumptions; raise with the YAML path and close matches. Returns the assumptions in force.
    """
    values = Assumptions(scenario.assumptions)
    for i, code in enumerate(scenario.countries):
        validate_iso3(code, where=f"countries[{i}]")
    for part in ("shocks", "responses"):
        for i, ev in enumerate(getattr(scenario, part)):
            where = f"{part}[{i}]"
            if isinstance(ev, AlliedSharing):
                group_members(ev.group, where=f"{where}.group")
                continue
            if isinstance(ev, StockpileRelease):
                resolve_targets(ev.countries, where=f"{where}.countries")
                if ev.commodity is not None and ev.commodity not in network.commodities:
                    raise UnknownNameError(
                        "commodity", ev.commodity, network.commodities, where=f"{where}.commodity"
                    )
                if ev.stage is not None and ev.stage not in STAGES:
                    raise UnknownNameError("stage", ev.stage, STAGES, where=f"{where}.stage")
                continue
            m = network.market(ev.commodity, ev.stage, where=where)
            if isinstance(ev, ExportRestriction):
                resolve_targets(ev.targets, where=f"{where}.targets")
                _check_producer(network, m, ev.exporter, f"{where}.exporter")
                if ev.origin and network.stages_of(ev.commodity).index(ev.stage) == 0:
                    raise ScenarioError(
                        f"origin: true traces the exporter's material through the upstream "
                        f"stage, and {ev.commodity}/{ev.stage} has none "
                        f"(stages: {', '.join(network.stages_of(ev.commodity))})",
                        path=f"{where}.origin")
            elif isinstance(ev, ProductionOutage):
                _check_producer(network, m, ev.country, f"{where}.country")
            elif isinstance(ev, DemandSurge):
                resolve_targets(ev.countries, where=f"{where}.countries")
            elif isinstance(ev, NewCapacity):
                validate_iso3(ev.country, where=f"{where}.country")
    return values


def _check_producer(network: Any, m: int, code: str, where: str) -> None:
    """``code`` produces in market ``m`` of ``network``; else close matches among producers."""
    producers = [c for c, q in zip(network.countries, network.production[m], strict=True)
                 if q > 0]
    if code not in producers:
        commodity, stage = network.markets[m]
        raise UnknownNameError(f"producer of {commodity} ({stage})", code, producers, where=where)
