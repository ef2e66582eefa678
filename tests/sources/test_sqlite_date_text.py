"""Text in a SQLite date column is read only in the form YYYY-MM-DD.

SQLite's date() reads more than dates: ``now`` is the day the run happens
and a bare time such as ``10:00`` is 2000-01-01, so a table holding them
tiered on a made-up day, where a file with the same cells is refused.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)


def _table(tmp_path: Path, engaged: str) -> str:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE accounts (account_id TEXT, name TEXT, "
            "last_engagement_date DATE)"
        )
        connection.executemany(
            "INSERT INTO accounts VALUES (?, ?, ?)",
            [("a1", "Acme", "2026-09-01"), ("b2", "Bolt", engaged)],
        )
    connection.close()
    return f"sqlite:///{path}::accounts"


@pytest.mark.parametrize(
    "engaged",
    [
        pytest.param("now", id="now-is-the-day-of-the-run"),
        pytest.param(" NOW ", id="padded-now"),
        pytest.param("10:00", id="a-time-alone-is-2000-01-01"),
    ],
)
def test_text_date_reads_as_another_day_is_refused(
    tmp_path: Path, engaged: str
) -> None:
    source = _table(tmp_path, engaged)

    with pytest.raises(
        SourceError,
        match=r"'last_engagement_date' \(last_engagement_date\) is not a date "
        r"SQLite reads for account\(s\) 'b2'",
    ):
        tier_table(source, tmp_path / "out", AS_OF)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "engaged",
    [
        pytest.param("2026-09-01", id="date"),
        pytest.param(" 2026-09-01 ", id="padded-date"),
        pytest.param("2026-09-01 10:00:00", id="date-and-time"),
        pytest.param("2026-09-01T10:00:00Z", id="iso-date-and-time"),
    ],
)
def test_a_date_written_year_first_is_read(tmp_path: Path, engaged: str) -> None:
    source = _table(tmp_path, engaged)

    tier_table(source, tmp_path / "out", AS_OF)

    results = pq.read_table(tmp_path / "out" / "tiers.parquet").to_pylist()
    totals = {row["account_id"]: row["total"] for row in results}
    assert totals["b2"] == totals["a1"]
