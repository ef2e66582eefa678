"""Commands that only read the store leave a folder without one as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app


@pytest.mark.parametrize(
    "command",
    [["runs"], ["history", "a1"], ["diff", "1", "2"], ["overrides"], ["model", "list"]],
)
def test_reading_where_nothing_was_recorded_says_so_and_creates_nothing(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIERWISE_DATABASE_URL", raising=False)

    result = CliRunner().invoke(app, command)

    assert result.exit_code != 0
    assert "nothing has been recorded there yet" in result.output
    assert "tierwise demo" in result.output
    assert list(tmp_path.iterdir()) == []


def test_reading_after_a_run_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TIERWISE_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(app, ["demo"]).exit_code == 0

    result = runner.invoke(app, ["runs"])

    assert result.exit_code == 0, result.output
    assert "2026-09-30" in result.output
