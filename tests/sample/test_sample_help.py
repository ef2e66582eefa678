"""``tierwise sample --help`` gives the date a portfolio is made as of.

It said ``--as-of`` defaults to today, while a sample without it is made
as of the demo's fixed date, byte for byte the file ``--as-of 2026-09-30``
writes.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.sample import DEMO_AS_OF


def test_sample_help_gives_the_demos_date_as_the_default() -> None:
    result = CliRunner().invoke(app, ["sample", "--help"], terminal_width=100)

    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "today" not in text
    assert f"(default: {DEMO_AS_OF.isoformat()}, the demo's date)" in text


def test_a_sample_without_as_of_is_made_as_of_the_demos_date(tmp_path: Path) -> None:
    written = [tmp_path / "default.csv", tmp_path / "dated.csv"]
    given = [[], ["--as-of", DEMO_AS_OF.isoformat()]]

    for path, options in zip(written, given, strict=True):
        command = ["sample", "--accounts", "30", "--out", str(path), "-q"]
        result = CliRunner().invoke(app, command + options)
        assert result.exit_code == 0, result.output

    assert written[0].read_bytes() == written[1].read_bytes()
