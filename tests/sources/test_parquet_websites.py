"""Websites in a Parquet file read in place give the cell reader's domains."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.jobs import tier_file
from tierwise.model import load_model
from tierwise.model.fields import FieldKind
from tierwise.sources import read_accounts
from tierwise.sources.mapping import load_mapping_file
from tierwise.sources.parquet_view import parquet_view

FIELDS = {
    **load_model().read_fields(),
    "domain": FieldKind.TEXT,
    "parent_id": FieldKind.TEXT,
}
IN_PLACE = "read in place by the query (Parquet), without a copy"


def _mapping(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(params=[500_000, 2], ids=["one-chunk", "chunks-of-2"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    # Distinct websites are reduced a chunk at a time; two at a time stands
    # in for half a million.
    from tierwise.sources import parquet_websites

    monkeypatch.setattr(parquet_websites, "CHUNK_VALUES", request.param)


@pytest.mark.usefixtures("chunk")
def test_websites_reduced_in_place_equal_the_cell_reader(tmp_path: Path) -> None:
    websites = [
        "https://www.Acme.example/contact?ref=li",
        "ir.acme.co.uk",
        "  lumen.example\u00a0",
        "https://https://wbd.com",
        "N/A",
        "WWW.Shop.Example.",
        None,
        "",
        "old-name.example",
        "eu.lumen.example",
        "not a website at all",  # on a row without an id: left out, not read
    ]
    count = len(websites)
    ids = [f"a{i}" for i in range(count - 1)] + [None]
    path = tmp_path / "web.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ids,
                "name": [f"N{i}" for i in range(count)],
                "web": websites,
                "parent_id": [None] * (count - 1) + ["a0"],
            }
        ),
        path,
    )
    mapping = load_mapping_file(
        _mapping(
            tmp_path,
            "preset: generic\ncolumns:\n  domain:\n    column: web\n"
            "    normalise: domain\n    missing_values: [n/a]\n"
            "    values: {old-name.example: new-name.example}\n",
        )
    )
    connection = duckdb.connect()

    report = parquet_view(connection, path, FIELDS, mapping)
    table, expected = read_accounts(path, FIELDS, mapping)

    assert report is not None and IN_PLACE in report.notes
    assert report.skipped == expected.skipped
    in_place = connection.sql("SELECT * FROM accounts").to_arrow_table()
    assert in_place.column_names == table.column_names
    assert (
        in_place.sort_by("account_id").to_pylist()
        == table.sort_by("account_id").to_pylist()
    )
    assert table.column("domain").to_pylist()[:4] == [
        "acme.example",
        "acme.co.uk",
        "lumen.example",
        "wbd.com",
    ]


@pytest.mark.usefixtures("chunk")
def test_a_value_that_is_no_website_goes_to_the_cell_reader(tmp_path: Path) -> None:
    path = tmp_path / "web.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["a", "b", "c"],
                "name": ["A", "B", "C"],
                "domain": ["acme.example", "beta.example", "co.uk"],
            }
        ),
        path,
    )
    mapping = load_mapping_file(_mapping(tmp_path, "preset: generic\n"))
    connection = duckdb.connect()

    assert parquet_view(connection, path, FIELDS, mapping) is None
    left = [name for (name,) in connection.sql("SHOW TABLES").fetchall()]
    assert not [name for name in left if name.startswith("tierwise_websites")]
    with pytest.raises(SourceError, match=r"row 3, column 'domain'.*public suffix"):
        read_accounts(path, FIELDS, mapping)


def test_rows_merged_by_website_are_merged_as_from_a_csv(tmp_path: Path) -> None:
    rows = {
        "account_id": ["a", "b", "c"],
        "name": ["Acme", "Acme Inc", "Other"],
        "domain": ["acme.example", "https://www.acme.example/", "other.example"],
    }
    pq.write_table(pa.table(rows), tmp_path / "m.parquet")
    lines = ["account_id,name,domain"] + [
        ",".join(values) for values in zip(*rows.values(), strict=True)
    ]
    (tmp_path / "m.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = load_mapping_file(
        _mapping(tmp_path, "preset: generic\nduplicates: merge\n")
    )

    tiered = {
        name: tier_file(
            tmp_path / name,
            tmp_path / name.replace(".", "-"),
            date(2026, 9, 30),
            mapping=mapping,
        )
        for name in ("m.parquet", "m.csv")
    }

    assert tiered["m.csv"].run.accounts == 2
    assert tiered["m.parquet"].run.accounts == 2
    assert (
        tiered["m.parquet"].run.table().sort_by("account_id").to_pylist()
        == tiered["m.csv"].run.table().sort_by("account_id").to_pylist()
    )


def test_websites_merged_by_a_mapping_but_all_apart_stay_in_place(
    tmp_path: Path,
) -> None:
    path = tmp_path / "apart.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["a", "b"],
                "name": ["A", "B"],
                "domain": ["a.example", "b.example"],
            }
        ),
        path,
    )
    mapping = load_mapping_file(
        _mapping(tmp_path, "preset: generic\nduplicates: merge\n")
    )
    connection = duckdb.connect()

    report = parquet_view(connection, path, load_model().read_fields(), mapping)

    assert report is not None and IN_PLACE in report.notes
    domains = connection.sql("SELECT domain FROM accounts ORDER BY 1").fetchall()
    assert domains == [("a.example",), ("b.example",)]


@pytest.mark.parametrize("field", ["name", "domain", "industry"])
def test_text_read_as_missing_by_the_mapping_is_missing_as_from_a_csv(
    tmp_path: Path, field: str
) -> None:
    # A name of 'N/A' leaves its row out, a domain or an industry of 'N/A'
    # is blank, as the cell reader of a CSV reads them.
    rows = {
        "account_id": ["a", "b"],
        "name": ["A", "B"],
        "domain": ["a.example", "b.example"],
        "industry": ["Software", "Retail"],
    }
    rows[field] = ["N/A", rows[field][1]]
    path = tmp_path / "na.parquet"
    pq.write_table(pa.table(rows), path)
    mapping = load_mapping_file(
        _mapping(
            tmp_path,
            f"preset: generic\ncolumns:\n  {field}:\n    column: {field}\n"
            + ("    normalise: domain\n" if field == "domain" else "")
            + "    missing_values: [n/a]\n",
        )
    )
    connection = duckdb.connect()

    report = parquet_view(connection, path, FIELDS, mapping)
    table, _ = read_accounts(path, FIELDS, mapping)

    # Websites honour missing_values in place; other text is left to the
    # cell reader.
    assert (report is not None) == (field == "domain")
    in_place = (
        connection.sql("SELECT * FROM accounts").to_arrow_table()
        if report is not None
        else table
    )
    assert (
        in_place.sort_by("account_id").to_pylist()
        == table.sort_by("account_id").to_pylist()
    )
