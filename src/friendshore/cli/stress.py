"""CLI commands of the stress layer."""

import typer


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
