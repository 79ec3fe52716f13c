"""Builders of small catalogs, and the agreement terms, for the invest tests."""

from __future__ import annotations

from typing import Any

from friendshore.invest.agreements import load_agreement
from friendshore.invest.catalog import Catalog, Project, parse_catalog

SOURCE = {"title": "test", "url": "https://example.org", "date": "2025-01-01"}

JAPAN = load_agreement("us_japan_2025")
#: The MOU terms without capitalised construction interest, for the hand-computed paths.
PLAIN = JAPAN.model_copy(update={"deemed_allocation": JAPAN.deemed_allocation.model_copy(
    update={"interest_during_construction": False})})


def project_dict(pid: str = "p1", **over: Any) -> dict[str, Any]:
    """A minimal valid catalog entry as a dict, with ``over`` applied."""
    base: dict[str, Any] = {
        "id": pid, "name": pid, "type": "separation", "host": "USA",
        "commodity": "gallium", "stage": "refine", "capacity": 100.0, "unit": "t/yr",
        "capex_usd": 1.0e9, "opex_usd_per_year": 1.0e7, "lead_time_years": 2,
        "economic_life_years": 10, "price": {"usd_per_unit": 1.0e6, "basis": "test"},
        "notice_date": "2026-03-01", "source": SOURCE,
    }
    base.update(over)
    return base


def project(pid: str = "p1", **over: Any) -> Project:
    """A validated single project."""
    return catalog([project_dict(pid, **over)]).projects[0]


def catalog(entries: list[dict[str, Any]]) -> Catalog:
    """A validated catalog of ``entries``."""
    return parse_catalog({"catalog": {"name": "test", "as_of": "2025-11-01"},
                          "projects": entries})
