"""CLI conventions (issue 13 item 1): ``--version``, bare ``friendshore`` prints help, and a usage
error (unknown option, missing argument) exits 2 with click's one-line message, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer

from friendshore import __version__
from friendshore.cli import app, main


def _commands(group, path=()):  # noqa: ANN001, ANN202 - click command tree walk
    """Every leaf command of the app as its argv path, e.g. ``("runs", "show")``."""
    for name, cmd in sorted(getattr(group, "commands", {}).items()):
        if getattr(cmd, "commands", None):
            yield from _commands(cmd, (*path, name))
        else:
            yield (*path, name)


COMMANDS = list(_commands(typer.main.get_command(app)))


def _run(monkeypatch, capsys, argv):  # noqa: ANN001, ANN202
    """Run :func:`main` on ``argv``; return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["friendshore", *argv])
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def test_the_walk_finds_the_commands() -> None:
    assert ("stress",) in COMMANDS and ("risk",) in COMMANDS and len(COMMANDS) >= 15


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_rejects_a_bad_option_with_exit_2(monkeypatch, capsys, path) -> None:
    code, out, err = _run(monkeypatch, capsys, [*path, "--no-such-option-x"])
    assert code == 2
    assert "Traceback" not in out + err
    assert "Error: No such option: --no-such-option-x" in err
    assert f"Try 'friendshore {' '.join(path)} --help' for help." in err


def test_missing_argument_exits_2_naming_it(monkeypatch, capsys) -> None:
    code, _, err = _run(monkeypatch, capsys, ["stress"])
    assert code == 2
    assert "Error: Missing argument 'scenario'." in err
    assert "Traceback" not in err


def test_version(monkeypatch, capsys) -> None:
    code, out, _ = _run(monkeypatch, capsys, ["--version"])
    assert code == 0
    assert out.strip() == f"friendshore {__version__}"


def test_bare_command_prints_help_and_exits_0(monkeypatch, capsys) -> None:
    code, out, err = _run(monkeypatch, capsys, [])
    assert code == 0
    assert "Usage: friendshore" in out and "stress" in out
    assert "Traceback" not in out + err


def test_the_installed_entry_point_exits_2_on_a_typo() -> None:
    """The real process, as a user types it: ``--draw`` for ``--draws``."""
    proc = subprocess.run(
        [sys.executable, "-c", "from friendshore.cli import main; main()", "stress", "x", "--draw"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "No such option: --draw" in proc.stderr


def test_a_commands_exit_code_reaches_the_process(monkeypatch, capsys) -> None:
    """``typer.Exit(1)`` (as ``calibration`` raises on a failing check) must exit 1, not 0:
    outside click's standalone mode the code is returned, and :func:`main` passes it on."""
    import friendshore.cli as cli

    tiny = typer.Typer()

    @tiny.command()
    def fail() -> None:
        raise typer.Exit(1)

    monkeypatch.setattr(cli, "app", tiny)
    code, _, _ = _run(monkeypatch, capsys, [])
    assert code == 1
