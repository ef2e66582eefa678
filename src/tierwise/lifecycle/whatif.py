"""What-if: a recorded run's input scored with another model, recording nothing.

The run's input file is read again from the path the run recorded, after
checking it is byte for byte the file the run scored; a run's table
(``tier --source``) is read again as the run read it, and checked by what
it scores (see `tierwise.lifecycle.whatif_inputs`). It is scored twice in
memory: with the run's own model (the "before" side; a check compares its
tier counts with those recorded) and with the new model (the "after"
side), each with the tiers people had pinned in the run. The two results
are compared in DuckDB, so only counts and the listed movers reach Python;
explanations, which say which criteria moved a score, are computed for the
listed movers only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from tierwise.engine import UNASSIGNED, Explanation, TieringRun, explain, score_accounts
from tierwise.engine.run import (
    ACCOUNTS_VIEW,
    RESULT_FILE,
    RESULT_TABLE,
    open_connection,
    show_results,
)
from tierwise.file_inputs import currencies_of
from tierwise.jobs import read_input_again
from tierwise.lifecycle.constants import DEFAULT_MOVERS
from tierwise.lifecycle.models import resolve_model
from tierwise.lifecycle.whatif_inputs import (
    TableInput,
    refuse_table_changes,
    table_input,
)
from tierwise.model.loader import parse_model
from tierwise.model.schema import TieringModel
from tierwise.store import ABSENT

if TYPE_CHECKING:
    # The store (SQLAlchemy, Alembic) is imported only when one is used.
    from tierwise.store import RecordedInput, RunSummary, Store

__all__ = [
    "DEFAULT_MOVERS",
    "Mover",
    "Responsible",
    "TierShift",
    "WhatIf",
    "what_if",
]

log = logging.getLogger(__name__)

BEFORE_TABLE = "tierwise_whatif_before"
# A criterion whose part in a score moved less than this (in score points)
# is not named as responsible: it is rounding, not a cause.
NOTICEABLE = 0.005


@dataclass(frozen=True)
class Responsible:
    """One criterion's part in an account's score, before and after.

    ``before`` and ``after`` are score points (of 100) the criterion
    contributes; ``points_*`` are its raw points, None when unknown or when
    the criterion is not in that model.
    """

    key: str
    label: str
    points_before: int | None
    points_after: int | None
    before: float
    after: float

    @property
    def delta(self) -> float:
        """How many score points this criterion added (or took away)."""
        return self.after - self.before


@dataclass(frozen=True)
class Mover:
    """An account the new model would place in another tier."""

    account_id: str
    name: str | None
    from_tier: str
    to_tier: str
    total_before: float | None
    total_after: float | None
    reason_before: str
    reason_after: str
    criteria: list[Responsible]

    @property
    def total_delta(self) -> float | None:
        """How far the total would move (None when either is unknown)."""
        if self.total_before is None or self.total_after is None:
            return None
        return round(self.total_after - self.total_before, 2)


@dataclass(frozen=True)
class TierShift:
    """One tier before and after: size, cap, cap pressure and budget share.

    ``qualified_*`` counts the accounts that would land in the tier if no
    tier had a cap; a tier's side is None when that model lacks the tier.
    """

    key: str
    name: str
    accounts_before: int | None
    accounts_after: int | None
    cap_before: int | None
    cap_after: int | None
    qualified_before: int | None
    qualified_after: int | None
    budget_before: float | None
    budget_after: float | None


@dataclass(frozen=True)
class WhatIf:
    """A run's input scored with another model: who would move, and the cost."""

    run: RunSummary
    model_before: str
    model_after: str
    accounts: int
    tiers: list[str]
    names: dict[str, str]
    matrix: dict[tuple[str, str], int]
    moved_count: int
    movers: list[Mover]
    shifts: list[TierShift]
    pinned: int
    warnings: list[str]
    seconds: float

    def count(self, from_tier: str, to_tier: str) -> int:
        """Accounts in ``from_tier`` in the run and ``to_tier`` with the model."""
        return self.matrix.get((from_tier, to_tier), 0)

    def tier_name(self, key: str) -> str:
        """A tier's display name (the new model's, else the run's)."""
        return self.names.get(key, key)


