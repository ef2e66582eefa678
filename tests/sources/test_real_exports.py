"""The public datasets in ../shared/data, read as a user would read them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tierwise.model.fields import CANONICAL_FIELDS
from tierwise.sources import load_mapping_file, load_preset, read_accounts

REPO = Path(__file__).resolve().parents[2]
DATA = (REPO / ".." / "shared" / "data").resolve()
MAPPINGS = REPO / "tests" / "fixtures" / "mappings"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(
        not DATA.is_dir(),
        reason=f"the shared datasets are not at {DATA} (they sit beside the repo)",
    ),
]


def test_salesforce_sample_org_accounts() -> None:
    path = DATA / "salesforce-devorg-sample-export" / "Account.csv"

    table, report = read_accounts(path, CANONICAL_FIELDS, load_preset("salesforce"))

    assert (table.num_rows, report.skipped) == (18, [])
    assert report.mapped == {
        "account_id": "Id",
        "name": "Name",
        "parent_id": "ParentId",
        "industry": "Industry",
        "employees": "NumberOfEmployees",
        "annual_revenue": "AnnualRevenue",
        "last_engagement_date": "LastActivityDate",
    }
    first = table.slice(0, 1).to_pylist()[0]
    assert (first["name"], first["annual_revenue"]) == ("Edge Communications", 139e6)


def test_maven_accounts_with_a_mapping_file() -> None:
    path = DATA / "maven-crm-sales-opportunities" / "accounts.csv"
    mapping = load_mapping_file(MAPPINGS / "maven-accounts.yaml")

    table, report = read_accounts(path, CANONICAL_FIELDS, mapping)

    assert table.num_rows == report.rows_read == 85
    assert "technolgy" not in table.column("industry").to_pylist()
    first = table.slice(0, 1).to_pylist()[0]
    assert first == {
        "account_id": "Acme Corporation",
        "name": "Acme Corporation",
        "industry": "technology",
        "country": "United States",
        "employees": 2822.0,
        "annual_revenue": 1_100_040_000.0,
    }


def test_fortune_1000_with_one_column_feeding_id_and_name() -> None:
    path = DATA / "fortune-1000-2020-2022" / "fortune1000_2020_list.csv"
    mapping = load_mapping_file(MAPPINGS / "fortune1000.yaml")

    table, report = read_accounts(path, CANONICAL_FIELDS, mapping)

    # Raytheon shares www.rtx.com with Raytheon Technologies, and Concho
    # Resources points at ConocoPhillips: one account each, merges listed.
    assert (table.num_rows, report.rows_read) == (998, 1000)
    assert [(m.kept_id, m.ids) for m in report.merges] == [
        ("Raytheon Technologies", ["Raytheon"]),
        ("ConocoPhillips", ["Concho Resources"]),
    ]
    assert table.column("account_id") == table.column("name")
    amazon = table.slice(1, 1).to_pylist()[0]
    assert (amazon["domain"], amazon["annual_revenue"]) == ("amazon.com", 280_522e6)
    assert report.notes[0].startswith("domain ('Website'): 987 value(s) reduced")


ACCOUNT_FILES = [
    pytest.param(
        "fortune-1000-2020-2022/fortune1000_2020_list.csv",
        "fortune1000.yaml",
        (1000, 998),
        id="fortune-2020",
    ),
    pytest.param(
        "fortune-1000-2020-2022/fortune1000_2022_list.csv",
        "fortune1000.yaml",
        (1000, 1000),
        id="fortune-2022",
    ),
    pytest.param(
        "maven-crm-sales-opportunities/accounts.csv",
        "maven-accounts.yaml",
        (85, 85),
        id="maven-accounts",
    ),
    pytest.param(
        "salesforce-devorg-sample-export/Account.csv",
        None,
        (18, 18),
        id="salesforce-account",
    ),
    pytest.param(
        "crm-opportunities-2024-interactions/accounts.csv",
        "crm-2024-accounts.yaml",
        (85, 85),
        id="crm-2024-accounts",
    ),
    pytest.param(
        "crunchbase-2013-funding/crunchbase-companies.csv",
        "crunchbase-companies.yaml",
        (17_727, 17_727),
        id="crunchbase-mac-roman-cr-only",
    ),
]


@pytest.mark.parametrize(("name", "mapping_file", "counts"), ACCOUNT_FILES)
def test_the_import_report_reconciles_on_every_accounts_dataset(
    name: str, mapping_file: str | None, counts: tuple[int, int]
) -> None:
    mapping = (
        load_mapping_file(MAPPINGS / mapping_file)
        if mapping_file
        else load_preset("salesforce")
    )

    table, report = read_accounts(DATA / name, CANONICAL_FIELDS, mapping)

    assert (report.rows_read, report.rows_used) == counts
    assert report.reconciles()
    assert table.num_rows == report.rows_used
    assert not report.over_threshold()
    assert len(set(table.column("account_id").to_pylist())) == table.num_rows


def test_crunchbase_is_read_as_mac_roman_with_mojibake_flagged() -> None:
    path = DATA / "crunchbase-2013-funding" / "crunchbase-companies.csv"
    mapping = load_mapping_file(MAPPINGS / "crunchbase-companies.yaml")

    table, report = read_accounts(path, CANONICAL_FIELDS, mapping)

    names = table.column("name").to_pylist()
    assert report.encoding == "Mac Roman"
    assert "Avocado™" in names and "MiaSolé" in names
    flagged = {flag.value: flag.reason for flag in report.flags}
    assert "agÃ¡mi Systems" in flagged and "decoded twice" in flagged["agÃ¡mi Systems"]
    assert "Excel error value" in flagged["#NAME?"]


def test_salesforce_ids_are_valid_and_activity_dates_month_first() -> None:
    path = DATA / "salesforce-devorg-sample-export" / "Account.csv"

    table, report = read_accounts(path, CANONICAL_FIELDS, load_preset("salesforce"))

    farmers = [row for row in table.to_pylist() if row["name"].startswith("Farmers")]
    assert farmers[0]["account_id"] == "001bm00001ZM1LyAAL"
    assert farmers[0]["last_engagement_date"] == date(2026, 2, 23)
    assert any("month/day/year" in note for note in report.notes)
