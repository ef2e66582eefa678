"""Salesforce ids in a ``--source`` table keyed as the cell reader keys them.

The cell reader reads an id column whose every value looks like a
Salesforce Account id on the 18-character form, and refuses an
18-character id whose suffix does not match; a table is asked the same in
its database's SQL. Each case runs on a DuckDB file, a SQLite file,
PostgreSQL and MariaDB (whose default collation ignores case), beside the
cell reader reading the same values from a Parquet file, which keeps an
empty value apart from a missing one as a table does.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlglot import exp
from tests.databases import DATABASES, table_maker

from tierwise.engine.backends.database import (
    attach_duckdb_file,
    connect,
    mapped_in_database,
    mapped_in_duckdb,
    spoken_by,
)
from tierwise.engine.run import open_connection
from tierwise.errors import SourceError
from tierwise.jobs import explain_accounts
from tierwise.model.fields import FieldKind
from tierwise.sources import ImportReport, load_preset, read_accounts
from tierwise.sources.columns import salesforce_note
from tierwise.sources.database import TableSource, parse_source
from tierwise.sources.mapping import ColumnMapping, load_mapping_file
from tierwise.sources.salesforce_ids import ACCOUNT_ID, suffix_of, to_18
from tierwise.sources.table_salesforce import ANY_ID, id_shape, to_18_sql
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
ACME, BOLT = "001A000001xYzAb", "001A000001XyZaB"
ACME_18, BOLT_18 = "001A000001xYzAbIAK", "001A000001XyZaBIAV"
# Acme's first fifteen characters with Bolt's suffix: its case was changed.
WRONG_18 = "001A000001xYzAbIAV"
OTHER = "001bm00001ZL8U9"
FIELDS = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}
WITH_PARENTS = {**FIELDS, "parent_id": FieldKind.TEXT}

# Text columns in, the --source of a table ``accounts`` holding them out.
MakeTextTable = Callable[[str, Mapping[str, list[Any]]], str]


@pytest.fixture
def make_table(tmp_path: Path) -> Iterator[MakeTextTable]:
    """Create ``accounts`` from columns of values, TEXT or BIGINT by their
    first value."""
    with table_maker(tmp_path, "tw_sfids") as make:

        def from_values(database: str, columns: Mapping[str, list[Any]]) -> str:
            types = {
                name: "BIGINT" if isinstance(values[0], int) else "TEXT"
                for name, values in columns.items()
            }
            return make(database, types, list(zip(*columns.values(), strict=True)))

        yield from_values


def _named(columns: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    ids = columns["account_id"]
    return {"name": [f"Account {i}" for i in range(len(ids))], **columns}


def _in_table(
    source_text: str,
    fields: Mapping[str, FieldKind] = FIELDS,
    mapping: ColumnMapping | None = None,
) -> tuple[list[dict[str, Any]], ImportReport]:
    """The accounts the table is read as, by name, and the import report."""
    source = parse_source(source_text)
    mapping = mapping or load_preset("generic")
    if source.path is not None:
        connection = open_connection()
        attached = attach_duckdb_file(connection, source, writable=False)
        select, report = mapped_in_duckdb(connection, attached, fields, mapping)
        table = connection.sql(select.sql(dialect="duckdb")).to_arrow_table()
        return table.sort_by("name").to_pylist(), report
    with connect(source) as database:
        source = spoken_by(database, source)
        select, report = mapped_in_database(database, source, fields, mapping)
        result = database.exec_driver_sql(select.sql(dialect=source.dialect))
        names = list(result.keys())
        found = [dict(zip(names, row, strict=True)) for row in result]
    return sorted(found, key=lambda row: row["name"]), report


def _in_file(
    tmp_path: Path,
    columns: Mapping[str, list[Any]],
    fields: Mapping[str, FieldKind] = FIELDS,
    mapping: ColumnMapping | None = None,
) -> tuple[list[dict[str, Any]], ImportReport]:
    """The same values read by the cell reader from a Parquet file."""
    path = tmp_path / "accounts.parquet"
    pq.write_table(pa.table(columns), path)
    table, report = read_accounts(path, fields, mapping or load_preset("generic"))
    return table.sort_by("name").to_pylist(), report


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize(
    ("written", "keyed"),
    [
        pytest.param([ACME, BOLT], [ACME_18, BOLT_18], id="fifteen-case-kept"),
        pytest.param([ACME, BOLT_18], [ACME_18, BOLT_18], id="mixed-15-and-18"),
        pytest.param(
            [f" {ACME}\u00a0", None, BOLT], [ACME_18, BOLT_18], id="padded-and-null"
        ),
        pytest.param([ACME, "acme-1"], [ACME, "acme-1"], id="a-value-not-an-id"),
        pytest.param([ACME, ""], [ACME], id="an-empty-value-is-not-an-id"),
        pytest.param([ACME, ACME[:14]], [ACME, ACME[:14]], id="fourteen-characters"),
        pytest.param(
            [ACME, "\u200b" + BOLT], [ACME, BOLT], id="zero-width-space-is-not-stripped"
        ),
        pytest.param(
            [ACME, ACME_18.lower()], [ACME, ACME_18.lower()], id="lowercased-18"
        ),
        pytest.param(
            [ACME, "002A000001xYzAb"], [ACME, "002A000001xYzAb"], id="not-an-account"
        ),
        pytest.param(
            [ACME, "001A000001xYzAé"], [ACME, "001A000001xYzAé"], id="an-accent"
        ),
        pytest.param(
            [ACME, "\uff10\uff10\uff11A000001xYzAb"],
            [ACME, "\uff10\uff10\uff11A000001xYzAb"],
            id="full-width-digits",
        ),
    ],
)
def test_ids_are_keyed_as_the_cell_reader_keys_them(
    database: str,
    written: list[str | None],
    keyed: list[str],
    make_table: MakeTextTable,
    tmp_path: Path,
) -> None:
    columns = _named({"account_id": written})
    source = make_table(database, columns)

    in_table, _ = _in_table(source)
    in_file, _ = _in_file(tmp_path, columns)

    assert in_table == in_file
    assert [row["account_id"] for row in in_table] == keyed


@pytest.mark.parametrize("database", DATABASES)
def test_parent_ids_are_told_by_the_rows_kept_alone(
    database: str, make_table: MakeTextTable, tmp_path: Path
) -> None:
    # The third row has no id, so its parent, no Salesforce id, is not read
    # and the other parents are extended, as the cell reader does.
    columns = _named(
        {"account_id": [ACME, BOLT, None], "parent_id": [BOLT, None, "holding"]}
    )
    source = make_table(database, columns)

    in_table, _ = _in_table(source, WITH_PARENTS)

    assert in_table == _in_file(tmp_path, columns, WITH_PARENTS)[0]
    assert [row["parent_id"] for row in in_table] == [BOLT_18, None]


@pytest.mark.parametrize("database", DATABASES)
def test_the_report_counts_the_ids_extended_as_the_cell_reader_does(
    database: str, make_table: MakeTextTable, tmp_path: Path
) -> None:
    columns = _named({"account_id": [BOLT_18, ACME, OTHER]})
    source = make_table(database, columns)

    _, report = _in_table(source)
    _, expected = _in_file(tmp_path, columns)

    (tally,) = report.repairs
    assert (tally.field, tally.what, tally.count) == (
        expected.repairs[0].field,
        expected.repairs[0].what,
        2,
    )
    # A table has no row numbers: the example is the first such id met.
    assert tally.example == f"{ACME!r} → {ACME_18!r}"
    assert salesforce_note("account_id", "account_id") in report.notes


@pytest.mark.parametrize("database", DATABASES)
def test_a_wrong_suffix_is_refused_as_in_a_file(
    database: str, make_table: MakeTextTable, tmp_path: Path
) -> None:
    columns = _named({"account_id": [WRONG_18, ACME, BOLT + "IAK", BOLT]})
    source = make_table(database, columns)

    with pytest.raises(SourceError) as refused:
        _in_table(source)
    with pytest.raises(SourceError, match="2 cells in rows 1 and 3"):
        _in_file(tmp_path, columns)

    assert str(refused.value).endswith(
        f"accounts: 'account_id' (account_id): 2 value(s) {BOLT + 'IAK'!r}, "
        f"{WRONG_18!r}; each is not a valid 18-character Salesforce id: its "
        "last three characters do not match the first fifteen (was its case "
        "changed?). Fix: export the ids again from Salesforce; never change "
        "their case; nothing was scored"
    )


@pytest.mark.parametrize("database", DATABASES)
def test_one_id_in_both_forms_is_one_account_repeated(
    database: str, make_table: MakeTextTable
) -> None:
    source = make_table(database, _named({"account_id": [ACME, BOLT, ACME_18]}))

    with pytest.raises(SourceError, match=f"repeat.*: {ACME_18!r} \\(2 rows\\)"):
        _in_table(source)


def _mapping(tmp_path: Path, options: str) -> ColumnMapping:
    (tmp_path / "m.yaml").write_text(
        f"preset: generic\ncolumns:\n  account_id: {{column: account_id, {options}}}\n",
        encoding="utf-8",
    )
    return load_mapping_file(tmp_path / "m.yaml")


@pytest.mark.parametrize("database", DATABASES)
def test_normalise_refuses_a_value_that_is_no_id_as_in_a_file(
    database: str, make_table: MakeTextTable, tmp_path: Path
) -> None:
    columns = _named({"account_id": [ACME, "acme-1"]})
    mapping = _mapping(tmp_path, "normalise: salesforce_id")
    source = make_table(database, columns)

    with pytest.raises(SourceError) as refused:
        _in_table(source, mapping=mapping)
    with pytest.raises(SourceError, match="'acme-1' is not a Salesforce id"):
        _in_file(tmp_path, columns, mapping=mapping)

    assert (
        "'account_id' (account_id): 1 value(s) 'acme-1'; each is not a "
        "Salesforce id (15 or 18 letters and digits). Fix: map the record id "
        "column (Id), or remove `normalise: salesforce_id`; nothing was scored"
    ) in str(refused.value)


@pytest.mark.parametrize("database", DATABASES)
def test_normalise_keys_any_record_id_as_in_a_file(
    database: str, make_table: MakeTextTable, tmp_path: Path
) -> None:
    # Ids of any object, padded or not; written as they are read, or not.
    record = "a0X5e000001AbCd"
    for written in ([ACME, BOLT_18, record], [f" {ACME}", BOLT_18, record]):
        columns = _named({"account_id": written})
        mapping = _mapping(tmp_path, "normalise: salesforce_id")
        source = make_table(database, columns)

        in_table, report = _in_table(source, mapping=mapping)

        assert in_table == _in_file(tmp_path, columns, mapping=mapping)[0]
        assert [row["account_id"] for row in in_table] == [
            ACME_18,
            BOLT_18,
            to_18(record),
        ]
        assert report.repairs[0].count == 2


@pytest.mark.parametrize("database", DATABASES)
def test_an_id_rewritten_by_values_is_extended_as_in_a_file(
    database: str, make_table: MakeTextTable, tmp_path: Path
) -> None:
    # The column is told by its values as written; the rewritten one is
    # then extended, as the cell reader extends it.
    columns = _named({"account_id": [ACME, OTHER]})
    mapping = _mapping(tmp_path, f"values: {{{OTHER}: {BOLT}}}")
    source = make_table(database, columns)

    in_table, _ = _in_table(source, mapping=mapping)

    assert in_table == _in_file(tmp_path, columns, mapping=mapping)[0]
    assert [row["account_id"] for row in in_table] == [ACME_18, BOLT_18]


def _drawn(number: int) -> list[str]:
    """Random ids, their 18-character forms, and near misses."""
    draw = random.Random(18)
    alphabet = string.ascii_letters + string.digits
    ids = ["001" + "".join(draw.choices(alphabet, k=12)) for _ in range(number)]
    edges = ["001AAAAABBBBBCC", "001000000000000", "001zzzz99999ZZZ", "00100a0000zZZZZ"]
    misses = [
        "001A000001xYzA-",
        "001A000001xYzA ",
        "001A000001xYzAÀ",
        "ABCDEABCDEABCDE",
    ]
    return [*edges, *ids, *(to_18(id15) for id15 in [*edges, *ids]), *misses]


@pytest.mark.parametrize("database", DATABASES)
def test_the_shape_and_the_suffix_are_python_s_in_each_database(
    database: str, make_table: MakeTextTable
) -> None:
    values: list[str | None] = list(_drawn(300))
    source = parse_source(make_table(database, {"id": values}))
    text = exp.column("id", quoted=True)

    def query(dialect: str) -> str:
        shaped = [id_shape(text, dialect, account) for account in (True, False)]
        answers = [
            exp.Case(ifs=[exp.If(this=test, true=exp.Literal.number(1))])
            for test in shaped
        ]
        extended = exp.Case(ifs=[exp.If(this=shaped[1], true=to_18_sql(text, dialect))])
        return (
            exp.select(text, *answers, extended)
            .from_(source.table.copy())
            .sql(dialect=dialect)
        )

    found = _rows(source, query)

    expected = []
    for value in values:
        assert value is not None
        shaped = re.fullmatch(ANY_ID, value) is not None
        extended = None
        if shaped:
            extended = value + suffix_of(value) if len(value) == 15 else value
        account = ACCOUNT_ID.fullmatch(value) is not None
        expected.append(
            (value, 1 if account else None, 1 if shaped else None, extended)
        )
    assert sorted(found) == sorted(expected)


def _rows(source: TableSource, query: Callable[[str], str]) -> list[tuple[Any, ...]]:
    if source.path is not None:
        with duckdb.connect(str(source.path)) as connection:
            return [tuple(row) for row in connection.sql(query("duckdb")).fetchall()]
    with connect(source) as database:
        dialect = spoken_by(database, source).dialect
        return [tuple(row) for row in database.exec_driver_sql(query(dialect))]


@pytest.mark.postgres
def test_a_table_run_is_explained_by_a_15_character_id(
    make_table: MakeTextTable, tmp_path: Path
) -> None:
    columns = _named({"account_id": [ACME, BOLT, OTHER]})
    source = make_table("postgres", {**columns, "employees": [900, 40, 7]})
    tier_table(source, tmp_path / "out", AS_OF)

    explained = explain_accounts(tmp_path / "out", [ACME, BOLT_18])

    assert [e.account_id for e in explained] == [ACME_18, BOLT_18]
