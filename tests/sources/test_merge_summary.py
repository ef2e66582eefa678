"""The report's summary says which rows were merged into which.

A merged row is skipped with the reason ``merged into row N (same website
x)``; counting those reasons by kind once read ``merged into row 40 1``.
The summary counts them as ``merged`` and a line of their own names each
merged row and the row it went into, by file row (the header is row 1),
with the account id of each, capped with a count of the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tierwise.model.fields import CANONICAL_FIELDS, FieldKind
from tierwise.sources import (
    ColumnMapping,
    ColumnSpec,
    ImportReport,
    load_mapping_file,
    read_accounts,
    report_text,
    short_report,
)
from tierwise.sources.report import skip_kind

WriteFile = Callable[..., Path]

MAPPINGS = Path(__file__).resolve().parents[1] / "fixtures" / "mappings"
FIELDS = {
    "account_id": FieldKind.TEXT,
    "name": FieldKind.TEXT,
    "domain": FieldKind.TEXT,
}
BY_COMPANY = ColumnMapping(
    "test",
    {
        "account_id": ColumnSpec("Company"),
        "name": ColumnSpec("Company"),
        "domain": ColumnSpec("Website", normalise="domain"),
    },
)


def summary(report: ImportReport) -> list[str]:
    return report_text(report).splitlines()[2:4]


@pytest.mark.realdata
def test_fortune_2020_says_which_company_went_into_which(shared_data: Path) -> None:
    path = shared_data / "fortune-1000-2020-2022" / "fortune1000_2020_list.csv"
    mapping = load_mapping_file(MAPPINGS / "fortune1000.yaml")

    _, report = read_accounts(path, CANONICAL_FIELDS, mapping)

    merged = (
        "2 rows merged into another row with the same website: row 109 "
        "(Raytheon) into row 40 (Raytheon Technologies), row 586 (Concho "
        "Resources) into row 94 (ConocoPhillips)"
    )
    assert summary(report) == [
        "Rows read 1,000 = used 998 + skipped 2 (merged 2)",
        merged,
    ]
    assert merged in short_report(report)


def test_many_merges_are_capped_with_a_count_of_the_rest(
    write_file: WriteFile,
) -> None:
    rows = [f"Acme {n},acme.example" for n in range(6)]
    path = write_file("dup.csv", "Company,Website\n" + "\n".join(rows) + "\n")

    _, report = read_accounts(path, FIELDS, BY_COMPANY)

    assert summary(report) == [
        "Rows read 6 = used 1 + skipped 5 (merged 5)",
        "5 rows merged into another row with the same website: row 3 (Acme 1) "
        "into row 2 (Acme 0), row 4 (Acme 2) into row 2 (Acme 0), row 5 "
        "(Acme 3) into row 2 (Acme 0), and 2 more under Merged duplicates in the "
        "import report",
    ]


def test_repeated_ids_and_shared_websites_each_get_a_line(
    write_file: WriteFile,
) -> None:
    path = write_file(
        "dup.csv",
        "Company,Website\n"
        "Acme,acme.example\n"
        "Acme,acme.example\n"
        "Acme Europe,acme.example\n"
        ",blank.example\n",
    )

    _, report = read_accounts(path, FIELDS, BY_COMPANY)

    assert summary(report) == [
        "Rows read 4 = used 1 + skipped 3 (merged 2, blank account_id and name 1)",
        "1 row merged into another row with the same account_id: row 3 into "
        "row 2 (Acme)",
    ]
    assert report_text(report).splitlines()[4] == (
        "1 row merged into another row with the same website: row 4 (Acme "
        "Europe) into row 2 (Acme)"
    )


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        pytest.param("merged into row 40 (same website rtx.com)", "merged", id="merge"),
        pytest.param("blank account_id", "blank account_id", id="blank"),
        pytest.param("footer below the data", "footer below the data", id="footer"),
    ],
)
def test_skip_reasons_are_counted_by_kind_without_row_numbers(
    reason: str, kind: str
) -> None:
    assert skip_kind(reason) == kind