def what_if(
    store: Store,
    model_ref: str,
    against: int | None = None,
    limit: int = DEFAULT_MOVERS,
    source: str | None = None,
) -> WhatIf:
    """Score run ``against`` (the latest by default) with ``model_ref``.

    ``model_ref`` is a model file or a stored version number. ``movers``
    lists up to ``limit`` accounts that would change tier, largest score
    change first, each with the criteria behind the change; ``moved_count``
    counts them all. Nothing is written to the store or beside the input.
    ``source`` gives a table run's ``URL::TABLE`` again, when its URL
    needs a password (a run keeps none) or its database file has moved.

    Raises:
        TierwiseError: when the store has no runs, the run is unknown or
            recorded no way to read its input again, its input file, table
            or mapping changed since, or the model cannot be found or does
            not load.
    """
    from tierwise.store import latest_run_id, recorded_input

    if limit < 0:
        raise ValueError(f"limit must be 0 or more, got {limit}")
    started = time.perf_counter()
    run_id = latest_run_id(store) if against is None else against
    recorded = recorded_input(store, run_id)
    table = table_input(recorded, source)
    old = parse_model(recorded.model_text, source=_version_label(recorded))
    new = resolve_model(model_ref, store)

    scored = _score_both(recorded, old, new.model, table)
    before_run, before, after_run, warnings = scored
    if table is not None:
        refuse_table_changes(store, recorded, before, table.source)
    qualified_before = _qualified(before_run)
    warnings += _drift(recorded.run, before_run)

    connection = after_run.connection
    connection.register(BEFORE_TABLE, before)
    try:
        matrix = _matrix(connection)
        moved_count, rows = _moved(connection, limit)
    finally:
        connection.unregister(BEFORE_TABLE)
    movers = _movers(rows, before_run, after_run)

    shifts = _shifts(old, new.model, before_run, after_run, qualified_before)
    tiers = [shift.key for shift in shifts]
    seen = {key for pair in matrix for key in pair}
    tiers += sorted(seen - set(tiers) - {ABSENT}) + ([ABSENT] if ABSENT in seen else [])
    seconds = time.perf_counter() - started
    log.info("what-if of run %d with %s in %.2f s", run_id, new.label, seconds)
    return WhatIf(
        run=recorded.run,
        model_before=_version_label(recorded),
        model_after=new.label,
        accounts=after_run.accounts,
        tiers=tiers,
        names={shift.key: shift.name for shift in shifts},
        matrix=matrix,
        moved_count=moved_count,
        movers=movers,
        shifts=shifts,
        pinned=len(recorded.pins),
        warnings=warnings,
        seconds=seconds,
    )


def _version_label(recorded: RecordedInput) -> str:
    run = recorded.run
    return f"version {run.model_version_id} ({run.model_name})"


def _score_both(
    recorded: RecordedInput,
    old: TieringModel,
    new: TieringModel,
    table: TableInput | None,
) -> tuple[TieringRun, pa.Table, TieringRun, list[str]]:
    """The input scored with the run's model, then with the new one.

    The file (or ``table``) is read once when both models read it alike
    (same fields, currency and rates), else once per model. The "before"
    results are copied out first, because scoring again in the same
    connection replaces the results view; the "before" run still explains
    its accounts.
    """
    as_of = recorded.run.as_of
    first = open_connection()
    sources = _read_again(first, recorded, old, table)
    before_run = score_accounts(
        old, ACCOUNTS_VIEW, as_of, first, pins=recorded.pins, signal_sources=sources
    )
    before = first.sql(
        f'SELECT "account_id", "tier", "total", "reason" FROM "{RESULT_TABLE}"'
    ).to_arrow_table()

    second = first
    if not _read_alike(old, new):
        second = open_connection()
        sources = _read_again(second, recorded, new, table)
    pins, warnings = _pins_for(new, recorded.pins)
    after_run = score_accounts(
        new, ACCOUNTS_VIEW, as_of, second, pins=pins, signal_sources=sources
    )
    return before_run, before, after_run, warnings


