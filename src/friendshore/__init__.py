"""friendshore: allied economic security on real public data.

Supply atlas, supply-risk metrics, Monte Carlo stress tests, input-output ripple effects and
an investment planner for the US-Japan strategic investment agreement. The public API is
re-exported here from :mod:`friendshore.api`; for example ``friendshore.supply("gallium")``.
"""

__version__ = "0.1.0"

from .api import *  # noqa: E402,F403
from .api import __all__ as _api_all  # noqa: E402

__all__ = ["__version__", *_api_all]
