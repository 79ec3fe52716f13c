"""Monte Carlo stress engine: vectorised steps, the engine, the LP reference and the sweep."""

from .engine import StressResult, run_scenario

__all__ = ["StressResult", "run_scenario"]