def _read_again(
    connection: duckdb.DuckDBPyConnection,
    recorded: RecordedInput,
    model: TieringModel,
    table: TableInput | None,
) -> list[str]:
    """The run's accounts in ``connection``; the kinds of its signal files."""
    if table is not None:
        table.read(connection, model)
        return []
    origin, digests = recorded.origin or {}, recorded.digests
    return read_input_again(connection, origin, digests, model, recorded.run.as_of)


def _read_alike(old: TieringModel, new: TieringModel) -> bool:
    return (old.field_kinds(), old.read_fields(), currencies_of(old)) == (
        new.field_kinds(),
        new.read_fields(),
        currencies_of(new),
    )


def _pins_for(
    model: TieringModel, pins: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The run's pins the new model can hold; the rest, said as warnings."""
    tiers = {tier.key for tier in model.active_tiers()}
    kept = {account: tier for account, tier in pins.items() if tier in tiers}
    dropped = sorted(account for account in pins if account not in kept)
    warnings = []
    if dropped:
        shown = ", ".join(dropped[:10]) + (" …" if len(dropped) > 10 else "")
        warnings.append(
            f"{len(dropped)} account(s) pinned in the run to a tier the new model "
            f"does not have are scored as if not pinned: {shown}"
        )
    return kept, warnings


def _qualified(run: TieringRun) -> dict[str, int]:
    """Per tier, the accounts that would land in it if no tier had a cap."""
    tiers = run.compiled.model.active_tiers()
    if not tiers:
        return {}
    eligible = run.compiled.step_query("eligible").sql(dialect="duckdb")
    whens = " ".join(f'WHEN "eligible_{i}" THEN {i}' for i in range(len(tiers)))
    rows = run.connection.sql(
        f"SELECT CASE {whens} END AS first_tier, COUNT(*) "
        f"FROM ({eligible}) GROUP BY first_tier"
    ).fetchall()
    return {tiers[index].key: int(n) for index, n in rows if index is not None}


def _drift(recorded: RunSummary, rescored: TieringRun) -> list[str]:
    """A warning when the run's own model no longer gives the recorded tiers."""
    then = {line.key: line.accounts for line in recorded.tiers}
    now = {count.key: count.accounts for count in rescored.tiers}
    if then == now:
        return []
    return [
        f"scored again with its own model, run {recorded.run_id}'s tier sizes "
        f"differ from those recorded ({_sizes(then)} then, {_sizes(now)} now): "
        "tierwise itself has changed since the run, so the before side shows "
        "what this tierwise makes of it"
    ]


def _sizes(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {n:,}" for key, n in counts.items())


def _matrix(connection: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], int]:
    rows = connection.sql(
        f"SELECT COALESCE(b.tier, '{ABSENT}'), COALESCE(a.tier, '{ABSENT}'), "
        f'COUNT(*) FROM "{BEFORE_TABLE}" b FULL JOIN "{RESULT_TABLE}" a '
        "ON a.account_id = b.account_id GROUP BY ALL"
    ).fetchall()
    return {(str(was), str(now)): int(n) for was, now, n in rows}


def _moved(
    connection: duckdb.DuckDBPyConnection, limit: int
) -> tuple[int, list[tuple[Any, ...]]]:
    pairs = (
        f'FROM "{BEFORE_TABLE}" b JOIN "{RESULT_TABLE}" a '
        "ON a.account_id = b.account_id WHERE a.tier <> b.tier"
    )
    ((count,),) = connection.sql(f"SELECT COUNT(*) {pairs}").fetchall()
    rows = connection.sql(
        "SELECT a.account_id, a.name, b.tier, a.tier, b.total, a.total, "
        f"b.reason, a.reason {pairs} "
        "ORDER BY ABS(COALESCE(a.total, 0) - COALESCE(b.total, 0)) DESC, "
        f"a.account_id LIMIT {int(limit)}"
    ).fetchall()
    return int(count), rows


def _movers(
    rows: list[tuple[Any, ...]], before: TieringRun, after: TieringRun
) -> list[Mover]:
    ids = [str(row[0]) for row in rows]
    if not ids:
        return []
    was = _explained(before, ids)
    now = _explained(after, ids)
    return [
        Mover(
            account_id=str(account_id),
            name=name,
            from_tier=str(from_tier),
            to_tier=str(to_tier),
            total_before=total_before,
            total_after=total_after,
            reason_before=str(reason_before),
            reason_after=str(reason_after),
            criteria=_responsible(was.get(str(account_id)), now.get(str(account_id))),
        )
        for (
            account_id,
            name,
            from_tier,
            to_tier,
            total_before,
            total_after,
            reason_before,
            reason_after,
        ) in rows
    ]


def _explained(run: TieringRun, ids: list[str]) -> dict[str, Explanation]:
    """``ids`` explained against ``run``'s own tiers and reasons.

    Both runs share one connection when the models read the file alike, and
    its results view then shows the later run; the earlier run's results are
    still in its scratch file, so the view is pointed there while it explains.
    """
    if run.scratch is not None:
        show_results(run.connection, run.scratch / RESULT_FILE)
    return {e.account_id: e for e in explain(run.connection, run.compiled, ids)}


def _responsible(
    before: Explanation | None, after: Explanation | None
) -> list[Responsible]:
    """The criteria whose part in the score moved, largest move first."""
    parts: dict[str, Responsible] = {}
    for side, explanation in (("before", before), ("after", after)):
        if explanation is None:
            continue
        for line in explanation.criteria:
            share = (
                line.earned * 100 / explanation.possible if explanation.possible else 0
            )
            found = parts.get(line.key) or Responsible(
                line.key, line.label, None, None, 0.0, 0.0
            )
            if side == "before":
                found = replace(found, points_before=line.points, before=share)
            else:
                found = replace(found, points_after=line.points, after=share)
            parts[line.key] = found
    moved = [part for part in parts.values() if abs(part.delta) >= NOTICEABLE]
    return sorted(moved, key=lambda part: (-abs(part.delta), part.key))


def _shifts(
    old: TieringModel,
    new: TieringModel,
    before: TieringRun,
    after: TieringRun,
    qualified_before: dict[str, int],
) -> list[TierShift]:
    """Each tier of either model (the new model's order first), then unassigned."""
    old_tiers = {tier.key: tier for tier in old.active_tiers()}
    new_tiers = {tier.key: tier for tier in new.active_tiers()}
    counts_before = {count.key: count.accounts for count in before.tiers}
    counts_after = {count.key: count.accounts for count in after.tiers}
    qualified_after = _qualified(after)

    shifts = []
    keys = [*new_tiers, *(key for key in old_tiers if key not in new_tiers)]
    for key in keys:
        was, now = old_tiers.get(key), new_tiers.get(key)
        shifts.append(
            TierShift(
                key=key,
                name=now.name if now else was.name if was else key,
                accounts_before=counts_before.get(key) if was else None,
                accounts_after=counts_after.get(key) if now else None,
                cap_before=was.max_accounts if was else None,
                cap_after=now.max_accounts if now else None,
                qualified_before=qualified_before.get(key, 0) if was else None,
                qualified_after=qualified_after.get(key, 0) if now else None,
                budget_before=_budget(was.treatment.budget_share_pct) if was else None,
                budget_after=_budget(now.treatment.budget_share_pct) if now else None,
            )
        )
    shifts.append(
        TierShift(
            key=UNASSIGNED,
            name="Unassigned",
            accounts_before=counts_before.get(UNASSIGNED, 0),
            accounts_after=counts_after.get(UNASSIGNED, 0),
            cap_before=None,
            cap_after=None,
            qualified_before=None,
            qualified_after=None,
            budget_before=None,
            budget_after=None,
        )
    )
    return shifts


def _budget(share: Any) -> float | None:
    return None if share is None else float(share)
