"""The ``friendshore`` command: a thin typer shell over :mod:`friendshore.api`.

Each layer's commands live in a module of this package exposing ``register(app)``; this
module only assembles them, sets the global ``--store`` and ``--version`` options and maps errors
to exit codes: a usage error (unknown option, missing argument) prints click's usual message and
exits 2, a :class:`FriendshoreError` prints one line and exits 2, neither with a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from ..errors import FriendshoreError
from ..progress import BUILD_PROGRESS
from ._common import console_err, store_build_progress


def _click_errors() -> tuple[type[Exception], ...]:
    """The ``ClickException`` classes usage errors may be raised as.

    typer >= 0.29 bundles its own copy of click (``typer._click``) whose exceptions are not
    subclasses of the standalone ``click`` package's (older typer uses that one), so an
    ``except click.UsageError`` alone never matches; both are looked up, either may be absent.
    """
    found: list[type[Exception]] = []
    for module in ("typer._click.exceptions", "click.exceptions"):
        try:
            found.append(importlib.import_module(module).ClickException)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


_CLICK_ERRORS = _click_errors()

#: Command modules, in the order their commands appear in ``--help``.
COMMAND_MODULES = ["core", "atlas", "risk", "stress", "ripple", "invest", "alliance", "web"]

app = typer.Typer(
    name="friendshore",
    help="Allied economic security: supply atlas, risk, stress tests, ripple and planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    """``--version``: print the package version on stdout and stop."""
    if value:
        print(f"friendshore {__version__}")
        raise typer.Exit(0)


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
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print the friendshore version and exit.",
        ),
    ] = False,
) -> None:
    """friendshore: who supplies what, what if it is cut, and what to build."""
    if store is not None:
        os.environ["FRIENDSHORE_STORE"] = str(store)


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(app)


def main() -> None:
    """Entry point: run the app; map errors to a message and an exit code, never a traceback.

    Bare ``friendshore`` (or a command group without its subcommand) prints the help on stdout
    and exits 0; a usage error prints click's usage line, hint and ``Error: …`` line on stderr and
    exits 2; a :class:`FriendshoreError` (bad input data or arguments) prints one line, exit 2.
    """
    BUILD_PROGRESS.set(store_build_progress())  # the first build (10-18 s) shows a bar
    try:
        # Outside standalone mode click returns a ``typer.Exit``'s code instead of exiting
        # (``calibration``'s exit 1, ``--version``'s 0); commands themselves return None.
        result = app(prog_name="friendshore", standalone_mode=False)
    except FriendshoreError as exc:
        console_err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        console_err.print("aborted")
        sys.exit(1)
    except _CLICK_ERRORS as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            print(exc.format_message())  # type: ignore[attr-defined]
            sys.exit(0)
        exc.show()  # type: ignore[attr-defined]
        sys.exit(exc.exit_code)  # type: ignore[attr-defined]
    sys.exit(result if isinstance(result, int) else 0)
