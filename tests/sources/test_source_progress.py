"""The progress of a table run scored in its own database.

The database tells nothing while it scores; the bar then counts the result
rows as they come back, a batch at a time (a few hundred rows here, so the
1,000 accounts of the demo portfolio take several batches). PostgreSQL sends
its results as CSV text (``COPY``), SQLite as a driver's rows: both are
counted.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.databases import sqlite_file
from tests.postgres import POSTGRES, load_table, own_schema
from tests.sources.conftest import PORTFOLIO_AS_OF
from tests.test_progress import Recorded

from tierwise.engine.backends import fetching
from tierwise.engine.backends.connections import connect
from tierwise.sources.database import parse_source
from tierwise.table_jobs import tier_table

BATCH = 300
WAITING = "Scoring and tiering in the database"
RECEIVING = "Receiving results"


def _check_counted(recorded: Recorded, waited_for: str) -> None:
    """The wait is named, then the results are counted up to every account."""
    tasks = [task[0] for task in recorded.tasks() if isinstance(task, tuple)]
    assert tasks.index(waited_for) + 1 == tasks.index(RECEIVING)
    assert (RECEIVING, 1000) in recorded.tasks()

    counts = recorded.counts_in(RECEIVING)
    assert counts == sorted(counts)
    assert counts[-1] == 1000
    assert len([done for done in counts if 0 < done < 1000]) >= 3


@pytest.mark.postgres
def test_a_postgres_run_counts_its_results_as_they_arrive(
    portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetching, "BATCH_ROWS", BATCH)
    recorded = Recorded()

    with own_schema("tierwise_progress") as (admin, schema):
        load_table(admin, schema, "accounts", pq.read_table(portfolio))
        tier_table(
            f"{POSTGRES}::{schema}.accounts",
            tmp_path / "out",
            PORTFOLIO_AS_OF,
            progress=recorded,
        )

    _check_counted(recorded, WAITING)


def test_a_sqlite_run_counts_its_results_as_they_arrive(
    portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fetching, "BATCH_ROWS", BATCH)
    recorded = Recorded()
    database = sqlite_file(portfolio, tmp_path)

    tier_table(
        f"sqlite:///{database}::accounts",
        tmp_path / "out",
        PORTFOLIO_AS_OF,
        write_back="tiers",
        explain_all=True,
        progress=recorded,
    )

    _check_counted(recorded, WAITING)


@pytest.mark.postgres
def test_copied_rows_are_counted_whatever_their_text_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Quoted newlines and quotes inside values end no row; a NULL and an
    # empty text are rows too.
    monkeypatch.setattr(fetching, "BATCH_ROWS", 2)
    names = ["line\none", 'a "quoted"\n"name"', "", None, "plain", 'x\n"\n"\n', "end"]
    schema = pa.schema([("name", pa.string()), ("n", pa.int64())])
    quoted = ["NULL" if name is None else _literal(name) for name in names]
    values = ", ".join(f"({name}, {n})" for n, name in enumerate(quoted))
    query = f"SELECT name, n FROM (VALUES {values}) AS t(name, n)"
    received: list[int] = []

    with connect(parse_source(f"{POSTGRES}::unused")) as database:
        fetching.fetch_parquet(
            database, query, schema, tmp_path / "names.parquet", received.append
        )

    assert pq.read_table(tmp_path / "names.parquet").column("name").to_pylist() == names
    assert received == sorted(received)
    assert received[-1] == len(names)
    assert any(0 < count < len(names) for count in received)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
