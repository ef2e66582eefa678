"""Record a tiering run: all of it, once, or nothing.

A run is recorded in one write transaction that holds the store's lock: the
model version, the run row (already ``complete``), every account's result
and the registry update commit together. A process killed half-way leaves
no run and no orphan rows, because nothing of it was ever committed.

The same input, model and as-of date make the same run. Such a run is found
inside the lock, so of two identical runs started at once the second waits
for the first and then reports it as already recorded, unless ``force``
asks to store it again (as a numbered repeat).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import pyarrow as pa
from sqlalchemy import Connection, insert, select, update

from tierwise import __version__
from tierwise.engine import TieringRun
from tierwise.engine.run import RESULT_TABLE
from tierwise.store.bulk import RunRows, record_rows
from tierwise.store.database import Store, StoreError
from tierwise.store.results import (
    STORED_COLUMNS,
    account_rows,
    encoded_batches,
    extra_columns,
    extra_score_batches,
    outcomes_for,
    outcomes_view,
)
from tierwise.store.tables import LATEST_FIRST, ModelVersion, Run, utc_now

__all__ = [
    "DEFAULT_BATCH_ROWS",
    "RecordedRun",
    "input_fingerprint",
    "model_hash",
    "record_run",
]

log = logging.getLogger(__name__)

DEFAULT_BATCH_ROWS = 50_000
INPUTS_VIEW = "tierwise_store_inputs"
JOIN_MEMORY = "128MB"


@dataclass(frozen=True)
class RecordedRun:
    """Where a run was recorded, and whether this call stored it."""

    run_id: int
    created: bool
    accounts: int
    seconds: float

    def describe(self) -> str:
        """One sentence for the user about what happened."""
        if self.created:
            counted = (
                "1 account" if self.accounts == 1 else f"{self.accounts:,} accounts"
            )
            return f"recorded as run {self.run_id} ({counted})"
        return (
            f"already recorded as run {self.run_id} (same input, model and as-of "
            "date); not stored again. Use --force to store it once more."
        )


def record_run(
    store: Store,
    run: TieringRun,
    *,
    model_text: str,
    inputs: Mapping[str, str],
    started_at: datetime | None = None,
    accounts: pa.Table | str | None = None,
    source: str | None = None,
    origin: Mapping[str, str] | None = None,
    force: bool = False,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    progress: Callable[[int, int], None] | None = None,
) -> RecordedRun:
    """Store ``run`` and every account's result in it, in one transaction.

    Args:
        store: an open, upgraded store.
        run: the engine's result; its rows are read from ``run.connection``.
        model_text: the YAML the model was parsed from (stored once per hash).
        inputs: a digest for each input that shaped the run (the accounts
            file, the column mapping, the overrides applied); together with
            the model and as-of date they say whether the run is new.
        started_at: when the job began (now by default).
        accounts: the input table, or the name of a table or view in
            ``run.connection`` that holds it (a Parquet file read in place),
            for each account's domain in the registry.
        source: where the accounts came from, for people reading the run list.
        origin: where the inputs can be read again (the accounts file's path,
            the mapping), for a what-if preview; not part of the fingerprint,
            so the same file read from another folder is the same run.
        force: store the run even when the same one is already recorded.
        batch_rows: rows per bulk batch.
        progress: called with (rows stored, rows in the run) after each batch.

    Raises:
        StoreError: when an account id is empty or appears twice (nothing is
            stored), or the store is busy past its lock timeout.
    """
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be at least 1, got {batch_rows}")
    _check_account_ids(run)
    fingerprint = input_fingerprint(inputs)
    content_hash = model_hash(model_text)
    started_at = started_at or utc_now()
    begun = time.perf_counter()

    with _inputs_view(run, accounts) as domains, store.writing() as connection:
        version_id = _model_version(connection, run, model_text, content_hash)
        earlier = _same_runs(connection, fingerprint, version_id, run)
        if earlier and not force:
            log.info("run already recorded as %d; not stored again", earlier[-1])
            return RecordedRun(earlier[-1], False, run.accounts, _since(begun))

        if connection.dialect.name == "postgresql":
            # Room for the registry's updates by key to join in memory.
            connection.exec_driver_sql(f"SET LOCAL work_mem = '{JOIN_MEMORY}'")
        # The registry follows the latest quarter: the run with the latest
        # as-of date (the last recorded of them). A quarter recorded late
        # only adds the accounts the registry has not seen.
        latest = connection.execute(
            select(Run.id, Run.as_of).order_by(*LATEST_FIRST).limit(1)
        ).first()
        previous = latest.id if latest is not None else None
        late = latest is not None and run.compiled.as_of < latest.as_of
        run_id = _insert_run(
            connection,
            run,
            version_id,
            fingerprint,
            inputs,
            source,
            origin,
            started_at,
            repeat=len(earlier),
        )
        extra = extra_columns(len(run.compiled.model.dimensions))
        with outcomes_view(run, outcomes_for(connection, run)):
            fields = _registry_fields(domains)
            rows = RunRows(
                with_accounts=lambda: encoded_batches(
                    run, batch_rows, fields, extra=True
                ),
                results=lambda: encoded_batches(run, batch_rows, ordered=False),
                accounts=lambda: account_rows(run, fields),
                extra_scores=lambda: extra_score_batches(run, run_id, batch_rows),
            )
            stored = record_rows(
                connection,
                run_id,
                previous,
                STORED_COLUMNS,
                rows,
                (lambda done: progress(done, run.accounts)) if progress else None,
                late=late,
                expected=run.accounts,
                extra=extra,
            )
        if stored != run.accounts:
            raise RuntimeError(
                f"stored {stored} results of a run of {run.accounts} accounts; "
                "nothing was recorded"
            )
        # Still inside the transaction: nobody has seen the row without it.
        connection.execute(
            update(Run).where(Run.id == run_id).values(finished_at=utc_now())
        )

    seconds = _since(begun)
    log.info("recorded run %d: %d results in %.2f s", run_id, stored, seconds)
    return RecordedRun(run_id, True, stored, seconds)


def input_fingerprint(inputs: Mapping[str, str]) -> str:
    """One digest for a run's inputs, independent of their order.

    >>> one = input_fingerprint({"accounts": "1f0c", "mapping": "9a2e"})
    >>> one == input_fingerprint({"mapping": "9a2e", "accounts": "1f0c"})
    True
    """
    canonical = json.dumps(sorted(inputs.items()), separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def model_hash(model_text: str) -> str:
    """The SHA-256 of a model's YAML text, which names its version."""
    return hashlib.sha256(model_text.encode("utf-8")).hexdigest()


