"""The web dashboard and JSON API (FastAPI), over :mod:`friendshore.api`."""
