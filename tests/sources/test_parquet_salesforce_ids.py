"""A Parquet file of Salesforce ids read in place keys them as a CSV file does.

The cell reader reads an id column whose every value looks like a
Salesforce account id (001 and twelve more) on the 18-character form; the
in-place view asks the same of the file in SQL and must give the same
accounts, whatever the mix of values.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.jobs import explain_accounts, tier_file
from tierwise.model.fields import FieldKind
from tierwise.sources import load_preset, read_accounts
from tierwise.sources import parquet_view as module
from tierwise.sources.columns import salesforce_note
from tierwise.sources.mapping import load_mapping_file
from tierwise.sources.parquet_salesforce import to_18_sql
from tierwise.sources.parquet_view import parquet_view
from tierwise.sources.salesforce_ids import to_18

AS_OF = date(2026, 9, 30)
ACME, BOLT = "001A000001xYzAb", "001A000001XyZaB"
ACME_18, BOLT_18 = "001A000001xYzAbIAK", "001A000001XyZaBIAV"
# Acme's first fifteen characters with Bolt's suffix: its case was changed.
WRONG_18 = "001A000001xYzAbIAV"
OTHER = "001bm00001ZL8U9"
FIELDS = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}
WITH_PARENTS = {**FIELDS, "parent_id": FieldKind.TEXT}


def _write(path: Path, columns: Mapping[str, list[str | None]]) -> Path:
    names = [f"Account {i}" for i in range(len(columns["account_id"]))]
    pq.write_table(pa.table({"name": names, **columns}), path)
    return path


def _in_place(
    path: Path, fields: Mapping[str, FieldKind] = FIELDS
) -> list[dict[str, object]]:
    connection = duckdb.connect()
    report = parquet_view(connection, path, fields, load_preset("generic"))
    assert report is not None, "read by the cell reader, not in place"
    rows = connection.sql("SELECT * FROM accounts ORDER BY name").to_arrow_table()
    return rows.to_pylist()


def _cell_reader(
    path: Path, fields: Mapping[str, FieldKind] = FIELDS
) -> list[dict[str, object]]:
    table, _ = read_accounts(path, fields, load_preset("generic"))
    return table.sort_by("name").to_pylist()


def test_a_parquet_file_keys_salesforce_ids_as_a_csv_file(tmp_path: Path) -> None:
    accounts = pa.table(
        {
            "account_id": [ACME, BOLT],
            "name": ["Acme", "Bolt"],
            "employees": [900, 40],
        }
    )
    pq.write_table(accounts, tmp_path / "accounts.parquet")
    pa_csv.write_csv(accounts, tmp_path / "accounts.csv")
    ids = {}
    for name in ("accounts.parquet", "accounts.csv"):
        out = tmp_path / f"out-{name}"
        tier_file(tmp_path / name, out, AS_OF)
        results = pq.read_table(out / "tiers.parquet", columns=["account_id"])
        ids[name] = sorted(results.column("account_id").to_pylist())

    assert ids["accounts.parquet"] == ids["accounts.csv"] == [BOLT_18, ACME_18]


def test_the_query_extends_ids_as_python_does() -> None:
    letters = random.Random(18)
    alphabet = string.ascii_letters + string.digits
    drawn = ["".join(letters.choices(alphabet, k=15)) for _ in range(5000)]
    edges = ["ABCDEABCDEABCDE", "001000000000000", "zzzzz99999ZZZZZ", "Z0000a0000zZZZZ"]
    ids = [*edges, *drawn, *(to_18(id15) for id15 in edges)]

    extended = duckdb.connect().execute(
        f"SELECT {to_18_sql('id')} FROM (SELECT unnest(?::VARCHAR[]) AS id)", [ids]
    )

    assert [row[0] for row in extended.fetchall()] == [to_18(id15) for id15 in ids]


@pytest.mark.parametrize(
    ("written", "keyed"),
    [
        pytest.param([ACME, BOLT], [ACME_18, BOLT_18], id="fifteen-case-kept"),
        pytest.param([ACME, BOLT_18], [ACME_18, BOLT_18], id="mixed-15-and-18"),
        pytest.param(
            [f" {ACME}\u00a0", None], [ACME_18, None], id="padded-and-null-extended"
        ),
        pytest.param([ACME, "acme-1"], [ACME, "acme-1"], id="a-value-not-an-id"),
        pytest.param([ACME, ""], [ACME, None], id="an-empty-value-is-not-an-id"),
        pytest.param(
            [ACME, "001A000001xYzA"], [ACME, "001A000001xYzA"], id="fourteen-characters"
        ),
        pytest.param(
            [ACME, "\u200b" + BOLT], [ACME, BOLT], id="zero-width-space-is-not-stripped"
        ),
        pytest.param(
            [ACME, ACME_18.lower()], [ACME, ACME_18.lower()], id="lowercased-18"
        ),
        pytest.param(
            [ACME, "002A000001xYzAb"], [ACME, "002A000001xYzAb"], id="not-an-account"
        ),
    ],
)
def test_ids_are_keyed_in_place_as_the_cell_reader_keys_them(
    tmp_path: Path, written: list[str | None], keyed: list[str | None]
) -> None:
    path = _write(tmp_path / "ids.parquet", {"account_id": written})

    in_place = _in_place(path)

    assert in_place == _cell_reader(path)
    assert [row["account_id"] for row in in_place] == [i for i in keyed if i]


def test_parent_ids_are_told_by_the_rows_kept_alone(tmp_path: Path) -> None:
    # The third row has no id, so its parent, no Salesforce id, is not read
    # and the other parents are extended, as the cell reader does.
    path = _write(
        tmp_path / "parents.parquet",
        {"account_id": [ACME, BOLT, None], "parent_id": [BOLT, None, "holding"]},
    )

    in_place = _in_place(path, WITH_PARENTS)

    assert in_place == _cell_reader(path, WITH_PARENTS)
    assert [row["parent_id"] for row in in_place] == [BOLT_18, None]


def test_the_report_counts_the_ids_extended_as_the_cell_reader_does(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path / "ids.parquet", {"account_id": [BOLT_18, ACME, OTHER]})
    connection = duckdb.connect()

    report = parquet_view(connection, path, FIELDS, load_preset("generic"))
    _, expected = read_accounts(path, FIELDS, load_preset("generic"))

    assert report is not None
    assert report.repairs == expected.repairs
    assert report.repairs[0].count == 2
    assert report.repairs[0].example == f"row 2: {ACME!r} → {ACME_18!r}"
    assert salesforce_note("account_id", "account_id") in report.notes


def test_a_wrong_suffix_goes_to_the_cell_reader_which_refuses_it(
    tmp_path: Path,
) -> None:
    path = _write(tmp_path / "ids.parquet", {"account_id": [ACME, WRONG_18]})

    assert parquet_view(duckdb.connect(), path, FIELDS, load_preset("generic")) is None
    with pytest.raises(SourceError, match=r"row 2.*do not match the first fifteen"):
        read_accounts(path, FIELDS, load_preset("generic"))


def test_a_wrong_suffix_in_a_large_file_is_refused_in_place_in_the_same_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(
        tmp_path / "ids.parquet",
        {"account_id": [WRONG_18, ACME, BOLT + "IAK", BOLT, WRONG_18]},
    )
    with pytest.raises(SourceError) as expected:
        read_accounts(path, FIELDS, load_preset("generic"))
    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 2)

    with pytest.raises(SourceError) as refused:
        parquet_view(duckdb.connect(), path, FIELDS, load_preset("generic"))

    assert str(refused.value) == str(expected.value)
    assert "3 cells in rows 1, 3 and 5" in str(refused.value)


def test_one_id_in_both_forms_in_a_large_file_is_merged_as_the_cell_reader_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "twice.parquet"
    pq.write_table(
        pa.table({"account_id": [ACME, ACME_18, BOLT], "name": ["Acme"] * 2 + ["B"]}),
        path,
    )
    table, expected = read_accounts(path, FIELDS, load_preset("generic"))
    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 2)
    connection = duckdb.connect()

    report = parquet_view(connection, path, FIELDS, load_preset("generic"))

    assert report is not None
    assert report.merges == expected.merges
    in_place = connection.sql("SELECT * FROM accounts ORDER BY name").to_arrow_table()
    assert in_place.to_pylist() == table.sort_by("name").to_pylist()


def test_ids_rewritten_by_values_go_to_the_cell_reader(tmp_path: Path) -> None:
    # The column is told by its values as written, and the rewritten ones
    # must then be ids too: the cell reader refuses the one rewritten to 'acme'.
    path = _write(tmp_path / "ids.parquet", {"account_id": [ACME, OTHER]})
    (tmp_path / "m.yaml").write_text(
        "preset: generic\ncolumns:\n"
        f"  account_id: {{column: account_id, values: {{{OTHER}: acme}}}}\n",
        encoding="utf-8",
    )
    mapping = load_mapping_file(tmp_path / "m.yaml")

    assert parquet_view(duckdb.connect(), path, FIELDS, mapping) is None
    with pytest.raises(SourceError, match=f"row 2.*'{OTHER}' is not a Salesforce id"):
        read_accounts(path, FIELDS, mapping)


def test_explaining_a_large_file_finds_an_id_by_either_form(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "ids.parquet", {"account_id": [ACME, BOLT, OTHER]})
    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 2)
    out = tmp_path / "out"
    tier_file(path, out, AS_OF)

    explained = explain_accounts(out, [ACME, BOLT_18])

    assert [e.account_id for e in explained] == [ACME_18, BOLT_18]
