"""The project catalog: candidate projects as validated YAML, each with its public source.

A catalog file has ``catalog:`` (name, as-of date) and ``projects:`` (a list). Every entry is
checked by pydantic, then by the ``check_*`` functions below (countries, commodity slugs and
stages, dependencies, exclusivity, estimate markers). Any problem raises an error that names
the entry and field, e.g. ``projects[3].capex_usd``. A figure that is not public is listed in
the entry's ``estimated:`` (``estimated: [opex_usd_per_year, price.usd_per_unit]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import safeyaml
from ..conventions.commodities import validate_commodity, validate_stage
from ..conventions.countries import validate_iso3
from ..errors import ScenarioError, UnknownNameError
from .agreements import Source, pydantic_path

__all__ = [
    "PROJECT_TYPES",
    "REFERENCE_CLASSES",
    "Catalog",
    "Grant",
    "Guarantee",
    "Offtake",
    "PriceFloor",
    "Project",
    "Support",
    "industry_of",
    "load_catalog",
    "shipped_catalog_path",
]

PROJECT_TYPES = (
    "mine", "refinery", "separation", "magnet_plant", "recycling",
    "stockpile", "shipyard", "lng", "power", "other",
)  # fmt: skip

#: Reference classes for cost-overrun and schedule-slip defaults (see assumptions/invest.yaml).
REFERENCE_CLASSES = ("mining", "process_plant", "lng", "nuclear", "shipyard", "stockpile")

#: The reference class a project type falls in when its entry names none.
DEFAULT_CLASS = {
    "mine": "mining", "refinery": "mining", "separation": "mining", "recycling": "process_plant",
    "magnet_plant": "process_plant", "stockpile": "stockpile", "shipyard": "shipyard",
    "lng": "lng", "power": "nuclear", "other": "process_plant",
}  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Price(_Strict):
    """The price basis of revenue: US$ per unit of output, and where the price comes from."""

    usd_per_unit: float = Field(ge=0)
    basis: str


class Dist(_Strict):
    """A non-negative uncertain share, drawn lognormal with this mean and standard deviation."""

    mean: float = Field(ge=0)
    sd: float = Field(ge=0)


class Uncertainty(_Strict):
    """Capex overrun (share of capex), schedule slip (share of lead time) and price spread."""

    reference_class: Literal[REFERENCE_CLASSES] | None = None  # type: ignore[valid-type]
    capex_overrun: Dist | None = None
    schedule_slip: Dist | None = None
    price_sigma: float | None = Field(default=None, ge=0)


class Waterfall(_Strict):
    """Financed under an agreement's waterfall (the funder pays, cash is split 50/50 then 90/10)."""

    kind: Literal["waterfall"] = "waterfall"
    agreement: str = "us_japan_2025"


class Equity(_Strict):
    """Plain equity: each country pays and receives its share."""

    kind: Literal["equity"]
    shares: dict[str, float]

    @field_validator("shares")
    @classmethod
    def _sum(cls, v: dict[str, float]) -> dict[str, float]:
        if any(s < 0 for s in v.values()) or abs(sum(v.values()) - 1) > 1e-6:
            raise ValueError(f"equity shares must be non-negative and sum to 1, got {v}")
        return v


class Loan(_Strict):
    """A loan from ``lender`` for ``debt_share`` of capex; ``sponsor`` pays the rest and owns it."""

    kind: Literal["loan"]
    lender: str
    sponsor: str
    debt_share: float = Field(ge=0, le=1)
    rate: float = Field(ge=0, le=1)
    tenor_years: int = Field(ge=1, le=60)


Financing = Annotated[Waterfall | Equity | Loan, Field(discriminator="kind")]

#: US$ per unit of a floor price, for each ``unit`` a price floor may be stated in, in US$ per
#: tonne (``usd/unit`` is the project's own unit, taken as is).
FLOOR_UNITS = {"usd/unit": 1.0, "usd/t": 1.0, "usd/kg": 1000.0}


