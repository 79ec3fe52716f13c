"""CLI commands of the web layer: ``friendshore serve`` and ``friendshore report``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..limits import MAX_DRAWS
from ._common import console, parse_sets, print_json, progress


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
        """Start the web dashboard and JSON API (http://HOST:PORT/; schema at /openapi.json)."""
        from ..web.app import serve as run_server

        run_server(host=host, port=port, token=token)

    @app.command()
    def report(
        scenario: Annotated[str, typer.Argument(help="Shipped scenario name or a YAML file.")],
        out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path(
            "report.html"),
        draws: Annotated[int | None, typer.Option("--draws", min=1, max=MAX_DRAWS,
            help="Monte Carlo draws.")]
        = None,
        seed: Annotated[int | None, typer.Option("--seed", min=0, help="Random seed.")] = None,
        countries: Annotated[str | None, typer.Option(
            "--countries", help="ISO3 countries of interest, comma-separated.")] = None,
        sets: Annotated[list[str] | None, typer.Option(
            "--set", help="Override a named assumption: name=value (repeatable).")] = None,
        pdf: Annotated[bool, typer.Option(
            "--pdf", help="Also print a PDF (needs Chromium).")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the written paths as JSON.")]
        = False,
    ) -> None:
        """Run SCENARIO and write a self-contained HTML report (charts, tables, assumptions)."""
        from ..reports.render import write_report

        chosen = [c.strip().upper() for c in countries.split(",")] if countries else None
        with progress(f"report {scenario}") as bar:
            written = write_report(scenario, out, pdf=pdf, draws=draws, seed=seed,
                                   countries=chosen, assumptions=parse_sets(sets) or None,
                                   progress=bar)
        if as_json:
            print_json(written)
        else:
            for kind, path in written.items():
                console.print(f"wrote {kind.upper()} report [bold]{path}[/]")
