"""The three real inputs of the foundation issue run and give sensible tiers."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from tierwise.jobs import choose_mapping, tier_file

MAPPINGS = Path(__file__).parent / "fixtures" / "mappings"
AS_OF = date(2026, 9, 30)

pytestmark = pytest.mark.realdata


def test_maven_accounts_with_a_mapping(shared_data: Path, tmp_path: Path) -> None:
    accounts = shared_data / "maven-crm-sales-opportunities" / "accounts.csv"

    job = tier_file(
        accounts,
        tmp_path / "out",
        AS_OF,
        mapping=choose_mapping(None, MAPPINGS / "maven-accounts.yaml"),
    )
    rows = {row["account_id"]: row for row in job.run.table().to_pylist()}

    assert job.report.rows_read == job.report.rows_used == len(rows) == 85
    # No engagement or relationship data at all: nobody can be Tier 1, and the
    # gates say why rather than a silent zero.
    assert Counter(row["tier"] for row in rows.values())["tier_1"] == 0
    assert rows["Acme Corporation"]["fit_score"] is not None
    industries = {row["reason"] for row in rows.values()}
    assert industries <= {
        "met",
        "capped",
        "below_threshold",
        "insufficient_data",
        "missing_must_have:exec_sponsor",
    }
    assert (
        "engagement" not in " ".join(job.report.absent_fields)
        or job.report.absent_fields
    )


def test_maven_typo_in_sector_is_repaired_by_the_mapping(
    shared_data: Path, tmp_path: Path
) -> None:
    accounts = shared_data / "maven-crm-sales-opportunities" / "accounts.csv"

    job = tier_file(
        accounts,
        tmp_path / "out",
        AS_OF,
        mapping=choose_mapping(None, MAPPINGS / "maven-accounts.yaml"),
    )
    industries = job.run.connection.sql(
        "SELECT DISTINCT industry FROM accounts"
    ).fetchall()

    assert ("technology",) in industries
    assert ("technolgy",) not in industries


def test_salesforce_export_with_the_preset(shared_data: Path, tmp_path: Path) -> None:
    accounts = shared_data / "salesforce-devorg-sample-export" / "Account.csv"

    job = tier_file(
        accounts, tmp_path / "out", AS_OF, mapping=choose_mapping("salesforce", None)
    )
    rows = job.run.table().to_pylist()

    assert len(rows) == 18
    assert all(row["reason"] for row in rows)
    assert job.run.estimated_potential > 0  # Salesforce exports carry no potential
    assert "intent_score" in job.report.absent_fields
    placed = Counter(row["tier"] for row in rows)
    assert placed["tier_1"] == 0 and placed["tier_2"] + placed["tier_3"] > 0


def test_fortune_1000_list_with_a_mapping(shared_data: Path, tmp_path: Path) -> None:
    accounts = shared_data / "fortune-1000-2020-2022" / "fortune1000_2020_list.csv"

    job = tier_file(
        accounts,
        tmp_path / "out",
        AS_OF,
        mapping=choose_mapping(None, MAPPINGS / "fortune1000.yaml"),
    )
    rows = job.run.table().to_pylist()

    # Two pairs share a website (Raytheon, Concho Resources): merged.
    assert len(rows) == 998 == job.report.rows_used
    assert job.report.reconciles()
    assert all(
        row["tier"] != "tier_1" for row in rows
    )  # no executive sponsors on record
    assert Counter(row["tier"] for row in rows)["tier_2"] <= 100
    assert all(row["reason"] for row in rows)


def test_fortune_2022_doubled_schemes_are_repaired_and_noted(
    shared_data: Path, tmp_path: Path
) -> None:
    accounts = shared_data / "fortune-1000-2020-2022" / "fortune1000_2022_list.csv"
    mapping = choose_mapping(None, MAPPINGS / "fortune1000.yaml")

    job = tier_file(accounts, tmp_path / "out", AS_OF, mapping=mapping)

    repaired = [t for t in job.report.repairs if "scheme written twice" in t.what]
    assert [(t.count, t.example) for t in repaired] == [
        (7, "row 311: 'https://https://wbd.com' → 'wbd.com'")
    ]
    domains = {row["name"]: row for row in job.run.table().to_pylist()}
    assert job.run.accounts == job.report.rows_used
    assert "Warner Bros. Discovery" in domains
