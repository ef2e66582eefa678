"""Rows tied to accounts by id or registrable domain; the match report."""

from __future__ import annotations

import json
from pathlib import Path

from signal_helpers import load, portfolio, rows

from tierwise.model import TieringModel
from tierwise.sources.signals import signal_report_json
from tierwise.sources.signals.report import Count


def test_rows_match_by_id_then_by_registrable_domain(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = (
        "account_id,domain,timestamp,type\n"
        "acc-2,,2026-09-01,call\n"
        ",https://WWW.LumenGrid.example/pricing?x=1,2026-09-01,call\n"
        ",kestrelrow.example.,2026-09-01,call\n"
        "acc-9,orchidbay.example,2026-09-01,call\n"
        "acc-9,,2026-09-01,call\n"
        ",nobody.example,2026-09-01,call\n"
        ",,2026-09-01,call\n"
    )

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    assert rows(connection, "signal_activity", "account_id", "source_row") == [
        ("acc-2", 2),
        ("acc-1", 3),
        ("acc-2", 4),
        ("acc-5", 5),
    ]
    file = report.files["activity"]
    assert (file.matched_by_id, file.matched_by_domain, file.unmatched) == (1, 3, 3)
    assert {reason: count.examples for reason, count in file.dropped.items()} == {
        "unmatched: account id not among the accounts": [6],
        "unmatched: domain not among the accounts' domains": [7],
        "unmatched: no account id or domain": [8],
    }
    assert file.reconciles()


def test_a_domain_shared_by_several_accounts_is_ambiguous_and_left_out(
    tmp_path: Path, default_model: TieringModel
) -> None:
    # acc-3 and acc-4 both reduce to junipermesa.example (one is eu.).
    connection = portfolio(tmp_path, default_model)
    text = (
        "domain,timestamp,type\n"
        "junipermesa.example,2026-09-01,call\n"
        "https://eu.junipermesa.example,2026-09-02,call\n"
        "acc-3,2026-09-03,call\n"
        "orchidbay.example,2026-09-03,call\n"
    )

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    file = report.files["activity"]
    assert (file.ambiguous, file.matched_by_domain, file.unmatched) == (2, 1, 1)
    assert file.ambiguous_domains == {"junipermesa.example": ["acc-3", "acc-4"]}
    assert file.dropped["ambiguous: domain shared by several accounts"].examples == [
        2,
        3,
    ]
    assert rows(connection, "signal_activity", "account_id") == [("acc-5",)]
    assert file.reconciles()


def test_the_report_as_json_reconciles_and_holds_no_values(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = (
        "account_id,timestamp,type,status\n"
        "acc-1,2026-09-01,Web-Visit,completed\n"
        "acc-1,2026-09-02,meeting,Scheduled\n"
        "acc-7,2026-09-02,meeting,completed\n"
    )

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    data = json.loads(signal_report_json(report))["activity"]
    assert data["reconciles"] is True
    assert (data["rows_read"], data["rows_used"], data["accounts_matched"]) == (3, 1, 1)
    assert data["dropped"] == {
        "status scheduled": {"rows": 1, "examples": [3]},
        "unmatched: account id not among the accounts": {"rows": 1, "examples": [4]},
    }
    assert "acc-7" not in json.dumps(data)


def test_salesforce_ids_match_in_either_length(
    tmp_path: Path, default_model: TieringModel
) -> None:
    # The account import keys both on their 18 characters; the activity
    # export writes one in 15 and one in 18, and one lowercased (another id).
    accounts = (
        "account_id,name\n"
        "001A000001xYzAbIAK,Heronsgate Tools\n"
        "001A000001XyZaB,Wyvern Optics\n"
    )
    connection = portfolio(tmp_path, default_model, accounts)
    text = (
        "account_id,timestamp,type\n"
        "001A000001xYzAb,2026-09-01,call\n"
        "001A000001XyZaBIAV,2026-09-01,call\n"
        "001a000001xyzab,2026-09-01,call\n"
    )

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    assert rows(connection, "signal_activity", "account_id") == [
        ("001A000001xYzAbIAK",),
        ("001A000001XyZaBIAV",),
    ]
    file = report.files["activity"]
    assert (file.matched_by_id, file.unmatched) == (2, 1)


def test_a_record_exported_twice_counts_once(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    activity = (
        "Activity ID,account_id,timestamp,type\n"
        "t-1,acc-1,2026-09-01,call\n"
        "t-2,acc-1,2026-09-02,call\n"
        "t-1,acc-1,2026-09-01,call\n"
        ",acc-1,2026-09-03,call\n"
        ",acc-1,2026-09-03,call\n"
    )
    contacts = "contact_id,account_id,engagement\nc-1,acc-2,2\nc-1,acc-2,2\n"

    report = load(connection, tmp_path, default_model, "activity", "a.csv", activity)
    report.files.update(
        load(connection, tmp_path, default_model, "contacts", "c.csv", contacts).files
    )

    assert rows(connection, "signal_activity", "source_row") == [(2,), (3,), (5,), (6,)]
    assert report.files["activity"].dropped == {
        "repeats the record_id of an earlier row": Count(1, [4])
    }
    assert rows(connection, "signal_contacts", "source_row") == [(2,)]
    assert report.files["contacts"].dropped == {
        "repeats the contact_id of an earlier row": Count(1, [3])
    }
