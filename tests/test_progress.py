"""Progress bars on tier and sample: counts at a terminal, quiet elsewhere."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from rich.console import Console
from rich.progress import Progress as RichProgress
from typer.testing import CliRunner

from tierwise import jobs
from tierwise.cli import app
from tierwise.cli.progress import Bar, CountColumn, progress_bar
from tierwise.engine.watch import watched
from tierwise.progress import QUIET
from tierwise.sample import build_demo_portfolio, write_portfolio
from tierwise.store import open_store

AS_OF = date(2026, 9, 30)


class Recorded:
    """A Progress that keeps what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def start(self, task: str, total: int | None) -> None:
        self.events.append(("start", (task, total)))

    def advance_to(self, done: int) -> None:
        self.events.append(("advance", done))

    def finish(self) -> None:
        self.events.append(("finish", None))

    def counts(self) -> list[object]:
        return [value for kind, value in self.events if kind == "advance"]

    def tasks(self) -> list[object]:
        return [value for kind, value in self.events if kind == "start"]

    def counts_in(self, task: str) -> list[object]:
        """The counts reported while ``task`` was the current task."""
        counts, current = [], None
        for kind, value in self.events:
            if kind == "start":
                assert isinstance(value, tuple)
                current = value[0]
            elif kind == "advance" and current == task:
                counts.append(value)
        return counts


def _terminal() -> tuple[Console, io.StringIO]:
    shown = io.StringIO()
    return Console(file=shown, force_terminal=True, width=120), shown


def test_the_bar_shows_counts_at_a_terminal(tmp_path: Path) -> None:
    stderr, shown = _terminal()
    stdout, _ = _terminal()

    with progress_bar(False, shown_on=stderr, beside=stdout) as progress:
        assert isinstance(progress, Bar)
        write_portfolio(
            tmp_path / "p.parquet", 5000, 1, batch_size=1000, progress=progress
        )

    assert "Writing accounts" in shown.getvalue()
    assert "5,000 of 5,000 accounts" in shown.getvalue()


def test_a_step_that_counted_nothing_ends_without_a_count() -> None:
    # Writing the results, or waiting while a database scores, has no count:
    # it ended as "0 of 0 accounts", read as if no account had been written.
    stderr, _ = _terminal()
    display = RichProgress(CountColumn(), console=stderr, auto_refresh=False)
    bar = Bar(display)

    bar.start("Writing results", None)
    bar.finish()
    bar.start("Reading accounts", None)
    bar.advance_to(1200)
    bar.finish()

    waited, read = (str(CountColumn().render(task)) for task in display.tasks)
    assert (waited, read) == ("", "1,200 of 1,200 accounts")
    assert all(task.finished for task in display.tasks)


def test_quiet_when_asked() -> None:
    stderr, shown = _terminal()
    stdout, _ = _terminal()

    with progress_bar(True, shown_on=stderr, beside=stdout) as progress:
        assert progress is QUIET

    assert shown.getvalue() == ""


def test_quiet_when_either_stream_is_not_a_terminal() -> None:
    terminal, shown = _terminal()
    piped = Console(file=io.StringIO())

    with progress_bar(False, shown_on=terminal, beside=piped) as progress:
        assert progress is QUIET
    with progress_bar(False, shown_on=piped, beside=terminal) as progress:
        assert progress is QUIET

    assert shown.getvalue() == ""


def test_sample_counts_every_batch(tmp_path: Path) -> None:
    recorded = Recorded()

    write_portfolio(tmp_path / "p.csv", 2500, 1, batch_size=1000, progress=recorded)

    assert recorded.tasks() == [("Writing accounts", 2500)]
    assert recorded.counts() == [1000, 2000, 2500]
    assert recorded.events[-1] == ("finish", None)


def test_a_watched_query_ends_at_its_total_and_never_goes_back() -> None:
    connection = duckdb.connect()
    recorded = Recorded()

    with watched(connection, recorded, "Counting", 3_000_000):
        connection.execute(
            "SELECT COUNT(DISTINCT i % 1000003) FROM range(3000000) t(i)"
        )

    counts = recorded.counts()
    assert recorded.tasks() == [("Counting", 3_000_000)]
    assert counts[-1] == 3_000_000
    assert counts == sorted(counts)


