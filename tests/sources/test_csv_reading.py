"""CSV files: encodings, delimiters, line endings, row shapes (cases 1–3)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import ColumnMapping, ColumnSpec, read_accounts
from tierwise.sources.csv_faults import describe_fault

WriteFile = Callable[..., Path]

ID_AND_NAME = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}


def mapping(delimiter: str | None = None, **columns: str) -> ColumnMapping:
    specs = {field: ColumnSpec(column=header) for field, header in columns.items()}
    return ColumnMapping("test", specs, delimiter=delimiter)


BY_NAME = mapping(account_id="Account Name", name="Account Name")


def test_byte_order_mark_is_stripped_from_the_first_header(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "bom.csv",
        b"\xef\xbb\xbfAccount ID,Account Name,Website\r\n"
        b"0015g00000Q1aBcAAJ,Fjordline Analytics,fjordline.example\r\n",
    )
    fields = {**ID_AND_NAME, "domain": FieldKind.TEXT}
    ids = mapping(account_id="Account ID", name="Account Name", domain="Website")

    table, report = read_accounts(path, fields, ids)

    assert report.mapped == {
        "account_id": "Account ID",
        "name": "Account Name",
        "domain": "Website",
    }
    assert table.column("account_id").to_pylist() == ["0015g00000Q1aBcAAJ"]


def test_headers_match_ignoring_case_spaces_and_zero_width(
    write_file: WriteFile,
) -> None:
    path = write_file("h.csv", " ACCOUNT  id\u200b,account name \nA1,Acme\n")
    ids = mapping(account_id="Account ID", name="Account Name")

    table, _ = read_accounts(path, ID_AND_NAME, ids)

    assert table.to_pylist() == [{"account_id": "A1", "name": "Acme"}]


SEMICOLONS = (
    "Account Name;Industry;Segments\n"
    "Nordlicht Logistik GmbH;Transport;'DACH', 'Enterprise'\n"
    "Brightwater Labs BV;Software;'Benelux', 'Mid-Market'\n"
)


def test_semicolons_win_over_commas_inside_values(write_file: WriteFile) -> None:
    path = write_file("eu.csv", SEMICOLONS)
    fields = {**ID_AND_NAME, "segments": FieldKind.TEXT}
    columns = mapping(
        account_id="Account Name", name="Account Name", segments="Segments"
    )

    table, report = read_accounts(path, fields, columns)

    assert table.column("segments").to_pylist() == [
        "'DACH', 'Enterprise'",
        "'Benelux', 'Mid-Market'",
    ]
    assert report.notes[0].startswith("delimiter: guessed semicolon")


@pytest.mark.parametrize(
    ("delimiter", "text"),
    [
        pytest.param("\t", "Account Name\tX\nAcme\t1\n", id="tab"),
        pytest.param("|", "Account Name|X\nAcme|1\n", id="pipe"),
    ],
)
def test_other_delimiters_are_guessed(
    write_file: WriteFile, delimiter: str, text: str
) -> None:
    path = write_file("d.csv", text)

    table, _ = read_accounts(path, ID_AND_NAME, BY_NAME)

    assert table.column("name").to_pylist() == ["Acme"]


def test_delimiter_set_in_the_mapping_is_not_guessed(write_file: WriteFile) -> None:
    path = write_file("one.csv", "Account Name;Note\nAcme, Inc.;a;b\n")
    semicolon = mapping(";", account_id="Account Name", name="Account Name")

    with pytest.raises(SourceError, match="row 2: 3 fields"):
        read_accounts(path, ID_AND_NAME, semicolon)


STREET = (
    '"Account Name","Billing Street","Industry"\n'
    '"Harborview Foods Ltd","Unit 4\nDock Road","Food & Beverage"\n'
    '"Quillstone Media","12 Paper Lane","Media"\n'
)


@pytest.mark.parametrize(
    "ending",
    [
        pytest.param("\n", id="lf"),
        pytest.param("\r\n", id="crlf"),
        pytest.param("\r", id="cr-only"),
    ],
)
def test_quoted_line_break_stays_in_its_value(
    write_file: WriteFile, ending: str
) -> None:
    path = write_file("street.csv", STREET.replace("\n", ending))
    fields = {**ID_AND_NAME, "street": FieldKind.TEXT}
    columns = mapping(
        account_id="Account Name", name="Account Name", street="Billing Street"
    )

    table, report = read_accounts(path, fields, columns)

    assert table.column("street").to_pylist() == ["Unit 4\nDock Road", "12 Paper Lane"]
    assert (report.rows_read, report.rows_used) == (2, 2)


def test_rows_with_another_field_count_are_named_not_padded(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "uneven.csv",
        "Account Name,Industry,Country\n"
        "Acme,Software,NL\n"
        "Globex,Software\n"
        "Initech,Software,US,extra\n",
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    assert str(caught.value).splitlines()[:3] == [
        "uneven.csv: 2 row(s) do not have the header's 3 fields (read with the "
        "comma as delimiter); nothing was imported:",
        "  row 3: 2 fields",
        "  row 4: 4 fields",
    ]


def test_title_above_a_header_the_mapping_does_not_know_is_named(
    write_file: WriteFile,
) -> None:
    # No row holds a header the mapping looks for, so the title is taken for
    # the header; the error says so rather than blaming quotes or delimiters.
    path = write_file(
        "titled.csv",
        "Account Export - Q3 2026\n"
        "Acct #,Company,Sector\n"
        "A-1,Acme,Software\n"
        "A-2,Globex,Retail\n",
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    assert str(caught.value).splitlines() == [
        "titled.csv: row 1, read as the header, has 1 field where every row "
        "below it has 3: no row holds a header the mapping looks for, so a "
        "title above the header cannot be told from the header; nothing was "
        "imported.",
        "Fix: name your header's columns in a mapping file (`account_id: "
        "<header>` and `name: <header>` under `columns:`), or choose another "
        "preset (salesforce, hubspot, generic); the header row is then found "
        "by those names",
    ]


def test_blank_rows_are_skipped_and_reported(write_file: WriteFile) -> None:
    path = write_file("gaps.csv", "\nAccount Name,X\nAcme,1\n,\n\nGlobex,2\n\n\n")

    table, report = read_accounts(path, ID_AND_NAME, BY_NAME)

    assert table.column("name").to_pylist() == ["Acme", "Globex"]
    assert report.skipped == [(4, "blank row"), (5, "blank row")]
    assert report.rows_read == report.rows_used + len(report.skipped)


def test_windows_1252_file_is_read_with_a_note(write_file: WriteFile) -> None:
    path = write_file("latin.csv", "Account Name\nCafé Noir\n".encode("cp1252"))

    table, report = read_accounts(path, ID_AND_NAME, BY_NAME)

    assert table.column("name").to_pylist() == ["Café Noir"]
    assert report.notes == [
        "encoding: not UTF-8 (first at line 2, byte 0xE9), read as Windows-1252; "
        "it fits better than Mac Roman; check accented names, or set `encoding:` "
        "in a mapping file"
    ]


# Python's csv module refuses a cell longer than this many characters.
LIMIT = 131_072
LONG_FIX = (
    "Fix: shorten or empty that cell, or delete its column from the file if "
    "the model does not read it (every column is parsed, mapped or not)"
)


def test_unclosed_quote_names_the_row_and_cell_it_opens(
    write_file: WriteFile,
) -> None:
    path = write_file("quote.csv", 'Account Name,X\n"Acme,1\nGlobex,2\n')

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    assert str(caught.value).splitlines() == [
        "quote.csv: row 2, column 'Account Name': the double quote that opens "
        "this cell is never closed, so the rest of the file (2 lines) would be "
        "one cell; nothing was imported.",
        "Fix: end the value with a double quote, and write a quote inside a "
        'value twice ("")',
    ]


def test_a_cell_over_the_limit_names_row_column_size_and_fix(
    write_file: WriteFile,
) -> None:
    notes = "x" * (LIMIT + 1)
    path = write_file(
        "long.csv",
        f"Account Name,Notes\nAcme,short\nGlobex,{notes}\nInitech,short\n",
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    assert str(caught.value).splitlines() == [
        "long.csv: row 3, column 'Notes': the cell holds 131,073 characters, "
        "more than the 131,072 the CSV reader takes in one cell; nothing was "
        "imported.",
        LONG_FIX,
    ]


def test_a_long_cell_does_not_hide_the_delimiter(write_file: WriteFile) -> None:
    notes = "x" * (LIMIT + 1)
    path = write_file(
        "semi.csv", f"Account Name;Notes\nAcme, Inc;short\nGlobex;{notes}\n"
    )

    with pytest.raises(SourceError, match=r"^semi.csv: row 3, column 'Notes': "):
        read_accounts(path, ID_AND_NAME, BY_NAME)


def test_a_long_quoted_cell_after_a_line_break_names_its_row_and_line(
    write_file: WriteFile,
) -> None:
    # Row 2's quoted value holds a line break, so row 3 starts on line 4.
    notes = "y" * LIMIT + '""'
    path = write_file(
        "long.csv",
        f'Account Name,Notes\nAcme,"two\nlines"\nGlobex,"{notes}"\n',
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    assert str(caught.value).splitlines() == [
        "long.csv: row 3 (line 4), column 'Notes': the cell holds 131,073 "
        "characters, more than the 131,072 the CSV reader takes in one cell; "
        "nothing was imported.",
        LONG_FIX,
    ]


def test_a_long_cell_over_many_lines_names_both_possible_causes(
    write_file: WriteFile,
) -> None:
    # A quoted value that runs over many lines and closes is either a long
    # note or a quote closed too late; the file cannot tell which.
    rows = "".join(f"Row {i},{'z' * 100}\n" for i in range(1500))
    path = write_file(
        "notes.csv", f'Account Name,Notes\nAcme,"begins\n{rows}ends"\nGlobex,x\n'
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    lines = str(caught.value).splitlines()
    assert lines[0].startswith(
        "notes.csv: row 2, column 'Notes': the cell holds 163,901 characters"
    )
    assert lines[1:] == [
        LONG_FIX,
        "If the value should end sooner, its closing double quote is missing "
        "there: the quote opened on line 2 closes only on line 1,503",
    ]


def test_an_unclosed_quote_in_a_large_file_is_named_as_such(
    write_file: WriteFile,
) -> None:
    # The unclosed quote makes the rest of the file one cell, which passes
    # the reader's limit: the quote is the cause, not a long value.
    rows = "".join(f"Row {i},{'z' * 100}\n" for i in range(2000))
    path = write_file("big.csv", f'Account Name,Notes\nAcme,"begins\n{rows}')

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    assert str(caught.value).splitlines()[0] == (
        "big.csv: row 2, column 'Notes': the double quote that opens this cell "
        "is never closed, so the rest of the file (2,001 lines) would be one "
        "cell; nothing was imported."
    )


def test_a_quote_that_ends_a_cell_early_is_named(write_file: WriteFile) -> None:
    path = write_file("early.csv", 'Account Name,X\nAcme,1\n"Globex" Inc,2\n')

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    assert str(caught.value).splitlines() == [
        "early.csv: row 3, column 'Account Name': a double quote ends the cell "
        "before the value does (it is followed by ' '); nothing was imported.",
        "Fix: put the whole value in double quotes and write each quote inside "
        'it twice ("")',
    ]


def test_empty_file_has_no_header(write_file: WriteFile) -> None:
    path = write_file("empty.csv", "\n\n")

    with pytest.raises(SourceError, match=r"empty\.csv: the file is empty"):
        read_accounts(path, ID_AND_NAME, BY_NAME)


def test_a_quote_closed_by_a_later_cells_quote_names_both_lines(
    write_file: WriteFile,
) -> None:
    # Row 2's quote is never closed; the parser runs on to row 4's quote.
    path = write_file(
        "later.csv",
        'Account Name,Industry\nAcme,"Software\nGlobex,Retail\n"Initech, Inc",IT\n',
    )

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, BY_NAME)

    assert str(caught.value).splitlines()[0] == (
        "later.csv: row 2, column 'Industry': the double quote that opens this "
        "cell on line 2 is not closed where its value ends: the next quote, on "
        "line 4, is followed by 'I'; nothing was imported."
    )


def test_a_fault_the_cells_do_not_explain_names_both_causes() -> None:
    text = "Account Name,X\nAcme,1\n"

    message = describe_fault("odd.csv", text, ",", csv.Error("some fault"))

    assert message == (
        "odd.csv: row 3: the CSV cannot be parsed (some fault); nothing was "
        "imported. Check the quotes in that row: a value that starts with a "
        "double quote must end with one, and a quote inside it is written "
        "twice; and a cell holds at most 131,072 characters"
    )


GENERIC_IDS = mapping(account_id="account_id", name="name")


@pytest.mark.parametrize(
    ("delimiter", "rest"),
    [
        pytest.param(";", "", id="semicolon"),
        pytest.param("\t", "", id="tab"),
        pytest.param("|", "", id="pipe"),
        pytest.param(";", "x" * 100 + "\n", id="semicolon-more-rows"),
    ],
)
def test_an_unclosed_quote_does_not_hide_the_delimiter(
    write_file: WriteFile, delimiter: str, rest: str
) -> None:
    # Guessed on the rows before the fault, the delimiter is still found, so
    # the message names the cell as for a comma file, not a missing column.
    lines = ["account_id;name;industry", 'A1;Acme;"Retail', "A2;B;Retail", rest]
    text = "\n".join(lines).replace(";", delimiter)
    path = write_file("quote.csv", text)

    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, GENERIC_IDS)

    first = str(caught.value).splitlines()[0]
    assert first.startswith(
        "quote.csv: row 2, column 'industry': the double quote that opens this "
        "cell is never closed"
    )


def test_a_quote_ending_a_cell_early_names_its_cell_in_a_semicolon_file(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "early.csv", 'account_id;name\nA1;Acme\nA2;"Globex" Inc\nA3;Initech\n'
    )

    with pytest.raises(SourceError, match=r"^early.csv: row 3, column 'name': a "):
        read_accounts(path, ID_AND_NAME, GENERIC_IDS)


def test_a_comma_file_whose_quoted_values_hold_semicolons_stays_comma(
    write_file: WriteFile,
) -> None:
    # Under ";" the quoted value is closed early by the comma; the rows before
    # that fault (the header alone, one field wide) do not choose ";".
    path = write_file(
        "commas.csv", 'account_id,name\nA1,"Acme; Inc"\nA2,"Globex; Ltd"\n'
    )

    table, report = read_accounts(path, ID_AND_NAME, GENERIC_IDS)

    assert (report.delimiter, table.column("name").to_pylist()) == (
        ",",
        ["Acme; Inc", "Globex; Ltd"],
    )
