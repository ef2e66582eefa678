"""Commands that only read create no store, on SQLite and on PostgreSQL alike.

On SQLite a file that does not exist stays missing; on PostgreSQL an empty
schema got every table of the store from `runs`, as if a run had been
recorded there.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.model import default_model_text
from tierwise.store.database import connect_store

READING = [
    pytest.param(["runs"], id="runs"),
    pytest.param(["history", "a1"], id="history"),
    pytest.param(["diff"], id="diff-latest"),
    pytest.param(["diff", "1", "2"], id="diff"),
    pytest.param(["overrides", "--all"], id="overrides"),
    pytest.param(["model", "list"], id="model-list"),
    pytest.param(["model", "diff", "1", "2"], id="model-diff"),
    pytest.param(["whatif", "--model", "model.yaml"], id="whatif"),
]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    (tmp_path / "model.yaml").write_text(default_model_text(), encoding="utf-8")
    return CliRunner()


def _tables(store_url: str) -> list[str]:
    """The tables the store's database or schema holds (none for a missing file)."""
    sqlite_file = Path(store_url.removeprefix("sqlite:///"))
    if store_url.startswith("sqlite:///") and not sqlite_file.exists():
        return []
    with connect_store(store_url) as store:
        return sorted(inspect(store.engine).get_table_names())


@pytest.mark.parametrize("command", READING)
def test_reading_a_database_without_a_store_refuses_and_creates_nothing(
    cli: CliRunner, store_url: str, command: list[str]
) -> None:
    result = cli.invoke(app, [*command, "--db", store_url])

    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert said.startswith("error: no store at "), said
    assert "nothing has been recorded there yet" in said
    assert "tierwise demo" in said
    assert _tables(store_url) == []


def test_tier_still_creates_the_store_that_reading_refused(
    cli: CliRunner, tmp_path: Path, store_url: str
) -> None:
    (tmp_path / "a.csv").write_text("account_id,name\na1,Alpha\n", encoding="utf-8")
    refused = cli.invoke(app, ["runs", "--db", store_url])

    tiered = cli.invoke(
        app, ["tier", "a.csv", "--as-of", "2026-09-30", "--db", store_url]
    )
    listed = cli.invoke(app, ["runs", "--db", store_url])

    assert refused.exit_code == 2, refused.output
    assert tiered.exit_code == 0, tiered.output
    assert "runs" in _tables(store_url)
    assert listed.exit_code == 0, listed.output
    assert "2026-09-30" in listed.output
