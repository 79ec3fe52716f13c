"""CLI commands of the risk layer."""

import typer


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
