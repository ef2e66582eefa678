"""``tierwise whatif --help`` says where the preview's accounts come from.

It said the input "is read again as the run read it", which stopped being
so when a run that reads its file cell by cell began to keep the accounts
as read (``accounts-as-read.parquet``): whatif scores those instead.
"""

from __future__ import annotations

from typer.testing import CliRunner

from tierwise.cli import app


def test_whatif_help_names_the_kept_accounts_and_when_they_are_read() -> None:
    result = CliRunner().invoke(app, ["whatif", "--help"], terminal_width=100)

    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "read again as the run read it" not in text
    assert (
        "A file run's file (and mapping file) must be unchanged since the run, "
        "by SHA-256. If the run read it cell by cell (CSV, Excel, a Parquet "
        "file not read in place), the accounts it kept as read "
        "(accounts-as-read.parquet beside its results) are scored, unless the "
        "new model reads other fields, currencies or rates "
        "from the file, which is then read again. A --source run's table is "
        "read again, refused when its accounts no longer score as the run "
        "recorded."
    ) in text
