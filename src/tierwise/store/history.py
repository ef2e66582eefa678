"""Reading recorded runs back: the run list and one account's history.

Results are stored per run, clustered on (run, account), so an account's
history is one primary-key probe per run rather than a scan of every result
ever stored.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Row, select
from sqlalchemy.orm import Session, aliased

from tierwise.store.database import Store, StoreError
from tierwise.store.overrides import OverrideRecord, list_overrides
from tierwise.store.registry import known_account_id
from tierwise.store.results import from_hundredths
from tierwise.store.tables import Account, ModelVersion, ResultOutcome, Run, RunResult

__all__ = [
    "AccountHistory",
    "HistoryEntry",
    "RunSummary",
    "TierLine",
    "account_history",
    "get_run",
    "list_runs",
]

log = logging.getLogger(__name__)

# Runs read at once for an account's history (see `account_history`).
HISTORY_RUNS_PER_READ = 100


@dataclass(frozen=True)
class TierLine:
    """One tier's size in a recorded run."""

    key: str
    name: str
    accounts: int
    cap: int | None


@dataclass(frozen=True)
class RunSummary:
    """A recorded run as the run list shows it."""

    run_id: int
    as_of: date
    model_version_id: int
    model_name: str
    model_hash: str
    accounts: int
    tiers: list[TierLine]
    status: str
    # Where the accounts came from (a file's name, a table) and, for a file,
    # its full path when read (None for runs recorded without them).
    source: str | None
    source_path: str | None
    repeat: int
    # The run this one stores again (same input, model and as-of date), when
    # ``--force`` recorded it once more; None for a first recording.
    repeats_run_id: int | None
    started_at: datetime
    finished_at: datetime
    warnings: list[str]

    def tier_name(self, key: str) -> str:
        """The display name of tier ``key`` in this run (the key if unknown)."""
        return next((tier.name for tier in self.tiers if tier.key == key), key)


@dataclass(frozen=True)
class HistoryEntry:
    """Where an account stood in one run."""

    run_id: int
    as_of: date
    model_version_id: int
    model_name: str
    tier: str
    tier_name: str
    computed_tier: str
    reason: str
    total: float | None
    rank: int | None


@dataclass(frozen=True)
class AccountHistory:
    """An account's tier in every run that held it, oldest first."""

    account_id: str
    name: str | None
    domain: str | None
    first_seen_run_id: int
    last_seen_run_id: int
    entries: list[HistoryEntry]
    overrides: list[OverrideRecord]


