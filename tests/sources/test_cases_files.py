"""Cases 1–4 and 19 of shared/cases: how a file is laid out and encoded.

Each case has its own test with the case's sample and variants of the same
kind; the samples are the catalogue's, byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import ColumnMapping, ColumnSpec, read_accounts

WriteFile = Callable[..., Path]

ID_AND_NAME = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}


def mapping(**columns: str) -> ColumnMapping:
    return ColumnMapping(
        "test", {field: ColumnSpec(header) for field, header in columns.items()}
    )


BY_NAME = mapping(account_id="Account Name", name="Account Name")
IDS = mapping(account_id="Account ID", name="Account Name", domain="Website")


# Case 1: a byte-order mark glued to the first header.
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b"\xef\xbb\xbfAccount ID,Account Name,Website\r\n"
            b"0015g00000Q1aBcAAJ,Fjordline Analytics,fjordline.example\r\n",
            id="case-sample-utf8-bom",
        ),
        pytest.param(
            "\ufeffAccount ID,Account Name,Website\r\n"
            "0015g00000Q1aBcAAJ,Fjordline Analytics,fjordline.example\r\n".encode(
                "utf-16"
            ),
            id="utf16-bom-excel-unicode-text",
        ),
        pytest.param(
            b"\xef\xbb\xbf\xe2\x80\x8b Account ID\xc2\xa0,Account Name,Website\n"
            b"0015g00000Q1aBcAAJ,Fjordline Analytics,fjordline.example\n",
            id="bom-then-zero-width-and-nbsp",
        ),
    ],
)
def test_case_01_byte_order_mark(write_file: WriteFile, data: bytes) -> None:
    path = write_file("bom.csv", data)

    table, report = read_accounts(path, {**ID_AND_NAME, "domain": FieldKind.TEXT}, IDS)

    assert table.column("account_id").to_pylist() == ["0015g00000Q1aBcAAJ"]
    assert report.mapped["account_id"] == "Account ID"


def test_case_01_missing_id_column_lists_the_headers_read(
    write_file: WriteFile,
) -> None:
    path = write_file("no-id.csv", b"\xef\xbb\xbfAccount,Account Name\nA1,Acme\n")

    with pytest.raises(SourceError, match=r"Headers read: 'Account', 'Account Name'"):
        read_accounts(path, ID_AND_NAME, IDS)


# Case 2: semicolons, and delimiter sniffing that guesses wrong.
@pytest.mark.parametrize(
    ("text", "segments"),
    [
        pytest.param(
            "Account Name;Industry;Segments\n"
            "Nordlicht Logistik GmbH;Transport;'DACH', 'Enterprise'\n"
            "Brightwater Labs BV;Software;'Benelux', 'Mid-Market'\n",
            ["'DACH', 'Enterprise'", "'Benelux', 'Mid-Market'"],
            id="case-sample",
        ),
        pytest.param(
            "Report: accounts by segment\n"
            "Account Name;Industry;Segments\n"
            "Nordlicht Logistik GmbH;Transport, Logistics;DACH, Enterprise\n"
            "Brightwater Labs BV;Software;Benelux\n",
            ["DACH, Enterprise", "Benelux"],
            id="title-line-and-commas-in-two-columns",
        ),
        pytest.param(
            "Account Name|Industry|Segments\n"
            "Nordlicht Logistik GmbH|Transport; Logistics|DACH, Enterprise\n"
            "Brightwater Labs BV|Software|Benelux\n",
            ["DACH, Enterprise", "Benelux"],
            id="pipes-with-commas-and-semicolons-inside",
        ),
    ],
)
def test_case_02_delimiter_by_consistent_field_counts(
    write_file: WriteFile, text: str, segments: list[str]
) -> None:
    path = write_file("eu.csv", text)
    columns = ColumnMapping(
        "test", {**BY_NAME.columns, "segments": ColumnSpec("Segments")}
    )

    table, report = read_accounts(
        path, {**ID_AND_NAME, "segments": FieldKind.TEXT}, columns
    )

    assert table.column("segments").to_pylist() == segments
    assert report.delimiter in (";", "|")
    assert report.reconciles()


def test_case_02_a_row_of_another_width_is_named_never_shifted(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "shifted.csv",
        "Account Name;Industry;Segments\n"
        "Nordlicht Logistik GmbH;Transport;DACH\n"
        "Brightwater Labs BV;Software;Benelux;extra\n"
        "Cobalt Nord AS;Energy;Nordics\n",
    )

    with pytest.raises(SourceError, match=r"row 3: 4 fields"):
        read_accounts(path, ID_AND_NAME, BY_NAME)


# Case 3: line endings, and line breaks inside quoted fields.
STREET = (
    '"Account Name","Billing Street","Industry"\n'
    '"Harborview Foods Ltd","Unit 4\nDock Road","Food & Beverage"\n'
    '"Quillstone Media","12 Paper Lane","Media"\n'
)


@pytest.mark.parametrize(
    ("ending", "inner"),
    [
        pytest.param("\n", "\n", id="case-sample-lf"),
        pytest.param("\r\n", "\r\n", id="crlf"),
        pytest.param("\r", "\r", id="cr-only-as-classic-mac"),
        pytest.param("\r\n", "\n", id="crlf-file-lf-inside-quotes"),
    ],
)
def test_case_03_line_endings_and_quoted_breaks(
    write_file: WriteFile, ending: str, inner: str
) -> None:
    text = STREET.replace("Unit 4\n", "Unit 4\0").replace("\n", ending)
    path = write_file("street.csv", text.replace("\0", inner))
    columns = ColumnMapping(
        "test", {**BY_NAME.columns, "street": ColumnSpec("Billing Street")}
    )

    table, report = read_accounts(
        path, {**ID_AND_NAME, "street": FieldKind.TEXT}, columns
    )

    assert table.column("street").to_pylist() == ["Unit 4\nDock Road", "12 Paper Lane"]
    assert (report.rows_read, report.rows_used) == (2, 2)


# Case 4: report exports with title, total and footer rows.
FOOTER_SAMPLE = (
    '"Account Name","Annual Revenue","Industry"\n'
    '"Orchid Bay Software","1200000","Software"\n'
    '"Pinegate Robotics","5400000","Manufacturing"\n'
    "\n"
    '"Grand Totals (2 records)","6600000",""\n'
    '"Internal report - do not distribute"\n'
    '"Generated by CRM. All rights reserved."\n'
)
REVENUE = {**ID_AND_NAME, "annual_revenue": FieldKind.NUMBER}
REVENUE_MAPPING = ColumnMapping(
    "test", {**BY_NAME.columns, "annual_revenue": ColumnSpec("Annual Revenue")}
)


@pytest.mark.parametrize(
    ("text", "skipped"),
    [
        pytest.param(
            FOOTER_SAMPLE,
            [
                (4, "blank row"),
                (5, "total row"),
                (6, "footer below the data"),
                (7, "footer below the data"),
            ],
            id="case-sample",
        ),
        pytest.param(
            '"Accounts by revenue"\n"Filtered by: Owner = me"\n\n' + FOOTER_SAMPLE,
            [
                (1, "title above the header"),
                (2, "title above the header"),
                (7, "blank row"),
                (8, "total row"),
                (9, "footer below the data"),
                (10, "footer below the data"),
            ],
            id="title-block-above-the-header",
        ),
        pytest.param(
            FOOTER_SAMPLE.replace("\n\n", "\nTotal,6600000,\n\n"),
            [
                (4, "total row"),
                (5, "blank row"),
                (6, "total row"),
                (7, "footer below the data"),
                (8, "footer below the data"),
            ],
            id="total-right-below-the-data",
        ),
    ],
)
def test_case_04_title_total_and_footer_rows_are_skipped(
    write_file: WriteFile, text: str, skipped: list[tuple[int, str]]
) -> None:
    path = write_file("report.csv", text)

    table, report = read_accounts(path, REVENUE, REVENUE_MAPPING)

    assert table.column("name").to_pylist() == [
        "Orchid Bay Software",
        "Pinegate Robotics",
    ]
    assert report.skipped == skipped
    assert report.reconciles()
    assert "Grand Totals (2 records)" not in table.column("name").to_pylist()


def test_case_04_excel_report_with_title_and_footer(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [
        ["Accounts report"],
        [],
        ["Account Name", "Annual Revenue", "Industry"],
        ["Orchid Bay Software", 1200000, "Software"],
        ["Pinegate Robotics", 5400000, "Manufacturing"],
        [],
        ["Grand Totals (2 records)", 6600000],
        ["Confidential Information - Do Not Distribute"],
    ]:
        sheet.append(row)
    workbook.save(path)

    table, report = read_accounts(path, REVENUE, REVENUE_MAPPING)

    assert table.column("annual_revenue").to_pylist() == [1200000.0, 5400000.0]
    assert report.header_row == 3
    assert [reason for _, reason in report.skipped] == [
        "title above the header",
        "blank row",
        "total row",
        "footer below the data",
    ]


def test_case_04_a_name_only_account_after_the_data_is_kept(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "last.csv",
        "Account Name,Annual Revenue,Industry\nOrchid Bay,1200000,Software\n"
        "Pinegate Robotics,,\n",
    )

    table, _ = read_accounts(path, REVENUE, REVENUE_MAPPING)

    assert table.column("name").to_pylist() == ["Orchid Bay", "Pinegate Robotics"]


# Encodings (case 1's kind): UTF-8 with and without BOM, Windows-1252, Mac
# Roman, and text decoded twice before it reached the file.
ACCENTED = "Account Name\nCafé Noir\nMüller Straße AG\nJack and Jake’s™\n"


@pytest.mark.parametrize(
    ("codec", "encoding"),
    [
        pytest.param("utf-8", "UTF-8", id="utf8"),
        pytest.param("utf-8-sig", "UTF-8", id="utf8-bom"),
        pytest.param("cp1252", "Windows-1252", id="windows-1252"),
        pytest.param("mac_roman", "Mac Roman", id="mac-roman"),
    ],
)
def test_encodings_are_told_apart(
    write_file: WriteFile, codec: str, encoding: str
) -> None:
    path = write_file("names.csv", ACCENTED.encode(codec))

    table, report = read_accounts(path, ID_AND_NAME, BY_NAME)

    assert table.column("name").to_pylist() == [
        "Café Noir",
        "Müller Straße AG",
        "Jack and Jake’s™",
    ]
    assert report.encoding == encoding


def test_encoding_set_in_the_mapping_wins(write_file: WriteFile) -> None:
    # Latin-1 bytes that also decode as Windows-1252; the mapping decides.
    path = write_file("set.csv", "Account Name\nSmørrebrød A/S\n".encode("latin-1"))
    latin = ColumnMapping("test", BY_NAME.columns, encoding="mac_roman")

    table, report = read_accounts(path, ID_AND_NAME, latin)

    assert table.column("name").to_pylist() == ["Sm¯rrebr¯d A/S"]
    assert report.encoding == "Mac Roman"


def test_encoding_that_does_not_fit_is_refused(write_file: WriteFile) -> None:
    path = write_file("bad.csv", "Account Name\nCafé\n".encode("cp1252"))
    utf8 = ColumnMapping("test", BY_NAME.columns, encoding="utf-8")

    with pytest.raises(SourceError, match=r"do not fit the encoding 'utf-8'.*line 2"):
        read_accounts(path, ID_AND_NAME, utf8)


@pytest.mark.parametrize(
    ("name", "original"),
    [
        pytest.param("agÃ¡mi Systems", "agámi Systems", id="crunchbase-style"),
        pytest.param("Hofmann PrÃ¤zision GmbH", "Hofmann Präzision GmbH", id="umlaut"),
    ],
)
def test_text_decoded_twice_is_flagged_and_kept(
    write_file: WriteFile, name: str, original: str
) -> None:
    path = write_file("twice.csv", f"Account Name\n{name}\nPlain Co\n")

    table, report = read_accounts(path, ID_AND_NAME, BY_NAME)

    assert table.column("name").to_pylist() == [name, "Plain Co"]
    flagged = [flag for flag in report.flags if flag.field == "name"]
    assert [(flag.row, flag.value) for flag in flagged] == [(2, name)]
    assert original in flagged[0].read_as
    assert report.problem_rows() == [2]
