"""friendshore: allied economic security on real public data.

Supply atlas, supply-risk metrics, Monte Carlo stress tests, input-output ripple effects and
an investment planner for the US-Japan strategic investment agreement. The public API is
re-exported here from :mod:`friendshore.api`; for example ``friendshore.supply("gallium")``.
Names are resolved on first use, so ``import friendshore`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

from .api import __all__ as _api_all  # noqa: E402

__all__ = ["__version__", *_api_all]


def __getattr__(name: str) -> Any:
    """Resolve a public API name through :mod:`friendshore.api` on first use."""
    if name in _api_all:
        from . import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
