"""friendshore: allied economic security on real public data.

Supply atlas, supply-risk metrics, Monte Carlo stress tests, input-output ripple effects and
an investment planner for the US-Japan strategic investment agreement.
"""

__version__ = "0.1.0"
