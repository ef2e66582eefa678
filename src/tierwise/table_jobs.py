"""The main job on a database table: ``tierwise tier --source URL::TABLE``.

The accounts are read and scored where they sit: a DuckDB file is attached
to the run's DuckDB connection (so ``--engine spark`` can read it too), any
other database runs the query in its own dialect. The results come back to
the output folder and the store as a file run's do, and with
``write_back`` they are also kept as a table in that database.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
from sqlglot import exp

from tierwise.engine import write_results
from tierwise.engine.backends import check_engine, score_on
from tierwise.engine.backends.database import (
    ATTACHED,
    TABLE_VIEW,
    attach_duckdb_file,
    connect,
    drop_write_back,
    mapped_in_database,
    mapped_in_duckdb,
    score_in_database,
    spoken_by,
    write_back_duckdb,
)
from tierwise.engine.run import open_connection
from tierwise.engine.watch import watched
from tierwise.errors import SourceError, TierwiseError
from tierwise.jobs import (
    IMPORT_REPORT,
    IMPORT_REPORT_TEXT,
    MANIFEST,
    WRITING,
    TierJob,
    _chosen_model,
    _model_source,
)
from tierwise.model import TieringModel, parse_model
from tierwise.progress import QUIET, Progress
from tierwise.run_folder import check_model_copy, keep_model
from tierwise.run_record import (
    foreign_mapping,
    keep_mapping,
    run_inputs,
    run_manifest,
)
from tierwise.run_recording import record_shown
from tierwise.sources import ColumnMapping, ImportReport, load_preset
from tierwise.sources.database import TableSource, parse_source
from tierwise.sources.dialects import shown_dialect
from tierwise.sources.report import report_json, report_text
from tierwise.table_inputs import table_origin

if TYPE_CHECKING:
    # The store (SQLAlchemy, Alembic) is imported only by runs that use one.
    from tierwise.store import RecordedRun, Store

__all__ = ["tier_table"]

log = logging.getLogger(__name__)

SCORING = "Scoring and tiering"


def tier_table(
    source_text: str,
    out_dir: Path,
    as_of: date,
    model_path: Path | None = None,
    mapping: ColumnMapping | None = None,
    accept_warnings: bool = False,
    store: Store | None = None,
    force: bool = False,
    csv: bool | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    write_back: str | None = None,
    explain_all: bool = False,
    progress: Progress = QUIET,
) -> TierJob:
    """Score and tier the accounts in table ``source_text`` (``URL::TABLE``).

    Like :func:`tierwise.jobs.tier_file`, with a database table for a file.
    ``write_back`` names a table to create in that database with the
    results (in the source table's schema unless it names one); a run that
    fails after making it drops it again.
    ``explain_all`` writes ``explain.parquet`` as for a file, its points
    computed where the accounts are (in the database for a table).
    ``progress`` is told how far the run has got: a query in another
    database reports nothing while it runs, then its results as they
    come back.

    Raises:
        SourceError: for a URL or table that cannot be read, a column that
            needs cleaning SQL cannot do, or repeated ids.
        TierwiseError: for an engine that cannot run there, or a write-back
            table that exists already.
    """
    started_at = datetime.now(UTC)
    check_engine(engine, spark_master)
    source = parse_source(source_text)
    if source.path is None and engine != "duckdb":
        raise TierwiseError(
            f"--engine {engine} with --source {source.shown()}: a database table "
            "is scored by that database itself; --engine spark reads files and "
            "DuckDB files only"
        )
    model_text, model_version = _chosen_model(model_path, store)
    model = parse_model(model_text, source=_model_source(model_path, model_version))
    check_model_copy(out_dir, MANIFEST, model_text)
    mapping = mapping or load_preset("generic")
    connection = open_connection()
    written: str | None = None

    progress.start("Reading accounts", None)
    if source.path is not None:
        writable = write_back is not None
        attached = attach_duckdb_file(connection, source, writable=writable)
        if write_back is not None:
            write_back_duckdb(connection, attached, write_back, check_only=True)
        select, report = mapped_in_duckdb(
            connection, attached, model.field_kinds(), mapping
        )
        _check_problems(source.shown(), report, accept_warnings)
        _read(progress, report, model)
        connection.execute(
            f'CREATE TEMP VIEW "{TABLE_VIEW}" AS {select.sql(dialect="duckdb")}'
        )
        pins = None
        if store is not None:
            from tierwise.store import pins_for_run

            held = connection.sql(f'SELECT account_id FROM "{TABLE_VIEW}"')
            column = held.to_arrow_table().column("account_id")
            pins = pins_for_run(store, model, as_of, column)
        total = report.rows_used
        with watched(connection, progress, SCORING, total, engine) as share:
            run = score_on(
                engine,
                model,
                TABLE_VIEW,
                as_of,
                connection=connection,
                pins=pins.pins if pins else None,
                text_trimmed=True,
                spark_master=spark_master,
                share_done=share,
            )
        if write_back is not None:
            written = write_back_duckdb(connection, attached, write_back)
    else:
        with connect(source) as database:
            source = spoken_by(database, source)
            select, report = mapped_in_database(
                database, source, model.field_kinds(), mapping
            )
            _check_problems(source.shown(), report, accept_warnings)
            _read(progress, report, model)
            pins = None
            if store is not None:
                from tierwise.store import pins_for_run

                ids = [row[0] for row in database.exec_driver_sql(_ids(select, source))]
                pins = pins_for_run(store, model, as_of, pa.array(ids, pa.string()))
            # The database tells nothing of its query's progress until the
            # results come back (it ranks every account before the first):
            # the bar names the wait, then counts the results as they arrive.
            progress.start(f"{SCORING} in the database", None)
            run, written = score_in_database(
                model,
                source,
                select,
                database,
                as_of,
                connection,
                pins=pins.pins if pins else None,
                write_back=write_back,
                explain_all=explain_all,
                progress=progress,
                account_count=report.rows_used,
            )
            progress.finish()

    try:
        database_file = source.database_file()
        read_from = {
            "source": source.shown(),
            # Where a DuckDB or SQLite file is, for `explain` from another folder.
            "source_file": str(database_file) if database_file else None,
        }
        ran_on = engine if source.path is not None else shown_dialect(source.dialect)
        model_source = _model_source(model_path, model_version)
        manifest = run_manifest(
            run, report, read_from, mapping, model_source, as_of, ran_on
        )
        manifest["written_back"] = written
        own_files = foreign_mapping(out_dir, MANIFEST)
        # Both record their copy's digest in the manifest, written after.
        copies = {
            **keep_model(manifest, model_text),
            **keep_mapping(manifest, mapping, out_dir, own_files),
        }
        recorded: RecordedRun | None = None

        def record() -> None:
            # Once every file is gathered and before any takes its place, so
            # a store that refuses the run (or a stop) leaves --out as it was.
            nonlocal recorded
            if store is None:
                return
            # A table can change between runs without tierwise seeing it, so a
            # run from a table is never taken for a repeat of an earlier one.
            stamp = f"{source.shown()}@{started_at.isoformat()}"
            digest = hashlib.sha256(stamp.encode()).hexdigest()
            recorded = record_shown(
                store,
                run,
                progress,
                model_text=model_text,
                inputs=run_inputs(digest, mapping, pins),
                started_at=started_at,
                source=source.shown(),
                # How to read the table again (for whatif), without secrets.
                origin=table_origin(source, mapping),
                force=force,
            )

        progress.start(WRITING, None)
        write_results(
            run,
            out_dir,
            csv=csv,
            extra={
                MANIFEST: json.dumps(manifest, indent=2) + "\n",
                **copies,
                IMPORT_REPORT: report_json(report),
                IMPORT_REPORT_TEXT: report_text(report),
            },
            explain_all=explain_all,
            progress=progress,
            leave=own_files,
            before_moving=record,
        )
        progress.finish()
        log.info("wrote %d results to %s", run.accounts, out_dir)
    except BaseException:
        # The results folder or the store failed after the table was made:
        # it goes too, so the run can be repeated as given.
        if written is not None and write_back is not None:
            drop_write_back(source, write_back, connection)
        raise
    if source.path is not None:
        # Let go of the file, so others (this process too) can open it.
        connection.execute(f'DROP VIEW IF EXISTS "{TABLE_VIEW}"')
        connection.execute(f'DETACH "{ATTACHED}"')
    return TierJob(
        run=run,
        report=report,
        out_dir=out_dir,
        model=model,
        recorded=recorded,
        pins=pins,
        model_version=model_version,
        written_back=written,
    )


def _read(progress: Progress, report: ImportReport, model: TieringModel) -> None:
    """The table has been read: its accounts are counted, and the fields it
    lacks are reported only when scoring reads them, as for a Parquet file
    (a field only a signal file fills is no column a table is missing)."""
    progress.advance_to(report.rows_used)
    progress.finish()
    read = model.read_fields()
    report.absent_fields = [name for name in report.absent_fields if name in read]


def _check_problems(shown: str, report: ImportReport, accept_warnings: bool) -> None:
    if report.over_threshold() and not accept_warnings:
        left_out = report.rows_read - report.rows_used
        raise SourceError(
            f"{shown}: {left_out:,} of {report.rows_read:,} rows have no account "
            "id or name, more than a run accepts; nothing was scored. Fill them "
            "in, map other columns, or pass --accept-warnings to tier the rest"
        )


def _ids(select: exp.Select, source: TableSource) -> str:
    """The query for the ids of the table's accounts, in its dialect."""
    query = exp.select(exp.column("account_id", quoted=True))
    return query.from_(select.subquery("accounts")).sql(dialect=source.dialect)
