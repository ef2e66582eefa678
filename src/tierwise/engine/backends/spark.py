"""Run a compiled model on Apache Spark (PySpark), local or on a cluster.

The query tree the DuckDB engine runs is rendered in Spark SQL by sqlglot;
nothing is reimplemented. The cleaned accounts are handed to Spark as a
Parquet file, registered as a temporary view under the compiled model's
source name, and Spark writes the results as Parquet itself. The results
are then read into the run's DuckDB connection as ``tierwise_results``, so
the run summary, the store and the exports read them as they read any run.

Local mode (the default, ``local[2]``) binds the driver to 127.0.0.1 and
switches the web UI off, so a run opens no port beyond the loopback. With
``--spark-master`` for a cluster the scratch folder must be one the cluster
can read and write (a shared mount), because the accounts and the results
travel through it.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
import threading
import time
import uuid
import warnings
import weakref
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from tierwise.engine.backends import check_master_answers, missing_extra
from tierwise.engine.backends.spark_progress import stages_watched
from tierwise.engine.backends.stages import Stage, kept_steps, renamed, stages
from tierwise.engine.compile import CompiledModel
from tierwise.engine.run import (
    TieringRun,
    adopt_results,
    compile_on,
    run_scratch,
)
from tierwise.engine.signals import MATCHED_TABLES
from tierwise.engine.watch import Share
from tierwise.errors import TierwiseError
from tierwise.model.schema import TieringModel

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["LOCAL_MASTER", "score_on_spark", "spark_session"]

log = logging.getLogger(__name__)

LOCAL_MASTER = "local[2]"
# Said when a stop comes while Spark starts: it is acted on once Spark is
# up (see _stops_held), which takes seconds.
STOPPING_WHILE_STARTING = "tierwise: stopping once Spark has started"
LOOPBACK = "127.0.0.1"
SPARK_RESULTS = "spark-results"
# Spark's logging configuration, shipped beside this module: errors only.
LOGGING = (Path(__file__).parent / "spark-log4j2.properties").as_uri()

# Columns whose type Spark gives narrower than DuckDB (ROW_NUMBER is a
# 32-bit integer there); cast so tiers.parquet has one schema on both.
WIDENED = {"rank": "BIGINT", "cap_rank": "BIGINT"}


def spark_session(master: str = LOCAL_MASTER, app_name: str = "tierwise") -> Any:
    """A Spark session for tiering; in local mode, bound to 127.0.0.1, UI off.

    Ctrl-C stays with the program's own SIGINT handler, which PySpark
    replaces as it starts; stopping the session cancels its jobs. A stop
    (SIGINT, SIGTERM) while Spark starts takes effect once it has started,
    and stops it: its JVM would be left running otherwise.

    Raises:
        TierwiseError: when PySpark is not installed, or Spark cannot start
            (no Java, a master that does not answer).
    """
    check_master_answers(master)
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise missing_extra("PySpark (for --engine spark)", "spark") from None

    local = master.startswith("local")
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config(
            "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOGGING}"
        )
    )
    if local:
        # Spark otherwise looks up the machine's network address and binds
        # the driver's ports there; a local run needs the loopback only.
        os.environ.setdefault("SPARK_LOCAL_IP", LOOPBACK)
        builder = (
            builder.config("spark.driver.host", LOOPBACK)
            .config("spark.driver.bindAddress", LOOPBACK)
            .config("spark.sql.shuffle.partitions", "8")
        )
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # PySpark warns at start-up about the pandas version installed
            # beside it; tierwise hands Spark no pandas objects at all.
            warnings.filterwarnings(
                "ignore",
                message=".*does not yet fully support pandas",
                category=FutureWarning,
            )
            with _stops_held() as held:
                session = builder.getOrCreate()
    except Exception as error:  # Spark raises its own and Java's errors here
        raise _start_failure(master, error) from None
    if held:
        # Stopped while Spark started: stop its JVM too, then let the stop
        # take its course through the handler it was meant for.
        session.stop()
        signal.raise_signal(held[0])
    session.sparkContext.setLogLevel("FATAL")
    log.info(
        "Spark %s started (%s) in %.1f s",
        session.version,
        master,
        time.perf_counter() - started,
    )
    return session


@contextmanager
def _stops_held() -> Iterator[list[int]]:
    """Hold SIGINT and SIGTERM while Spark starts; yield those that came.

    A stop that lands while PySpark launches its JVM leaves that JVM
    running with no parent, since PySpark has no hold of it yet; it is
    held, and acted on once the session is there to stop. The handlers in
    place before are put back, SIGINT's too, which PySpark replaces with
    one that asks the JVM to cancel its jobs from inside the handler, over
    the connection the interrupted call is still reading: Py4J then fails
    ("reentrant call"), logs each failure with its traceback, and the stop
    never reaches the command line's handler, which says it was stopped.
    A run stops the session it started however it ends, which cancels
    the jobs.
    """
    held: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield held  # handlers are the main thread's; Spark sets none here
        return
    numbers = (signal.SIGINT, signal.SIGTERM)
    before = {number: signal.getsignal(number) for number in numbers}

    def hold(number: int, frame: FrameType | None) -> None:
        if not held:
            print(STOPPING_WHILE_STARTING, file=sys.stderr)
        held.append(number)

    for number in numbers:
        if before[number] is not signal.SIG_IGN:  # a stop ignored stays so
            signal.signal(number, hold)
    try:
        yield held
    finally:
        for number, handler in before.items():
            # None: a handler set outside Python, which cannot be put back.
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def score_on_spark(
    model: TieringModel,
    accounts: pa.Table | str,
    as_of: date,
    connection: duckdb.DuckDBPyConnection | None = None,
    pins: Mapping[str, str] | None = None,
    signal_sources: Collection[str] = (),
    text_trimmed: bool = False,
    session: SparkSession | None = None,
    master: str = LOCAL_MASTER,
    scratch: Path | None = None,
    share_done: Share | None = None,
) -> TieringRun:
    """Score and tier ``accounts`` on Spark; the same run as on DuckDB.

    Args:
        model: a validated tiering model.
        accounts: an Arrow table with canonical columns, or the name of a
            table or view in ``connection`` that has them.
        as_of: the date recency and date conditions count from.
        connection: the DuckDB connection the results are read into (and
            where ``accounts`` and the signal tables live); new by default.
        pins: account id to tier key for manual overrides.
        signal_sources: the signal sources whose matched tables are in
            ``connection`` (see :mod:`tierwise.engine.signals`).
        text_trimmed: the accounts' text is already trimmed, as the readers
            leave it.
        session: a running Spark session; one is started (and stopped
            after the run) from ``master`` when none is given.
        master: the Spark master URL when no session is given.
        scratch: a folder both this process and Spark can read and write;
            a temporary folder by default (enough in local mode).
        share_done: told the share of the run done, from Spark's count of
            its tasks (see :mod:`.spark_progress`), as it goes on.

    Raises:
        TierwiseError: when PySpark is missing, Spark cannot start, or Spark
            fails to run the query; nothing is written then.
    """
    started = time.perf_counter()
    with run_scratch("spark", connection, scratch) as (folder, connection):
        compiled = compile_on(
            connection,
            model,
            as_of,
            accounts,
            pins=pins,
            signal_sources=signal_sources,
            text_trimmed=text_trimmed,
        )
        source = compiled.source

        # Spark reads what DuckDB holds (the cleaned accounts, matched signal
        # rows) from Parquet files that DuckDB writes.
        tables = [source, *(MATCHED_TABLES[kind] for kind in signal_sources)]
        inputs: dict[str, Path] = {}
        for table in tables:
            inputs[table] = folder / f"input-{len(inputs)}.parquet"
            connection.execute(
                f'COPY (SELECT * FROM "{table}") TO {_quoted(inputs[table])} '
                "(FORMAT parquet)"
            )

        results = folder / SPARK_RESULTS
        with _session(session, master) as spark:
            _run_stages(spark, compiled, inputs, results, share_done)
        run = adopt_results(connection, compiled, results, started, pins or {})
    weakref.finalize(run, shutil.rmtree, folder, True)
    log.info("tiered %d accounts on Spark in %.2f s", run.accounts, run.seconds)
    return run


def _run_stages(
    spark: SparkSession,
    compiled: CompiledModel,
    inputs: Mapping[str, Path],
    results: Path,
    share_done: Share | None = None,
) -> None:
    """Run the query stage by stage and write the result as Parquet.

    Every view this creates carries a name of its own (``tierwise_<token>_``
    and the table or step), so runs sharing a session do not meet, and the
    views are dropped when the run ends.
    """
    token = uuid.uuid4().hex[:12]
    views: dict[str, str] = {}

    def view_name(table: str) -> str:
        return views.setdefault(table, f"tierwise_{token}_{table}")

    try:
        for table, path in inputs.items():
            spark.read.parquet(str(path)).createOrReplaceTempView(view_name(table))
        kept = kept_steps(compiled)
        planned = stages(compiled, kept, view_name)
        context = spark.sparkContext
        with stages_watched(context, share_done, len(planned), token) as watched:
            for index, stage in enumerate(planned):
                watched.begin(index)
                _run_stage(spark, stage, inputs, view_name, results)
                watched.end(index)
    except Exception as error:  # Py4J carries Spark's own exceptions
        raise TierwiseError(
            f"Spark could not run the tiering query ({_first_line(error)}); "
            "nothing was written. Read the query with `tierwise sql --dialect "
            "spark`"
        ) from None
    finally:
        for name in views.values():
            spark.catalog.dropTempView(name)


def _run_stage(
    spark: SparkSession,
    stage: Stage,
    inputs: Mapping[str, Path],
    view_name: Callable[[str], str],
    results: Path,
) -> None:
    """Run one stage: keep its step as a view, or write the result."""
    query = renamed(stage.query, {table: view_name(table) for table in inputs})
    text = query.sql(dialect="spark")
    log.debug("Spark stage %s:\n%s", stage.name or "result", text)
    begun = time.perf_counter()
    if stage.name is None:
        frame = _widened(spark.sql(text))
        frame.write.parquet(str(results), compression="zstd")
    else:
        # Kept in Spark's memory with its plan cut off, so later stages
        # read rows rather than plan the chain behind them.
        stored: DataFrame = spark.sql(text).localCheckpoint(eager=True)
        stored.createOrReplaceTempView(view_name(stage.name))
    name = stage.name or "result"
    log.info("Spark stage %s in %.2f s", name, time.perf_counter() - begun)


def _widened(frame: DataFrame) -> DataFrame:
    from pyspark.sql.functions import col

    return frame.select(
        *[
            col(name).cast(WIDENED[name]).alias(name) if name in WIDENED else col(name)
            for name in frame.columns
        ]
    )


@contextmanager
def _session(session: SparkSession | None, master: str) -> Iterator[SparkSession]:
    if session is None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise missing_extra("PySpark (for --engine spark)", "spark") from None
        session = SparkSession.getActiveSession()
    if session is not None:
        # A session the caller runs (a notebook, a test) is used and left
        # running; only a session started here is stopped here.
        yield session
        return
    started = spark_session(master)
    try:
        yield started
    finally:
        started.stop()


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _start_failure(master: str, error: BaseException) -> TierwiseError:
    """Why Spark did not start, with the likely fix first.

    A ``spark://`` master has answered by then (see `check_master_answers`),
    so what answers there may not be a Spark master at all, or not one this
    PySpark can talk to; in local mode the usual cause is Java.
    """
    java = "Java 17 or newer is on PATH (or JAVA_HOME is set)"
    if master.startswith("spark://"):
        fix = (
            "something answers at that address, but Spark could not register "
            "with it: check that it is a Spark standalone master of the version "
            f"PySpark here speaks, and that {java}"
        )
    else:
        fix = f"check that {java} and that the master URL is right"
    return TierwiseError(
        f"Spark could not start with master {master!r} ({_first_line(error)}); {fix}"
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
