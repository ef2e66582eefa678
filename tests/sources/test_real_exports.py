"""The public datasets in ../shared/data, read as a user would read them."""

from __future__ import annotations

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
