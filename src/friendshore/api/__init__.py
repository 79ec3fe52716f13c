"""The one Python API: it alone combines the store, the network and the analyses.

The CLI, the web app and the reports call these functions and only render what they return.
Every function takes an optional ``store`` (a :class:`~friendshore.store.Store`); without it
the process-wide default store is used, built from the shipped data on first use.
Each layer's functions live in a module of this package and are re-exported here.
"""

from __future__ import annotations

from ._base import get_store
from .alliance import *  # noqa: F403
from .alliance import __all__ as _alliance
from .atlas import *  # noqa: F403
from .atlas import __all__ as _atlas
from .invest import *  # noqa: F403
from .invest import __all__ as _invest
from .ripple import *  # noqa: F403
from .ripple import __all__ as _ripple
from .risk import *  # noqa: F403
from .risk import __all__ as _risk
from .stress import *  # noqa: F403
from .stress import __all__ as _stress

__all__ = ["get_store", *_atlas, *_risk, *_stress, *_ripple, *_invest, *_alliance]
