"""Loading signal files into a run: the four matched tables and the report.

For each file given, once opened and its columns found (:mod:`.opening`,
before the accounts are read): every row is read as text (a CSV once, in file
order, into a Parquet copy in the run's scratch folder), then matched to an
account (:mod:`.matching`), typed and checked by its kind's plan, and
written once with its outcome to a Parquet file in the scratch folder. The
matched table (``signal_activity``, ``signal_intent``, ``signal_contacts``,
``signal_events``) is a view over the written rows that count, and the
match report is counted from the same rows, so the two cannot disagree.
Nothing is held in Python per row, and nothing per row is held in memory:
the rows stream to the file, and the engine reads it as it rolls them up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path

import duckdb

from tierwise.errors import SourceError
from tierwise.model import TieringModel
from tierwise.model.signals import SIGNAL_SOURCES, ActivitySignals, EventSignals
from tierwise.sources.signals.activity import activity_plan
from tierwise.sources.signals.contacts import contacts_plan
from tierwise.sources.signals.events import events_plan
from tierwise.sources.signals.files import RawFile, unreadable_csv
from tierwise.sources.signals.intent import (
    intent_plan,
    score_sql,
)
from tierwise.sources.signals.labels import kind_sql, label_sql
from tierwise.sources.signals.matching import (
    AccountKeys,
    account_keys,
    domain_lookup,
    id_lookup,
    matching_sql,
)
from tierwise.sources.signals.opening import (
    OpenSignal,
    OpenSignals,
    SignalFile,
    open_signals,
)
from tierwise.sources.signals.plan import Drop, KindPlan, Texts
from tierwise.sources.signals.report import Count, SignalFileReport, SignalReport
from tierwise.sources.signals.tally import MAX_EXAMPLES, KindColumn, Tally, tally
from tierwise.sources.signals.timestamps import SlashOrder, slash_order
from tierwise.sources.signals.unlisted import listed_kinds, unlisted_kinds
from tierwise.sources.sql_text import sql_name, sql_text, written_text

__all__ = ["MATCHED_TABLES", "TABLE_COLUMNS", "load_signals", "match_signals"]

log = logging.getLogger(__name__)

MATCHED_TABLES = {source: f"signal_{source}" for source in SIGNAL_SOURCES}

# The columns of each matched table and their SQL types, in order.
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "activity": {
        "account_id": "VARCHAR",
        "occurred_on": "DATE",
        "kind": "VARCHAR",
        "weight": "DOUBLE",
        "source_row": "BIGINT",
    },
    "intent": {
        "account_id": "VARCHAR",
        "topic": "VARCHAR",
        "score": "DOUBLE",
        "week": "DATE",
        "source_row": "BIGINT",
    },
    "contacts": {
        "account_id": "VARCHAR",
        "contact_id": "VARCHAR",
        "level": "VARCHAR",
        "role": "VARCHAR",
        "title": "VARCHAR",
        "engagement": "DOUBLE",
        "source_row": "BIGINT",
    },
    "events": {
        "account_id": "VARCHAR",
        "kind": "VARCHAR",
        "occurred_on": "DATE",
        "source_row": "BIGINT",
    },
}

# The column that identifies a record, where a kind of file has one.
KEY_ROLES = {"activity": "record_id", "contacts": "contact_id", "events": "record_id"}

# The column whose dates each kind reads, and what it is called in errors.
DATE_ROLES = {"activity": "timestamp", "intent": "week", "events": "date"}
MAX_AMBIGUOUS_LISTED = 20


def load_signals(
    connection: duckdb.DuckDBPyConnection,
    files: Sequence[SignalFile],
    model: TieringModel,
    as_of: date,
    scratch: Path,
    accounts: str = "accounts",
) -> SignalReport:
    """Register the matched table of each file in ``connection``; report.

    ``accounts`` is the table or view of the run's accounts; ``scratch`` a
    folder that must outlive the connection's use of the tables. The same
    as :func:`open_signals` and then :func:`match_signals`.

    Raises:
        SourceError: for a file that cannot be read, a missing column, a
            kind given twice, or a kind the model has no section for;
            nothing is scored then.
    """
    opened = open_signals(connection, files, model, scratch)
    return match_signals(connection, opened, model, as_of, accounts)


def match_signals(
    connection: duckdb.DuckDBPyConnection,
    opened: OpenSignals,
    model: TieringModel,
    as_of: date,
    accounts: str = "accounts",
) -> SignalReport:
    """Match the opened files' rows to ``accounts``; register their tables.

    Raises:
        SourceError: for a file whose dates or scores cannot be read at all.
    """
    report = SignalReport()
    if not opened.files:
        return report
    keys = account_keys(connection, accounts)
    for signal in opened.files:
        started = time.perf_counter()
        loaded = _load(connection, signal, model, as_of, opened.scratch, keys)
        report.files[signal.file.kind] = loaded
        log.info(
            "%s: %d rows read, %d counted in %.2f s",
            signal.file.path.name,
            loaded.rows_read,
            loaded.rows_used,
            time.perf_counter() - started,
        )
    return report


def _load(
    connection: duckdb.DuckDBPyConnection,
    signal: OpenSignal,
    model: TieringModel,
    as_of: date,
    scratch: Path,
    keys: AccountKeys,
) -> SignalFileReport:
    file, raw, columns = signal.file, signal.raw, signal.columns
    section = getattr(model.signals, file.kind) if model.signals else None
    staged = _stage_texts(connection, file.kind, raw, columns, scratch)

    order = None
    date_role = DATE_ROLES.get(file.kind)
    typed_dates = _typed_dates(raw, columns)
    if date_role in typed_dates:
        # A typed value's text never holds a slash: the order a column
        # without slash dates is read in, without reading the column.
        order = SlashOrder(day_first=False)
    elif date_role is not None:
        order = slash_order(
            connection,
            staged,
            sql_name("t_" + date_role),
            raw.path.name,
            columns[date_role],
        )
    texts = Texts(
        {role: f"r.{sql_name('t_' + role)}" for role in columns},
        model.signals.timezone if model.signals else "UTC",
        as_of,
        order,
        {
            role: (f"r.{sql_name('d_' + role)}", kind)
            for role, kind in typed_dates.items()
        },
    )
    plan = _plan(file.kind, texts, section)
    other_ids = None
    if "account_id" in columns:
        other_ids = f"signal_{file.kind}_other_ids"
        id_lookup(connection, staged, '"t_account_id"', keys, other_ids)
    matching = matching_sql(
        keys,
        texts.get("account_id"),
        _lookups(connection, staged, file.kind, columns),
        other_ids,
    )

    repeated_join, repeats = _repeats(staged, KEY_ROLES.get(file.kind), columns)
    joins = matching.joins + repeated_join
    outcome = _first(
        [
            Drop("'unmatched: ' || " + matching.why, f"{matching.how} = 'unmatched'"),
            Drop("'ambiguous: ' || " + matching.why, f"{matching.how} = 'ambiguous'"),
            *repeats,
            *plan.drops,
        ]
    )
    typed = ", ".join(
        f"CAST({sql} AS {TABLE_COLUMNS[file.kind][name]}) AS {sql_name(name)}"
        for name, sql in plan.columns.items()
    )
    computed = ", ".join(
        f"{sql} AS {sql_name('v_' + name)}" for name, sql in plan.values.items()
    )
    # Values are computed once, in their own projection, so that a parsed
    # timestamp is not parsed again by every check that reads it.
    rows = f"(SELECT r.*, {computed} FROM {staged} AS r)"
    select = (
        f"SELECT r.source_row, {matching.account_id} AS account_id, "
        f"{matching.how} AS matched, {matching.domain} AS domain, "
        f"{outcome} AS outcome, {_first(plan.flags)} AS flag, {typed} "
        f"FROM {rows} AS r {joins}"
    )
    classified = f"signal_{file.kind}_rows"
    written = scratch / f"signal-{file.kind}-rows.parquet"
    _write_rows(connection, select, written, raw)
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW {classified} AS "
        f"SELECT * FROM read_parquet({sql_text(str(written))})"
    )
    table = MATCHED_TABLES[file.kind]
    names = ", ".join(sql_name(name) for name in TABLE_COLUMNS[file.kind])
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT {names} FROM "
        f"{classified} WHERE outcome IS NULL"
    )

    date_column = {"activity": "occurred_on", "intent": "week", "events": "occurred_on"}
    kinds = None
    if isinstance(section, ActivitySignals | EventSignals):
        labels = section.kinds
        kinds = KindColumn(
            staged,
            "t_kind",
            listed_kinds(section),
            lambda label: kind_sql(label_sql(label), labels),
        )
    try:
        counted = tally(connection, classified, date_column.get(file.kind), kinds)
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the memory limit is named by the caller
    except duckdb.Error as error:
        raise unreadable_csv(raw.path, error, raw.delimiter) from None
    if date_role is not None and counted.readable_dates == 0:
        _no_dates(connection, file, staged, date_role, columns)
    if file.kind == "intent":
        _no_scores(connection, file, staged, columns)
    report = _report(connection, file, raw, columns, classified, counted, keys, order)
    if isinstance(section, ActivitySignals | EventSignals):
        report.unlisted = unlisted_kinds(section, counted, "weight" in columns)
    return report


def _stage_texts(
    connection: duckdb.DuckDBPyConnection,
    kind: str,
    raw: RawFile,
    columns: Mapping[str, str],
    scratch: Path,
) -> str:
    """The view of each row's number and the trimmed text of its columns.

    A typed date column of a Parquet file is there as its value too
    (``d_`` and its role), for its date to be read from (see
    :func:`_typed_dates`).
    """
    staged = f"signal_{kind}_text"
    listed = ", ".join(
        [
            *(
                f"{written_text(sql_name(header))} AS {sql_name('t_' + role)}"
                for role, header in columns.items()
            ),
            *(
                f"{sql_name(columns[role])} AS {sql_name('d_' + role)}"
                for role in _typed_dates(raw, columns)
            ),
        ]
    )
    texts_sql = f"SELECT source_row, {listed} FROM {raw.relation}"
    if raw.delimiter is not None:
        # A CSV is read once, its rows numbered in file order, into a Parquet
        # copy of the columns used; the later passes read that copy, and the
        # planner knows its size when it joins. Runs set the connection not
        # to preserve insertion order (results are sorted when read), so it
        # is preserved for this copy alone.
        copy = sql_text(str(scratch / f"signal-{kind}-text.parquet"))
        scratch.mkdir(parents=True, exist_ok=True)
        [(preserved,)] = connection.sql(
            "SELECT current_setting('preserve_insertion_order')"
        ).fetchall()
        connection.execute("SET preserve_insertion_order = true")
        try:
            connection.execute(f"COPY ({texts_sql}) TO {copy} (FORMAT parquet)")
        except duckdb.OutOfMemoryException:
            raise  # not the file's fault: the memory limit is named by the caller
        except duckdb.Error as error:
            raise unreadable_csv(raw.path, error, raw.delimiter) from None
        finally:
            connection.execute(f"SET preserve_insertion_order = {bool(preserved)}")
        texts_sql = f"SELECT * FROM read_parquet({copy})"
    connection.execute(f"CREATE OR REPLACE TEMP VIEW {staged} AS {texts_sql}")
    return staged


def _typed_dates(raw: RawFile, columns: Mapping[str, str]) -> dict[str, str]:
    """The date roles whose column a Parquet file holds typed, and its type."""
    return {
        role: raw.dates[header]
        for role, header in columns.items()
        if role in DATE_ROLES.values() and header in raw.dates
    }


def _write_rows(
    connection: duckdb.DuckDBPyConnection, select: str, target: Path, raw: RawFile
) -> None:
    """Classify every row once, writing it with its outcome to ``target``.

    Reading the texts, parsing the dates and matching the accounts is most
    of a file's cost. The report's groups, its count of accounts and the
    engine's roll-up all read the written rows, rather than each running
    the classification again (10M activity rows: 7 s a pass on 2 cores,
    against well under a second to read them back).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection.execute(
            f"COPY ({select}) TO {sql_text(str(target))} "
            "(FORMAT parquet, COMPRESSION zstd)"
        )
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the memory limit is named by the caller
    except duckdb.Error as error:
        raise unreadable_csv(raw.path, error, raw.delimiter) from None