def _check_account_ids(run: TieringRun) -> None:
    duplicates = run.connection.sql(
        f'SELECT "account_id" FROM "{RESULT_TABLE}" GROUP BY 1 '
        "HAVING COUNT(*) > 1 ORDER BY 1 NULLS FIRST LIMIT 5"
    ).fetchall()
    if not duplicates:
        return
    shown = ", ".join(
        "(empty)" if row[0] is None else str(row[0]) for row in duplicates
    )
    raise StoreError(
        f"the run holds accounts with an empty or repeated id (e.g. {shown}); "
        "each account needs its own id to be recorded. Fix the ids in the input "
        "and run again; nothing was stored."
    )


@contextmanager
def _inputs_view(run: TieringRun, accounts: pa.Table | str | None) -> Iterator[bool]:
    """Expose the input's ids and domains to the engine's DuckDB connection.

    Yields whether the input has domains to expose.
    """
    if isinstance(accounts, str):
        with _relation_inputs(run, accounts) as domains:
            yield domains
        return
    if accounts is None or "domain" not in accounts.column_names:
        yield False
        return
    run.connection.register(INPUTS_VIEW, accounts.select(["account_id", "domain"]))
    try:
        yield True
    finally:
        run.connection.unregister(INPUTS_VIEW)


@contextmanager
def _relation_inputs(run: TieringRun, relation: str) -> Iterator[bool]:
    """The inputs view over a table or view already in the connection (a
    Parquet file read in place), without copying it."""
    quoted = '"' + relation.replace('"', '""') + '"'
    described = run.connection.sql(f"DESCRIBE {quoted}").fetchall()
    if "domain" not in {str(row[0]) for row in described}:
        yield False
        return
    run.connection.execute(
        f'CREATE OR REPLACE TEMP VIEW "{INPUTS_VIEW}" AS '
        f'SELECT "account_id", "domain" FROM {quoted}'
    )
    try:
        yield True
    finally:
        run.connection.execute(f'DROP VIEW IF EXISTS "{INPUTS_VIEW}"')


def _model_version(
    connection: Connection, run: TieringRun, model_text: str, content_hash: str
) -> int:
    found = connection.execute(
        select(ModelVersion.id).where(ModelVersion.content_hash == content_hash)
    ).scalar_one_or_none()
    if found is not None:
        return found
    return connection.execute(
        insert(ModelVersion)
        .values(
            content_hash=content_hash,
            name=run.compiled.model.name,
            yaml_text=model_text,
            created_at=utc_now(),
            published=False,
        )
        .returning(ModelVersion.id)
    ).scalar_one()


def _same_runs(
    connection: Connection, fingerprint: str, version_id: int, run: TieringRun
) -> list[int]:
    query = (
        select(Run.id)
        .where(
            Run.input_fingerprint == fingerprint,
            Run.model_version_id == version_id,
            Run.as_of == run.compiled.as_of,
        )
        .order_by(Run.id)
    )
    return list(connection.execute(query).scalars())


def _insert_run(
    connection: Connection,
    run: TieringRun,
    version_id: int,
    fingerprint: str,
    inputs: Mapping[str, str],
    source: str | None,
    origin: Mapping[str, str] | None,
    started_at: datetime,
    repeat: int,
) -> int:
    tiers = [
        {
            "key": tier.key,
            "name": tier.name,
            "accounts": tier.accounts,
            "cap": tier.cap,
            "pinned": tier.pinned,
            "capped_out": tier.capped_out,
        }
        for tier in run.tiers
    ]
    values = {
        "model_version_id": version_id,
        "as_of": run.compiled.as_of,
        "input_fingerprint": fingerprint,
        "inputs": {
            "source": source,
            "digests": dict(sorted(inputs.items())),
            **({"origin": dict(origin)} if origin else {}),
        },
        "tiers": tiers,
        "warnings": list(run.warnings),
        "accounts": run.accounts,
        "repeat": repeat,
        "status": "complete",
        "tierwise_version": __version__,
        "started_at": started_at,
        "finished_at": utc_now(),
        "dimensions_kept": len(run.compiled.model.dimensions),
    }
    return connection.execute(insert(Run).values(values).returning(Run.id)).scalar_one()


def _registry_fields(domains: bool) -> tuple[str, str]:
    """The name and domain each result row carries for the registry.

    Returns the selected columns (the result is ``r``) and the join that
    brings the input's domain, when it has ``domains``.
    """
    if domains:
        join = f'LEFT JOIN "{INPUTS_VIEW}" i ON i.account_id = r.account_id'
        return 'r."name", i."domain"', join
    return 'r."name", NULL::VARCHAR AS "domain"', ""


def _since(begun: float) -> float:
    return time.perf_counter() - begun
