"""CLI commands that span the layers: the named-assumptions table."""

from __future__ import annotations

from typing import Annotated

import typer

from ._common import print_json, print_table


def register(app: typer.Typer) -> None:
    """Add the cross-layer commands to ``app``."""

    @app.command("assumptions")
    def assumptions_cmd(
        layer: Annotated[
            str | None, typer.Option(help="Only this layer (atlas, risk, stress, ripple, …).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Every named assumption: default value, unit, source and meaning."""
        from ..assumptions import Assumptions  # its table needs pandas: not at --help

        table = Assumptions().table()
        if layer:
            table = table[table["layer"] == layer]
        if as_json:
            print_json(table.drop(columns=["value", "overridden"]))
            return
        print_table(
            table.assign(default=table["default"].map(_short), source=table["source"].map(_short)),
            columns=["layer", "name", "default", "unit", "source"],
            title=f"Named assumptions ({len(table)}); override with --set name=value",
        )


def _short(value: object, width: int = 40) -> str:
    """A one-line rendering of a default (some are per-country or per-commodity tables)."""
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"
