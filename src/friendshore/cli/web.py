"""CLI commands of the web layer: ``friendshore serve`` and ``friendshore report``."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    """Add this layer's commands to ``app``."""

    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to bind; off-loopback needs a token.")]
        = "127.0.0.1",
        port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
        token: Annotated[
            str | None,
            typer.Option(envvar="FRIENDSHORE_TOKEN", help="Bearer token required on requests."),
        ] = None,
    ) -> None:
        """Start the web dashboard and JSON API (http://HOST:PORT/, OpenAPI at /docs)."""
        from ..web.app import serve as run_server

        run_server(host=host, port=port, token=token)
