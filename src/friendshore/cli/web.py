"""CLI commands of the web layer."""

import typer


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""
