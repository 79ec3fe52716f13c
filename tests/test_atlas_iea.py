"""IEA Critical Minerals supply reader: stages, aggregates, projections, published shares."""

from __future__ import annotations

from pathlib import Path

import pytest

import friendshore
from friendshore.errors import IngestError
from friendshore.readers import iea

DATA = Path(__file__).parent / "data" / "atlas"


def test_mock_file_stages_units_aggregates() -> None:
    df = iea.read(DATA / "iea_cm_may2024_mock.csv")["supply"].set_index(["country", "year"])
    assert len(df) == 5  # 'Top 3 share' is derived and not loaded
    assert df.loc[("CHN", 2023), "value"] == pytest.approx(171_700)  # kt -> t
    assert df.loc[("CHN", 2023), "stage"] == "refine"
    assert df.loc[("WLD", 2023), "is_aggregate"] and df.loc[("OTH", 2023), "is_aggregate"]
    assert df.loc[("CHN", 2030), "scenario"] == "base_case"
    assert df.loc[("CHN", 2023), "scenario"] is None
    assert iea.source_of(DATA / "iea_cm_may2024_mock.csv") == "iea-cm-2024"


def test_bad_unit_names_file_row_column() -> None:
    with pytest.raises(IngestError, match=r"badunit\.csv, row 3, field 'unit'"):
        iea.read(DATA / "iea_cm_may2024_badunit.csv")


@pytest.mark.parametrize(
    ("commodity", "stage", "china_share"),
    # IEA Global Critical Minerals Outlook 2024 headline figures (see data/iea/PROVENANCE.md)
    [("magnet_rare_earths", "refine", 0.92), ("graphite", "refine", 0.91),
     ("cobalt", "refine", 0.77), ("lithium", "refine", 0.65)],
)
def test_china_refining_shares_2023(commodity: str, stage: str, china_share: float) -> None:
    df = friendshore.supply(commodity, stage=stage)
    assert df.attrs["source"] == "iea-cm-2024" and df.attrs["year"] == 2023
    assert df.set_index("country").loc["CHN", "world_share"] == pytest.approx(china_share,
                                                                              abs=0.005)


def test_usgs_preferred_and_projection_on_request() -> None:
    assert friendshore.supply("cobalt", year=2023).attrs["source"] == "usgs-mcs-2025"
    proj = friendshore.supply("nickel", stage="refine", year=2030)
    assert proj.attrs["scenario"] == "base_case" and proj.attrs["source"] == "iea-cm-2024"


def test_iea_ingest_via_api(store) -> None:
    res = friendshore.ingest(DATA / "iea_cm_may2024_mock.csv", "iea", store=store)
    assert res["source"] == "iea-cm-2024" and res["rows"] == 5
    df = friendshore.supply("cobalt", stage="refine", store=store)
    assert list(df["country"]) == ["CHN", "FIN"]
