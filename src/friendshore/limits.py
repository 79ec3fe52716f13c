"""Limits shared by every entry point (scenario files, CLI, Python API, web).

Kept in a module of its own, free of imports, so the CLI can declare its option bounds
without loading the model layers.
"""

__all__ = ["MAX_DRAWS"]

#: Most Monte Carlo draws one run (or one sweep scenario, or one appraisal) may ask for: the
#: engine holds a few arrays of draws x countries x markets x months in memory, so a billion
#: draws would exhaust it instead of answering.
MAX_DRAWS = 100_000
