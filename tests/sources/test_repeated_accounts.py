"""read_accounts on repeated account ids: merged when the rows agree as
scoring sees them, refused naming the rows when they really differ."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import ColumnMapping, ColumnSpec, load_preset, read_accounts

WriteFile = Callable[..., Path]

ID_AND_NAME = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}


def test_duplicate_ids_name_the_rows(write_file: WriteFile) -> None:
    path = write_file("dup.csv", "account_id,name\nA1,Acme\nB2,Beta\nA1,Acme again\n")

    with pytest.raises(SourceError, match=r"(?s)1 account_id value.*'A1': rows 2, 4"):
        read_accounts(path, ID_AND_NAME, load_preset("generic"))


FIRMOGRAPHICS = {
    **ID_AND_NAME,
    "industry": FieldKind.TEXT,
    "country": FieldKind.TEXT,
    "relationship_strength": FieldKind.TEXT,
    "employees": FieldKind.NUMBER,
}


def test_repeated_rows_differing_only_in_case_merge_keeping_the_first(
    write_file: WriteFile,
) -> None:
    # Scoring matches these text fields without case or surrounding spaces,
    # so the two rows are one account to it; the first spelling is kept.
    path = write_file(
        "dup.csv",
        "account_id,name,industry,country,relationship_strength,employees\n"
        "A1,Acme,Education,NL,Strong,10\n"
        'A1,Acme,EDUCATION,nl," strong ",10\n'
        "B2,Beta,Retail,DE,,5\n",
    )

    table, report = read_accounts(path, FIRMOGRAPHICS, load_preset("generic"))

    assert table.select(["account_id", "industry", "country"]).to_pylist() == [
        {"account_id": "A1", "industry": "Education", "country": "NL"},
        {"account_id": "B2", "industry": "Retail", "country": "DE"},
    ]
    assert table.column("relationship_strength").to_pylist() == ["Strong", None]
    assert report.skipped == [(3, "merged into row 2 (same account_id A1)")]
    assert [(m.kept_row, m.rows, m.conflicts) for m in report.merges] == [(2, [3], [])]


def test_rows_differing_only_in_a_dotted_capital_i_merge_as_scoring_sees_them(
    write_file: WriteFile,
) -> None:
    # Python lower-cases "İ" to "i" and a combining dot; the engine's LOWER
    # to "i", so scoring takes İstanbul and ISTANBUL for one industry.
    path = write_file(
        "dup.csv",
        "account_id,name,industry,country,relationship_strength,employees\n"
        "A1,Acme,İstanbul,NL,Strong,10\n"
        "A1,Acme,ISTANBUL,NL,Strong,10\n",
    )

    table, report = read_accounts(path, FIRMOGRAPHICS, load_preset("generic"))

    assert table.column("industry").to_pylist() == ["İstanbul"]
    assert report.skipped == [(3, "merged into row 2 (same account_id A1)")]


@pytest.mark.parametrize(
    ("second", "differing"),
    [
        pytest.param("A1,Acme,Education Services,NL,10", "industry", id="text"),
        pytest.param("A1,ACME,Education,NL,10", "name", id="name-keeps-its-case"),
        pytest.param("A1,Acme,Education,NL,11", "employees", id="number"),
    ],
)
def test_repeated_rows_that_really_differ_are_refused_naming_both(
    write_file: WriteFile, second: str, differing: str
) -> None:
    path = write_file(
        "dup.csv",
        "account_id,name,industry,country,employees\n"
        f"A1,Acme,Education,NL,10\n{second}\n",
    )

    refused = rf"(?m)'A1': rows 2, 3 differ in {differing}$"
    with pytest.raises(SourceError, match=refused):
        read_accounts(path, FIRMOGRAPHICS, load_preset("generic"))


def test_a_website_merge_lists_only_values_that_really_differ(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "web.csv",
        "name,website,industry,country\n"
        "Lumen Grid,lumengrid.example,Education,NL\n"
        "LUMEN GRID,https://www.lumengrid.example/,EDUCATION,DE\n",
    )
    mapping = ColumnMapping(
        "test",
        {
            "account_id": ColumnSpec("name"),
            "name": ColumnSpec("name"),
            "domain": ColumnSpec("website", normalise="domain"),
            "industry": ColumnSpec("industry"),
            "country": ColumnSpec("country"),
        },
    )
    fields = {**FIRMOGRAPHICS, "domain": FieldKind.TEXT}

    table, report = read_accounts(path, fields, mapping)

    assert table.column("industry").to_pylist() == ["Education"]
    assert [merge.conflicts for merge in report.merges] == [
        ["name 'Lumen Grid' (row 3: 'LUMEN GRID')", "country 'NL' (row 3: 'DE')"]
    ]


def test_ids_that_differ_in_case_are_two_accounts(write_file: WriteFile) -> None:
    # Salesforce ids are case-sensitive: the id is never matched without case.
    path = write_file("ids.csv", "account_id,name\nAbc,Acme\nabc,Acme\n")

    table, _ = read_accounts(path, ID_AND_NAME, load_preset("generic"))

    assert table.column("account_id").to_pylist() == ["Abc", "abc"]
