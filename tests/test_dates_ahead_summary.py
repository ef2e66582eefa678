"""tierwise tier --as-of with dates after it: the warning reaches the terminal
and run.json, for a CSV and a Parquet file alike, and activity rows after the
as-of date stay in the match report alone (they are counted there)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.jobs import tier_file
from tierwise.sources.signals import SignalFile

WARNING = (
    "last_engagement_date: 2 accounts have a date after the as-of date "
    "2020-01-01 (the latest 2026-09-30); recency scores such a date as missing; "
    "check --as-of; a date after it counts as not yet happened"
)
ROWS = {
    "account_id": ["A1", "A2", "A3"],
    "name": ["Alpha", "Beta", "Gamma"],
    "last_engagement_date": [date(2021, 10, 1), date(2026, 9, 30), date(2019, 5, 1)],
}


def _accounts(folder: Path, suffix: str) -> Path:
    table = pa.table(ROWS)
    path = folder / f"accounts{suffix}"
    if suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pa_csv.write_csv(table, path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_summary_and_run_json_warn_of_dates_after_the_as_of_date(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")
    accounts = _accounts(tmp_path, suffix)
    out = tmp_path / "out"
    command = ["tier", str(accounts), "--as-of", "2020-01-01", "--out", str(out)]

    result = CliRunner().invoke(app, [*command, "--no-store", "--quiet"])

    assert result.exit_code == 0, result.output
    assert result.output.count(f"warning: {WARNING}") == 1
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert WARNING in manifest["warnings"]


ACTIVITY = """account_id,activity_type,occurred_at
A1,Meeting,2026-09-01
A2,Meeting,2026-10-02
"""


def test_activity_after_the_as_of_date_is_left_to_the_match_report(
    tmp_path: Path,
) -> None:
    accounts = _accounts(tmp_path, ".csv")
    activity = tmp_path / "activity.csv"
    activity.write_text(ACTIVITY, encoding="utf-8")

    job = tier_file(
        accounts,
        tmp_path / "out",
        date(2026, 9, 30),
        signals=[SignalFile("activity", activity)],
    )

    assert job.signals is not None
    assert job.signals.files["activity"].dropped["after the as-of date"].rows == 1
    assert [w for w in job.run.warnings if "after the as-of date" in w] == []
