"""Compare two recorded runs: who moved between which tiers, and by how much.

The database does the counting, so a diff of two million-account runs sends
a few dozen numbers and the listed movers to Python, not two million rows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, exists, func, null, select, union_all
from sqlalchemy.sql.selectable import Join, NamedFromClause

from tierwise.store.constants import ABSENT
from tierwise.store.database import Store, StoreError
from tierwise.store.history import RunSummary, run_summary
from tierwise.store.results import (
    HUNDREDTHS,
    dimension_scores,
    from_hundredths,
    run_dimensions,
)
from tierwise.store.tables import (
    LATEST_FIRST,
    Account,
    ResultOutcome,
    Run,
    RunResult,
)

__all__ = [
    "ABSENT",
    "DIMENSIONS",
    "Movement",
    "RunDiff",
    "Unpaired",
    "diff_runs",
    "latest_pair",
    "moved_accounts",
]

log = logging.getLogger(__name__)

# The bundled model's dimension scores as a movement names them, and their
# stored columns; a run of another model names them by its own keys.
DIMENSIONS = {
    name: column for name, column in HUNDREDTHS.items() if name.endswith("_score")
}
DEFAULT_MOVED_LIMIT = 50


@dataclass(frozen=True)
class Movement:
    """An account whose tier differs between the two runs."""

    account_id: str
    name: str | None
    from_tier: str
    to_tier: str
    total_before: float | None
    total_after: float | None
    reason_before: str
    reason_after: str
    dimension_deltas: dict[str, float | None]

    @property
    def total_delta(self) -> float | None:
        """How far the total moved (None when either total is unknown)."""
        return _delta(self.total_before, self.total_after)


@dataclass(frozen=True)
class Unpaired:
    """An account that only one of the two runs holds, as that run placed it."""

    account_id: str
    name: str | None
    tier: str
    total: float | None
    reason: str


@dataclass(frozen=True)
class RunDiff:
    """From-tier by to-tier counts between two runs, and the accounts that moved."""

    before: RunSummary
    after: RunSummary
    tiers: list[str]
    matrix: dict[tuple[str, str], int]
    moved: list[Movement]
    moved_count: int
    # Accounts in both runs that kept their tier with a different total.
    rescored_count: int = 0
    # Accounts only the later run holds (new), and only the earlier (dropped).
    added: list[Unpaired] = field(default_factory=list)
    dropped: list[Unpaired] = field(default_factory=list)

    def count(self, from_tier: str, to_tier: str) -> int:
        """Accounts in ``from_tier`` before and ``to_tier`` after."""
        return self.matrix.get((from_tier, to_tier), 0)

    @property
    def added_count(self) -> int:
        """How many accounts the later run holds and the earlier does not."""
        return sum(n for (was, _), n in self.matrix.items() if was == ABSENT)

    @property
    def dropped_count(self) -> int:
        """How many accounts the earlier run holds and the later does not."""
        return sum(n for (_, now), n in self.matrix.items() if now == ABSENT)

    def tier_name(self, key: str) -> str:
        """A tier's display name in the later run, else in the earlier one."""
        if key == ABSENT:
            return key
        name = self.after.tier_name(key)
        return name if name != key else self.before.tier_name(key)


def diff_runs(
    store: Store, before: int, after: int, limit: int = DEFAULT_MOVED_LIMIT
) -> RunDiff:
    """Compare run ``before`` with run ``after``.

    ``moved`` lists up to ``limit`` accounts that changed tier, largest score
    change first; ``moved_count`` says how many changed in all, and
    ``rescored_count`` how many kept their tier with a different total.
    Accounts in only one of the runs are counted in the ``ABSENT`` row or
    column, and up to ``limit`` of each kind are named, highest total
    first: ``added`` (only in ``after``) and ``dropped`` (only in
    ``before``), each with its tier in the run that holds it.

    Raises:
        StoreError: when either run is not in the store.
    """
    if limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    with store.reading() as connection:
        first, second = run_summary(connection, before), run_summary(connection, after)
        matrix = _matrix(connection, before, after)
        moved, moved_count = _moved(connection, before, after, limit)
        rescored = _rescored(connection, before, after)
        added = _unpaired(connection, after, before, limit)
        dropped = _unpaired(connection, before, after, limit)

    tiers = [line.key for line in first.tiers]
    tiers += [line.key for line in second.tiers if line.key not in tiers]
    seen = {key for pair in matrix for key in pair}
    tiers += sorted(seen - set(tiers) - {ABSENT})
    if ABSENT in seen:
        tiers.append(ABSENT)
    return RunDiff(
        first, second, tiers, matrix, moved, moved_count, rescored, added, dropped
    )


