"""The tiering connection: a memory limit, and spilling into its own folder."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tierwise.engine.run import MEMORY_ENV, open_connection
from tierwise.errors import TierwiseError


def _setting(name: str, connection: duckdb.DuckDBPyConnection) -> str:
    rows = connection.sql(f"SELECT current_setting('{name}')").fetchall()
    return str(rows[0][0])


def test_memory_is_limited_and_spills_outside_the_working_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    connection = open_connection()

    assert _setting("memory_limit", connection) == "1.5 GiB"
    spill = Path(_setting("temp_directory", connection))
    assert spill.name == "spill" and spill.parent.name.startswith("tierwise-spill-")


def test_the_limit_can_be_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MEMORY_ENV, "4GB")

    assert _setting("memory_limit", open_connection()) == "3.7 GiB"


def test_a_limit_duckdb_cannot_read_names_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(MEMORY_ENV, "lots")

    with pytest.raises(TierwiseError, match=r"\$TIERWISE_MEMORY_LIMIT must be a size"):
        open_connection()


def test_a_run_reading_signal_files_gives_duckdb_less_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date

    from tierwise.jobs import tier_file
    from tierwise.sources.signals import SignalFile

    monkeypatch.delenv(MEMORY_ENV, raising=False)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name\na1,Alpha\n", encoding="utf-8")
    activity = tmp_path / "activity.csv"
    activity.write_text(
        "account_id,timestamp,type\na1,2026-09-01,web visit\n", encoding="utf-8"
    )

    def limit(signals: list[SignalFile]) -> str:
        job = tier_file(
            accounts,
            tmp_path / f"out-{len(signals)}",
            date(2026, 9, 30),
            signals=signals,
        )
        return _setting("memory_limit", job.run.connection)

    assert limit([]) == "1.5 GiB"  # 1.7GB
    assert limit([SignalFile("activity", activity)]) == "1.3 GiB"  # 1.4GB