def test_another_engine_shows_its_start_until_it_reports() -> None:
    # Spark takes many seconds to start before it reports a share: the bar
    # said "Scoring and tiering 0 of N" all that while.
    recorded = Recorded()

    with watched(duckdb.connect(), recorded, "Scoring", 1000, "spark") as share:
        assert share is not None
        assert recorded.tasks() == [("Starting Spark", None)]
        share(0.25)
        share(0.5)

    assert recorded.tasks() == [("Starting Spark", None), ("Scoring", 1000)]
    assert recorded.counts_in("Scoring") == [250, 500, 1000]
    assert recorded.events[-1] == ("finish", None)


def test_another_engine_that_never_reports_still_ends_at_its_total() -> None:
    recorded = Recorded()

    with watched(duckdb.connect(), recorded, "Scoring", 10, "spark"):
        pass

    assert recorded.tasks() == [("Starting Spark", None), ("Scoring", 10)]
    assert recorded.counts_in("Scoring") == [10]


def test_tier_reports_reading_scoring_and_explaining(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(build_demo_portfolio(), accounts)
    recorded = Recorded()

    jobs.tier_file(
        accounts, tmp_path / "out", AS_OF, explain_all=True, progress=recorded
    )

    assert recorded.tasks() == [
        ("Reading accounts", None),
        ("Scoring and tiering", 1000),
        ("Writing results", None),
        ("Explaining", 1000),
    ]
    assert recorded.counts()[-1] == 1000


def test_tier_reports_writing_and_recording(tmp_path: Path) -> None:
    # After "Scoring and tiering" reached its total, a stored run sat
    # seconds without a bar while it wrote its results and recorded them.
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(build_demo_portfolio(), accounts)
    recorded = Recorded()

    with open_store(f"sqlite:///{tmp_path}/tierwise.db") as store:
        jobs.tier_file(
            accounts, tmp_path / "out", AS_OF, store=store, progress=recorded
        )

    assert recorded.tasks()[-3:] == [
        ("Writing results", None),
        ("Looking for the same run in the store", None),
        ("Recording the run", 1000),
    ]
    assert recorded.counts_in("Recording the run")[-1] == 1000
    assert recorded.events[-1] == ("finish", None)


def test_a_run_already_recorded_is_not_counted_as_recorded(tmp_path: Path) -> None:
    # The same run again is not stored, yet its bar counted "Recording the
    # run" up to every account before the summary said so.
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(build_demo_portfolio(), accounts)
    recorded = Recorded()

    with open_store(f"sqlite:///{tmp_path}/tierwise.db") as store:
        jobs.tier_file(accounts, tmp_path / "out", AS_OF, store=store)
        jobs.tier_file(
            accounts, tmp_path / "out", AS_OF, store=store, progress=recorded
        )

    assert recorded.tasks()[-1] == ("Looking for the same run in the store", None)
    assert "Recording the run" not in [task for task, _ in recorded.tasks()]


def test_the_commands_draw_nothing_off_a_terminal(tmp_path: Path) -> None:
    runner = CliRunner()
    portfolio = tmp_path / "p.parquet"

    sampled = runner.invoke(
        app, ["sample", "--accounts", "1200", "--out", str(portfolio)]
    )
    tiered = runner.invoke(
        app,
        ["tier", str(portfolio), "--no-store", "--out", str(tmp_path / "out")],
    )
    quiet = runner.invoke(
        app,
        ["sample", "--accounts", "10", "--out", str(portfolio), "--quiet", "--force"],
    )

    assert (sampled.exit_code, tiered.exit_code, quiet.exit_code) == (0, 0, 0)
    for result in (sampled, tiered, quiet):
        assert "Writing" not in result.output
        assert "Scoring and tiering" not in result.output
        assert " of 1,200 accounts" not in result.output
