"""Every command's --help reads in full in an 80-column terminal.

The help column beside an option is about 30 characters wide there, and
a word longer than it is cut with an ellipsis: ``tier --help`` showed its
--source examples as ``duckdb:///crm.duckdb::accou…`` and
``postgresql://127.0.0.1:5432…``, and ``sample --help`` cut
``--activity/--intent/--contacts/--events``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tierwise.cli import app


def _commands(command: Any, path: list[str]) -> Iterator[tuple[list[str], Any]]:
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, [*path, name])


COMMANDS = list(_commands(typer.main.get_command(app), []))


def _shown(path: list[str]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], terminal_width=80)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize(
    ("path", "command"),
    [
        pytest.param(path, command, id=" ".join(path) or "tierwise")
        for path, command in COMMANDS
    ],
)
def test_every_word_of_a_commands_help_is_shown_whole(
    path: list[str], command: Any
) -> None:
    shown = _shown(path)

    for param in command.params:
        for word in (getattr(param, "help", None) or "").split():
            assert word.replace("\\[", "[") in shown, (param.name, word)
    assert "…" not in shown


def test_tier_help_shows_both_source_examples_whole() -> None:
    shown = _shown(["tier"])

    assert "duckdb:///crm.duckdb::accounts" in shown
    assert "postgresql://127.0.0.1:5432/crm::sales.accounts" in shown
