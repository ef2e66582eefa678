"""Lint with signal files: the tier counts `tierwise tier` gives the same files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.jobs import tier_file
from tierwise.lint_accounts import ModelLint, lint_file
from tierwise.sources.signals import SignalFile

DEFAULT_MODEL_FILE = (
    Path(__file__).parents[2] / "src" / "tierwise" / "model" / "default-model.yaml"
)
AS_OF = date(2026, 9, 30)
ACCOUNTS = 24

# Each file lifts some accounts over a threshold of the default model, so
# the tier counts with it differ from the counts without it.
ACTIVITY_COUNTS = (("web visit", 50), ("whitepaper", 3), ("webinar", 2))
SIGNAL_TEXTS = {
    "activity": "account_id,activity_type,timestamp\n"
    + "".join(
        f"a{i},{kind},2026-09-{1 + n % 28:02d}\n"
        for i in range(ACCOUNTS)
        for kind, times in ACTIVITY_COUNTS
        for n in range(times)
    ),
    "intent": "domain,topic,score,week\n"
    + "".join(
        f"account{i}.example,account based marketing,90,2026-09-28\n"
        for i in range(ACCOUNTS)
    ),
    "contacts": "contact_id,account_id,title,seniority,role,engagement\n"
    + "".join(
        f"c{i},a{i},CEO,c_level,executive sponsor,5\n"
        f"d{i},a{i},Head of Sales,vp,champion,3\n"
        for i in range(ACCOUNTS)
    ),
    "events": "account_id,event_type,date\n"
    + "".join(f"a{i},contract end,2027-03-01\n" for i in range(0, ACCOUNTS, 3)),
}


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.csv"
    header = (
        "account_id,name,domain,industry,country,employees,annual_revenue,"
        "competitor_incumbent,relationship_strength\n"
    )
    rows = "".join(
        f"a{i},Account {i},account{i}.example,"
        f"{'software' if i % 2 else 'retail'},US,{500 + 300 * i},"
        f"{(i + 1) * 10**8},{'true' if i % 3 == 0 else 'false'},some\n"
        for i in range(ACCOUNTS)
    )
    path.write_text(header + rows, encoding="utf-8")
    return path


def _signal_file(folder: Path, kind: str) -> SignalFile:
    path = folder / f"{kind}.csv"
    path.write_text(SIGNAL_TEXTS[kind], encoding="utf-8")
    return SignalFile(kind, path)


def _lint_counts(linted: ModelLint) -> list[int]:
    portfolio = linted.portfolio
    assert portfolio is not None
    tiers = [tier.after_caps for tier in portfolio.tiers]
    return [*tiers, portfolio.unassigned_after_caps]


def _tier_counts(accounts: Path, out: Path, signals: list[SignalFile]) -> list[int]:
    job = tier_file(
        accounts, out, AS_OF, model_path=DEFAULT_MODEL_FILE, signals=signals
    )
    return [count.accounts for count in job.run.tiers]


@pytest.mark.parametrize(
    "kinds",
    [
        pytest.param(["activity"], id="activity-log"),
        pytest.param(["intent"], id="third-party-intent"),
        pytest.param(["contacts"], id="contacts"),
        pytest.param(["events"], id="company-events"),
        pytest.param(["activity", "intent", "contacts", "events"], id="all-four"),
    ],
)
def test_lint_counts_what_tier_counts_with_the_same_signal_files(
    accounts: Path, tmp_path: Path, kinds: list[str]
) -> None:
    signals = [_signal_file(tmp_path, kind) for kind in kinds]

    linted = lint_file(DEFAULT_MODEL_FILE, accounts, as_of=AS_OF, signals=signals)

    assert _lint_counts(linted) == _tier_counts(accounts, tmp_path / "out", signals)
    alone = lint_file(DEFAULT_MODEL_FILE, accounts, as_of=AS_OF)
    assert _lint_counts(linted) != _lint_counts(alone)


def test_a_parquet_file_read_in_place_meets_its_intent_rows_by_domain(
    accounts: Path, tmp_path: Path
) -> None:
    # tier reads a Parquet file in place, and its domains only when a
    # signal file matches by domain, as this intent file does.
    parquet = tmp_path / "accounts.parquet"
    pq.write_table(pa_csv.read_csv(accounts), parquet)
    signals = [_signal_file(tmp_path, "intent")]

    linted = lint_file(DEFAULT_MODEL_FILE, parquet, as_of=AS_OF, signals=signals)

    assert _lint_counts(linted) == _tier_counts(parquet, tmp_path / "out", signals)
    assert _lint_counts(linted) == _lint_counts(
        lint_file(DEFAULT_MODEL_FILE, accounts, as_of=AS_OF, signals=signals)
    )


def test_a_signal_file_given_is_no_longer_named_as_missing(
    accounts: Path, tmp_path: Path
) -> None:
    signals = [_signal_file(tmp_path, "activity")]

    linted = lint_file(DEFAULT_MODEL_FILE, accounts, as_of=AS_OF, signals=signals)

    findings = [f.message for f in linted.report.findings]
    assert not [message for message in findings if "'web_visits_30d'" in message]
    (note,) = linted.report.not_checked
    assert "given no --contacts, --events, --intent files" in note
    assert "--activity" not in note


def test_a_signal_file_that_fills_nothing_is_named_in_the_fix(
    accounts: Path, tmp_path: Path
) -> None:
    # The file's rows name no account here; mapping a column would not help,
    # as the file's value wins over a column of the same name.
    intent = tmp_path / "intent.csv"
    intent.write_text(
        "domain,topic,score,week\nelsewhere.example,abm platform,90,2026-09-28\n",
        encoding="utf-8",
    )
    signals = [SignalFile("intent", intent)]

    linted = lint_file(DEFAULT_MODEL_FILE, accounts, as_of=AS_OF, signals=signals)

    (finding,) = [f for f in linted.report.findings if "'intent_score'" in f.message]
    assert finding.fix.startswith("check the --intent file: none of its rows gave")
    assert linted.signals is not None
    assert linted.signals.files["intent"].unmatched == 1


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    return CliRunner()


def test_lint_prints_how_each_signal_file_matched(
    cli: CliRunner, accounts: Path, tmp_path: Path
) -> None:
    _signal_file(tmp_path, "events")
    arguments = ["lint", str(DEFAULT_MODEL_FILE), "--accounts", str(accounts)]

    result = cli.invoke(
        app, [*arguments, "--events", "events.csv", "--as-of", AS_OF.isoformat()]
    )

    assert result.exit_code == 0, result.output
    assert "events (events.csv): 8 rows = 8 counted + 0 left out" in result.output


def test_a_bad_signal_file_stops_lint_as_it_stops_tier(
    cli: CliRunner, accounts: Path, tmp_path: Path
) -> None:
    (tmp_path / "intent.csv").write_text(
        "domain,topic,stage,week\n"
        "account1.example,abm platform,,2026-09-21\n"
        "account1.example,abm platform,Hot,2026-09-21\n",
        encoding="utf-8",
    )
    given = ["--accounts", str(accounts), "--intent", "intent.csv"]
    given += ["--signal-column", "intent.score=stage"]

    linted = cli.invoke(app, ["lint", str(DEFAULT_MODEL_FILE), *given])
    tiered = cli.invoke(app, ["tier", *given[1:], "--no-store"])

    assert linted.exit_code == tiered.exit_code == 2, linted.output
    message = " ".join(linted.output.split())
    assert "intent.csv: row 3, column 'stage': 'Hot' is not a score" in message
    assert message == " ".join(tiered.output.split())


def test_a_signal_column_for_a_file_not_given_is_refused(
    cli: CliRunner, accounts: Path
) -> None:
    arguments = ["lint", str(DEFAULT_MODEL_FILE), "--accounts", str(accounts)]

    result = cli.invoke(app, [*arguments, "--signal-column", "intent.topic=Theme"])

    assert result.exit_code == 2
    assert "--signal-column 'intent.topic=Theme': no --intent file is given" in (
        " ".join(result.output.split())
    )


def test_signal_files_without_accounts_are_refused(cli: CliRunner) -> None:
    (Path.cwd() / "activity.csv").write_text(SIGNAL_TEXTS["activity"], encoding="utf-8")

    result = cli.invoke(
        app, ["lint", str(DEFAULT_MODEL_FILE), "--activity", "activity.csv"]
    )

    assert result.exit_code == 2
    assert "--activity only applies with --accounts" in " ".join(result.output.split())
