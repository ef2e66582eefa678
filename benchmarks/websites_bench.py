"""Websites of a Parquet file read in place: the cell reader against SQL.

    make bench-websites                                   # 1M websites
    make bench-websites WEBSITES=100k,1M REPEAT=1
    .venv/bin/python benchmarks/websites_bench.py --sizes 10M --repeat 1

A run that stores its results, or matches signal files by domain, cuts each
distinct website of a Parquet file read in place to its registrable domain
(``tierwise.sources.parquet_websites.website_lookup``). This times that
step two ways in one process, in turn, on the same values:

``cell reader``  every distinct value through the cell reader
                 (``convert_column``, then ``read_website``), half a million
                 at a time, as the step did before hosts and plain
                 addresses were reduced in SQL;
``lookup``       ``website_lookup`` as it is: hosts and plain addresses in
                 DuckDB (``tierwise.sources.host_domains``), the rest
                 through the cell reader.

Three sets of values per size: ``bare``, the sampled portfolio's websites
as ``tierwise sample`` writes them (cached in ``benchmarks/.data`` and
shared with ``run.py``); ``mixed``, the same websites written as CRM
exports write them: one in ten as an address with a scheme, ``www.`` and a
path, one in ten in capitals, one in ten with ``www.``; ``ported``, one in
ten with a port (``acme.com:8443``), which the lookup leaves to the cell
reader. Both ways must give every value the same domain and host; the
benchmark fails otherwise (exit status 1). Times are the median of
``--repeat`` tries, wall and CPU (all threads of the process), shown per
million distinct websites; the 1-minute load average is printed beside
each row, since the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa
from portfolios import ensure_portfolio
from sizes import add_sizes_option

from tierwise.model.fields import FieldKind
from tierwise.sources.columns import CellProblem, Column, convert_column
from tierwise.sources.headers import Match
from tierwise.sources.host_domains import reduce_websites_in_sql
from tierwise.sources.mapping import ColumnSpec
from tierwise.sources.parquet_websites import website_lookup

MATCH = Match(0, "domain", ColumnSpec("domain", normalise="domain"))
CHUNK_VALUES = 500_000
# The sampled websites written as CRM exports write them, by row number,
# and with a port, which leaves them to the cell reader.
MIXED = (
    "CASE n % 10 WHEN 0 THEN 'https://www.' || domain || '/contact?ref=crm' "
    "WHEN 1 THEN upper(domain) WHEN 2 THEN 'www.' || domain ELSE domain END"
)
PORTED = "CASE n % 10 WHEN 0 THEN domain || ':8443' ELSE domain END"
VALUES = {"bare": "domain", "mixed": MIXED, "ported": PORTED}


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


@dataclass(frozen=True)
class Row:
    websites: int
    values: str
    cell_reader: Timing
    lookup: Timing
    in_sql: int
    load: float

    def line(self) -> str:
        per_million = 1_000_000 / self.websites
        old, new = self.cell_reader, self.lookup
        return (
            f"| {self.websites:>10,} | {self.values:<6} "
            f"| {old.wall * per_million:8.2f} | {new.wall * per_million:8.2f} "
            f"| {old.wall / new.wall:6.1f}x "
            f"| {old.cpu * per_million:8.2f} | {new.cpu * per_million:8.2f} "
            f"| {self.in_sql / self.websites:6.1%} | {self.load:4.1f} |"
        )


def main() -> None:
    options = _parser().parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load}; DuckDB {duckdb.__version__}")
    print(f"median of {options.repeat}; seconds per million distinct websites")
    print()
    print(
        "| websites   | values | cell reader s | lookup s | faster "
        "| cell reader CPU s | lookup CPU s | in SQL | load |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    failed = False
    for size in options.sizes:
        path = ensure_portfolio(size)
        for values, sql in VALUES.items():
            connection = duckdb.connect()
            connection.execute(
                f"CREATE TABLE websites AS SELECT {sql} AS domain FROM "
                "(SELECT domain, row_number() OVER () AS n FROM read_parquet(?))",
                [str(path)],
            )
            row, same = _compare(connection, values, options.repeat)
            print(row.line(), flush=True)
            if not same:
                print(f"  {values}: the two ways differ (see above)", flush=True)
                failed = True
            connection.close()
    sys.exit(1 if failed else 0)


def _compare(
    connection: duckdb.DuckDBPyConnection, values: str, repeat: int
) -> tuple[Row, bool]:
    """Time both ways in turn and compare what they give."""
    old: list[Timing] = []
    new: list[Timing] = []
    for _ in range(repeat):
        old.append(_timed(lambda: _cell_reader_lookup(connection, "old_lookup")))
        new.append(_timed(lambda: _lookup(connection, "new_lookup")))
    [(websites,)] = connection.sql(
        "SELECT COUNT(DISTINCT domain) FROM websites"
    ).fetchall()
    in_sql = _in_sql(connection)
    differing = connection.sql(
        "(SELECT * FROM old_lookup EXCEPT SELECT * FROM new_lookup) UNION ALL "
        "(SELECT * FROM new_lookup EXCEPT SELECT * FROM old_lookup) LIMIT 5"
    ).fetchall()
    for raw, domain, host in differing:
        print(f"  differs: {raw!r} -> {domain!r}, {host!r}")
    row = Row(
        websites=int(websites),
        values=values,
        cell_reader=_median(old),
        lookup=_median(new),
        in_sql=int(in_sql),
        load=os.getloadavg()[0],
    )
    return row, not differing


def _lookup(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    if not website_lookup(connection, "websites", "true", "domain", MATCH, table):
        raise SystemExit("a sampled website was refused")


def _in_sql(connection: duckdb.DuckDBPyConnection) -> int:
    """How many distinct values the lookup reduces in SQL (not timed)."""
    connection.execute(
        "CREATE TEMP TABLE distinct_websites AS SELECT DISTINCT domain AS raw "
        "FROM websites WHERE domain IS NOT NULL"
    )
    connection.execute("CREATE TEMP TABLE taken (raw TEXT, domain TEXT, host TEXT)")
    return reduce_websites_in_sql(connection, "distinct_websites", "taken")


def _cell_reader_lookup(connection: duckdb.DuckDBPyConnection, table: str) -> None:
    """Every distinct value through the cell reader, a chunk at a time."""
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE numbered AS SELECT raw, "
        "row_number() OVER () AS number FROM "
        "(SELECT DISTINCT domain AS raw FROM websites WHERE domain IS NOT NULL)"
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} "
        "(raw VARCHAR, domain VARCHAR, host VARCHAR)"
    )
    [(count,)] = connection.sql("SELECT COUNT(*) FROM numbered").fetchall()
    for first in range(0, int(count), CHUNK_VALUES):
        values = [
            str(raw)
            for (raw,) in connection.sql(
                f"SELECT raw FROM numbered WHERE number > {first} "
                f"AND number <= {first + CHUNK_VALUES}"
            ).fetchall()
        ]
        problems: list[CellProblem] = []
        column = Column(
            field="domain",
            kind=FieldKind.TEXT,
            spec=MATCH.spec,
            header="domain",
            rows=range(1, len(values) + 1),
            cells=values,
            problems=problems,
        )
        domains = convert_column(column)
        if problems:
            raise SystemExit(f"a sampled website was refused: {problems[0]}")
        reduced = pa.table(
            {
                "raw": pa.array(values, pa.string()),
                "domain": pa.array(domains, pa.string()),
                "host": pa.array(column.hosts, pa.string()),
            }
        )
        connection.register("reduced", reduced)
        connection.execute(f"INSERT INTO {table} SELECT * FROM reduced")
        connection.unregister("reduced")
    connection.execute("DROP TABLE numbered")


def _timed(work: Callable[[], None]) -> Timing:
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    work()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def _median(timings: list[Timing]) -> Timing:
    return Timing(
        statistics.median(timing.wall for timing in timings),
        statistics.median(timing.cpu for timing in timings),
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sizes_option(parser, "1M")
    parser.add_argument("--repeat", type=int, default=3)
    return parser


if __name__ == "__main__":
    main()