def list_runs(store: Store, limit: int | None = None) -> list[RunSummary]:
    """Recorded runs, newest first (all of them unless ``limit`` is given)."""
    query = _run_query().order_by(Run.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with store.reading() as connection, Session(connection) as session:
        return [_summary(row) for row in session.execute(query)]


def get_run(store: Store, run_id: int) -> RunSummary:
    """One recorded run.

    Raises:
        StoreError: when the store has no run with that id.
    """
    with store.reading() as connection:
        return run_summary(connection, run_id)


def run_summary(connection: Connection, run_id: int) -> RunSummary:
    """One recorded run, read on an open connection."""
    with Session(connection) as session:
        row = session.execute(_run_query().where(Run.id == run_id)).one_or_none()
    if row is None:
        raise StoreError(
            f"the store has no run {run_id}; `tierwise runs` lists the recorded runs"
        )
    return _summary(row)


def account_history(store: Store, account_id: str) -> AccountHistory:
    """``account_id``'s tier, reason and score in every run, oldest first.

    A 15-character Salesforce id finds its 18-character record.

    Raises:
        StoreError: when no recorded run has tiered that account.
    """
    with store.reading() as connection:
        account_id = known_account_id(
            connection,
            account_id,
            "A new account has no history until a run with `tierwise tier` holds it.",
        )
        with Session(connection) as session:
            account = session.get_one(Account, account_id)
        runs = list(
            connection.execute(select(Run.id).order_by(Run.as_of, Run.id)).scalars()
        )
    # A few runs per read: on PostgreSQL each run is a partition of its own,
    # and a read locks every partition it may look at, and its key, until it
    # ends. The server's lock table (64 locks per connection by default) ran
    # out after some thousands of runs read at once ("out of shared memory").
    entries: list[HistoryEntry] = []
    for start in range(0, len(runs), HISTORY_RUNS_PER_READ):
        with store.reading() as connection:
            chunk = runs[start : start + HISTORY_RUNS_PER_READ]
            entries += _entries(connection, account_id, chunk)

    # First and last by as-of date, as the entries are sorted: the registry
    # keeps the order of recording, which differs once a past quarter is
    # recorded late. A registered account has a result in some run.
    return AccountHistory(
        account_id=account_id,
        name=account.name,
        domain=account.domain,
        first_seen_run_id=entries[0].run_id,
        last_seen_run_id=entries[-1].run_id,
        entries=entries,
        overrides=list_overrides(store, account_id),
    )


def _entries(
    connection: Connection, account_id: str, runs: list[int]
) -> list[HistoryEntry]:
    """``account_id``'s entries in ``runs``, by as-of date then recording.

    Joining from runs lets both databases probe the (run, account) key once
    per run instead of scanning every stored result for the account; the
    runs named one by one let PostgreSQL open only their partitions.
    """
    query = (
        select(
            Run.id,
            Run.as_of,
            Run.tiers,
            ModelVersion.id.label("version_id"),
            ModelVersion.name.label("model_name"),
            ResultOutcome.tier,
            ResultOutcome.computed_tier,
            ResultOutcome.reason,
            RunResult.total_centi,
            RunResult.rank,
        )
        .join(ModelVersion, ModelVersion.id == Run.model_version_id)
        .join(
            RunResult,
            (RunResult.run_id == Run.id) & (RunResult.account_id == account_id),
        )
        .join(ResultOutcome, ResultOutcome.id == RunResult.outcome_id)
        .where(Run.id.in_(runs), RunResult.run_id.in_(runs))
        .order_by(Run.as_of, Run.id)
    )
    entries = []
    for row in connection.execute(query):
        names = {tier["key"]: tier["name"] for tier in row.tiers}
        entries.append(
            HistoryEntry(
                run_id=row.id,
                as_of=row.as_of,
                model_version_id=row.version_id,
                model_name=row.model_name,
                tier=row.tier,
                tier_name=names.get(row.tier, row.tier),
                computed_tier=row.computed_tier,
                reason=row.reason,
                total=from_hundredths(row.total_centi),
                rank=row.rank,
            )
        )
    return entries


def _run_query() -> Any:
    first = aliased(Run)
    first_recording = (
        select(first.id)
        .where(
            first.input_fingerprint == Run.input_fingerprint,
            first.model_version_id == Run.model_version_id,
            first.as_of == Run.as_of,
            first.repeat == 0,
            Run.repeat > 0,
        )
        .correlate(Run)
        .scalar_subquery()
    )
    return select(
        Run,
        ModelVersion.name.label("model_name"),
        ModelVersion.content_hash,
        first_recording.label("repeats_run_id"),
    ).join(ModelVersion, ModelVersion.id == Run.model_version_id)


def _summary(row: Row[Any]) -> RunSummary:
    run: Run = row.Run
    tiers = [
        TierLine(tier["key"], tier["name"], tier["accounts"], tier["cap"])
        for tier in run.tiers
    ]
    return RunSummary(
        run_id=run.id,
        as_of=run.as_of,
        model_version_id=run.model_version_id,
        model_name=row.model_name,
        model_hash=row.content_hash,
        accounts=run.accounts,
        tiers=tiers,
        status=run.status,
        source=run.inputs.get("source"),
        source_path=run.inputs.get("origin", {}).get("accounts"),
        repeat=run.repeat,
        repeats_run_id=row.repeats_run_id,
        started_at=run.started_at,
        finished_at=run.finished_at,
        warnings=list(run.warnings),
    )
