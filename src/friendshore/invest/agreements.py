"""Investment-agreement terms as data: amount, deadline, caps and the cash-flow waterfall.

An agreement is a YAML file in ``data/agreements/`` (``us_japan_2025`` is the US–Japan MOU of
4 September 2025). The appraisal reads every term from it, so another agreement (Korea's,
with its US$20B-a-year cap and commercially-reasonable test) is modelled by data alone.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .. import safeyaml
from ..conventions.countries import validate_iso3
from ..errors import ScenarioError, UnknownNameError

__all__ = [
    "Agreement",
    "DeemedAllocation",
    "Source",
    "agreement_ids",
    "load_agreement",
    "pydantic_path",
]


class _Strict(BaseModel):
    """Base model: unknown keys are errors (typos must not pass silently)."""

    model_config = ConfigDict(extra="forbid")


class Source(_Strict):
    """A public source: title, address and date, with an optional note."""

    title: str
    url: str
    date: dt.date
    note: str | None = None


class Split(_Strict):
    """Shares of distributable cash for the host and the funder; they sum to one."""

    host: float = Field(ge=0, le=1)
    funder: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sums_to_one(self) -> Split:
        if abs(self.host + self.funder - 1.0) > 1e-9:
            raise ValueError(f"host + funder must be 1, got {self.host + self.funder}")
        return self


class DeemedAllocation(_Strict):
    """The funder's entitlement schedule: interest at benchmark + spread plus principal."""

    benchmark_rate: float = Field(ge=-0.05, le=1)
    spread: float = Field(ge=-0.05, le=1)
    principal: Literal["straight_line"] = "straight_line"
    shortfall_carried_forward: bool = True
    shortfall_accrues_interest: bool = True
    interest_during_construction: bool = True

    @property
    def rate(self) -> float:
        """The deemed interest rate: benchmark plus spread."""
        return self.benchmark_rate + self.spread


class Agreement(_Strict):
    """One investment agreement: who funds, how much, by when, and how cash is shared."""

    id: str
    name: str
    host: str
    funder: str
    signed: dt.date
    source: Source
    amount_usd: float = Field(gt=0)
    deadline: dt.date
    annual_cap_usd: float | None = Field(default=None, gt=0)
    funding_days: int = Field(ge=0)
    funding: Literal["upfront", "as_spent"] = "upfront"
    funder_share_of_capex: float = Field(ge=0, le=1)
    split_before: Split
    split_after: Split
    deemed_allocation: DeemedAllocation
    funder_may_decline: bool = True
    commercially_reasonable: bool = False
    estimated: list[str] = []
    sectors: list[str] = []

    @model_validator(mode="after")
    def _countries(self) -> Agreement:
        self.host = validate_iso3(self.host)
        self.funder = validate_iso3(self.funder)
        return self


def pydantic_path(loc: tuple) -> str:
    """Turn a pydantic error location into a YAML path like ``projects[3].capex_usd``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _folder() -> Path:
    return Path(str(resources.files("friendshore") / "data" / "agreements"))


@cache
def agreement_ids() -> tuple[str, ...]:
    """Ids of the shipped agreements."""
    return tuple(sorted(p.stem for p in _folder().glob("*.yaml")))


def load_agreement(name_or_path: str | Path = "us_japan_2025") -> Agreement:
    """Load a shipped agreement by id, or any agreement YAML by path."""
    path = Path(name_or_path)
    if not path.suffix:
        if str(name_or_path) not in agreement_ids():
            raise UnknownNameError("agreement", str(name_or_path), agreement_ids())
        path = _folder() / f"{name_or_path}.yaml"
    raw = safeyaml.read(path, what="agreement")
    try:
        return Agreement.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioError(err["msg"], path=pydantic_path(err["loc"]), file=path.name) from exc
