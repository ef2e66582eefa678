"""NaN and infinities in a table's number columns stop the run.

A DOUBLE in PostgreSQL or DuckDB may hold NaN, Infinity and -Infinity (a
SQLite REAL the infinities). SQL compares NaN above every number, so an
intent score of NaN took the top band's points and moved its account up a
tier without a word, where a CSV file's ``NaN`` or ``inf`` cell is refused.
The run now stops, naming the column, the accounts and their values.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from tests.databases import MakeTable, table_maker

from tierwise.errors import SourceError
from tierwise.sources import load_mapping_file
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
COLUMNS = {"account_id": "TEXT", "name": "TEXT", "intent_score": "DOUBLE PRECISION"}


@pytest.fixture
def make_table(tmp_path: Path) -> Iterator[MakeTable]:
    with table_maker(tmp_path, "tierwise_finite") as make:
        yield make


@pytest.mark.parametrize(
    ("database", "values"),
    [
        pytest.param("duckdb", ("nan", "inf", "-inf"), id="duckdb-file"),
        pytest.param("sqlite", ("inf", "-inf"), id="sqlite"),  # NaN is kept as NULL
        pytest.param(
            "postgres",
            ("nan", "inf", "-inf"),
            id="postgres",
            marks=pytest.mark.postgres,
        ),
    ],
)
def test_a_number_that_is_not_finite_is_refused_with_its_accounts(
    database: str, values: tuple[str, ...], make_table: MakeTable, tmp_path: Path
) -> None:
    rows = [("a0", "Plain Co", 40.0)] + [
        (f"a{number}", f"Odd {number}", float(value))
        for number, value in enumerate(values, start=1)
    ]
    source = make_table(database, COLUMNS, rows)

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    message = str(caught.value)
    assert "'intent_score' (intent_score) is not a finite number" in message
    listed = ", ".join(
        f"'a{number}' ({value})" for number, value in enumerate(values, start=1)
    )
    assert f"for account(s) {listed}." in message
    assert "'a0'" not in message
    assert "set it to NULL where it is unknown; nothing was scored" in message
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "database",
    [
        pytest.param("duckdb", id="duckdb-file"),
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
        pytest.param("mariadb", id="mariadb", marks=pytest.mark.mariadb),
    ],
)
def test_the_largest_finite_numbers_are_scored(
    database: str, make_table: MakeTable, tmp_path: Path
) -> None:
    rows = [("a1", "Huge Co", 1.7976931348623157e308), ("a2", "Tiny Co", -1e308)]
    source = make_table(database, COLUMNS, rows)

    job = tier_table(source, tmp_path / "out", AS_OF)

    assert job.run.accounts == 2


@pytest.mark.parametrize(
    "database",
    [
        pytest.param("duckdb", id="duckdb-file"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def test_with_multiply_it_is_refused_by_name_too(
    database: str, make_table: MakeTable, tmp_path: Path
) -> None:
    """``multiply`` reads through a decimal, which holds no NaN: the run
    stopped on the database's own error (PostgreSQL: "numeric field
    overflow"), naming no column."""
    rows = [
        ("a0", "Plain Co", 40.0),
        ("a1", "Odd Co", float("nan")),
        ("a2", "Odder Co", float("inf")),
    ]
    source = make_table(database, COLUMNS, rows)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "preset: generic\ncolumns:\n  intent_score:\n"
        "    column: intent_score\n    multiply: 2\n"
    )

    with pytest.raises(
        SourceError, match=r"finite number .* 'a1' \(nan\), 'a2' \(inf\)\."
    ):
        tier_table(source, tmp_path / "out", AS_OF, mapping=load_mapping_file(mapping))


def test_a_count_of_minus_infinity_is_named_once(
    make_table: MakeTable, tmp_path: Path
) -> None:
    """It was listed twice: as no finite number and as below zero."""
    columns = {"account_id": "TEXT", "name": "TEXT", "employees": "DOUBLE PRECISION"}
    source = make_table("duckdb", columns, [("a1", "Odd Co", float("-inf"))])

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    assert "'employees' (employees) is not a finite number" in str(caught.value)
    assert "below zero" not in str(caught.value)