def moved_accounts(store: Store, before: int, after: int) -> list[Movement]:
    """Every account that changed tier from run ``before`` to run ``after``.

    In `diff_runs`'s order (largest score change first), with no limit: for
    a file, where the screen lists the first few.

    Raises:
        StoreError: when either run is not in the store.
    """
    with store.reading() as connection:
        for run_id in (before, after):
            run_summary(connection, run_id)  # refuses a run the store lacks
        moved, _ = _moved(connection, before, after, None)
    return moved


def latest_pair(store: Store) -> tuple[int, int]:
    """The two newest runs, earlier first: by as-of date, then by run id.

    The order is the one ``history`` lists an account's runs in, so a past
    quarter recorded late is not taken for the newest, and of two runs with
    one as-of date (a forced repeat) the later recorded counts as newer.

    Raises:
        StoreError: when the store holds fewer than two runs.
    """
    with store.reading() as connection:
        newest = connection.execute(
            select(Run.id, Run.as_of).order_by(*LATEST_FIRST).limit(2)
        ).all()
    if len(newest) == 2:
        return newest[1].id, newest[0].id

    record = (
        "record runs with `tierwise tier ACCOUNTS --as-of DATE` (or "
        "`tierwise demo`), or name another store with --db"
    )
    if not newest:
        raise StoreError(
            f"the store at {store.location} has no runs yet, so there are no "
            f"two to compare; {record}"
        )
    only = newest[0]
    raise StoreError(
        f"the store at {store.location} holds one run (run {only.id}, as of "
        f"{only.as_of}), and diff compares two; record another with "
        "`tierwise tier ACCOUNTS --as-of DATE`, then run diff again"
    )


def _matrix(
    connection: Connection, before: int, after: int
) -> dict[tuple[str, str], int]:
    # Counted by outcome pair, which the tiny outcome table then names.
    a, b = RunResult.__table__.alias("a"), RunResult.__table__.alias("b")
    in_after = and_(b.c.run_id == after, b.c.account_id == a.c.account_id)
    kept_or_left = (
        select(a.c.outcome_id, b.c.outcome_id, func.count())
        .select_from(a.outerjoin(b, in_after))
        .where(a.c.run_id == before)
        .group_by(a.c.outcome_id, b.c.outcome_id)
    )
    in_before = and_(a.c.run_id == before, a.c.account_id == b.c.account_id)
    entered = (
        select(null(), b.c.outcome_id, func.count())
        .where(b.c.run_id == after, ~exists().where(in_before))
        .group_by(b.c.outcome_id)
    )
    tiers = dict(connection.execute(select(ResultOutcome.id, ResultOutcome.tier)).all())
    matrix: dict[tuple[str, str], int] = {}
    for was, now, count in connection.execute(union_all(kept_or_left, entered)):
        key = (tiers.get(was, ABSENT), tiers.get(now, ABSENT))
        matrix[key] = matrix.get(key, 0) + int(count)
    return matrix


