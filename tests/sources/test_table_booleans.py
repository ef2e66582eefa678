"""Yes/no fields read from a database table as the CSV reader reads them.

Databases without a boolean type keep flags as integers (SQLite, unless a
column is declared BOOLEAN, and any table whose author chose INTEGER): a
column of 0, 1 and NULL is read as no, yes and unknown. A text column is
read with the cell reader's yes/no words. Any other value stops the run
with the column, the accounts, the value and the fix, where it used to be
refused (numbers) or scored as unknown (an unknown word). Each case runs
on a DuckDB file, a SQLite file, PostgreSQL and MariaDB, beside the same
accounts as a CSV file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from itertools import cycle
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from tests.databases import DATABASES, MakeTable, table_maker

from tierwise import jobs
from tierwise.errors import SourceError
from tierwise.sources import load_mapping_file
from tierwise.sources.values import BOOLEAN_FALSE, BOOLEAN_TRUE
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)

# The portfolio's flags kept as 0/1 integers, and those kept as words.
NUMBERED = ("exec_sponsor", "exec_access", "competitor_incumbent")
WORDED = ("champion_identified", "partner_value")

# A column's type by its Arrow type; each of the four databases knows them.
SQL_TYPES = {
    pa.string(): "TEXT",
    pa.float64(): "DOUBLE PRECISION",
    pa.int64(): "BIGINT",
    pa.date32(): "DATE",
}


@pytest.fixture
def make_table(tmp_path: Path) -> Iterator[MakeTable]:
    with table_maker(tmp_path, "tierwise_flags") as make:
        yield make


def _tiers(out: Path) -> list[dict[str, Any]]:
    return pq.read_table(out / "tiers.parquet").sort_by("account_id").to_pylist()


def _spellings(words: tuple[str, ...]) -> list[str]:
    """Each word as written, in capitals and padded in title case."""
    return [
        spelling
        for word in words
        for spelling in (word, word.upper(), f" {word.title()}\t")
    ]


def _flagged(portfolio: Path) -> pa.Table:
    """The portfolio with its flags as 0/1 integers or as yes/no words in
    every spelling the cell reader accepts; every seventh account's are
    unknown (NULL, or blank text)."""
    table = pq.read_table(portfolio)
    for name in (*NUMBERED, *WORDED):
        values = table.column(name).to_pylist()
        trues, falses = (
            cycle(_spellings(BOOLEAN_TRUE)),
            cycle(_spellings(BOOLEAN_FALSE)),
        )
        blanks = cycle([None, "", " "])
        flags: list[Any] = []
        for number, value in enumerate(values):
            if name in NUMBERED:
                flags.append(None if number % 7 == 0 else int(value))
            elif number % 7 == 0:
                flags.append(next(blanks))
            else:
                flags.append(next(trues) if value else next(falses))
        kind = pa.int64() if name in NUMBERED else pa.string()
        index = table.schema.get_field_index(name)
        table = table.set_column(index, name, pa.array(flags, kind))
    return table


@pytest.fixture(scope="module")
def flagged(portfolio: Path) -> pa.Table:
    return _flagged(portfolio)


@pytest.fixture(scope="module")
def from_csv(flagged: pa.Table, tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """The flagged portfolio tiered from a CSV file."""
    folder = tmp_path_factory.mktemp("flags-csv")
    pa_csv.write_csv(flagged, folder / "accounts.csv")
    jobs.tier_file(folder / "accounts.csv", folder / "out", AS_OF)
    return _tiers(folder / "out")


@pytest.mark.parametrize("database", DATABASES)
def test_integer_flags_and_yes_no_words_tier_as_the_csv_does(
    database: str,
    flagged: pa.Table,
    from_csv: list[Any],
    make_table: MakeTable,
    tmp_path: Path,
) -> None:
    columns = {field.name: SQL_TYPES[field.type] for field in flagged.schema}
    rows = [tuple(row.values()) for row in flagged.to_pylist()]
    source = make_table(database, columns, rows)

    tier_table(source, tmp_path / "out", AS_OF)

    tiered = _tiers(tmp_path / "out")
    assert tiered == from_csv
    assert {row["tier"] for row in tiered} >= {"tier_1", "tier_2", "tier_3"}


ACCOUNTS = {"account_id": "TEXT", "name": "TEXT"}
WORDS_FIX = (
    "use one of true, yes, y, 1, x, false, no, n, 0, or list this file's words "
    "under `true_values:` / `false_values:` for the column in a mapping file"
)


def _csv(tmp_path: Path, header: list[str], rows: list[tuple[Any, ...]]) -> Path:
    path = tmp_path / "accounts.csv"
    lines = [",".join(header)] + [
        ",".join("" if value is None else str(value) for value in row) for row in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("database", DATABASES)
def test_an_unknown_word_stops_the_run_as_in_a_csv(
    database: str, make_table: MakeTable, tmp_path: Path
) -> None:
    # a3 has no name, so it is left out and its word is not read.
    rows = [
        ("a1", "Acme", "Yes"),
        ("a2", "Beta", "maybe"),
        ("a3", None, "maybe"),
        ("a4", "Core", " Perhaps "),
        ("a5", "Dune", None),
    ]
    source = make_table(database, {**ACCOUNTS, "exec_sponsor": "TEXT"}, rows)
    csv_file = _csv(tmp_path, ["account_id", "name", "exec_sponsor"], rows)

    with pytest.raises(SourceError) as from_table:
        tier_table(source, tmp_path / "table", AS_OF, accept_warnings=True)
    match = "'maybe', ' Perhaps '; each is not a yes/no value"
    with pytest.raises(SourceError, match=match):
        jobs.tier_file(csv_file, tmp_path / "file", AS_OF, accept_warnings=True)

    assert str(from_table.value).endswith(
        "accounts: 'exec_sponsor' (exec_sponsor) is not a yes/no value for "
        "account(s) 'a2' ('maybe'), 'a4' ('Perhaps'). "
        f"Fix: {WORDS_FIX}; nothing was scored"
    )
    assert not (tmp_path / "table").exists()


NUMBER_FIX = (
    "write 1 for yes and 0 for no (or leave it empty), or map a yes/no column "
    "to this field"
)


@pytest.mark.parametrize(
    ("database", "flag_type"),
    [
        pytest.param("duckdb", "INTEGER", id="duckdb-integer"),
        pytest.param("sqlite", "INTEGER", id="sqlite-integer"),
        pytest.param("sqlite", "BOOLEAN", id="sqlite-boolean"),
        pytest.param(
            "postgres", "SMALLINT", id="postgres-smallint", marks=pytest.mark.postgres
        ),
        pytest.param("mariadb", "INT", id="mariadb-int", marks=pytest.mark.mariadb),
        pytest.param(
            "mariadb", "TINYINT(1)", id="mariadb-boolean", marks=pytest.mark.mariadb
        ),
    ],
)
def test_a_number_other_than_0_or_1_stops_the_run(
    database: str, flag_type: str, make_table: MakeTable, tmp_path: Path
) -> None:
    rows = [
        ("a1", "Acme", 1),
        ("a2", "Beta", 2),
        ("a3", "Core", 0),
        ("a4", "Dune", -1),
        ("a5", "Echo", None),
    ]
    source = make_table(database, {**ACCOUNTS, "exec_access": flag_type}, rows)
    csv_file = _csv(tmp_path, ["account_id", "name", "exec_access"], rows)

    with pytest.raises(SourceError) as from_table:
        tier_table(source, tmp_path / "table", AS_OF)
    with pytest.raises(SourceError, match="'2', '-1'; each is not a yes/no value"):
        jobs.tier_file(csv_file, tmp_path / "file", AS_OF)

    assert str(from_table.value).endswith(
        "accounts: 'exec_access' (exec_access) is not a yes/no value for "
        f"account(s) 'a2' (2), 'a4' (-1). Fix: {NUMBER_FIX}; nothing was scored"
    )


@pytest.mark.parametrize("database", DATABASES)
def test_the_mappings_own_words_are_read_and_named_in_the_fix(
    database: str, make_table: MakeTable, tmp_path: Path
) -> None:
    mapping_file = tmp_path / "mapping.yaml"
    mapping_file.write_text(
        "preset: generic\n"
        "columns:\n"
        "  exec_sponsor: {column: sponsor, true_values: [ja], false_values: [nee]}\n",
        encoding="utf-8",
    )
    mapping = load_mapping_file(mapping_file)
    rows = [("a1", "Acme", "Ja"), ("a2", "Beta", " NEE"), ("a3", "Core", "yes")]
    columns = {**ACCOUNTS, "sponsor": "TEXT"}
    csv_file = _csv(tmp_path, list(columns), rows[:2])

    tier_table(
        make_table(database, columns, rows[:2]), tmp_path / "t", AS_OF, mapping=mapping
    )
    jobs.tier_file(csv_file, tmp_path / "f", AS_OF, mapping=mapping)
    with pytest.raises(SourceError) as refused:
        tier_table(
            make_table(database, columns, rows), tmp_path / "r", AS_OF, mapping=mapping
        )

    assert _tiers(tmp_path / "t") == _tiers(tmp_path / "f")
    assert str(refused.value).endswith(
        "'sponsor' (exec_sponsor) is not a yes/no value for account(s) "
        "'a3' ('yes'). Fix: use one of ja, nee, or list this file's words under "
        "`true_values:` / `false_values:` for the column in a mapping file; "
        "nothing was scored"
    )


def test_a_parquet_number_cell_is_refused_in_the_same_words(tmp_path: Path) -> None:
    path = tmp_path / "accounts.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["a1", "a2"],
                "name": ["Acme", "Beta"],
                "exec_access": [1, 2],
            }
        ),
        path,
    )

    with pytest.raises(SourceError) as refused:
        jobs.tier_file(path, tmp_path / "out", AS_OF)

    assert str(refused.value).splitlines()[1:] == [
        "  row 2, column 'exec_access' (exec_access): 2 is not a yes/no value",
        "To fix:",
        f"  exec_access: {NUMBER_FIX}",
    ]


def test_a_sqlite_number_column_may_hold_yes_no_words_too(
    make_table: MakeTable, tmp_path: Path
) -> None:
    # SQLite keeps text in an INTEGER column as it was given.
    rows: list[tuple[Any, ...]] = [
        ("a1", "Acme", 1),
        ("a2", "Beta", " Yes "),
        ("a3", "Core", "no"),
        ("a4", "Dune", 0),
        ("a5", "Echo", " "),
        ("a6", "Fig", None),
    ]
    columns = {**ACCOUNTS, "exec_access": "INTEGER"}
    source = make_table("sqlite", columns, rows)
    csv_file = _csv(tmp_path, list(columns), rows)

    tier_table(source, tmp_path / "table", AS_OF)
    jobs.tier_file(csv_file, tmp_path / "file", AS_OF)
    maybe = make_table("sqlite", columns, [*rows, ("a7", "Gulf", "maybe")])
    with pytest.raises(SourceError) as refused:
        tier_table(maybe, tmp_path / "refused", AS_OF)

    tiered = _tiers(tmp_path / "table")
    assert tiered == _tiers(tmp_path / "file")
    assert [row["total"] > 0 for row in tiered] == [True, True] + [False] * 4
    assert str(refused.value).endswith(
        "accounts: 'exec_access' (exec_access) is not a yes/no value for "
        f"account(s) 'a7' ('maybe'). Fix: {NUMBER_FIX}; nothing was scored"
    )


@pytest.mark.mariadb
def test_a_mariadb_bit_1_column_is_read_as_yes_no(
    make_table: MakeTable, tmp_path: Path
) -> None:
    """BIT(1), a common flag in MySQL and MariaDB, came back as the bytes
    b'\\x00' and b'\\x01', and every account was refused as no yes/no value."""
    rows = [("a1", "Acme", 1), ("a2", "Beta", 0), ("a3", "Core", None)]
    source = make_table("mariadb", {**ACCOUNTS, "exec_sponsor": "BIT(1)"}, rows)
    csv_file = _csv(tmp_path, ["account_id", "name", "exec_sponsor"], rows)

    tier_table(source, tmp_path / "table", AS_OF)
    jobs.tier_file(csv_file, tmp_path / "file", AS_OF)

    assert _tiers(tmp_path / "table") == _tiers(tmp_path / "file")
