"""read_accounts: presets, typing, skipping, refusing, reporting."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import (
    ColumnMapping,
    ColumnSpec,
    load_mapping_file,
    load_preset,
    read_accounts,
)

WriteFile = Callable[..., Path]

ID_AND_NAME = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}

SALESFORCE = (
    "Id,IsDeleted,Name,ParentId,Website,Industry,AnnualRevenue,"
    "NumberOfEmployees,BillingCountry\n"
    "001A000001xYzAbIAK,FALSE,Edge Communications,,http://edgecomm.example,"
    "Electronics,139000000,1000,US\n"
    "001A000001XyZaB,FALSE,Edge UK,001A000001xYzAb,www.edgecomm.example/uk,"
    "Electronics,,,GB\n"
)

HUBSPOT = (
    "Record ID,Company name,Company Domain Name,Industry,Annual Revenue,"
    "Number of Employees,Country/Region,Parent Company\n"
    "9001,Fjordline Analytics,fjordline.example,Computer Software,2500000,"
    "40,Norway,\n"
)


def test_salesforce_preset_reads_account_export(
    write_file: WriteFile, canonical: dict[str, FieldKind]
) -> None:
    path = write_file("Account.csv", SALESFORCE)

    table, report = read_accounts(path, canonical, load_preset("salesforce"))

    assert table.to_pylist() == [
        {
            "account_id": "001A000001xYzAbIAK",
            "name": "Edge Communications",
            "domain": "edgecomm.example",
            "parent_id": None,
            "industry": "Electronics",
            "country": "US",
            "employees": 1000.0,
            "annual_revenue": 139000000.0,
        },
        {
            "account_id": "001A000001XyZaBIAV",
            "name": "Edge UK",
            "domain": "edgecomm.example",
            "parent_id": "001A000001xYzAbIAK",
            "industry": "Electronics",
            "country": "GB",
            "employees": None,
            "annual_revenue": None,
        },
    ]
    assert report.mapped["domain"] == "Website"
    assert [flag.reason for flag in report.flags] == [
        "shares its website with row 2; kept as a separate account"
    ]


def test_hubspot_preset_reads_company_export(
    write_file: WriteFile, canonical: dict[str, FieldKind]
) -> None:
    path = write_file("hubspot-companies.csv", HUBSPOT)

    table, report = read_accounts(path, canonical, load_preset("hubspot"))

    assert table.to_pylist()[0] == {
        "account_id": "9001",
        "name": "Fjordline Analytics",
        "domain": "fjordline.example",
        "parent_id": None,
        "industry": "Computer Software",
        "country": "Norway",
        "employees": 40.0,
        "annual_revenue": 2500000.0,
    }
    assert report.mapped["parent_id"] == "Parent Company"


def test_generic_preset_reads_own_names_and_custom_fields(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "generic.csv",
        "ACCOUNT_ID,Name,Domain,Segment,Champion_Identified,Last_Engagement_Date\n"
        "a-1,Acme,https://www.acme.example,enterprise,yes,2025-03-01\n",
    )
    fields = {
        **ID_AND_NAME,
        "domain": FieldKind.TEXT,
        "segment": FieldKind.TEXT,
        "champion_identified": FieldKind.BOOLEAN,
        "last_engagement_date": FieldKind.DATE,
    }

    table, _ = read_accounts(path, fields, load_preset("generic"))

    assert table.to_pylist() == [
        {
            "account_id": "a-1",
            "name": "Acme",
            "domain": "acme.example",
            "segment": "enterprise",
            "champion_identified": True,
            "last_engagement_date": date(2025, 3, 1),
        }
    ]


def test_columns_are_typed_by_field_kind(write_file: WriteFile) -> None:
    path = write_file(
        "t.csv", "account_id,name,employees,exec_sponsor,d\n1,A,5,y,2025-01-02\n"
    )
    fields = {
        **ID_AND_NAME,
        "employees": FieldKind.NUMBER,
        "exec_sponsor": FieldKind.BOOLEAN,
        "d": FieldKind.DATE,
    }

    table, _ = read_accounts(path, fields, load_preset("generic"))

    assert table.schema == pa.schema(
        [
            ("account_id", pa.string()),
            ("name", pa.string()),
            ("employees", pa.float64()),
            ("exec_sponsor", pa.bool_()),
            ("d", pa.date32()),
        ]
    )


def test_blank_cells_are_null_never_zero_or_false(write_file: WriteFile) -> None:
    path = write_file("blank.csv", "account_id,name,employees,exec_sponsor\n1,A,,\n")
    fields = {
        **ID_AND_NAME,
        "employees": FieldKind.NUMBER,
        "exec_sponsor": FieldKind.BOOLEAN,
    }

    table, _ = read_accounts(path, fields, load_preset("generic"))

    assert table.to_pylist() == [
        {"account_id": "1", "name": "A", "employees": None, "exec_sponsor": None}
    ]


def test_fields_the_file_lacks_are_absent_not_empty_columns(
    write_file: WriteFile, canonical: dict[str, FieldKind]
) -> None:
    path = write_file("few.csv", "account_id,name,industry\n1,A,Retail\n")

    table, report = read_accounts(path, canonical, load_preset("generic"))

    assert table.column_names == ["account_id", "name", "industry"]
    assert report.absent_fields == [
        field for field in canonical if field not in ("account_id", "name", "industry")
    ]


def test_country_code_na_stays_namibia(write_file: WriteFile) -> None:
    path = write_file(
        "na.csv",
        "Account Name,Country,Region,Industry\n"
        "Etosha Mining Supplies,NA,EMEA,Mining\n"
        "Northgate Services,US,NA,Consulting\n"
        "Nullarbor Freight,AU,APAC,N/A\n",
    )
    fields = {
        **ID_AND_NAME,
        "country": FieldKind.TEXT,
        "region": FieldKind.TEXT,
        "industry": FieldKind.TEXT,
    }
    columns = ColumnMapping(
        "test",
        {
            "account_id": ColumnSpec("Account Name"),
            "name": ColumnSpec("Account Name"),
            "country": ColumnSpec("Country"),
            "region": ColumnSpec("Region"),
            "industry": ColumnSpec("Industry"),
        },
    )

    table, _ = read_accounts(path, fields, columns)

    assert table.column("country").to_pylist() == ["NA", "US", "AU"]
    assert table.column("region").to_pylist() == ["EMEA", "NA", "APAC"]
    assert table.column("industry").to_pylist() == ["Mining", "Consulting", "N/A"]


def test_user_mapping_rewrites_values_and_multiplies(write_file: WriteFile) -> None:
    data = write_file(
        "maven.csv",
        "account,sector,revenue\nAcme,Technolgy,1100.04\nBeta,N/A,0.1\n",
    )
    spec = write_file(
        "maven.yaml",
        "columns:\n"
        "  account_id: account\n"
        "  name: account\n"
        "  industry:\n"
        "    column: sector\n"
        "    values: {technolgy: technology, n/a: ''}\n"
        "  annual_revenue: {column: revenue, multiply: 1000000}\n",
    )
    fields = {
        **ID_AND_NAME,
        "industry": FieldKind.TEXT,
        "annual_revenue": FieldKind.NUMBER,
    }

    table, report = read_accounts(data, fields, load_mapping_file(spec))

    assert table.column("industry").to_pylist() == ["technology", None]
    assert table.column("annual_revenue").to_pylist() == [1100040000.0, 100000.0]
    assert report.notes == [
        "industry ('sector'): 2 value(s) rewritten by the mapping's `values:`, "
        "e.g. row 2: 'Technolgy' → 'technology'"
    ]


def test_missing_id_column_lists_headers_and_closest(write_file: WriteFile) -> None:
    path = write_file("accounts.csv", "account,sector,revenue\nAcme,tech,1\n")

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, load_preset("salesforce"))

    assert str(caught.value).splitlines() == [
        "accounts.csv: no column for account_id or name; nothing was imported.",
        "  account_id: looked for 'Id' (mapping salesforce); closest headers: "
        "'account'",
        "  name: looked for 'Name' (mapping salesforce); closest headers: 'account'",
        "  Headers read: 'account', 'sector', 'revenue'",
        "  Fix: add `account_id: <header>` and `name: <header>` under `columns:` "
        "in a mapping file, or choose another preset (salesforce, hubspot, "
        "generic)",
    ]


def test_a_mapping_file_without_a_preset_is_told_to_start_from_one(
    write_file: WriteFile,
) -> None:
    # A mapping file naming only signal file headers starts from no preset,
    # so account_id and name were not found under their own names, and the
    # closest header offered was the exact one.
    path = write_file("accounts.csv", "account_id,name\na1,Acme\n")
    spec = write_file("mapping.yaml", "signals:\n  activity: {timestamp: when}\n")

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, load_mapping_file(spec))

    said = str(caught.value).splitlines()
    assert said[-1] == (
        f"  {spec} finds no field under its own name (here 'account_id', "
        "'name'): add `own_names: true` to it, or start it from "
        "`preset: generic`, which sets it"
    )


def test_a_preset_is_not_told_to_start_from_one(write_file: WriteFile) -> None:
    path = write_file("accounts.csv", "account_id,name\na1,Acme\n")

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, load_preset("salesforce"))

    assert "own_names" not in str(caught.value)


def test_a_crm_export_without_a_mapping_is_told_its_id_and_name_headers(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "accounts.csv",
        "Account Owner,Account Name,Account ID,Website\nAda,Acme,001A,acme.example\n",
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, load_preset("generic"))

    assert str(caught.value).splitlines()[1:3] == [
        "  account_id: looked for 'account_id' (mapping generic); closest "
        "headers: 'Account ID', 'Account Name', 'Account Owner'",
        "  name: looked for 'name' (mapping generic); closest headers: 'Account Name'",
    ]


@pytest.mark.parametrize(
    ("header", "field", "wanted"),
    [
        pytest.param("Company Name", "name", "name", id="name-last-word"),
        pytest.param("AccountName", "name", "name", id="camel-case"),
        pytest.param("account_name", "name", "name", id="snake-case"),
        pytest.param("Record ID", "account_id", "account_id", id="id-last-word"),
        pytest.param("Firma Name", "name", "Firmenname", id="mapped-header-absent"),
    ],
)
def test_a_header_holding_the_fields_last_word_is_suggested(
    write_file: WriteFile, header: str, field: str, wanted: str
) -> None:
    path = write_file("accounts.csv", f"Notes,{header},Website\nx,Acme,a.example\n")
    other = "name" if field == "account_id" else "account_id"
    mapping = ColumnMapping(
        "test", {field: ColumnSpec(wanted), other: ColumnSpec("Notes")}
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, mapping)

    assert f"closest headers: {header!r}" in str(caught.value)


def test_check_on_a_crm_export_names_the_name_header(
    write_file: WriteFile,
) -> None:
    from typer.testing import CliRunner

    from tierwise.cli import app

    path = write_file(
        "accounts.csv", "Account ID,Account Name,Website\n001A,Acme,acme.example\n"
    )

    result = CliRunner().invoke(app, ["check", str(path)])

    assert result.exit_code == 2
    assert "name: looked for 'name' (mapping generic); closest headers: " in (
        result.output
    )
    assert "closest headers: none" not in result.output


def test_bad_numbers_are_all_listed_with_row_column_and_value(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "rev.csv",
        "Account Name,Annual Revenue,Employees\n"
        "Sable Ridge,$1.2M,10\n"
        "Petrel Systems,< $1M,lots\n"
        "Umber,1.2.3,5\n",
    )
    fields = {
        **ID_AND_NAME,
        "annual_revenue": FieldKind.NUMBER,
        "employees": FieldKind.NUMBER,
    }
    columns = ColumnMapping(
        "test",
        {
            "account_id": ColumnSpec("Account Name"),
            "name": ColumnSpec("Account Name"),
            "annual_revenue": ColumnSpec("Annual Revenue"),
            "employees": ColumnSpec("Employees"),
        },
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, fields, columns)

    assert str(caught.value).splitlines()[:4] == [
        "rev.csv: 2 cell(s) cannot be read; nothing was imported.",
        "  row 4, column 'Annual Revenue' (annual_revenue): '1.2.3' is not a number",
        "  row 3, column 'Employees' (employees): 'lots' is not a number",
        "Per column: 'Annual Revenue' (annual_revenue) 1, 'Employees' (employees) 1",
    ]


def test_rows_without_id_or_name_are_skipped_with_a_reason(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "holes.csv",
        "account_id,name,employees\nA1,Acme,1\n,Nameless id,2\nC3, ,3\n,,4\n",
    )
    fields = {**ID_AND_NAME, "employees": FieldKind.NUMBER}

    table, report = read_accounts(path, fields, load_preset("generic"))

    assert table.column("employees").to_pylist() == [1.0]
    assert report.skipped == [
        (3, "blank account_id"),
        (4, "blank name"),
        (5, "blank account_id and name"),
    ]
    assert report.rows_read == report.rows_used + len(report.skipped) == 4


def test_bad_cells_on_skipped_rows_do_not_stop_the_import(
    write_file: WriteFile,
) -> None:
    path = write_file("skip.csv", "account_id,name,employees\nA1,Acme,1\n,,lots\n")
    fields = {**ID_AND_NAME, "employees": FieldKind.NUMBER}

    table, _ = read_accounts(path, fields, load_preset("generic"))

    assert table.num_rows == 1


def test_option_for_another_kind_is_refused(write_file: WriteFile) -> None:
    path = write_file("o.csv", "account_id,name\n1,A\n")
    columns = ColumnMapping(
        "m.yaml",
        {
            "account_id": ColumnSpec("account_id"),
            "name": ColumnSpec("name", multiply=None, date_format="%Y"),
        },
    )

    with pytest.raises(SourceError, match="name is a text field, but `date_format:`"):
        read_accounts(path, ID_AND_NAME, columns)


def test_misspelt_mapped_header_is_noted(write_file: WriteFile) -> None:
    path = write_file("n.csv", "account_id,name,Employees Count\n1,A,3\n")
    columns = ColumnMapping(
        "m.yaml",
        {
            "account_id": ColumnSpec("account_id"),
            "name": ColumnSpec("name"),
            "employees": ColumnSpec("Employee Count"),
        },
    )

    _, report = read_accounts(
        path, {**ID_AND_NAME, "employees": FieldKind.NUMBER}, columns
    )

    assert report.absent_fields == ["employees"]
    assert report.notes == [
        "employees: no header 'Employee Count', so the field is absent; did you "
        "mean 'Employees Count'?"
    ]


def test_repeated_mapped_header_is_refused(write_file: WriteFile) -> None:
    path = write_file("r.csv", "account_id,name,Name\n1,A,B\n")

    with pytest.raises(SourceError, match=r"'name' \(columns 2, 3\) for name"):
        read_accounts(path, ID_AND_NAME, load_preset("generic"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("accounts.xls", r"save it as \.xlsx", id="old-excel"),
        pytest.param("accounts.json", "tierwise reads .csv", id="unknown-suffix"),
    ],
)
def test_unsupported_files_are_refused(
    write_file: WriteFile, name: str, message: str
) -> None:
    path = write_file(name, "x")

    with pytest.raises(SourceError, match=message):
        read_accounts(path, ID_AND_NAME, load_preset("generic"))


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"gone\.csv: no such file"):
        read_accounts(tmp_path / "gone.csv", ID_AND_NAME, load_preset("generic"))


def test_fields_must_include_id_and_name(write_file: WriteFile) -> None:
    path = write_file("f.csv", "account_id,name\n1,A\n")

    with pytest.raises(ValueError, match="fields must include name"):
        read_accounts(path, {"account_id": FieldKind.TEXT}, load_preset("generic"))


def test_one_info_line_per_read(
    write_file: WriteFile, caplog: pytest.LogCaptureFixture
) -> None:
    path = write_file("log.csv", "account_id,name\n1,A\n")

    with caplog.at_level(logging.INFO, logger="tierwise.sources"):
        read_accounts(path, ID_AND_NAME, load_preset("generic"))

    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 1
    assert messages[0].startswith(
        "read log.csv: 1 rows, 1 used, 0 skipped, 2 fields in "
    )


def test_missing_id_alone_suggests_mapping_the_name_header_to_both(
    write_file: WriteFile,
) -> None:
    path = write_file("companies.csv", "name,sector\nAcme,tech\n")

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, load_preset("generic"))

    lines = str(caught.value).splitlines()
    assert lines[0] == (
        "companies.csv: no column for account_id; nothing was imported."
    )
    assert lines[-1] == (
        "  A file without a separate account_id column may map one header to "
        "both: `account_id: <header>` beside `name: <header>`"
    )
