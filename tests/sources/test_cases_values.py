"""Cases 5–11 of shared/cases: what a cell means.

Each case has its own test with the case's sample and variants of the same
kind, read through ``read_accounts`` as a user's file would be.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from tierwise.errors import SourceError
from tierwise.jobs import explain_accounts, tier_file
from tierwise.model.fields import FieldKind
from tierwise.sources import (
    ColumnMapping,
    ColumnSpec,
    Currencies,
    ImportReport,
    read_accounts,
)

WriteFile = Callable[..., Path]

ID_AND_NAME = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}
BY_NAME = {"account_id": ColumnSpec("Account Name"), "name": ColumnSpec("Account Name")}


def columns(decimal: str | None = None, **specs: ColumnSpec) -> ColumnMapping:
    return ColumnMapping("test", {**BY_NAME, **specs}, decimal=decimal)


def read(
    path: Path,
    fields: dict[str, FieldKind],
    mapping: ColumnMapping,
    currencies: Currencies | None = None,
) -> tuple[pa.Table, ImportReport]:
    return read_accounts(
        path, {**ID_AND_NAME, **fields}, mapping, currencies=currencies
    )


# Case 5: decimal comma, dot thousands, locale per file or column.
CASE_5 = (
    "Account Name;Annual Revenue;Currency\n"
    "Hofmann Präzision GmbH;€1.250.000,00;EUR\n"
    "Alder & Finch Ltd;£980,000.50;GBP\n"
    "Cobalt Nord AS;1\u00a0250\u00a0000,00;NOK\n"
    "Brisa Têxtil Ltda;R$ 3.400.000;BRL\n"
    "Verdant Loop Inc;1.250;USD\n"
)
RATES = Currencies(
    "EUR",
    {
        "GBP": Decimal("1.17"),
        "NOK": Decimal("0.086"),
        "BRL": Decimal("0.17"),
        "USD": Decimal("0.92"),
    },
)
REVENUE = {"annual_revenue": FieldKind.NUMBER}


def test_case_05_decimal_comma_is_a_setting_and_other_forms_are_named(
    write_file: WriteFile,
) -> None:
    path = write_file("eu.csv", CASE_5)
    mapping = ColumnMapping(
        "test",
        {**BY_NAME, "annual_revenue": ColumnSpec("Annual Revenue"),
         "currency": ColumnSpec("Currency")},
        decimal=",",
    )  # fmt: skip

    # The UK row is written with a decimal point: under `decimal: ","` it is
    # refused, with the setting that would read it, never guessed per cell.
    with pytest.raises(SourceError) as caught:
        read(path, REVENUE, mapping, currencies=RATES)

    assert str(caught.value).splitlines()[1] == (
        "  row 3, column 'Annual Revenue' (annual_revenue): '£980,000.50' is not "
        "a number"
    )
    assert 'set `decimal: "."`' in str(caught.value)


def test_case_05_every_row_read_once_corrected(write_file: WriteFile) -> None:
    path = write_file("eu.csv", CASE_5.replace("£980,000.50", "£980.000,50"))
    mapping = ColumnMapping(
        "test",
        {**BY_NAME, "annual_revenue": ColumnSpec("Annual Revenue"),
         "currency": ColumnSpec("Currency")},
        decimal=",",
    )  # fmt: skip

    table, report = read(path, REVENUE, mapping, currencies=RATES)

    assert table.column("annual_revenue").to_pylist() == [
        1_250_000.0,
        float(Decimal("980000.50") * Decimal("1.17")),
        float(Decimal("1250000") * Decimal("0.086")),
        float(Decimal("3400000") * Decimal("0.17")),
        float(Decimal("1250") * Decimal("0.92")),
    ]
    # 1.250 reads as 1250 under the file's setting, which decides it: it is
    # counted in the report with an example, not listed as a cell to check.
    assert [flag for flag in report.flags if "decimal" in flag.reason] == []
    decided = [tally for tally in report.repairs if "decimal mark" in tally.what]
    assert [(tally.count, tally.example) for tally in decided] == [
        (1, "row 6: '1.250' → 1250.0")
    ]


@pytest.mark.parametrize(
    ("decimal", "cell", "expected"),
    [
        pytest.param(",", "1 250 000,00", 1_250_000.0, id="space-groups-comma"),
        pytest.param(",", "1\u202f250,5", 1250.5, id="narrow-nbsp"),
        pytest.param(".", "1'250'000.75", 1_250_000.75, id="swiss-apostrophe"),
        pytest.param(".", "CHF 1'250", 1250.0, id="code-and-apostrophe"),
        pytest.param(",", "12,5", 12.5, id="comma-decimal"),
    ],
)
def test_case_05_locales_per_column(
    write_file: WriteFile, decimal: str, cell: str, expected: float
) -> None:
    path = write_file("n.csv", f"Account Name;Revenue\nAcme;{cell}\n")
    mapping = columns(
        annual_revenue=ColumnSpec("Revenue", decimal=decimal, currency="CHF")
    )

    table, _ = read(path, REVENUE, mapping, currencies=Currencies("CHF"))

    assert table.column("annual_revenue").to_pylist() == [expected]


def test_case_05_lone_ambiguous_values_are_problems(write_file: WriteFile) -> None:
    path = write_file("amb.csv", "Account Name,Revenue\nAcme,1.250\nBeta,3.500\n")
    mapping = columns(annual_revenue=ColumnSpec("Revenue"))

    table, report = read(path, REVENUE, mapping)

    assert table.column("annual_revenue").to_pylist() == [1.25, 3.5]
    assert report.problem_rows() == [2, 3]
    assert report.over_threshold()


# Case 6: abbreviated magnitudes and bounds.
CASE_6 = (
    "Account Name,Annual Revenue\n"
    "Sable Ridge Analytics,$1.2M\n"
    "Tern Harbor Co,$54K\n"
    "Mistral Works,$1MM\n"
    "Ironbark Holdings,2.43B\n"
    "Umber Analytics,$8.2M\n"
    "Petrel Systems,< $1M\n"
    "Quokka Cloud,N/A\n"
)


def test_case_06_magnitudes_are_exact_and_bounds_kept(write_file: WriteFile) -> None:
    path = write_file("mag.csv", CASE_6)
    mapping = columns(annual_revenue=ColumnSpec("Annual Revenue"))

    table, report = read(path, REVENUE, mapping, currencies=Currencies("USD"))

    assert table.column("annual_revenue").to_pylist() == [
        1_200_000.0,
        54_000.0,
        1_000_000.0,
        2_430_000_000.0,
        8_200_000.0,
        0.0,
        None,
    ]
    bound = [flag for flag in report.flags if flag.row == 7]
    assert [(flag.value, flag.read_as, flag.problem) for flag in bound] == [
        ("< $1M", "0 (span 0 to 1,000,000)", True)
    ]


@pytest.mark.parametrize(
    ("cell", "rule", "expected"),
    [
        pytest.param("< $1M", "upper", 1_000_000.0, id="bound-upper"),
        pytest.param("< $1M", "midpoint", 500_000.0, id="bound-midpoint"),
        pytest.param("under 50k", "upper", 50_000.0, id="under-words"),
        pytest.param("> $5bn", "upper", 5e9, id="bound-below-is-open"),
        pytest.param("3.5 mio", "lower", 3_500_000.0, id="mio"),
        pytest.param("$2.5mm", "lower", 2_500_000.0, id="mm-lowercase"),
    ],
)
def test_case_06_variants(
    write_file: WriteFile, cell: str, rule: str, expected: float
) -> None:
    path = write_file("v.csv", f"Account Name,Revenue\nAcme,{cell}\n")
    mapping = columns(annual_revenue=ColumnSpec("Revenue", range_rule=rule))

    table, _ = read(path, REVENUE, mapping, currencies=Currencies("USD"))

    assert table.column("annual_revenue").to_pylist() == [expected]


# Case 7: ranges instead of numbers.
CASE_7 = (
    "Account Name,Employees\n"
    'Cinder Peak Mfg,"1,000-5,000"\n'
    "Larkspur Digital,51-200\n"
    "Oakhollow Partners,10001+\n"
    'Fenwick Labs,"5,000 - 10,000 employees"\n'
    "Dunmore Retail,1-10\n"
)
EMPLOYEES = {"employees": FieldKind.NUMBER}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        pytest.param(None, [1000.0, 51.0, 10001.0, 5000.0, 1.0], id="default-lower"),
        pytest.param("midpoint", [3000.0, 125.5, 10001.0, 7500.0, 5.5], id="midpoint"),
        pytest.param("upper", [5000.0, 200.0, 10001.0, 10000.0, 10.0], id="upper"),
    ],
)
def test_case_07_ranges_by_the_column_rule(
    write_file: WriteFile, rule: str | None, expected: list[float]
) -> None:
    path = write_file("emp.csv", CASE_7)
    mapping = columns(employees=ColumnSpec("Employees", range_rule=rule))

    table, report = read(path, EMPLOYEES, mapping)

    assert table.column("employees").to_pylist() == expected
    assert [flag.read_as.split(" (")[1] for flag in report.flags] == [
        "span 1,000 to 5,000)",
        "span 51 to 200)",
        "span 10,001 to …)",
        "span 5,000 to 10,000)",
        "span 1 to 10)",
    ]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        pytest.param(None, "a range, scored by its lower end", id="lower-end"),
        pytest.param("upper", "a range, scored by its upper end", id="upper-end"),
        pytest.param("midpoint", "a range, scored by its midpoint", id="midpoint"),
    ],
)
def test_case_07_flag_names_the_part_of_the_range_scored(
    write_file: WriteFile, rule: str | None, reason: str
) -> None:
    path = write_file("emp.csv", "Account Name,Employees\nLarkspur Digital,51-200\n")
    mapping = columns(employees=ColumnSpec("Employees", range_rule=rule))

    _, report = read(path, EMPLOYEES, mapping)

    assert [flag.reason for flag in report.flags] == [reason]


@pytest.mark.parametrize(
    ("cell", "low"),
    [
        pytest.param("10k+", 10_000.0, id="k-plus"),
        pytest.param("$1M-$5M", 1_000_000.0, id="money-range"),
        pytest.param("10-50M", 10_000_000.0, id="shared-magnitude"),
        pytest.param("200 to 500", 200.0, id="to-word"),
        pytest.param("11–50", 11.0, id="en-dash"),
    ],
)
def test_case_07_variants_never_concatenate_digits(
    write_file: WriteFile, cell: str, low: float
) -> None:
    path = write_file("r.csv", f'Account Name,Employees\nAcme,"{cell}"\n')
    mapping = columns(employees=ColumnSpec("Employees"))

    table, _ = read(path, EMPLOYEES, mapping, currencies=Currencies("USD"))

    assert table.column("employees").to_pylist() == [low]


def test_case_07_explain_shows_the_range_a_value_came_from_and_the_rule(
    tmp_path: Path,
) -> None:
    accounts = tmp_path / "ranges.csv"
    accounts.write_text("account_id,name,employees\na-1,Acme,51-200\n", "utf-8")
    tier_file(accounts, tmp_path / "out", date(2026, 9, 30), accept_warnings=True)

    [explanation] = explain_accounts(tmp_path / "out", ["a-1"])

    headcount = [line for line in explanation.criteria if line.field == "employees"]
    assert "51-200" in str(headcount[0].value)
    assert "scored by its lower end" in str(headcount[0].value)
    assert headcount[0].points == 3  # 51 employees: the 50-199 band


# Case 8: NA, None and null as real values; missing tokens per column.
CASE_8 = (
    "Account Name,Country,Region,Industry\n"
    "Etosha Mining Supplies,NA,EMEA,Mining\n"
    "Northgate Services,US,NA,Consulting\n"
    "Nullarbor Freight,AU,APAC,N/A\n"
)
PLACES = {
    "country": FieldKind.TEXT,
    "region": FieldKind.TEXT,
    "industry": FieldKind.TEXT,
}


def test_case_08_missing_tokens_are_per_column(write_file: WriteFile) -> None:
    path = write_file("na.csv", CASE_8)
    mapping = columns(
        country=ColumnSpec("Country"),
        region=ColumnSpec("Region"),
        industry=ColumnSpec("Industry", missing_values=("N/A", "-")),
    )

    table, _ = read(path, PLACES, mapping)

    assert table.column("country").to_pylist() == ["NA", "US", "AU"]
    assert table.column("region").to_pylist() == ["EMEA", "NA", "APAC"]
    assert table.column("industry").to_pylist() == ["Mining", "Consulting", None]


def test_case_08_variants_none_null_and_number_tokens(write_file: WriteFile) -> None:
    path = write_file(
        "null.csv",
        "Account Name,Country,Employees\nNone Such Ltd,None,n.a.\nNull Co,null,-\n",
    )
    mapping = columns(
        country=ColumnSpec("Country"),
        employees=ColumnSpec("Employees", missing_values=("n.a.", "-")),
    )

    table, _ = read(
        path, {"country": FieldKind.TEXT, "employees": FieldKind.NUMBER}, mapping
    )

    assert table.column("name").to_pylist() == ["None Such Ltd", "Null Co"]
    assert table.column("country").to_pylist() == ["None", "null"]
    assert table.column("employees").to_pylist() == [None, None]


# Case 9: one company, many spellings of its website.
CASE_9 = (
    "Account Name,Website\n"
    "Lumen Grid,https://www.LumenGrid.example/\n"
    "Lumen Grid Inc.,lumengrid.example\n"
    "LUMEN GRID,http://lumengrid.example/contact?ref=li\n"
    "Lumen Grid Careers,https://lumengrid.example#jobs\n"
    "Lumen Grid (EU),eu.lumengrid.example\n"
)
DOMAIN = {"domain": FieldKind.TEXT}


def test_case_09_spellings_of_one_website_are_one_account(
    write_file: WriteFile,
) -> None:
    path = write_file("web.csv", CASE_9)
    mapping = columns(domain=ColumnSpec("Website", normalise="domain"))

    table, report = read(path, DOMAIN, mapping)

    assert table.to_pylist() == [
        {
            "account_id": "Lumen Grid",
            "name": "Lumen Grid",
            "domain": "lumengrid.example",
        },
        {
            "account_id": "Lumen Grid (EU)",
            "name": "Lumen Grid (EU)",
            "domain": "lumengrid.example",
        },
    ]
    [merge] = report.merges
    assert (merge.kept_row, merge.rows, merge.ids) == (
        2,
        [3, 4, 5],
        ["Lumen Grid Inc.", "LUMEN GRID", "Lumen Grid Careers"],
    )
    subdomain = [flag for flag in report.flags if "subdomain" in flag.reason]
    assert [(flag.row, flag.value) for flag in subdomain] == [
        (6, "eu.lumengrid.example")
    ]
    assert report.reconciles()


def test_case_09_keep_flags_instead_of_merging(write_file: WriteFile) -> None:
    path = write_file(
        "web.csv",
        "Account Name,Website\nAcme,https://acme.co.uk/\nAcme UK,WWW.ACME.CO.UK.\n"
        "Acme Shop,shop.acme.co.uk\n",
    )
    mapping = ColumnMapping(
        "test",
        {**BY_NAME, "domain": ColumnSpec("Website", normalise="domain")},
        duplicates="keep",
    )

    table, report = read(path, DOMAIN, mapping)

    assert table.column("domain").to_pylist() == ["acme.co.uk"] * 3
    assert report.merges == []
    assert [(flag.row, flag.reason.split(";")[0]) for flag in report.flags] == [
        (3, "shares its website with row 2"),
        (4, "a subdomain folded under its domain (it may be a separate subsidiary)"),
    ]


# Case 10: Salesforce 15- and 18-character ids.
CASE_10 = (
    "Account ID,Account Name\n"
    "001A000001xYzAb,Heronsgate Tools\n"
    "001A000001XyZaB,Wyvern Optics\n"
    "001A000001xYzAbIAK,Heronsgate Tools\n"
    "001A000001XyZaBIAV,Wyvern Optics\n"
)
IDS = ColumnMapping(
    "test",
    {"account_id": ColumnSpec("Account ID"), "name": ColumnSpec("Account Name")},
)


def test_case_10_fifteen_and_eighteen_characters_are_one_record(
    write_file: WriteFile,
) -> None:
    path = write_file("sf.csv", CASE_10)

    table, report = read(path, {}, IDS)

    assert table.to_pylist() == [
        {"account_id": "001A000001xYzAbIAK", "name": "Heronsgate Tools"},
        {"account_id": "001A000001XyZaBIAV", "name": "Wyvern Optics"},
    ]
    assert [(m.kept_row, m.rows) for m in report.merges] == [(2, [4]), (3, [5])]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        pytest.param(
            "001a000001xyzabiak", "do not match the first fifteen", id="lower"
        ),
        pytest.param("001A000001xYzAbIAV", "do not match the first fifteen", id="sum"),
    ],
)
def test_case_10_a_changed_eighteen_character_id_is_refused(
    write_file: WriteFile, cell: str, message: str
) -> None:
    path = write_file("sf.csv", f"Account ID,Account Name\n{cell},Heronsgate\n")
    sf = ColumnMapping(
        "test",
        {
            "account_id": ColumnSpec("Account ID", normalise="salesforce_id"),
            "name": ColumnSpec("Account Name"),
        },
    )

    with pytest.raises(SourceError, match=message):
        read(path, {}, sf)


def test_case_10_one_record_with_different_values_stops_the_import(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "sf.csv",
        "Account ID,Account Name\n001A000001xYzAb,Heronsgate\n"
        "001A000001xYzAbIAK,Heronsgate Tools Ltd\n",
    )

    with pytest.raises(
        SourceError, match=r"'001A000001xYzAbIAK': rows 2, 3 differ in name"
    ):
        read(path, {}, IDS)


# Case 11: day/month order decided per column, never per row.
DATES = {"last_engagement_date": FieldKind.DATE}
LAST = columns(last_engagement_date=ColumnSpec("Last Activity Date"))


def test_case_11_both_orders_in_one_column_name_the_rows(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "d.csv",
        "Account Name,Last Activity Date\n"
        "Gannet Biotech,03/04/2025\n"
        "Harrier Capital,13/04/2025\n"
        "Ibis Textiles,04/13/2025\n",
    )

    with pytest.raises(SourceError) as caught:
        read(path, DATES, LAST)

    lines = str(caught.value).splitlines()
    assert lines[1:3] == [
        "  row 3, column 'Last Activity Date' (last_engagement_date): '13/04/2025' "
        "is day first, but row 4 ('04/13/2025') is month first",
        "  row 4, column 'Last Activity Date' (last_engagement_date): '04/13/2025' "
        "is month first, but row 3 ('13/04/2025') is day first",
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        pytest.param(
            ["03/04/2025", "13/04/2025"],
            [date(2025, 4, 3), date(2025, 4, 13)],
            id="day-first-decided-by-a-later-row",
        ),
        pytest.param(
            ["13/04/2025", "03/04/2025"],
            [date(2025, 4, 13), date(2025, 4, 3)],
            id="same-result-in-any-row-order",
        ),
        pytest.param(
            ["02/23/26", "03/04/26 10:15 AM", "2026-01-05"],
            [date(2026, 2, 23), date(2026, 3, 4), date(2026, 1, 5)],
            id="salesforce-month-first-with-time-and-iso",
        ),
        pytest.param(
            ["03.04.2025", "31.12.2024"],
            [date(2025, 4, 3), date(2024, 12, 31)],
            id="german-dots",
        ),
    ],
)
def test_case_11_order_inferred_from_the_whole_column(
    write_file: WriteFile, cells: list[str], expected: list[date]
) -> None:
    body = "".join(f"Acct {i},{cell}\n" for i, cell in enumerate(cells))
    path = write_file("d.csv", "Account Name,Last Activity Date\n" + body)

    table, report = read(path, DATES, LAST)

    assert table.column("last_engagement_date").to_pylist() == expected
    assert any("for the whole column" in note for note in report.notes)


def test_case_11_undecidable_column_asks_for_date_format(
    write_file: WriteFile,
) -> None:
    path = write_file("d.csv", "Account Name,Last Activity Date\nA,03/04/2025\n")

    with pytest.raises(SourceError, match="could be day/month or month/day"):
        read(path, DATES, LAST)


@pytest.mark.parametrize(
    ("cells", "note"),
    [
        pytest.param(
            ["13/04/2025", "25/12/2025"],
            "last_engagement_date ('Last Activity Date'): dates read as "
            "day/month/year for the whole column, as row 2 ('13/04/2025') shows",
            id="nothing-either-way",
        ),
        pytest.param(
            ["13/04/2025", "03/04/2025"],
            "last_engagement_date ('Last Activity Date'): dates read as "
            "day/month/year for the whole column, as row 2 ('13/04/2025') shows; "
            "1 value(s) could be read either way and follow it",
            id="one-either-way",
        ),
    ],
)
def test_case_11_the_order_note_counts_values_either_way_only_when_there_are_some(
    write_file: WriteFile, cells: list[str], note: str
) -> None:
    # It said "0 value(s) could be read either way and follow it".
    rows = "".join(f"Account {n},{cell}\n" for n, cell in enumerate(cells))
    path = write_file("d.csv", "Account Name,Last Activity Date\n" + rows)

    _, report = read(path, DATES, LAST)

    assert note in report.notes