def _repeats(
    staged: str, key: str | None, columns: Mapping[str, str]
) -> tuple[str, list[Drop]]:
    """A join and a check that leave out rows repeating an earlier row's id.

    Case 16: a record exported twice is one record. The first row with an
    id counts; later rows with the same id are left out.
    """
    if key is None or key not in columns:
        return "", []
    column = sql_name("t_" + key)
    join = (
        f" LEFT JOIN (SELECT {column} AS id, min(source_row) AS first_row "
        f"FROM {staged} WHERE {column} IS NOT NULL GROUP BY 1) AS firsts "
        f"ON firsts.id = r.{column}"
    )
    check = Drop(
        f"'repeats the {key} of an earlier row'", "r.source_row > firsts.first_row"
    )
    return join, [check]


def _plan(kind: str, texts: Texts, section: object) -> KindPlan:
    if kind == "activity" and isinstance(section, ActivitySignals):
        return activity_plan(texts, section)
    if kind == "events" and isinstance(section, EventSignals):
        return events_plan(texts, section)
    if kind == "intent":
        return intent_plan(texts)
    return contacts_plan(texts)


def _lookups(
    connection: duckdb.DuckDBPyConnection,
    staged: str,
    kind: str,
    columns: Mapping[str, str],
) -> list[tuple[str, str]]:
    """Domain lookup tables for the file's domain and e-mail columns."""
    lookups = []
    if "domain" in columns:
        table = f"signal_{kind}_domains"
        domain_lookup(connection, staged, ['"t_domain"'], table)
        lookups.append((table, 'r."t_domain"'))
    if "email" in columns:
        table = f"signal_{kind}_email_domains"
        host = "NULLIF(regexp_extract(\"t_email\", '@([^@\\s>]+)>?$', 1), '')"
        domain_lookup(connection, staged, [host], table)
        lookups.append((table, host.replace('"t_email"', 'r."t_email"')))
    return lookups


