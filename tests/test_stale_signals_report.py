"""A run without signal files leaves no signal match report of an earlier run.

``signals-report.json`` says which rows of a run's signal files matched
which accounts. A later run into the same folder without signal files left
the earlier report beside its own results, describing files it never read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from tierwise.jobs import tier_file
from tierwise.sources.signals import SignalFile
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)


def test_a_run_without_signal_files_removes_an_earlier_match_report(
    tmp_path: Path,
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name\na1,Acme\nb2,Bolt\n", encoding="utf-8")
    activity = tmp_path / "activity.csv"
    activity.write_text(
        "account_id,timestamp,type\na1,2026-09-01T10:00:00,web_visit\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    tier_file(accounts, out, AS_OF, signals=[SignalFile("activity", activity)])
    assert (out / "signals-report.json").exists()

    tier_file(accounts, out, AS_OF)

    assert not (out / "signals-report.json").exists()


def test_a_table_run_removes_an_earlier_match_report(tmp_path: Path) -> None:
    # --source takes no signal files, so its run never matched any rows.
    out = tmp_path / "out"
    out.mkdir()
    (out / "signals-report.json").write_text("{}\n", encoding="utf-8")
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a1' AS account_id, 'Acme' AS name"
        )

    tier_table(f"duckdb:///{path}::accounts", out, AS_OF)

    assert not (out / "signals-report.json").exists()
