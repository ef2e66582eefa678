"""The same model on Spark and on DuckDB: the same tiers, scores and reasons.

Spark runs in local mode bound to 127.0.0.1 with its UI off; one session
serves the whole module, because starting one takes ten seconds or more.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tests.engine.conftest import AS_OF, direct_score_model, table_of
from tierwise import jobs
from tierwise.engine import TieringRun, score_accounts
from tierwise.engine.backends import score_on
from tierwise.engine.compile import compile_model
from tierwise.errors import TierwiseError
from tierwise.model import TieringModel
from tierwise.sample import DEMO_SEED, build_demo_portfolio, write_portfolio
from tierwise.sample.signals import write_signal_files
from tierwise.sources.signals import SignalFile

pytest.importorskip(
    "pyspark", reason="PySpark is not installed: pip install -e '.[dev]'"
)

from tierwise.engine.backends.spark import (
    score_on_spark,
    spark_session,
)


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    session = spark_session()
    yield session
    session.stop()


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.sort_by("account_id").to_pylist()


def _same_run(duck: TieringRun, on_spark: TieringRun) -> None:
    assert _rows(on_spark.table()) == _rows(duck.table())
    assert on_spark.tiers == duck.tiers
    assert on_spark.reasons == duck.reasons
    assert on_spark.warnings == duck.warnings
    spark_types = {f.name: f.type for f in on_spark.table().schema}
    assert spark_types == {f.name: f.type for f in duck.table().schema}


def test_demo_portfolio_tiers_the_same_on_spark(spark: Any, tmp_path: Path) -> None:
    """The demo as `tierwise demo` runs it: accounts plus raw signal files."""
    accounts = write_portfolio(tmp_path / "demo.csv", 1000, DEMO_SEED, as_of=AS_OF)
    portfolio = build_demo_portfolio(DEMO_SEED, AS_OF)
    files = write_signal_files(tmp_path / "signals", portfolio, AS_OF, DEMO_SEED)
    signals = [SignalFile(kind, path) for kind, path in files.by_kind().items()]

    on_duckdb = jobs.tier_file(accounts, tmp_path / "duckdb", AS_OF, signals=signals)
    on_spark = jobs.tier_file(
        accounts, tmp_path / "spark", AS_OF, signals=signals, engine="spark"
    )

    written = pq.read_table(tmp_path / "spark" / "tiers.parquet")
    expected = pq.read_table(tmp_path / "duckdb" / "tiers.parquet")
    assert _rows(written) == _rows(expected)
    assert on_spark.run.reasons == on_duckdb.run.reasons
    assert on_spark.run.warnings == on_duckdb.run.warnings
    assert {"capped", "met"} <= set(on_spark.run.reasons)


PINS = {"F1000-0003": "tier_1", "F1000-0010": "tier_3"}


def _gaps_and_ties(
    default_model: TieringModel, tmp_path: Path
) -> tuple[pa.Table, list[str]]:
    """A sample with blank cells and six accounts tied at Tier 1's cap.

    The account that takes Tier 1's last place (with :data:`PINS` applied)
    is copied under five new ids (two sort before it, three after), so they
    tie on every input and the cap decides between them by id alone.
    """
    path = write_portfolio(tmp_path / "sample.parquet", 400, 11, as_of=AS_OF)
    table = pq.read_table(path)
    for number, name in enumerate(["industry", "employees", "intent_score"]):
        blank = pc.equal(pc.bit_wise_and(pa.array(range(len(table))), 3), number)
        column = table.column(name)
        empty = pa.nulls(len(table), column.type)
        table = table.set_column(
            table.schema.get_field_index(name), name, pc.if_else(blank, empty, column)
        )

    ranked = score_accounts(default_model, table, AS_OF, pins=PINS).table()
    placed = ranked.filter(
        pc.and_(pc.equal(ranked["tier"], "tier_1"), pc.equal(ranked["reason"], "met"))
    )
    boundary = str(placed.sort_by([("rank", "descending")])["account_id"][0])
    row = table.filter(pc.equal(table["account_id"], boundary))
    ids = [boundary[:-1], f"{boundary[:-1]}/", f"{boundary}-", f"{boundary}_", "~"]
    copies = [row.set_column(0, "account_id", pa.array([copy])) for copy in ids]
    return pa.concat_tables([table, *copies]), sorted([boundary, *ids])


def test_gaps_and_ties_at_caps_tier_the_same_on_spark(
    spark: Any, default_model: TieringModel, tmp_path: Path
) -> None:
    accounts, tied = _gaps_and_ties(default_model, tmp_path)
    duck = score_accounts(default_model, accounts, AS_OF, pins=PINS)
    on_spark = score_on_spark(default_model, accounts, AS_OF, pins=PINS, session=spark)

    _same_run(duck, on_spark)
    results = {row["account_id"]: row for row in on_spark.table().to_pylist()}
    tiers = [results[account]["tier"] for account in tied]
    assert "tier_1" in tiers
    assert tiers == sorted(tiers), "the cap takes tied accounts in id order"
    assert {results[account]["reason"] for account in tied} >= {"capped"}


GATED_TIERS = [
    {
        "key": "tier_1",
        "name": "One",
        "min_score": 70,
        "max_accounts": 2,
        "min_coverage_pct": 50,
        "must_have": [
            {"name": "exec_sponsor", "when": {"field": "exec_sponsor", "is": True}}
        ],
        "disqualifiers": [
            {"name": "blocked", "when": {"field": "blocked", "is": True}}
        ],
        "include": [{"name": "named", "when": {"field": "named", "is": True}}],
    },
    {"key": "tier_2", "name": "Two", "min_score": 50, "max_accounts": 2},
    {"key": "tier_3", "name": "Three", "min_score": 30},
]


def test_gates_includes_and_ties_tier_the_same_on_spark(spark: Any) -> None:
    model = direct_score_model(
        {"score": 3, "other": 1},
        GATED_TIERS,
        fields={
            "score_input": "number",
            "other_input": "number",
            "exec_sponsor": "boolean",
            "blocked": "boolean",
            "named": "boolean",
        },
    )
    base = {"exec_sponsor": True, "blocked": False, "named": False}
    rows = [
        {"account_id": "a", "name": "A", "score_input": 90, "other_input": 90, **base},
        {"account_id": "b", "name": "B", "score_input": 90, "other_input": 90, **base},
        {"account_id": "c", "name": "C", "score_input": 90, "other_input": 90, **base},
        {
            "account_id": "d",
            "name": "D",
            "score_input": 90,
            "other_input": None,
            **base,
        },
        {
            "account_id": "e",
            "name": "E",
            "score_input": 40,
            "other_input": 40,
            **{**base, "named": True},
        },
        {
            "account_id": "f",
            "name": "F",
            "score_input": 95,
            "other_input": 95,
            **{**base, "named": True, "blocked": True},
        },
        {
            "account_id": "g",
            "name": "G",
            "score_input": 95,
            "other_input": 95,
            **{**base, "exec_sponsor": None},
        },
        {
            "account_id": "h",
            "name": "H",
            "score_input": None,
            "other_input": None,
            **base,
        },
        {"account_id": "i", "name": "I", "score_input": 10, "other_input": 10, **base},
    ]
    accounts = table_of(rows)

    duck = score_accounts(model, accounts, AS_OF, pins={"i": "tier_2"})
    on_spark = score_on_spark(
        model, accounts, AS_OF, pins={"i": "tier_2"}, session=spark
    )

    _same_run(duck, on_spark)
    reasons = {row["account_id"]: row["reason"] for row in on_spark.table().to_pylist()}
    assert reasons["i"] == "override"
    assert reasons["f"] == "disqualified:blocked"
    assert "capped" in reasons.values()


def test_dates_after_the_as_of_date_are_warned_about_on_spark(
    spark: Any, default_model: TieringModel
) -> None:
    # The question is asked of the accounts in DuckDB, where Spark read them.
    accounts = table_of(
        [
            {"account_id": "a", "name": "A", "last_engagement_date": date(2027, 1, 2)},
            {"account_id": "b", "name": "B", "last_engagement_date": date(2026, 9, 1)},
        ]
    )

    duck = score_accounts(default_model, accounts, AS_OF)
    on_spark = score_on_spark(default_model, accounts, AS_OF, session=spark)

    _same_run(duck, on_spark)
    assert any(
        w.startswith("last_engagement_date: 1 account") for w in on_spark.warnings
    )


def test_spark_query_reads_as_spark_sql(default_model: TieringModel) -> None:
    # industry is text read from the table, so the query trims it.
    columns = ["account_id", "name", "industry"]
    compiled = compile_model(default_model, date(2026, 9, 30), columns)

    text = compiled.sql(dialect="spark")

    assert "MATERIALIZED" not in text
    assert " DIV " in text
    assert "//" not in text
    assert "CHR(9)" in text.replace(" ", "")


def test_an_unknown_engine_is_refused_with_the_choices() -> None:
    with pytest.raises(
        TierwiseError, match="unknown engine 'spork'; use one of duckdb, spark"
    ):
        score_on(
            "spork", direct_score_model({"s": 1}, GATED_TIERS[2:]), "accounts", AS_OF
        )


def test_spark_master_without_spark_is_refused(default_model: TieringModel) -> None:
    accounts = table_of([{"account_id": "a", "name": "A"}])
    with pytest.raises(TierwiseError, match="--spark-master needs --engine spark"):
        score_on("duckdb", default_model, accounts, AS_OF, spark_master="local[1]")


def test_a_duckdb_file_table_tiers_the_same_on_spark(
    spark: Any, tmp_path: Path
) -> None:
    import duckdb

    from tierwise.table_jobs import tier_table

    accounts = write_portfolio(tmp_path / "accounts.parquet", 300, 5, as_of=AS_OF)
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(
            f"CREATE TABLE accounts AS SELECT * FROM read_parquet('{accounts}')"
        )

    jobs.tier_file(accounts, tmp_path / "file", AS_OF)
    tier_table(
        f"duckdb:///{warehouse}::accounts", tmp_path / "table", AS_OF, engine="spark"
    )

    written = pq.read_table(tmp_path / "table" / "tiers.parquet")
    assert _rows(written) == _rows(pq.read_table(tmp_path / "file" / "tiers.parquet"))


def test_spark_starts_without_filling_stderr_with_its_own_logging(
    tmp_path: Path,
) -> None:
    # Its own process: the module's session has started Spark's JVM already.
    import subprocess
    import sys

    portfolio = tmp_path / "accounts.parquet"
    pq.write_table(build_demo_portfolio().slice(0, 30), portfolio)
    command = [sys.executable, "-m", "tierwise", "tier", str(portfolio)]
    command += ["--engine", "spark", "--no-store", "--quiet", "--as-of", "2026-09-30"]
    command += ["--out", str(tmp_path / "out")]

    done = subprocess.run(command, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr
    for noise in ("log4j", "Setting default log level", "NativeCodeLoader"):
        assert noise not in done.stderr
    # Only the Java runtime's own note on the vector module Spark asks for.
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert all(line.startswith("WARNING: Using incubator modules") for line in lines)


def _closed_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago: nothing listens there."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_master_that_does_not_answer_fails_fast_without_spark_traces(
    tmp_path: Path,
) -> None:
    # Spark retried the master for over a minute, printed its own stack
    # traces, and tierwise then blamed Java or the master in one line.
    import subprocess
    import sys
    import time

    master = f"spark://127.0.0.1:{_closed_port()}"
    portfolio = tmp_path / "accounts.parquet"
    pq.write_table(build_demo_portfolio().slice(0, 30), portfolio)
    command = [sys.executable, "-m", "tierwise", "tier", str(portfolio)]
    command += ["--engine", "spark", "--spark-master", master, "--no-store"]
    command += ["--as-of", "2026-09-30", "--out", str(tmp_path / "out")]

    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    seconds = time.perf_counter() - started

    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, said
    assert seconds < 20, f"{seconds:.0f} s before the error"
    assert f"--spark-master {master!r}: no Spark master answers there" in said
    assert "leave out --spark-master" in said
    for trace in ("Exception", "\tat ", "WARN", "ERROR"):
        assert trace not in done.stderr
    assert not (tmp_path / "out").exists()


def test_yarn_without_its_configuration_is_refused_before_anything_starts(
    tmp_path: Path,
) -> None:
    # spark-submit printed a Java stack trace (HADOOP_CONF_DIR or
    # YARN_CONF_DIR must be set) and tierwise then blamed Java.
    import os
    import subprocess
    import sys

    portfolio = tmp_path / "accounts.parquet"
    pq.write_table(build_demo_portfolio().slice(0, 30), portfolio)
    command = [sys.executable, "-m", "tierwise", "tier", str(portfolio)]
    command += ["--engine", "spark", "--spark-master", "yarn", "--no-store"]
    command += ["--as-of", "2026-09-30", "--out", str(tmp_path / "out")]
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("HADOOP_CONF_DIR", "YARN_CONF_DIR")
    }

    done = subprocess.run(command, capture_output=True, text=True, env=env)

    said = " ".join((done.stdout + done.stderr).split())
    assert done.returncode == 2, said
    assert "--spark-master yarn: Spark finds the YARN cluster" in said
    assert "set HADOOP_CONF_DIR to the folder holding" in said
    assert "Java" not in said
    assert not (tmp_path / "out").exists()


def test_yarn_with_its_configuration_is_left_to_spark(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tierwise.engine.backends import check_engine

    monkeypatch.delenv("HADOOP_CONF_DIR", raising=False)
    monkeypatch.setenv("YARN_CONF_DIR", str(tmp_path))

    assert check_engine("spark", "yarn") == "spark"


def test_a_master_with_one_standby_answering_is_taken() -> None:
    import socket

    from tierwise.engine.backends import check_engine

    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        master = f"spark://127.0.0.1:{_closed_port()},127.0.0.1:{port}"

        assert check_engine("spark", master) == "spark"


def test_a_master_that_answers_but_is_no_spark_master_is_named_first() -> None:
    # A port that answers but is no Spark master was told to check Java.
    from tierwise.engine.backends.spark import _start_failure

    message = str(
        _start_failure("spark://127.0.0.1:5432", RuntimeError("gave up\nat line 2"))
    )

    assert message.startswith(
        "Spark could not start with master 'spark://127.0.0.1:5432' (gave up); "
        "something answers at that address, but Spark could not register with it"
    )


def test_a_local_spark_that_fails_to_start_points_at_java() -> None:
    from tierwise.engine.backends.spark import _start_failure

    message = str(_start_failure("local[2]", RuntimeError("no java")))

    assert "check that Java 17 or newer is on PATH" in message
    assert "register" not in message


def test_a_spark_run_counts_its_stages_and_never_goes_back(
    spark: Any, tmp_path: Path
) -> None:
    # Spark runs the query stage by stage; each stage done moves the count,
    # and Spark's task counts within one, so the bar no longer sits at 0
    # until the results are back.
    from tests.test_progress import Recorded

    accounts = write_portfolio(tmp_path / "accounts.csv", 1000, DEMO_SEED, as_of=AS_OF)
    recorded = Recorded()

    jobs.tier_file(accounts, tmp_path / "out", AS_OF, engine="spark", progress=recorded)

    counts = recorded.counts_in("Scoring and tiering")
    tasks = recorded.tasks()
    assert ("Scoring and tiering", 1000) in tasks
    # Spark's start is shown as such, before the count begins.
    assert tasks.index(("Starting Spark", None)) < tasks.index(
        ("Scoring and tiering", 1000)
    )
    assert counts == sorted(counts)
    assert counts[-1] == 1000
    assert any(0 < done < 1000 for done in counts)


def test_the_running_stage_counts_its_own_spark_tasks_only(spark: Any) -> None:
    import time

    from tierwise.engine.backends.spark_progress import JOB_GROUP, stages_watched

    context = spark.sparkContext
    told: list[float] = []

    with stages_watched(context, told.append, 4, "counting") as watched:
        watched.begin(1)
        spark.range(0, 1000, numPartitions=4).selectExpr("sum(id)").collect()
        # Spark's status tracker learns of finished tasks a moment later.
        deadline = time.monotonic() + 30
        while 0.5 not in told and time.monotonic() < deadline:
            watched.look()
            time.sleep(0.05)
        watched.end(1)

    assert 0.5 in told  # stage 1 of 0 to 3, with all its tasks done
    assert max(told) == 0.5
    assert context.getLocalProperty(JOB_GROUP) is None
