"""One timed run of a contender in its own process, and the tiers check.

A run's wall time is the whole process, from start-up to exit: reading the
Parquet input, scoring, placing and writing the Parquet output, plus the
interpreter and imports every user pays too. Its peak RSS is the kernel's
figure for that process (``wait4``). Both are taken by ``launch.py``, a small
launcher between this process and the contender, so that this process's own
memory never shows up in a contender's peak (see there). The launcher also
stops a run past the time limit or the memory guard: the machine is shared.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

LAUNCHER = Path(__file__).resolve().with_name("launch.py")


@dataclass
class Measurement:
    """One run: wall and CPU time, peak RSS and how it ended."""

    seconds: float
    peak_rss_mb: float
    exit_code: int
    load_before: float
    stopped: str = ""  # why the launcher stopped it, if it did
    # User and system time of all its threads: what the run cost the
    # machine, which a busy machine stretches much less than wall time.
    cpu_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.stopped


def run_once(
    argv: Sequence[str],
    cwd: Path,
    log: Path,
    timeout_s: float,
    max_rss_mb: float,
    extra_env: dict[str, str] | None = None,
) -> Measurement:
    """Run ``argv`` in ``cwd`` and measure it; its output goes to ``log``.

    The run store's URL is left out of the environment, so no benchmark run
    is ever recorded in someone's database.
    """
    env = {k: v for k, v in os.environ.items() if k != "TIERWISE_DATABASE_URL"}
    env.update(extra_env or {})
    load_before = os.getloadavg()[0]
    launcher = [sys.executable, "-S", str(LAUNCHER), str(timeout_s), str(max_rss_mb)]
    done = subprocess.run(
        [*launcher, str(log), "--", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    facts = json.loads(done.stdout)
    return Measurement(
        seconds=facts["seconds"],
        peak_rss_mb=facts["peak_rss_kb"] / 1024,
        exit_code=facts["exit_code"],
        load_before=load_before,
        stopped=facts["stopped"],
        cpu_seconds=facts["cpu_seconds"],
    )


@dataclass
class Agreement:
    """How a contender's output compares with tierwise's, account by account."""

    accounts: int
    tiers_differ: int
    totals_differ: int
    first: list[tuple[object, ...]]  # id, tierwise tier/total, peer tier/total

    @property
    def equal(self) -> bool:
        return self.tiers_differ == 0 and self.totals_differ == 0

    def describe(self) -> str:
        lines = [
            f"{self.tiers_differ:,} accounts in another tier and "
            f"{self.totals_differ:,} with another total, of {self.accounts:,}"
        ]
        lines.append("first differing accounts (id: tierwise tier, total → peer):")
        for account, tier, total, other_tier, other_total in self.first:
            lines.append(f"  {account}: {tier}, {total} → {other_tier}, {other_total}")
        return "\n".join(lines)


def compare(tierwise: Path, peer: Path, shown: int = 10) -> Agreement:
    """Tiers and totals (hundredths) of ``peer`` against tierwise's results.

    tierwise writes the total in points with two decimals; the peers write
    whole hundredths. An account missing from either side differs in both.
    """
    query = f"""
    WITH reference AS (
      SELECT account_id, tier, CAST(round(total * 100) AS BIGINT) AS total
      FROM read_parquet({_literal(tierwise)})
    ),
    candidate AS (
      SELECT account_id, tier, CAST(total AS BIGINT) AS total
      FROM read_parquet({_literal(peer)})
    )
    SELECT coalesce(r.account_id, c.account_id) AS account_id,
      r.tier, r.total, c.tier AS other_tier, c.total AS other_total
    FROM reference r FULL JOIN candidate c ON r.account_id = c.account_id
    WHERE r.tier IS DISTINCT FROM c.tier OR r.total IS DISTINCT FROM c.total
       OR r.account_id IS NULL OR c.account_id IS NULL
    """
    connection = duckdb.connect()
    connection.execute(f"CREATE TEMP TABLE differing AS {query}")
    ((accounts,),) = connection.sql(
        f"SELECT count(*) FROM read_parquet({_literal(tierwise)})"
    ).fetchall()
    ((tiers, totals),) = connection.sql(
        "SELECT count(*) FILTER (WHERE tier IS DISTINCT FROM other_tier), "
        "count(*) FILTER (WHERE total IS DISTINCT FROM other_total) FROM differing"
    ).fetchall()
    first = connection.sql(
        "SELECT * FROM differing "
        "ORDER BY (tier IS NOT DISTINCT FROM other_tier), account_id "
        f"LIMIT {int(shown)}"
    ).fetchall()
    return Agreement(int(accounts), int(tiers), int(totals), first)


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"
