"""The public datasets as signal files: a real activity log and a funding feed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tierwise import jobs
from tierwise.sources import load_mapping_file
from tierwise.sources.signals import SignalFile

MAPPINGS = Path(__file__).resolve().parents[2] / "fixtures" / "mappings"

pytestmark = pytest.mark.realdata


def test_the_interactions_log_feeds_a_run_with_a_reconciling_report(
    shared_data: Path, tmp_path: Path
) -> None:
    folder = shared_data / "crm-opportunities-2024-interactions"

    job = jobs.tier_file(
        folder / "accounts.csv",
        tmp_path / "out",
        date(2025, 6, 30),
        mapping=load_mapping_file(MAPPINGS / "crm-2024-accounts.yaml"),
        signals=[SignalFile("activity", folder / "interactions.csv")],
    )

    report = json.loads((tmp_path / "out" / "signals-report.json").read_text())
    activity = report["activity"]
    assert activity["reconciles"] is True
    # 626 interactions of the 85 accounts, all by account id; the 326 still
    # marked Scheduled did not happen (yet) and are not counted.
    assert (activity["rows_read"], activity["matched_by_id"]) == (626, 626)
    assert activity["dropped"]["status scheduled"]["rows"] == 326
    assert activity["rows_used"] == 300
    assert activity["notes"] == ["dates with slashes read month first, as row 2 shows"]
    assert job.signals is not None and job.signals.files["activity"].reconciles()
    # Acme Corporation's last completed meeting or e-mail was on 28 Dec 2024,
    # as the explanation shows it.
    [acme] = jobs.explain_accounts(tmp_path / "out", ["1000"])
    [last] = [line for line in acme.criteria if line.field == "last_engagement_date"]
    assert last.value == date(2024, 12, 28)


def test_the_funding_rounds_feed_a_run_as_events(
    shared_data: Path, tmp_path: Path
) -> None:
    folder = shared_data / "crunchbase-2013-funding"

    job = jobs.tier_file(
        folder / "crunchbase-companies.csv",
        tmp_path / "out",
        date(2013, 10, 1),
        mapping=load_mapping_file(MAPPINGS / "crunchbase-companies.yaml"),
        signals=[SignalFile("events", folder / "crunchbase-rounds.csv")],
        accept_warnings=True,
    )

    assert job.signals is not None
    events = job.signals.files["events"]
    assert events.reconciles()
    assert events.encoding == "Mac Roman"
    assert events.columns == {
        "account_id": "company_permalink",
        "kind": "funding_round_type",
        "date": "funded_at",
    }
    # Every round names a company of the companies file by its permalink.
    assert (events.rows_read, events.matched_by_id, events.rows_used) == (
        31_679,
        31_679,
        31_679,
    )
    assert events.accounts_matched == 17_622
    waywire = job.run.connection.sql(
        "SELECT kind, occurred_on, source_row FROM signal_events "
        "WHERE account_id = '/company/waywire'"
    ).fetchall()
    assert waywire == [("funding_round", date(2012, 6, 30), 2)]
    kinds = job.run.connection.sql(
        "SELECT kind, count(*) FROM signal_events GROUP BY 1 ORDER BY 2 DESC LIMIT 2"
    ).fetchall()
    # Every round type but "other" is a funding round in the default model.
    assert kinds == [("funding_round", 28_758), ("other", 2_921)]
