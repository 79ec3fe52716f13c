"""CLI commands of the invest layer."""

import typer


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