def _moved(
    connection: Connection, before: int, after: int, limit: int | None
) -> tuple[list[Movement], int]:
    """Up to ``limit`` movers (every one for None), and how many moved."""
    a, b, oa, ob, pairs = _paired(after)
    changed = and_(a.c.run_id == before, oa.c.tier != ob.c.tier)
    count = connection.execute(
        select(func.count()).select_from(pairs).where(changed)
    ).scalar_one()

    # Named by the later run's model; each compared with the same dimension
    # of the earlier run, wherever its model keeps it (none: no change).
    later = run_dimensions(connection, after)
    earlier = run_dimensions(connection, before)
    matched = [(key, earlier.index(key) if key in earlier else None) for key in later]
    source, old_scores = dimension_scores(pairs, a, before, len(earlier))
    source, new_scores = dimension_scores(source, b, after, len(later))

    accounts = Account.__table__
    delta = func.abs(
        func.coalesce(b.c.total_centi, 0) - func.coalesce(a.c.total_centi, 0)
    )
    query = (
        select(
            a.c.account_id,
            accounts.c.name,
            oa.c.tier,
            ob.c.tier,
            a.c.total_centi,
            b.c.total_centi,
            ob.c.reason,
            oa.c.reason,
            *old_scores,
            *new_scores,
        )
        .select_from(
            source.outerjoin(accounts, accounts.c.account_id == a.c.account_id)
        )
        .where(changed)
        .order_by(delta.desc(), a.c.account_id)
        .limit(limit)
    )
    moved = []
    scores, width = 8, len(earlier)
    for row in connection.execute(query):
        old = [from_hundredths(value) for value in row[scores : scores + width]]
        new = [from_hundredths(value) for value in row[scores + width :]]
        moved.append(
            Movement(
                account_id=row[0],
                name=row[1],
                from_tier=row[2],
                to_tier=row[3],
                total_before=from_hundredths(row[4]),
                total_after=from_hundredths(row[5]),
                reason_after=row[6],
                reason_before=row[7],
                dimension_deltas={
                    f"{key}_score": _delta(None if was is None else old[was], now)
                    for (key, was), now in zip(matched, new, strict=True)
                },
            )
        )
    return moved, count


def _paired(
    after: int,
) -> tuple[NamedFromClause, NamedFromClause, NamedFromClause, NamedFromClause, Join]:
    """Results ``a`` joined to run ``after``'s ``b`` by account, with outcomes.

    Returns the two results, their outcomes and the join; the caller picks
    the earlier run with ``a.c.run_id``.
    """
    a, b = RunResult.__table__.alias("a"), RunResult.__table__.alias("b")
    oa = ResultOutcome.__table__.alias("oa")
    ob = ResultOutcome.__table__.alias("ob")
    pairs = (
        a.join(b, and_(b.c.run_id == after, b.c.account_id == a.c.account_id))
        .join(oa, oa.c.id == a.c.outcome_id)
        .join(ob, ob.c.id == b.c.outcome_id)
    )
    return a, b, oa, ob, pairs


def _rescored(connection: Connection, before: int, after: int) -> int:
    """Accounts in both runs whose tier held while their total changed."""
    a, b, oa, ob, pairs = _paired(after)
    held = and_(
        a.c.run_id == before,
        oa.c.tier == ob.c.tier,
        a.c.total_centi.is_distinct_from(b.c.total_centi),
    )
    return int(
        connection.execute(
            select(func.count()).select_from(pairs).where(held)
        ).scalar_one()
    )


def _unpaired(
    connection: Connection, run_id: int, other: int, limit: int
) -> list[Unpaired]:
    """Up to ``limit`` accounts of run ``run_id`` that run ``other`` lacks."""
    mine, theirs = RunResult.__table__.alias("a"), RunResult.__table__.alias("b")
    outcome, accounts = ResultOutcome.__table__, Account.__table__
    in_other = and_(theirs.c.run_id == other, theirs.c.account_id == mine.c.account_id)
    query = (
        select(
            mine.c.account_id,
            accounts.c.name,
            outcome.c.tier,
            mine.c.total_centi,
            outcome.c.reason,
        )
        .select_from(
            mine.join(outcome, outcome.c.id == mine.c.outcome_id).outerjoin(
                accounts, accounts.c.account_id == mine.c.account_id
            )
        )
        .where(mine.c.run_id == run_id, ~exists().where(in_other))
        .order_by(mine.c.total_centi.desc().nulls_last(), mine.c.account_id)
        .limit(limit)
    )
    return [
        Unpaired(
            account_id=row[0],
            name=row[1],
            tier=row[2],
            total=from_hundredths(row[3]),
            reason=row[4],
        )
        for row in connection.execute(query)
    ]


def _delta(before: float | None, after: float | None) -> float | None:
    if before is None or after is None:
        return None
    return round(after - before, 2)
