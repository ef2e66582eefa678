"""DuckDB running out of the memory it is allowed, told as a plain message.

Every command that runs DuckDB work holds to $TIERWISE_MEMORY_LIMIT; when
the work needs more, the command names that setting and a larger value,
exits with status 2 and leaves nothing half-written.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.engine.memory import memory_refusal
from tierwise.engine.run import MEMORY_ENV
from tierwise.sample import write_portfolio
from tierwise.sample.signals import write_portfolio_signals

AS_OF = date(2026, 9, 30)
TOO_LITTLE = "1MB"
REFUSED = (
    "the work needed more memory than DuckDB was allowed "
    f"({MEMORY_ENV}={TOO_LITTLE}) and stopped, leaving nothing half-written. "
    f"Set {MEMORY_ENV} higher and run again, such as {MEMORY_ENV}=2MB"
)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    # One line per message, wherever the terminal would have wrapped it.
    monkeypatch.delenv("COLUMNS", raising=False)
    return CliRunner()


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    return write_portfolio(tmp_path / "accounts.csv", 50, 7, as_of=AS_OF)


def _refused(cli: CliRunner, command: list[str], limit: str = TOO_LITTLE) -> str:
    result = cli.invoke(app, command, env={MEMORY_ENV: limit})

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception
    )
    assert result.exit_code == 2, result.output
    return result.output


def test_tier_past_the_limit_names_the_setting(
    cli: CliRunner, tmp_path: Path, accounts: Path
) -> None:
    said = _refused(cli, ["tier", str(accounts), "--no-store", "--out", "out"])

    assert said == f"error: {REFUSED}\n"
    assert not (tmp_path / "out").exists()


def test_a_database_file_past_the_limit_is_not_called_unreadable(
    cli: CliRunner, tmp_path: Path, accounts: Path
) -> None:
    # Attaching the file is the first step to run out: it was told as "cannot
    # be opened as a DuckDB database", blaming a sound file.
    with duckdb.connect(str(tmp_path / "crm.duckdb")) as database:
        database.execute(f"CREATE TABLE accounts AS FROM read_csv('{accounts}')")
    source = f"duckdb:///{tmp_path / 'crm.duckdb'}::accounts"

    said = _refused(
        cli, ["tier", "--source", source, "--no-store", "--out", "out"], "100KB"
    )

    assert "cannot be opened" not in said
    assert f"({MEMORY_ENV}=100KB) and stopped" in said
    assert not (tmp_path / "out").exists()


def test_tier_past_the_limit_records_no_run(
    cli: CliRunner, tmp_path: Path, accounts: Path
) -> None:
    _refused(cli, ["tier", str(accounts), "--out", "out"])

    listed = cli.invoke(app, ["runs"])
    assert listed.output.startswith("No runs recorded yet"), listed.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "limit",
    [
        pytest.param("1MB", id="matching-accounts"),
        pytest.param("12MB", id="reading-a-signal-file"),
    ],
)
def test_signal_files_past_the_limit_are_not_called_unreadable(
    cli: CliRunner, tmp_path: Path, limit: str
) -> None:
    write_portfolio(tmp_path / "accounts.csv", 300, 7, as_of=AS_OF)
    written = write_portfolio_signals(tmp_path, 300, 7, AS_OF)
    signals = [
        part
        for kind, path in written.by_kind().items()
        for part in (f"--{kind}", str(path))
    ]

    command = ["tier", "accounts.csv", *signals, "--as-of", str(AS_OF)]
    said = _refused(cli, [*command, "--no-store", "--out", "out"], limit)

    assert said.startswith("error: the work needed more memory than DuckDB"), said
    assert f"({MEMORY_ENV}={limit})" in said
    assert not (tmp_path / "out").exists()


def test_explain_past_the_limit_names_the_setting(
    cli: CliRunner, accounts: Path
) -> None:
    tiered = cli.invoke(app, ["tier", str(accounts), "--no-store", "--out", "out"])
    assert tiered.exit_code == 0, tiered.output
    first = accounts.read_text(encoding="utf-8").splitlines()[1].split(",")[0]

    said = _refused(cli, ["explain", first.strip('"'), "--out", "out"])

    assert said == f"error: {REFUSED}\n"


@pytest.mark.parametrize("to", ["parquet", "excel"])
def test_export_holds_to_the_limit_too(
    cli: CliRunner, tmp_path: Path, accounts: Path, to: str
) -> None:
    tiered = cli.invoke(app, ["tier", str(accounts), "--no-store", "--out", "out"])
    assert tiered.exit_code == 0, tiered.output

    said = _refused(cli, ["export", "out", "--to", to, "--out", "exported"])

    assert said == f"error: {REFUSED}\n"
    assert not (tmp_path / "exported").exists()


def test_without_the_setting_the_message_names_the_defaults() -> None:
    said = str(memory_refusal(duckdb.OutOfMemoryException("Out of Memory"), {}))

    assert said == (
        "the work needed more memory than DuckDB was allowed (1.7GB, or 1.4GB "
        f"beside signal files, as {MEMORY_ENV} is not set) and stopped, leaving "
        f"nothing half-written. Set {MEMORY_ENV} higher and run again, such as "
        f"{MEMORY_ENV}=4GB"
    )
