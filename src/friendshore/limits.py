"""Limits shared by every entry point (scenario files, CLI, Python API, web).

Kept in a module of its own, free of imports, so the CLI can declare its option bounds
without loading the model layers.
"""

__all__ = ["MAX_DRAWS", "STORE_IDLE_CLOSE_S", "STORE_LOCK_WAIT_S"]

#: Most Monte Carlo draws one run (or one sweep scenario, or one appraisal) may ask for: the
#: engine holds a few arrays of draws x countries x markets x months in memory, so a billion
#: draws would exhaust it instead of answering.
MAX_DRAWS = 100_000

#: Seconds without a query after which a process closes its read-only connection to a store
#: file. DuckDB lets no process write a file while another holds it open, even read-only, so
#: an idle ``friendshore serve`` (or notebook) must let go for the CLI to save a run.
STORE_IDLE_CLOSE_S = 0.5

#: Seconds a process waits, retrying with backoff, for a store file another process holds
#: before it fails naming that process (a write while another reads, a read while another
#: writes): longer than a typical save or ingest, short enough to answer a user who waits.
STORE_LOCK_WAIT_S = 10.0