class PriceFloor(_Strict):
    """The payer tops revenue up to ``price`` on ``share`` of the volume for the first ``years``
    operating years, and takes ``upside_share`` of any price above it."""

    price: float = Field(gt=0)
    unit: Literal[tuple(FLOOR_UNITS)] = "usd/unit"  # type: ignore[valid-type]
    years: int = Field(ge=1, le=80)
    payer: str
    share: float = Field(default=1.0, gt=0, le=1)
    upside_share: float = Field(default=0.0, ge=0, le=1)

    def per_unit(self) -> float:
        """The floor in US$ per unit of the project's capacity."""
        return self.price * FLOOR_UNITS[self.unit]


class Grant(_Strict):
    """A grant of ``amount_usd`` paid by ``payer`` in calendar ``year`` (default: the notice
    year); it reduces the capex the financing has to fund."""

    amount_usd: float = Field(gt=0)
    payer: str
    year: int | None = Field(default=None, ge=1900, le=2200)


class Guarantee(_Strict):
    """A guarantee: ``payer`` covers ``share`` of debt-service shortfalls (a loan's, or the
    funder's deemed allocation under a waterfall) and earns ``fee_rate`` a year on the
    guaranteed part of the outstanding amount."""

    share: float = Field(gt=0, le=1)
    payer: str
    fee_rate: float = Field(default=0.0, ge=0, le=1)


class Offtake(_Strict):
    """``country`` buys ``share`` of the output for the first ``years`` operating years, at the
    market price (no transfer) or at a fixed ``price`` (it bears price - market on that volume,
    a gain where the market is dearer)."""

    country: str
    share: float = Field(gt=0, le=1)
    price_basis: Literal["market", "fixed"] = "market"
    price: float | None = Field(default=None, gt=0)
    unit: Literal[tuple(FLOOR_UNITS)] = "usd/unit"  # type: ignore[valid-type]
    years: int = Field(ge=1, le=80)

    @model_validator(mode="after")
    def _price(self) -> Offtake:
        if (self.price_basis == "fixed") != (self.price is not None):
            raise ValueError("a fixed-price offtake needs a price, a market one takes none")
        return self

    def per_unit(self) -> float:
        """The contract price in US$ per unit of the project's capacity (fixed basis)."""
        return (self.price or 0.0) * FLOOR_UNITS[self.unit]


class Support(_Strict):
    """Government support instruments attached to a project (any combination, except a price
    floor with a fixed-price offtake, which already fixes the price)."""

    price_floor: PriceFloor | None = None
    grant: Grant | None = None
    guarantee: Guarantee | None = None
    offtake: Offtake | None = None
    source: Source | None = None  # the public announcement of the support terms


