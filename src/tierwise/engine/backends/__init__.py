"""Engines other than the embedded DuckDB that run the same query tree.

``spark`` renders the compiled model in Spark SQL and runs it on PySpark;
:mod:`tierwise.engine.backends.database` runs it inside the database that
holds the accounts, in that database's own dialect. Both hand their results
back to a DuckDB connection, so the run summary, the store and the exports
read them exactly as they read a DuckDB run.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable, Collection, Mapping
from datetime import date

import duckdb
import pyarrow as pa

from tierwise.engine.run import TieringRun, score_accounts
from tierwise.engine_names import ENGINES
from tierwise.errors import TierwiseError
from tierwise.model.schema import TieringModel

__all__ = [
    "ENGINES",
    "check_engine",
    "check_master_answers",
    "missing_extra",
    "score_on",
]


# The master URLs Spark takes: this machine (local, local[N], local[*],
# local[N,F] with F retries), a standalone cluster, YARN or Kubernetes.
_SPARK_MASTER = re.compile(
    r"local(\[(\*|[1-9][0-9]*)(,[0-9]+)?\])?"
    r"|local-cluster\[[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*\]"
    r"|spark://[^\s/:,]+:[0-9]+(,[^\s/:,]+:[0-9]+)*"
    r"|yarn|k8s://\S+"
)

# How long a standalone master gets to accept a connection. Spark itself
# retries an unreachable master for over a minute before giving up.
MASTER_TIMEOUT = 3.0
# What spark-submit reads to find a YARN cluster; one must be set.
YARN_CONFIG = ("HADOOP_CONF_DIR", "YARN_CONF_DIR")


def check_engine(name: str, spark_master: str | None = None) -> str:
    """``name`` if it is an engine tierwise runs on, else a clear error; so
    for ``spark_master``, checked before anything is read or started.

    >>> check_engine("spark", "local[4]")
    'spark'
    """
    if name not in ENGINES:
        raise TierwiseError(
            f"unknown engine {name!r}; use one of {', '.join(ENGINES)} "
            "(--engine duckdb is the default)"
        )
    if spark_master is not None and name != "spark":
        raise TierwiseError("--spark-master needs --engine spark")
    if spark_master is not None and not _SPARK_MASTER.fullmatch(spark_master):
        # Spark itself said so only after starting Java, in a stack trace,
        # and tierwise then blamed Java or an unreachable master.
        raise TierwiseError(
            f"--spark-master {spark_master!r} is not a Spark master URL; use "
            "local[N] or local[*] (this machine, N threads), spark://HOST:7077 "
            "(a standalone cluster), yarn or k8s://https://HOST:PORT"
        )
    if spark_master is not None:
        check_master_answers(spark_master)
    return name


def check_master_answers(master: str, timeout: float = MASTER_TIMEOUT) -> None:
    """Raise unless a standalone master (``spark://HOST:PORT``, or several
    such addresses for standby masters) accepts a connection at one of its
    addresses within ``timeout`` seconds; other masters are left to Spark.

    Raises:
        TierwiseError: naming the master URL and what to do instead.
    """
    if master == "yarn":
        _check_yarn_configured()
        return
    if not master.startswith("spark://"):
        return
    addresses = master.removeprefix("spark://").split(",")
    failures = []
    for address in addresses:
        host, _, port = address.rpartition(":")
        try:
            with socket.create_connection((host, int(port)), timeout=timeout):
                return
        except OSError as error:
            failures.append(f"{address}: {error.strerror or error}")
    raise TierwiseError(
        f"--spark-master {master!r}: no Spark master answers there "
        f"({'; '.join(failures)}); nothing was written. Check the "
        "master's host and port and that it is running, or leave out "
        "--spark-master to run Spark on this machine (local[2])"
    )


def _check_yarn_configured() -> None:
    """Spark finds a YARN cluster only through its configuration folder;
    without one, spark-submit printed a Java stack trace and the run then
    blamed Java."""
    if any(os.environ.get(name) for name in YARN_CONFIG):
        return
    raise TierwiseError(
        "--spark-master yarn: Spark finds the YARN cluster through its "
        f"configuration files, and neither {' nor '.join(YARN_CONFIG)} is "
        "set; set HADOOP_CONF_DIR to the folder holding the cluster's "
        "core-site.xml and yarn-site.xml, then run again"
    )


def missing_extra(what: str, extra: str) -> TierwiseError:
    """The error for an optional part that is not installed, with the fix."""
    return TierwiseError(
        f"{what} is not installed; install it with `pip install 'tierwise[{extra}]'`"
    )


def score_on(
    engine: str,
    model: TieringModel,
    accounts: pa.Table | str,
    as_of: date,
    connection: duckdb.DuckDBPyConnection | None = None,
    pins: Mapping[str, str] | None = None,
    signal_sources: Collection[str] = (),
    text_trimmed: bool = False,
    spark_master: str | None = None,
    share_done: Callable[[float], None] | None = None,
) -> TieringRun:
    """Score ``accounts`` on ``engine``: :func:`score_accounts` on any engine.

    ``spark_master`` is the Spark master URL (``local[2]`` by default).
    ``share_done`` is told Spark's progress (DuckDB's is watched instead).

    Raises:
        TierwiseError: for an unknown engine, or a missing optional extra.
    """
    check_engine(engine, spark_master)
    if engine == "spark":
        from tierwise.engine.backends.spark import LOCAL_MASTER, score_on_spark

        return score_on_spark(
            model,
            accounts,
            as_of,
            connection=connection,
            pins=pins,
            signal_sources=signal_sources,
            text_trimmed=text_trimmed,
            master=spark_master or LOCAL_MASTER,
            share_done=share_done,
        )
    return score_accounts(
        model,
        accounts,
        as_of,
        connection=connection,
        pins=pins,
        signal_sources=signal_sources,
        text_trimmed=text_trimmed,
    )
