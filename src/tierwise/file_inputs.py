"""An accounts file and its signal files, read as ``tier`` reads them.

The accounts become the view ``accounts``; the signal files given beside
them (activity, intent, contacts, events) are opened first, so that the
accounts' domains are read only when a file can match by domain, and then
matched to the accounts into their tables for the engine to roll up.
``tier`` scores what :func:`read_file_inputs` reads and writes the results;
``lint`` scores the very same and only counts, so the two give the same
tiers for the same files.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from tierwise.engine.run import ACCOUNTS_VIEW, open_connection
from tierwise.errors import SourceError
from tierwise.model import TieringModel
from tierwise.model.fields import IDENTITY_FIELDS
from tierwise.progress import QUIET, Progress
from tierwise.row_numbers import named_rows
from tierwise.run_signals import load_run_signals, memory_limit, open_run_signals
from tierwise.sources import ColumnMapping, Currencies, ImportReport, read_accounts
from tierwise.sources.money import MONEY_FIELDS
from tierwise.sources.parquet_view import parquet_view
from tierwise.sources.signals import SignalFile, SignalReport

__all__ = [
    "FileInputs",
    "currencies_of",
    "missing_as_scored",
    "read_accounts_view",
    "read_file_inputs",
]

log = logging.getLogger(__name__)


@dataclass
class FileInputs:
    """What a run scores, read into ``connection``.

    ``table``: the accounts as read cell by cell, or None when a Parquet
    file is read in place. ``signals``: how each signal file's rows matched
    the accounts. ``signal_sources``: the kinds of signal file read, to be
    passed to the engine.
    """

    connection: duckdb.DuckDBPyConnection
    table: pa.Table | None
    report: ImportReport
    signals: SignalReport
    signal_sources: list[str]


def read_file_inputs(
    accounts: Path,
    model: TieringModel,
    mapping: ColumnMapping,
    as_of: date,
    signals: Sequence[SignalFile] = (),
    identities: bool = False,
    builtin: bool = False,
    accept_warnings: bool = False,
    progress: Progress = QUIET,
) -> FileInputs:
    """Read ``accounts`` and ``signals`` into a new connection, as ``tier`` does.

    The accounts are the view ``accounts``; each signal file's matched rows
    are a table the engine rolls up as of ``as_of``. ``identities`` reads
    the accounts' domains and parent ids even when no signal file matches
    by domain (the store's account registry keeps them); ``builtin`` says
    the model is the bundled default (see :func:`currencies_of`).

    Raises:
        SourceError: when a file cannot be read, or more of the accounts'
            rows have problems than a run accepts and ``accept_warnings``
            is false; nothing is scored then. A bad signal file is named
            with its row and column.
    """
    connection = open_connection(memory_limit=memory_limit(signals))
    opened = open_run_signals(connection, signals, model)

    progress.start("Reading accounts", None)
    identities = identities or opened.by_domain
    table, report = read_accounts_view(
        connection, accounts, model, mapping, identities, builtin, progress=progress
    )
    report.signals_given = [signal.kind for signal in signals]
    if table is None:
        # Read in place by one query: the count comes when it is done. The
        # cell reader counted its rows, then the cleaning of their cells.
        progress.advance_to(report.rows_used)
    progress.finish()
    if report.over_threshold() and not accept_warnings:
        raise _too_many_problems(accounts, report)

    matched = load_run_signals(connection, opened, model, as_of)
    log.info("read %d accounts and %d signal files", report.rows_used, len(signals))
    return FileInputs(
        connection=connection,
        table=table,
        report=report,
        signals=matched,
        signal_sources=[signal.kind for signal in signals],
    )


def currencies_of(model: TieringModel, builtin: bool = False) -> Currencies:
    """The model's currency and exchange rates, as the readers take them.

    ``builtin`` says the model is the bundled default, so that a missing
    rate's fix tells how to write it to a file of one's own first.
    """
    rates = model.exchange_rates
    return Currencies(
        model.currency,
        dict(rates.rates) if rates else {},
        rates.as_of if rates else None,
        builtin,
        frozenset({*MONEY_FIELDS, model.potential.field}),
    )


def _too_many_problems(accounts: Path, report: ImportReport) -> SourceError:
    problems = report.problem_rows()
    shown = named_rows(problems[:10], " …" if len(problems) > 10 else "")
    have = "has" if len(problems) == 1 else "have"
    return SourceError(
        f"{accounts.name}: {len(problems):,} of {report.rows_read:,} rows {have} "
        f"problems ({shown}), more than a run accepts; nothing was "
        f"scored. See them with `tierwise check {accounts}` (same --model and "
        "--preset or --mapping as the run), fix the file or the mapping, or "
        "pass --accept-warnings to tier it as read"
    )


def read_accounts_view(
    connection: duckdb.DuckDBPyConnection,
    accounts: Path,
    model: TieringModel,
    mapping: ColumnMapping,
    identities: bool = False,
    builtin: bool = False,
    only_ids: list[str] | None = None,
    progress: Progress = QUIET,
) -> tuple[pa.Table | None, ImportReport]:
    """Put the accounts in ``connection`` as the view ``accounts``.

    A Parquet file whose mapping needs no per-cell repair is read in place
    by the query; anything else is read cell by cell into an Arrow table
    (returned, for the store's account registry). The cell reader reads
    every canonical field; in place, only the fields scoring reads, and
    the identity fields (``domain``, ``parent_id``) too when
    ``identities`` asks for them: signal files matched by domain and the
    store's registry need the same domains as a CSV of the same accounts
    gives, and a ten-million-account run without them should not pay for
    reducing every website. Rows that repeat an id are compared in every
    field either way, as the cell reader compares them. ``builtin`` says
    the model is the bundled default (see :func:`currencies_of`);
    ``only_ids``, see `parquet_view`; ``progress``, see `read_accounts`.
    """
    currencies = currencies_of(model, builtin)
    if accounts.suffix.lower() == ".parquet" and not currencies.rates:
        fields = model.read_fields()
        if identities:
            kinds = model.field_kinds()
            fields = {**fields, **{name: kinds[name] for name in IDENTITY_FIELDS}}
        # Signal rows matched by domain go to the one account holding it, so
        # every account is read when they are.
        only = None if identities else only_ids
        report = parquet_view(
            connection,
            accounts,
            fields,
            mapping,
            only_ids=only,
            compared=model.field_kinds(),
        )
        if report is not None:
            missing_as_scored(report, model)
            return None, report
    table, report = read_accounts(
        accounts, model.field_kinds(), mapping, currencies=currencies, progress=progress
    )
    missing_as_scored(report, model)
    connection.register(ACCOUNTS_VIEW, table)
    return table, report


def missing_as_scored(report: ImportReport, model: TieringModel) -> None:
    """Have ``report`` tell of the fields scoring reads, and of no other.

    The cell reader reads every canonical field, and the in-place reader
    the identity fields too when asked, but a field no criterion, gate,
    potential or tie-break reads changes no tier when it is missing: the
    report lists it neither among the columns the file lacks nor among
    those a signal file would fill, so a CSV, a Parquet file and a table
    (see `tierwise.table_jobs`) of the same accounts tell the same.
    """
    read = model.read_fields()
    report.absent_fields = [name for name in report.absent_fields if name in read]
    report.signal_fields = model.filled_by(only_read=True)
