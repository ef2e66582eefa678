"""Time storing a run against scoring it, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/store_bench.py                  # 100k and 1M
    .venv/bin/python benchmarks/store_bench.py --sizes 100k --repeat 3
    .venv/bin/python benchmarks/store_bench.py --no-postgres
    .venv/bin/python benchmarks/store_bench.py --extra-dimensions 2

For each size a synthetic portfolio (`tierwise.sample.generate_portfolio`) is
scored with the bundled model, then recorded twice in a fresh database: the
first run of a portfolio (every account new to the registry) and the next
run (the same accounts seen again, as a quarter later). The target is
storing at most twice the scoring time. Each time is the median of
``--repeat`` tries; the load average is printed at the start and after each
row (the 1-minute figure) because other work on the machine changes both
sides, and not by the same amount: the engine's DuckDB works on every core
while storing works mostly on one. SQLite goes to a temporary folder; PostgreSQL to
a schema of its own, dropped afterwards. ``--extra-dimensions N`` adds N
dimensions after the bundled model's four, whose scores the store keeps a
row each (`tierwise.store.tables.RunDimensionScore`).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa
from sizes import add_sizes_option

from tierwise.engine import TieringRun, score_accounts
from tierwise.model import default_model_text, parse_model
from tierwise.sample import DEMO_AS_OF, generate_portfolio
from tierwise.store import open_store, record_run

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SEED = 7
# A dimension past the bundled four: an intent score, unknown for about two
# accounts in three of the synthetic portfolio, so a third of its scores
# are stored.
EXTRA_DIMENSION = """  - key: extra_{number}
    name: Extra {number}
    weight: 5
    criteria:
      - key: intent_{number}
        label: Intent {number}
        field: intent_score
        kind: bands
        weight: 1
        bands:
          - {{at_least: {number}0, points: 10}}
        otherwise: 0
        missing: unknown
"""


@dataclass(frozen=True)
class Timing:
    accounts: int
    backend: str
    scoring: float
    first_run: float
    next_run: float
    load: float

    def row(self) -> str:
        return (
            f"| {self.accounts:>9,} | {self.backend:<10} | {self.scoring:7.2f} "
            f"| {self.first_run:7.2f} | {self.first_run / self.scoring:5.2f}x "
            f"| {self.next_run:8.2f} | {self.next_run / self.scoring:5.2f}x "
            f"| {self.load:4.1f} |"
        )


def main() -> None:
    options = _arguments()
    backends: dict[str, Callable[[], Iterator[str]]] = {"SQLite": _sqlite_url}
    if not options.no_postgres:
        backends["PostgreSQL"] = lambda: _postgres_url(options.postgres)

    print(_machine(options))
    print()
    print(
        "| accounts  | database   | scoring | 1st run | ratio  | next run | ratio  "
        "| load |"
    )
    print(
        "|-----------|------------|---------|---------|--------|----------|--------"
        "|------|"
    )
    for size in options.sizes:
        accounts = generate_portfolio(size, SEED)
        text = _model_text(options.extra_dimensions)
        scoring, run = _score(accounts, text, options.repeat)
        for backend, make_url in backends.items():
            first, second = _store(run, accounts, text, make_url, options.repeat)
            load = os.getloadavg()[0]
            timing = Timing(size, backend, scoring, first, second, load)
            print(timing.row(), flush=True)
        run.connection.close()


def _model_text(extra_dimensions: int) -> str:
    """The bundled model, with ``extra_dimensions`` after its own four."""
    added = "".join(
        EXTRA_DIMENSION.format(number=number)
        for number in range(1, extra_dimensions + 1)
    )
    return default_model_text().replace("\ntiers:\n", f"\n{added}\ntiers:\n", 1)


def _score(accounts: pa.Table, text: str, repeat: int) -> tuple[float, TieringRun]:
    model = parse_model(text)
    seconds: list[float] = []
    runs: list[TieringRun] = []
    for _ in range(repeat):
        for earlier in runs:
            earlier.connection.close()
        started = time.perf_counter()
        runs = [score_accounts(model, accounts, DEMO_AS_OF)]
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), runs[0]


def _store(
    run: TieringRun,
    accounts: pa.Table,
    text: str,
    make_url: Callable[[], Iterator[str]],
    repeat: int,
) -> tuple[float, float]:
    first: list[float] = []
    second: list[float] = []
    for _ in range(repeat):
        with contextmanager(make_url)() as url, open_store(url) as store:
            for number, times in enumerate((first, second)):
                started = time.perf_counter()
                record_run(
                    store,
                    run,
                    model_text=text,
                    inputs={"accounts": f"bench-{number}"},
                    accounts=accounts,
                )
                times.append(time.perf_counter() - started)
    return statistics.median(first), statistics.median(second)


def _sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="tierwise-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'tierwise.db'}"


def _postgres_url(server: str) -> Iterator[str]:
    import psycopg

    schema = f"tierwise_bench_{uuid.uuid4().hex[:8]}"
    plain = server.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{server}?options={quote(f'-csearch_path={schema}')}"
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _machine(options: argparse.Namespace) -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [
        f"{os.cpu_count()} CPUs, load average {load}; SQLite {sqlite3.sqlite_version}",
        f"median of {options.repeat} tr{'y' if options.repeat == 1 else 'ies'}; "
        "ratio = storing / scoring",
    ]
    if options.extra_dimensions:
        lines.append(
            f"the bundled model with {options.extra_dimensions} more dimensions"
        )
    if not options.no_postgres:
        import psycopg

        plain = options.postgres.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain) as connection:
            version = connection.execute("SHOW server_version").fetchone()
        lines.append(f"PostgreSQL {version[0] if version else '?'} at {plain}")
    return "\n".join(lines)


def _arguments() -> argparse.Namespace:
    return _parser().parse_args()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_sizes_option(parser, "100k,1M")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--postgres", default=POSTGRES_URL)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--extra-dimensions", type=int, default=0, metavar="N")
    return parser


if __name__ == "__main__":
    main()
