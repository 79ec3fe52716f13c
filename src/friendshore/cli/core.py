"""CLI commands that span the layers: the named-assumptions table."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import OutOpt, export, print_json, print_table


def register(app: typer.Typer) -> None:
    """Add the cross-layer commands to ``app``."""

    @app.command("assumptions")
    def assumptions_cmd(
        layer: Annotated[
            str | None, typer.Option(help="Only this layer (atlas, risk, stress, ripple, …).")
        ] = None,
        out: OutOpt = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Every named assumption: default value, unit, source and meaning."""
        from ..assumptions import Assumptions  # its table needs pandas: not at --help

        table = Assumptions().table()
        if layer:
            table = table[table["layer"] == layer]
        export(table.drop(columns=["value", "overridden"]), out)
        if as_json:
            print_json(table.drop(columns=["value", "overridden"]))
            return
        print_table(table, columns=["layer", "name", "default", "unit", "source"],
                    keep=("name",),
                    title=f"Named assumptions ({len(table)}); override with --set name=value")
