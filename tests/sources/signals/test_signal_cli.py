"""tierwise tier ACCOUNTS --activity FILE --events FILE, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from signal_helpers import ACCOUNTS
from typer.testing import CliRunner

from tierwise.cli import app

ACTIVITY = """Account ID,Website,Activity Type,Status,Occurred At
acc-1,,Web Visit,Completed,2026-09-20T10:00:00Z
acc-1,,Web Visit,Completed,1789200000
,lumengrid.example,Whitepaper,,2026-09-01
acc-2,,Meeting,Completed,2026-10-02
,junipermesa.example,Webinar,,9/12/2026
acc-9,,Email,,2026-09-01
"""

EVENTS = """account_id,event_type,date
acc-2,Series-B,2026-07-01
acc-3,Contract End,2027-01-15
"""


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    (tmp_path / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "activity.csv").write_text(ACTIVITY, encoding="utf-8")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    return CliRunner()


def test_tier_with_activity_and_events_prints_and_writes_the_match_report(
    cli: CliRunner, tmp_path: Path
) -> None:
    result = cli.invoke(
        app,
        [
            "tier",
            "accounts.csv",
            "--activity",
            "activity.csv",
            "--events",
            "events.csv",
            "--as-of",
            "2026-09-30",
            "--no-store",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "activity (activity.csv): 6 rows = 3 counted + 3 left out" in result.output
    assert "events (events.csv): 2 rows = 2 counted + 0 left out" in result.output
    report = json.loads(
        (tmp_path / "tierwise-out" / "signals-report.json").read_text(encoding="utf-8")
    )
    assert report["activity"]["reconciles"] and report["events"]["reconciles"]
    assert {
        reason: c["examples"] for reason, c in report["activity"]["dropped"].items()
    } == {
        "after the as-of date": [5],
        "ambiguous: domain shared by several accounts": [6],
        "unmatched: account id not among the accounts": [7],
    }
    manifest = json.loads((tmp_path / "tierwise-out" / "run.json").read_text())
    assert sorted(manifest["signals"]) == ["activity", "events"]

    explained = cli.invoke(app, ["explain", "acc-1"])
    assert explained.exit_code == 0, explained.output
    assert "Website visits" in explained.output


def test_explain_refuses_a_signal_file_changed_since_the_run(
    cli: CliRunner, tmp_path: Path
) -> None:
    tiered = cli.invoke(
        app, ["tier", "accounts.csv", "--activity", "activity.csv", "--no-store"]
    )
    assert tiered.exit_code == 0, tiered.output
    (tmp_path / "activity.csv").write_text(ACTIVITY + "acc-1,,Email,,2026-09-02\n")

    result = cli.invoke(app, ["explain", "acc-1"])

    assert result.exit_code == 2
    assert "the run's --activity file) is gone or has changed" in result.output


def test_a_signal_column_setting_is_checked(cli: CliRunner) -> None:
    result = cli.invoke(
        app,
        ["tier", "accounts.csv", "--signal-column", "intent.topic=Theme", "--no-store"],
    )

    assert result.exit_code == 2
    assert "--signal-column 'intent.topic=Theme': no --intent file is given" in (
        " ".join(result.output.split())
    )


def test_a_mapping_file_names_signal_columns_and_the_option_wins(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "mapping.yaml").write_text(
        "preset: generic\nsignals:\n  activity: {timestamp: Logged, kind: What}\n",
        encoding="utf-8",
    )
    (tmp_path / "renamed.csv").write_text(
        "account_id,Logged,What,Other\nacc-1,2026-09-01,call,2026-01-01\n",
        encoding="utf-8",
    )
    arguments = ["tier", "accounts.csv", "--mapping", "mapping.yaml"]
    arguments += ["--activity", "renamed.csv", "--no-store"]

    result = cli.invoke(app, arguments)
    overridden = cli.invoke(
        app, [*arguments, "--signal-column", "activity.timestamp=Other", "--out", "b"]
    )

    assert result.exit_code == 0, result.output
    assert overridden.exit_code == 0, overridden.output
    first = json.loads((tmp_path / "tierwise-out" / "signals-report.json").read_text())
    second = json.loads((tmp_path / "b" / "signals-report.json").read_text())
    assert first["activity"]["columns"]["timestamp"] == "Logged"
    assert second["activity"]["columns"]["timestamp"] == "Other"


def test_a_mapping_file_with_an_unknown_signal_kind_names_its_line(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "mapping.yaml").write_text(
        "signals:\n  visits: {timestamp: Logged}\n", encoding="utf-8"
    )

    result = cli.invoke(
        app, ["tier", "accounts.csv", "--mapping", "mapping.yaml", "--no-store"]
    )

    assert result.exit_code == 2
    assert "signals.visits (line 2): unknown key; use one of activity, intent" in (
        " ".join(result.output.split())
    )