def _no_dates(
    connection: duckdb.DuckDBPyConnection,
    file: SignalFile,
    staged: str,
    role: str,
    columns: Mapping[str, str],
) -> None:
    """Stop when no row's date could be read: the column is not a date column."""
    given = connection.sql(
        f'SELECT source_row, "t_{role}" FROM {staged} WHERE "t_{role}" IS NOT NULL '
        "ORDER BY source_row LIMIT 1"
    ).fetchall()
    if not given:
        return
    row, text = given[0]
    raise SourceError(
        f"{file.path.name}: row {row}, column {columns[role]!r}: "
        f"{text!r} is not a date or timestamp tierwise reads, and no other "
        "row's is either; nothing was scored. Write ISO 8601 "
        "(2024-03-01T09:30:00+01:00 or 2024-03-01), M/D/YYYY, or epoch seconds "
        f"or milliseconds, or name the right column with --signal-column "
        f"{file.kind}.{role}=HEADER"
    )


def _no_scores(
    connection: duckdb.DuckDBPyConnection,
    file: SignalFile,
    staged: str,
    columns: Mapping[str, str],
) -> None:
    """Stop when no row's score is a number from 0 to 100: not a score column."""
    score = score_sql('"t_score"')
    [(scored, first)] = connection.sql(
        f"SELECT count(*) FILTER ({score} BETWEEN 0 AND 100), "
        'min((source_row, "t_score")) FILTER ("t_score" IS NOT NULL) '
        f"FROM {staged}"
    ).fetchall()
    if scored or first is None:
        return
    row, text = first
    raise SourceError(
        f"{file.path.name}: row {row}, column {columns['score']!r}: {text!r} is "
        "not a score from 0 to 100, and no other row's is either; nothing was "
        "scored. Give the vendor's numeric score (87 or 87%), or name the right "
        "column with --signal-column intent.score=HEADER"
    )


