"""The ``friendshore`` command: a thin typer shell over :mod:`friendshore.api`.

Each layer's commands live in a module of this package exposing ``register(app)``; this
module only assembles them, sets the global ``--store`` option and maps errors to exit codes.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import FriendshoreError
from ._common import console_err

#: Command modules, in the order their commands appear in ``--help``.
COMMAND_MODULES = ["core", "atlas", "risk", "stress", "ripple", "invest", "alliance", "web"]

app = typer.Typer(
    name="friendshore",
    help="Allied economic security: supply atlas, risk, stress tests, ripple and planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            envvar="FRIENDSHORE_STORE",
            help="DuckDB store file (default: user data directory).",
        ),
    ] = None,
) -> None:
    """friendshore: who supplies what, what if it is cut, and what to build."""
    if store is not None:
        os.environ["FRIENDSHORE_STORE"] = str(store)


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(app)


def main() -> None:
    """Entry point: run the app, turning a FriendshoreError into a message and exit code 2."""
    try:
        app(standalone_mode=False)
    except FriendshoreError as exc:
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        console_err.print("aborted")
        sys.exit(1)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
