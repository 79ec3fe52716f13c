"""parse_numbers' vectorised path (cells that are already numbers) gives exactly what the text
path gives: a cell behind a no-break space, which no number parser takes but the cleaning
strips, goes through the text path, so every column is parsed both ways and compared, errors
(message, row, field) included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from friendshore.errors import IngestError
from friendshore.readers._csv import ROW, parse_numbers

CELLS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.integers(-10**7, 10**7).map(str),
    st.sampled_from(["", " 5", "5 ", "1e5", "+5", "-0.5", ".5", "5.", "00012", "inf", "nan",
                     "W", "na", "1,234", "12,345,678", "7,5", ">100", "< 3", "\u22125", "x1"]),
)


def _both(cells: list[str], **options):
    """parse_numbers on the cells as given and on the same cells behind a no-break space."""
    out = []
    for prefix in ("", "\u00a0"):
        df = pd.DataFrame({"v": [prefix + c for c in cells], ROW: range(2, 2 + len(cells))})
        try:
            out.append(parse_numbers(df, "v", "f.csv", **options))
        except IngestError as exc:
            out.append(str(exc))
    return out


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(CELLS, min_size=1, max_size=12), qualified=st.booleans(),
       bounded=st.booleans())
def test_fast_path_equals_text_path(cells, qualified, bounded):
    options = {"missing": ("W", "NA"), "qualified": qualified}
    if bounded:
        options |= {"lower": -1.0, "upper": 1e6}
    fast, text = _both(cells, **options)
    if isinstance(fast, str) or isinstance(text, str):
        assert fast == text
    else:
        pd.testing.assert_frame_equal(fast.map(repr), text.map(repr))  # None is not NaN


def test_numbers_words_bounds_and_errors():
    df = pd.DataFrame({"v": ["1.5", " 2 ", "", None, "W", ">7", "1,234"], ROW: range(2, 9)})
    out = parse_numbers(df, "v", "f.csv", missing=("W",), qualified=True)
    np.testing.assert_array_equal(out["value"], [1.5, 2, np.nan, np.nan, np.nan, 7, 1234])
    assert out["flag"].tolist() == [None, None, None, None, "W", ">7", None]
    assert out["bound"].tolist() == [None, None, None, None, None, ">", None]
    with pytest.raises(IngestError, match=r"row 3.*below 0: '-2'|below 0: '-2'.*row 3"):
        parse_numbers(pd.DataFrame({"v": ["1", "-2", "x"], ROW: [2, 3, 4]}), "v", "f.csv",
                      lower=0)
    with pytest.raises(IngestError, match="not a number: 'inf'"):
        parse_numbers(pd.DataFrame({"v": ["1", "inf"], ROW: [2, 3]}), "v", "f.csv")