def _report(
    connection: duckdb.DuckDBPyConnection,
    file: SignalFile,
    raw: RawFile,
    columns: Mapping[str, str],
    classified: str,
    tally: Tally,
    keys: AccountKeys,
    order: SlashOrder | None,
) -> SignalFileReport:
    matched: dict[str, int] = {}
    dropped: dict[str, Count] = {}
    flagged: dict[str, Count] = {}
    for how, outcome, flag, count, examples in tally.groups:
        matched[how] = matched.get(how, 0) + count
        if outcome is not None:
            _add(dropped, outcome, count, examples)
        elif flag is not None:
            _add(flagged, flag, count, examples)

    notes = list(raw.notes)
    if order is not None and order.decided_by is not None:
        row, how = order.decided_by
        notes.append(f"dates with slashes read {how}, as row {row} shows")
    elif order is not None:
        notes.append("dates with slashes, if any, read month first (M/D/YYYY)")

    report = SignalFileReport(
        kind=file.kind,
        file=str(file.path),
        rows_read=sum(matched.values()),
        rows_used=sum(
            count for _, outcome, _, count, _ in tally.groups if outcome is None
        ),
        matched_by_id=matched.get("id", 0),
        matched_by_domain=matched.get("domain", 0),
        unmatched=matched.get("unmatched", 0),
        ambiguous=matched.get("ambiguous", 0),
        dropped=_ordered(dropped),
        flagged=_ordered(flagged),
        columns={
            role: header if raw.header else header.replace("column", "column ")
            for role, header in columns.items()
        },
        encoding=raw.encoding,
        notes=notes,
        accounts_matched=tally.accounts,
    )
    if report.ambiguous and keys.domains is not None:
        shared = connection.sql(
            f"SELECT p.domain, any_value(d.named) FROM {classified} AS p JOIN "
            f"{keys.domains} AS d ON d.domain = p.domain WHERE p.matched = "
            f"'ambiguous' GROUP BY 1 ORDER BY 1 LIMIT {MAX_AMBIGUOUS_LISTED}"
        ).fetchall()
        report.ambiguous_domains = {str(domain): list(ids) for domain, ids in shared}
    return report


def _add(counts: dict[str, Count], reason: str, rows: int, examples: list[int]) -> None:
    """Merge one group's rows into the count for ``reason``."""
    before = counts.get(reason, Count(0, []))
    first = sorted([*before.examples, *examples])[:MAX_EXAMPLES]
    counts[reason] = Count(before.rows + rows, first)


def _ordered(counts: dict[str, Count]) -> dict[str, Count]:
    """Most rows first, then by reason."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1].rows, item[0])))


def _first(checks: Sequence[Drop]) -> str:
    if not checks:
        return "CAST(NULL AS VARCHAR)"
    branches = " ".join(f"WHEN {check.when} THEN {check.reason}" for check in checks)
    return f"CASE {branches} END"
