"""The summary lines of the match report, as printed at the end of ``tier``."""

from __future__ import annotations

from tierwise.sources.signals.report import (
    Count,
    SignalFileReport,
    SignalReport,
    signal_report_lines,
)


def _report(rows: int, used: int, accounts: int) -> SignalReport:
    file = SignalFileReport(
        kind="contacts",
        file="/data/contacts.csv",
        rows_read=rows,
        rows_used=used,
        matched_by_id=0,
        matched_by_domain=used,
        unmatched=rows - used,
        ambiguous=0,
        accounts_matched=accounts,
    )
    if rows > used:
        file.dropped["unmatched: a free-mail domain"] = Count(rows - used, [3])
    return SignalReport(files={"contacts": file})


def test_one_row_and_one_account_are_written_in_the_singular() -> None:
    lines = signal_report_lines(_report(rows=2, used=1, accounts=1))

    assert (
        lines[0]
        == "contacts (contacts.csv): 2 rows = 1 counted + 1 left out; 1 account"
    )
    assert lines[2] == "  left out, unmatched: a free-mail domain: 1 (row 3)"


def test_zero_accounts_are_plural_and_a_single_row_singular() -> None:
    lines = signal_report_lines(_report(rows=1, used=1, accounts=0))

    assert (
        lines[0]
        == "contacts (contacts.csv): 1 row = 1 counted + 0 left out; 0 accounts"
    )
