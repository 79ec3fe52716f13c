"""A silent HiGHS instance: HiGHS prints its banner to the C stdout when constructed, which
would land in the JSON that commands print."""

from __future__ import annotations

import ctypes
import os
import sys
from typing import Any

__all__ = ["silent_highs"]


def silent_highs() -> Any:
    """A ``highspy.Highs`` with output off, built with file descriptor 1 sent to /dev/null."""
    import highspy

    sys.stdout.flush()
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        h = highspy.Highs()
        ctypes.CDLL(None).fflush(None)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    h.setOptionValue("output_flag", False)
    return h
