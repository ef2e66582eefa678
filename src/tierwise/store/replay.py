"""What a recorded run was made from, so it can be scored again.

A what-if preview scores a run's input with another model. For that it
needs what the run recorded: the model text, the as-of date, where its
input can be read again (``origin``, kept beside the digests but outside the
run's fingerprint, so moving a file does not make a run new), the digests to
check that input against, and the tiers people had pinned in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlalchemy import select

from tierwise.store.database import Store, StoreError
from tierwise.store.history import RunSummary, run_summary
from tierwise.store.tables import (
    LATEST_FIRST,
    ModelVersion,
    ResultOutcome,
    Run,
    RunResult,
)

__all__ = [
    "OVERRIDE_REASON",
    "RecordedInput",
    "latest_run_id",
    "recorded_input",
    "recorded_outcomes",
]

# The reason code the engine gives an account whose tier a person pinned.
OVERRIDE_REASON = "override"


@dataclass(frozen=True)
class RecordedInput:
    """A recorded run and everything needed to score its input again."""

    run: RunSummary
    model_text: str
    origin: dict[str, str] | None
    digests: dict[str, str]
    pins: dict[str, str]


def latest_run_id(store: Store) -> int:
    """The latest recorded run: of the latest as-of date, the last recorded.

    Raises:
        StoreError: when the store holds no run yet.
    """
    with store.reading() as connection:
        newest: int | None = connection.execute(
            select(Run.id).order_by(*LATEST_FIRST).limit(1)
        ).scalar()
    if newest is None:
        raise StoreError(
            f"the store at {store.location} has no runs yet; record one with "
            "`tierwise tier ACCOUNTS` (or `tierwise demo`), or name another "
            "store with --db"
        )
    return newest


def recorded_input(store: Store, run_id: int) -> RecordedInput:
    """Run ``run_id``'s model text, input origin, digests and pinned tiers.

    Raises:
        StoreError: when the store has no such run.
    """
    with store.reading() as connection:
        summary = run_summary(connection, run_id)
        inputs: dict[str, Any] = connection.execute(
            select(Run.inputs).where(Run.id == run_id)
        ).scalar_one()
        model_text: str = connection.execute(
            select(ModelVersion.yaml_text).where(
                ModelVersion.id == summary.model_version_id
            )
        ).scalar_one()
        pinned = connection.execute(
            select(RunResult.account_id, ResultOutcome.tier)
            .join(ResultOutcome, ResultOutcome.id == RunResult.outcome_id)
            .where(RunResult.run_id == run_id, ResultOutcome.reason == OVERRIDE_REASON)
        )
        pins = {str(account): str(tier) for account, tier in pinned}

    origin = inputs.get("origin")
    return RecordedInput(
        run=summary,
        model_text=model_text,
        origin=dict(origin) if origin else None,
        digests=dict(inputs.get("digests") or {}),
        pins=pins,
    )


def recorded_outcomes(store: Store, run_id: int) -> pa.Table:
    """Each account of run ``run_id``: its tier, reason and total as stored.

    The total is in whole hundredths (``total_centi``), the number the
    engine decided on. Scoring the run's input again with its own model
    must give these back; a table, which has no digest, is checked so.
    """
    with store.reading() as connection:
        rows = connection.execute(
            select(
                RunResult.account_id,
                ResultOutcome.tier,
                ResultOutcome.reason,
                RunResult.total_centi,
            )
            .join(ResultOutcome, ResultOutcome.id == RunResult.outcome_id)
            .where(RunResult.run_id == run_id)
        ).all()
    names = ("account_id", "tier", "reason", "total_centi")
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    types = (pa.string(), pa.string(), pa.string(), pa.int64())
    return pa.table(
        [pa.array(values, kind) for values, kind in zip(columns, types, strict=True)],
        names=list(names),
    )
