"""Tiering with an activity log: 10M accounts and 100M activity events.

    .venv/bin/python benchmarks/signals_bench.py                       # 10M / 100M
    .venv/bin/python benchmarks/signals_bench.py --accounts 1M --events 10M
    .venv/bin/python benchmarks/signals_bench.py --only engine --repeat 3

The accounts are a sampled portfolio (``tierwise sample``, cached in
``benchmarks/.data`` and shared with ``run.py``); the events are made by
DuckDB straight into Parquet (also cached): every account gets activity
rows of five kinds, dated over the 400 days before the as-of date, some
with a weight. Each contender runs in a fresh process through
``launch.py``, which measures its wall time and peak RSS:

``engine``   the engine alone: the accounts and the events read in place
             from Parquet as the matched table ``signal_activity`` (already
             typed), scored with ``signal_sources=["activity"]``, results
             written to Parquet.
``cli``      the whole job a user runs, ``tierwise tier ACCOUNTS --activity
             EVENTS --no-csv --no-store``: reading the raw file (timestamps
             as text, kinds as labels), matching, the match report, scoring.
``plain``    the same accounts without the events, for the difference.

Every run holds DuckDB to the engine's memory limit (``$TIERWISE_MEMORY_LIMIT``,
else its default), as a user's run does. The engine and the job must give
every account the same tier and total;
the benchmark checks it and fails otherwise. The load average is printed
before each run, since the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb
from measuring import run_once
from portfolios import AS_OF, DATA, ensure_portfolio
from sizes import parse_count

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
CONTENDERS = ("engine", "cli", "plain")
MEMORY_TARGET_MB = 2048
# The engine's own memory limit setting, passed on to every run.
MEMORY_ENV = "TIERWISE_MEMORY_LIMIT"
EVENT_SPAN_DAYS = 400
KINDS = ("web visit", "content download", "webinar", "meeting", "email")


@dataclass
class Row:
    contender: str
    seconds: float
    peak_rss_mb: float
    load_before: float
    ok: bool


def main() -> None:
    options = _arguments()
    if options.engine_run:
        _engine_run(*options.engine_run)
        return

    DATA.mkdir(exist_ok=True)
    accounts = ensure_portfolio(options.accounts)
    events = _events(options.accounts, options.events, accounts)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    print(f"accounts {accounts.name}, events {events.name}")

    rows: list[Row] = []
    outputs: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="signals-bench-") as scratch:
        for round_number in range(options.repeat):
            for name in options.only:
                out = Path(scratch) / f"{name}-{round_number}"
                argv = _argv(name, accounts, events, out)
                measured = run_once(
                    argv,
                    REPO,
                    Path(scratch) / f"{name}-{round_number}.log",
                    options.timeout,
                    options.max_rss_mb,
                )
                row = Row(
                    name,
                    measured.seconds,
                    measured.peak_rss_mb,
                    measured.load_before,
                    measured.ok,
                )
                rows.append(row)
                outputs.setdefault(name, out)
                print(
                    f"{name:>7}: {row.seconds:8.1f} s, peak {row.peak_rss_mb:7.0f} MB, "
                    f"load {row.load_before:.1f}, {'ok' if row.ok else 'FAILED'}",
                    flush=True,
                )
                if not row.ok:
                    log = Path(scratch) / f"{name}-{round_number}.log"
                    print(log.read_text()[-3000:])
        differences = _differences(outputs)

    _write(options, rows, differences)
    if differences:
        print(f"engine and cli differ on {differences} accounts (-1: no results)")
        sys.exit(1)


def _argv(name: str, accounts: Path, events: Path, out: Path) -> list[str]:
    tier = [
        sys.executable,
        "-m",
        "tierwise",
        "tier",
        str(accounts),
        "--as-of",
        AS_OF.isoformat(),
        "--no-csv",
        "--no-store",
        "--out",
        str(out),
    ]
    if name == "cli":
        return [*tier, "--activity", str(events)]
    if name == "plain":
        return tier
    script = str(Path(__file__).resolve())
    return [
        sys.executable,
        script,
        "--engine-run",
        str(accounts),
        str(events),
        str(out),
    ]


def _engine_run(accounts: str, events: str, out: str) -> None:
    """One engine-only run (in its own process): score and write Parquet."""
    from tierwise.engine import score_accounts, write_results
    from tierwise.engine.run import open_connection
    from tierwise.engine.signals import kind_key
    from tierwise.model import load_model

    model = load_model()
    activity = model.signals.activity if model.signals else None
    kinds = activity.kinds if activity else {}
    # The labels as the reader maps them to the model's kinds.
    mapped = " ".join(
        f"WHEN '{label}' THEN '{kind_key(label, kinds)}'" for label in KINDS
    )
    scratch = Path(tempfile.mkdtemp(prefix="signals-engine-"))
    connection = open_connection(scratch)
    connection.execute(
        f"CREATE VIEW accounts AS SELECT * FROM read_parquet({_quoted(accounts)})"
    )
    connection.execute(
        "CREATE VIEW signal_activity AS SELECT account_id, "
        f'CAST("timestamp" AS DATE) AS occurred_on, CASE kind {mapped} END AS kind, '
        "weight, source_row "
        f"FROM read_parquet({_quoted(events)}) "
        f"WHERE CAST(\"timestamp\" AS DATE) <= DATE '{AS_OF.isoformat()}'"
    )
    run = score_accounts(
        model, "accounts", AS_OF, connection, signal_sources=["activity"]
    )
    write_results(run, Path(out), csv=False)


def _events(accounts: int, events: int, portfolio: Path) -> Path:
    """The activity log: ``events`` rows over the accounts, made by DuckDB.

    Account ``i`` of the event ``n`` is ``n * 7919 mod accounts`` (7919 is
    prime, so every account gets about the same number); its kind, day and
    weight come from hashes of ``n``. One event in ten names no weight.
    """
    path = DATA / f"activity-{events}-over-{accounts}-{AS_OF.isoformat()}.parquet"
    if path.exists():
        return path
    started = time.perf_counter()
    partial = path.with_name(f".{path.name}.partial")
    connection = duckdb.connect()
    connection.execute("SET memory_limit = '2GB'")
    connection.execute("SET preserve_insertion_order = false")
    connection.execute(
        "CREATE TABLE ids AS SELECT account_id, file_row_number AS number "
        f"FROM read_parquet({_quoted(str(portfolio))}, file_row_number = true)"
    )
    kinds = "[" + ", ".join(f"'{kind}'" for kind in KINDS) + "]"
    connection.execute(
        f"""
        COPY (
            SELECT ids.account_id,
                   TIMESTAMP '{AS_OF.isoformat()} 12:00:00'
                     - to_days(CAST(hash(n, 1) % {EVENT_SPAN_DAYS} AS INTEGER))
                     - to_seconds(CAST(hash(n, 2) % 43200 AS BIGINT)) AS "timestamp",
                   list_element({kinds}, CAST(hash(n, 3) % 5 + 1 AS INTEGER)) AS kind,
                   CASE WHEN hash(n, 4) % 10 = 0 THEN NULL
                        ELSE CAST(hash(n, 4) % 3 + 1 AS DOUBLE) END AS weight,
                   n + 1 AS source_row
            FROM range({events}) AS r(n)
            JOIN ids ON ids.number = (n * 7919) % {accounts}
        ) TO {_quoted(str(partial))} (FORMAT parquet, COMPRESSION zstd)
        """
    )
    connection.close()
    partial.replace(path)
    print(f"made {events:,} events in {time.perf_counter() - started:.0f} s")
    return path


def _differences(outputs: dict[str, Path]) -> int | None:
    """Accounts whose tier or total differ between the engine and the job.

    None when the two did not both run; -1 when one wrote no results.
    """
    if "engine" not in outputs or "cli" not in outputs:
        return None
    engine = _quoted(str(outputs["engine"] / "tiers.parquet"))
    job = _quoted(str(outputs["cli"] / "tiers.parquet"))
    if not (outputs["engine"] / "tiers.parquet").exists():
        return -1
    if not (outputs["cli"] / "tiers.parquet").exists():
        return -1
    query = (
        f"SELECT COUNT(*) FROM read_parquet({engine}) AS a "
        f"FULL JOIN read_parquet({job}) AS b USING (account_id) "
        "WHERE a.tier IS DISTINCT FROM b.tier OR a.total IS DISTINCT FROM b.total"
    )
    ((count,),) = duckdb.connect().execute(query).fetchall()
    return int(count)


def _write(
    options: argparse.Namespace, rows: list[Row], differences: int | None
) -> None:
    RESULTS.mkdir(exist_ok=True)
    stem = f"{date.today().isoformat()}-signals-{options.accounts}-{options.events}"
    if os.environ.get(MEMORY_ENV):
        stem += f"-limit-{os.environ[MEMORY_ENV]}"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    facts = {
        "accounts": options.accounts,
        "events": options.events,
        "commit": commit,
        "cores": os.cpu_count(),
        "memory_target_mb": MEMORY_TARGET_MB,
        "memory_limit": _memory_limit(),
        "differences": differences,
        "runs": [asdict(row) for row in rows],
    }
    (RESULTS / f"{stem}.json").write_text(json.dumps(facts, indent=2) + "\n")
    compared = (
        "engine and cli not both run"
        if differences is None
        else f"engine and cli differ on {differences} accounts"
    )
    lines = [
        f"# {options.accounts:,} accounts, {options.events:,} activity events",
        "",
        f"Commit {commit}, {os.cpu_count()} cores; target peak RSS "
        f"{MEMORY_TARGET_MB:,} MB; DuckDB memory_limit {_memory_limit()}; "
        f"{compared}.",
        "",
        "| contender | seconds | peak RSS (MB) | load before | ok |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [
        f"| {r.contender} | {r.seconds:.1f} | {r.peak_rss_mb:,.0f} | "
        f"{r.load_before:.1f} | {'yes' if r.ok else 'no'} |"
        for r in rows
    ]
    (RESULTS / f"{stem}.md").write_text("\n".join(lines) + "\n")


def _memory_limit() -> str:
    """The runs' DuckDB memory limit: ``$TIERWISE_MEMORY_LIMIT`` or the default."""
    from tierwise.engine.run import DEFAULT_MEMORY_LIMIT, SIGNALS_MEMORY_LIMIT

    return os.environ.get(MEMORY_ENV) or (
        f"{DEFAULT_MEMORY_LIMIT} (default; {SIGNALS_MEMORY_LIMIT} for the cli "
        "run, which reads a signal file)"
    )


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=parse_count, default=10_000_000)
    parser.add_argument("--events", type=parse_count, default=100_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--only",
        type=lambda text: [name.strip() for name in text.split(",")],
        default=list(CONTENDERS),
        help="contenders, comma-separated: " + ", ".join(CONTENDERS),
    )
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--max-rss-mb", type=float, default=12_000.0)
    parser.add_argument("--engine-run", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


if __name__ == "__main__":
    main()