class Project(_Strict):
    """One candidate project."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    name: str
    type: Literal[PROJECT_TYPES]  # type: ignore[valid-type]
    host: str
    commodity: str | None = None
    stage: str | None = None
    capacity: float = Field(gt=0)
    unit: str
    ramp_up: list[Annotated[float, Field(gt=0, le=1)]] = []
    capex_usd: float = Field(ge=0)
    opex_usd_per_year: float = Field(ge=0)
    lead_time_years: int = Field(ge=1, le=20)
    economic_life_years: int = Field(ge=1, le=80)
    price: Price
    salvage_share: float = Field(default=0.0, ge=0, le=2)
    offtake: dict[str, float] = {}
    financing: Financing = Waterfall()
    uncertainty: Uncertainty = Uncertainty()
    support: Support | None = None
    requires: list[str] = []
    requires_any: list[str] = []
    exclusive_group: str | None = None
    notice_date: dt.date
    industry: str | None = None  # IO-table industry of operation (default by type)
    source: Source
    # A caveat on the source itself, e.g. "unverified URL (offline check)" where the address
    # could not be confirmed and no better public source was found.
    source_note: str | None = None
    estimated: list[str] = []

    @field_validator("offtake")
    @classmethod
    def _offtake(cls, v: dict[str, float]) -> dict[str, float]:
        if any(s < 0 for s in v.values()) or sum(v.values()) > 1 + 1e-6:
            raise ValueError(f"offtake shares must be non-negative and sum to at most 1, got {v}")
        return v

    @property
    def reference_class(self) -> str:
        """The reference class for overrun and slip defaults."""
        return self.uncertainty.reference_class or DEFAULT_CLASS[self.type]


class CatalogHeader(_Strict):
    """Name and as-of date of a catalog file."""

    name: str
    as_of: dt.date
    note: str | None = None


class Catalog(_Strict):
    """A validated list of projects, looked up by id."""

    catalog: CatalogHeader
    projects: list[Project]

    def __iter__(self) -> Iterator[Project]:  # type: ignore[override]
        return iter(self.projects)

    def __len__(self) -> int:
        return len(self.projects)

    @property
    def ids(self) -> list[str]:
        """Project ids in file order."""
        return [p.id for p in self.projects]

    def get(self, project_id: str) -> Project:
        """The project with this id, or an error listing close matches."""
        for p in self.projects:
            if p.id == project_id:
                return p
        raise UnknownNameError("project", project_id, self.ids)


def _where(i: int, p: Project, field: str) -> str:
    return f"projects[{i}].{field} (id {p.id!r})"


def check_names(cat: Catalog) -> None:
    """Countries are ISO3 codes and commodities/stages are known slugs; normalises them."""
    for i, p in enumerate(cat.projects):
        p.host = validate_iso3(p.host, where=_where(i, p, "host"))
        p.offtake = {validate_iso3(k, where=_where(i, p, "offtake")): v
                     for k, v in p.offtake.items()}
        if p.commodity is None:
            if p.type not in ("power", "other"):
                raise ScenarioError(f"a {p.type} project needs a commodity",
                                    path=_where(i, p, "commodity"))
        else:
            p.commodity = validate_commodity(p.commodity, where=_where(i, p, "commodity"))
            if p.stage is None:
                raise ScenarioError("a project with a commodity needs a stage",
                                    path=_where(i, p, "stage"))
            p.stage = validate_stage(p.stage, where=_where(i, p, "stage"))
        fin = p.financing
        if isinstance(fin, Equity):
            fin.shares = {validate_iso3(k, where=_where(i, p, "financing.shares")): v
                          for k, v in fin.shares.items()}
        elif isinstance(fin, Loan):
            fin.lender = validate_iso3(fin.lender, where=_where(i, p, "financing.lender"))
            fin.sponsor = validate_iso3(fin.sponsor, where=_where(i, p, "financing.sponsor"))


def check_unique(cat: Catalog) -> None:
    """No two entries share an id."""
    seen: dict[str, int] = {}
    for i, p in enumerate(cat.projects):
        if p.id in seen:
            raise ScenarioError(f"duplicate id {p.id!r} (also projects[{seen[p.id]}])",
                                path=f"projects[{i}].id")
        seen[p.id] = i


def check_dependencies(cat: Catalog) -> None:
    """Every ``requires``/``requires_any`` id exists and no project requires itself."""
    ids = cat.ids
    for i, p in enumerate(cat.projects):
        for field in ("requires", "requires_any"):
            for dep in getattr(p, field):
                if dep == p.id:
                    raise ScenarioError("a project cannot require itself",
                                        path=_where(i, p, field))
                if dep not in ids:
                    raise UnknownNameError("project", dep, ids, where=_where(i, p, field))


def check_estimated(cat: Catalog) -> None:
    """Each ``estimated`` entry names a real field (dotted for nested ones)."""
    for i, p in enumerate(cat.projects):
        for name in p.estimated:
            obj: object = p
            for part in name.split("."):
                if isinstance(obj, BaseModel) and part in type(obj).model_fields:
                    obj = getattr(obj, part)
                elif isinstance(obj, dict) and part in obj:
                    obj = obj[part]
                else:
                    raise UnknownNameError("field", name, Project.model_fields,
                                           where=_where(i, p, "estimated"))


def check_support(cat: Catalog) -> None:
    """Support payers are ISO3 codes, a per-kg/per-t floor sits on a tonne-based project, a
    grant falls within capex and on or after notice, and a guarantee backs debt
    (a loan or a waterfall)."""
    for i, p in enumerate(cat.projects):
        sup = p.support
        if sup is None:
            continue
        for name in ("price_floor", "grant", "guarantee"):
            inst = getattr(sup, name)
            if inst is not None:
                inst.payer = validate_iso3(inst.payer,
                                           where=_where(i, p, f"support.{name}.payer"))
        floor, grant, off = sup.price_floor, sup.grant, sup.offtake
        if off is not None:
            off.country = validate_iso3(off.country,
                                        where=_where(i, p, "support.offtake.country"))
            if floor is not None and off.price_basis == "fixed":
                raise ScenarioError("a fixed-price offtake already fixes the price; drop the "
                                    "price floor or use price_basis: market",
                                    path=_where(i, p, "support.offtake.price_basis"))
        for name, inst in (("price_floor", floor), ("offtake", off)):
            if inst is not None and inst.unit != "usd/unit" and not p.unit.lstrip().startswith("t"):
                raise ScenarioError(f"a price in {inst.unit} needs a capacity in tonnes, but the "
                                    f"unit is {p.unit!r}; use usd/unit",
                                    path=_where(i, p, f"support.{name}.unit"))
        if grant is not None:
            if grant.amount_usd > p.capex_usd:
                raise ScenarioError(f"a grant of {grant.amount_usd:,.0f} exceeds the capex "
                                    f"{p.capex_usd:,.0f}",
                                    path=_where(i, p, "support.grant.amount_usd"))
            if grant.year is not None and grant.year < p.notice_date.year:
                raise ScenarioError(f"the grant year {grant.year} is before the notice year "
                                    f"{p.notice_date.year}",
                                    path=_where(i, p, "support.grant.year"))
        if sup.guarantee is not None and isinstance(p.financing, Equity):
            raise ScenarioError("a guarantee covers debt service: it needs loan or waterfall "
                                "financing, not equity", path=_where(i, p, "support.guarantee"))


CHECKS = (check_unique, check_names, check_dependencies, check_estimated, check_support)


def industry_of(project: Project, country: str) -> str | None:
    """The IO-table industry of ``project``'s operation in ``country``'s table, if mapped."""
    if project.industry is not None:
        return project.industry
    path = Path(str(resources.files("friendshore") / "data" / "catalog" / "industries.yaml"))
    table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return (table.get(country) or {}).get(project.type)


def shipped_catalog_path() -> Path:
    """Path of the shipped catalog YAML."""
    return Path(str(resources.files("friendshore") / "data" / "catalog" / "projects.yaml"))


def parse_catalog(raw: object, *, file: str | None = None) -> Catalog:
    """Validate a parsed catalog document; errors name the entry and field."""
    try:
        cat = Catalog.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        path = pydantic_path(err["loc"])
        loc = err["loc"]
        if len(loc) >= 2 and loc[0] == "projects" and isinstance(loc[1], int):
            entries = raw.get("projects") if isinstance(raw, dict) else None
            entry = entries[loc[1]] if isinstance(entries, list) else None
            if isinstance(entry, dict) and "id" in entry:
                path += f" (id {entry['id']!r})"
        raise ScenarioError(err["msg"], path=path, file=file) from exc
    for check in CHECKS:
        check(cat)
    return cat


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate a catalog YAML (default: the shipped one)."""
    path = Path(path) if path is not None else shipped_catalog_path()
    raw = safeyaml.read(path, what="catalog")
    return parse_catalog(raw, file=path.name)
