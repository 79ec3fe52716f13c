"""Progress reporting shared by the layers: a long step tells a callback its share done (0-1).

The API's ``progress=`` parameters take such a callback; the CLI passes its rich bar, the web
server its job's progress. The store's first build (10-18 s) has no caller to take a parameter
from, so it reports to :data:`BUILD_PROGRESS`, which an interface may set.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

__all__ = ["BUILD_PROGRESS", "Progress", "part"]

#: A progress callback, or None for none.
Progress = Callable[[float], None] | None

#: Called with the share done while a store builds itself from the shipped data, where an
#: interface has set it (the CLI's bar); per context, so one thread's setting reaches no other.
BUILD_PROGRESS: ContextVar[Progress] = ContextVar("friendshore_build_progress", default=None)


def part(progress: Progress, start: float, stop: float) -> Progress:
    """The ``progress`` callback of a step that is the ``start``-``stop`` share of a larger
    one (None stays None), so each part reports 0-1 and the whole moves once from 0 to 1."""
    if progress is None:
        return None
    return lambda fraction: progress(start + (stop - start) * fraction)
