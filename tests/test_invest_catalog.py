"""Catalog: the shipped catalog validates; bad entries name the entry and field."""

from __future__ import annotations

import pytest

from friendshore.errors import ScenarioError, UnknownNameError
from friendshore.invest.catalog import PROJECT_TYPES, load_catalog
from invest_factory import catalog, project_dict


def test_shipped_catalog_covers_the_brief() -> None:
    """At least 20 sourced candidates covering every required kind of project."""
    cat = load_catalog()
    assert len(cat) >= 20
    types = {p.type for p in cat}
    assert {"separation", "magnet_plant", "stockpile", "lng", "shipyard", "power"} <= types
    commodities = {p.commodity for p in cat}
    assert {"gallium", "copper", "graphite", "lithium", "lng", "shipbuilding"} <= commodities
    assert any(p.id == "alaska-lng" and p.capex_usd == 44e9 for p in cat)
    for p in cat:
        assert p.source.url.startswith("https://") and p.source.date.year >= 2022
        assert p.type in PROJECT_TYPES
    magnets = [p for p in cat if p.type == "magnet_plant"]
    assert all(p.requires_any for p in magnets)


def _entries(bad: dict) -> list[dict]:
    return [project_dict("a"), project_dict("b"), project_dict("c"), project_dict("d", **bad)]


def test_negative_capex_names_entry_and_field() -> None:
    with pytest.raises(ScenarioError, match=r"projects\[3\]\.capex_usd.*'d'"):
        catalog(_entries({"capex_usd": -5.0}))


def test_unknown_commodity_names_entry_and_field() -> None:
    with pytest.raises(UnknownNameError, match=r"projects\[3\]\.commodity.*unobtainium"):
        catalog(_entries({"commodity": "unobtainium"}))


def test_missing_dependency_names_entry_and_field() -> None:
    with pytest.raises(UnknownNameError, match=r"projects\[3\]\.requires.*'ghost'"):
        catalog(_entries({"requires": ["ghost"]}))


def test_unknown_field_and_bad_estimate_marker_are_errors() -> None:
    with pytest.raises(ScenarioError, match=r"projects\[3\]\.capexx"):
        catalog(_entries({"capexx": 1.0}))
    with pytest.raises(UnknownNameError, match=r"projects\[3\]\.estimated"):
        catalog(_entries({"estimated": ["price.nonsense"]}))


def test_duplicate_ids_and_bad_shares() -> None:
    with pytest.raises(ScenarioError, match="duplicate id"):
        catalog([project_dict("a"), project_dict("a")])
    with pytest.raises(ScenarioError, match=r"projects\[0\]\.financing"):
        catalog([project_dict("a", financing={"kind": "equity", "shares": {"USA": 0.7}})])


def test_commodity_aliases_normalise() -> None:
    cat = catalog([project_dict("a", commodity="Ga", host="usa")])
    assert cat.projects[0].commodity == "gallium" and cat.projects[0].host == "USA"


def test_unverified_sources_are_flagged() -> None:
    """Addresses that could not be checked offline carry a source_note, shown by projects();
    the flagged addresses that were replaced by a checked source no longer appear."""
    from friendshore.api._invest import projects

    cat = load_catalog()
    flagged = {p.id for p in cat if p.source_note}
    assert flagged == {"nyrstar-clarksville-ge", "alaska-lng-pipeline-phase1"}
    assert all(p.source_note == "unverified URL (offline check)" for p in cat if p.source_note)
    urls = {p.id: p.source.url for p in cat}
    assert "defense.gov/News" not in urls["lynas-seadrift-texas"]
    assert "energyfuels.com" not in urls["energy-fuels-white-mesa-phase2"]
    rows = {r["id"]: r for r in projects()}
    assert rows["nyrstar-clarksville-ge"]["source_note"] == "unverified URL (offline check)"
    assert rows["alaska-lng"]["source_note"] is None


def test_source_note_is_optional_and_typed() -> None:
    """An entry may carry a source_note; a non-string one is rejected naming the field."""
    assert catalog([project_dict("a", source_note="unverified URL (offline check)")])
    with pytest.raises(ScenarioError, match="source_note"):
        catalog([project_dict("a", source_note=["x"])])
