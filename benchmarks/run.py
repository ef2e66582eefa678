"""Side-by-side benchmark: tierwise's ``tier`` against hand-written peers.

For each size, a sampled portfolio (cached in ``benchmarks/.data``) is tiered
by every contender, each run in a fresh process: the floor (DuckDB reading
and summing the same columns), the whole tierwise CLI job, and the peers in
``benchmarks/peers`` (DuckDB SQL, polars, pandas vectorised, pandas row-wise
``apply`` at 100k accounts and below only). Every peer's tiers and totals are
checked against tierwise's; a difference fails the run and names the first
accounts that differ. Results go to ``benchmarks/results/<date>-<size>.md``
and ``.json``.

    .venv/bin/python benchmarks/run.py --sizes 100k,1M --repeat 3
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from importlib import metadata, util
from pathlib import Path
from typing import Any

import psutil
from code_copy import REPO, code_state, snapshot_code
from measuring import Measurement, compare, run_once
from portfolios import AS_OF, SEED, ensure_portfolio
from reporting import Outcome, SizeResult, table, write
from sizes import add_sizes_option

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
RESULTS = HERE / "results"

DEFAULT_SIZES = "100k,1M,10M"

# Row-wise apply takes minutes per million accounts; it shows the analyst's
# starting point, so it runs at small sizes only.
APPLY_MAX_ACCOUNTS = 100_000

# Flags of `tierwise tier` used when the installed version has them: the job
# measured is reading Parquet to writing Parquet, without a CSV copy or a
# record in the run store.
OPTIONAL_TIER_FLAGS = ("--no-csv", "--no-store")


@dataclass(frozen=True)
class Contender:
    name: str
    needs: str | None = None  # a module beyond the base install
    max_accounts: int | None = None
    gives_tiers: bool = True

    def command(
        self, accounts: Path, out: Path, tierwise: list[str]
    ) -> tuple[list[str], Path]:
        """The command line, and the Parquet file it writes, for one run."""
        if self.name == "tierwise":
            results = out / "results"
            argv = [*tierwise[:2], str(accounts), *tierwise[2:], "--out", str(results)]
            return argv, results / "tiers.parquet"
        output = out / f"{self.name}.parquet"
        script = str(PEERS / f"{self.name}.py")
        argv = [sys.executable, script, str(accounts), str(output)]
        return [*argv, "--as-of", AS_OF.isoformat()], output


CONTENDERS = (
    Contender("floor", gives_tiers=False),
    Contender("tierwise"),
    Contender("duckdb_peer"),
    Contender("polars_peer", needs="polars"),
    Contender("pandas_vectorized", needs="pandas"),
    Contender("pandas_apply", needs="pandas", max_accounts=APPLY_MAX_ACCOUNTS),
)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sizes: list[int] = args.sizes
    chosen = [c for c in CONTENDERS if not args.only or c.name in args.only]
    machine = machine_facts(args.repeat)
    day = date.today().isoformat()
    print(f"{machine['cores']} cores, load average {_loads(os.getloadavg())}")

    code_folder = Path(tempfile.mkdtemp(prefix="tierwise-bench-code-"))
    try:
        tierwise = TierwiseUnderTest.copied(code_folder)
        # The peers' shared module too, as the copy of tierwise is compiled.
        compileall.compile_dir(PEERS, quiet=1)
        print(f"tierwise {tierwise.code}: {' '.join(tierwise.command)}")
        results: list[SizeResult] = []
        for accounts in sizes:
            portfolio = ensure_portfolio(accounts)
            result = run_size(accounts, portfolio, chosen, tierwise, args)
            results.append(result)
            written = write(result, machine, args.results, day)
            print(f"\n{table([result])}\n\nwritten to {_shown(written)}")
    finally:
        shutil.rmtree(code_folder, ignore_errors=True)

    if len(results) > 1:
        print(f"\n{table(results)}")
    return 1 if report_failures(results) else 0


@dataclass(frozen=True)
class TierwiseUnderTest:
    """The copy of tierwise's code every run of this benchmark measures."""

    code: str  # commit, and a digest of uncommitted changes
    env: dict[str, str]
    command: list[str]  # tierwise tier and its options, without input and --out

    @classmethod
    def copied(cls, folder: Path) -> TierwiseUnderTest:
        code = snapshot_code(folder)
        env = {"PYTHONPATH": str(folder)}
        return cls(code=code, env=env, command=tierwise_command(env))


def run_size(
    accounts: int,
    portfolio: Path,
    contenders: list[Contender],
    tierwise: TierwiseUnderTest,
    args: argparse.Namespace,
) -> SizeResult:
    """Every contender ``args.repeat`` times, rounds interleaved, then checked."""
    label = size_label(accounts)
    scratch = Path(tempfile.mkdtemp(prefix=f"tierwise-bench-{label}-"))
    try:
        return _run_size(accounts, portfolio, contenders, tierwise, args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_size(
    accounts: int,
    portfolio: Path,
    contenders: list[Contender],
    tierwise: TierwiseUnderTest,
    args: argparse.Namespace,
    scratch: Path,
) -> SizeResult:
    label = size_label(accounts)
    command = tierwise.command
    result = SizeResult(
        accounts=accounts,
        label=label,
        input=_shown(portfolio),
        input_mb=portfolio.stat().st_size / 2**20,
        load_at_start=os.getloadavg(),
        code=tierwise.code,
        tierwise_command=["tierwise", "tier", "INPUT", *command[2:], "--out", "DIR"],
    )
    outcomes = {c.name: _outcome(c, accounts, command) for c in contenders}
    result.outcomes = list(outcomes.values())
    active = [c for c in contenders if not outcomes[c.name].skipped]

    # Warm the page cache, so the first contender does not pay for the disk.
    warm = scratch / "warm-up"
    warm.mkdir()
    floor_argv, _ = Contender("floor").command(portfolio, warm, command)
    run_once(floor_argv, warm, warm / "log.txt", args.timeout, args.max_rss_mb)

    outputs: dict[str, Path] = {}
    for round_ in range(args.repeat):
        for contender in active:
            outcome = outcomes[contender.name]
            if outcome.failure:
                continue  # a run that failed once is not repeated
            out = scratch / f"{round_}-{contender.name}"
            out.mkdir()
            argv, output = contender.command(portfolio, out, command)
            env = tierwise.env if contender.name == "tierwise" else {}
            run = run_once(
                argv, out, out / "log.txt", args.timeout, args.max_rss_mb, env
            )
            outcome.runs.append(run)
            _progress(label, round_, args.repeat, contender.name, run, out)
            if round_ == 0 and run.ok:
                outputs[contender.name] = output
            else:
                shutil.rmtree(out, ignore_errors=True)
        if round_ == 0:
            check_tiers(outcomes, outputs, label)

    result.load_at_end = os.getloadavg()
    result.checkout_at_end = code_state()
    return result


def check_tiers(
    outcomes: dict[str, Outcome], outputs: dict[str, Path], label: str
) -> None:
    """Compare every peer's first output with tierwise's; shout on a difference."""
    reference = outputs.get("tierwise")
    if reference is None:
        print(f"{label}: tierwise did not finish, so no tiers were checked")
        return
    for name, outcome in outcomes.items():
        if not outcome.gives_tiers or outcome.reference or name not in outputs:
            continue
        outcome.agreement = compare(reference, outputs[name])
        if not outcome.agreement.equal:
            print(
                f"\n!!! {label}: {name} DISAGREES with tierwise:\n"
                f"{outcome.agreement.describe()}\n",
                file=sys.stderr,
            )


def report_failures(results: list[SizeResult]) -> bool:
    """Print what fails the run: a disagreement, or tierwise not finishing."""
    failed = False
    for result in results:
        for outcome in result.outcomes:
            agreement = outcome.agreement
            if agreement is not None and not agreement.equal:
                print(
                    f"FAILED: at {result.label}, {outcome.contender} gives "
                    f"{agreement.tiers_differ:,} accounts another tier than "
                    "tierwise (see above and the results file)",
                    file=sys.stderr,
                )
                failed = True
            if outcome.reference and outcome.failure:
                print(
                    f"FAILED: tierwise at {result.label}: {outcome.failure}",
                    file=sys.stderr,
                )
                failed = True
    return failed


def tierwise_command(env: dict[str, str]) -> list[str]:
    """``tierwise tier`` with its options; the input goes after the first two."""
    binary = str(_tierwise_binary())
    help_text = subprocess.run(
        [binary, "tier", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env, "COLUMNS": "200"},
    ).stdout
    flags = [flag for flag in OPTIONAL_TIER_FLAGS if flag in help_text]
    return [binary, "tier", "--as-of", AS_OF.isoformat(), *flags]


def machine_facts(repeat: int) -> dict[str, Any]:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = psutil.virtual_memory()
    versions = {"python": platform.python_version()}
    for package in ("duckdb", "polars", "pandas", "pyarrow", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": memory.total / 2**30,
        "memory_available_gb_at_start": memory.available / 2**30,
        "load_at_start": os.getloadavg(),
        "platform": platform.platform(),
        "versions": versions,
        "tierwise": metadata.version("tierwise"),
        "seed": SEED,
        "as_of": AS_OF.isoformat(),
        "repeat": repeat,
    }


def size_label(accounts: int) -> str:
    if accounts % 1_000_000 == 0:
        return f"{accounts // 1_000_000}M"
    if accounts % 1_000 == 0:
        return f"{accounts // 1_000}k"
    return str(accounts)


def _outcome(contender: Contender, accounts: int, tierwise: list[str]) -> Outcome:
    command, _ = contender.command(Path("INPUT"), Path("OUT"), tierwise)
    outcome = Outcome(
        contender=contender.name,
        command=[Path(command[0]).name, *map(_relative, command[1:])],
        reference=contender.name == "tierwise",
        gives_tiers=contender.gives_tiers,
    )
    if contender.max_accounts is not None and accounts > contender.max_accounts:
        outcome.skipped = f"not run (runs at {size_label(contender.max_accounts)} only)"
    elif contender.needs and util.find_spec(contender.needs) is None:
        outcome.skipped = f"not run ({contender.needs} not installed)"
    return outcome


def _progress(
    label: str, round_: int, repeat: int, name: str, run: Measurement, out: Path
) -> None:
    status = "" if run.ok else f"  FAILED: {run.stopped or f'exit {run.exit_code}'}"
    print(
        f"{label} round {round_ + 1}/{repeat} {name:<18} {run.seconds:8.2f} s "
        f"{run.peak_rss_mb:8.0f} MB  load {run.load_before:.2f}{status}",
        flush=True,
    )
    if not run.ok:
        log = (out / "log.txt").read_text(errors="replace").splitlines()
        print("\n".join(f"    {line}" for line in log[-15:]), file=sys.stderr)


def _tierwise_binary() -> Path:
    binary = Path(sys.executable).with_name("tierwise")
    if not binary.exists():
        raise SystemExit(f"no tierwise command beside {sys.executable}; run make venv")
    return binary


def _relative(argument: str) -> str:
    path = Path(argument)
    return _shown(path) if path.is_absolute() else argument


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _loads(loads: tuple[float, float, float]) -> str:
    return " / ".join(f"{load:.2f}" for load in loads)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_sizes_option(parser, DEFAULT_SIZES)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per contender (median)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=[c.name for c in CONTENDERS],
        help="run only these contenders (floor and tierwise give the ratios)",
    )
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds per run, then stopped"
    )
    parser.add_argument(
        "--max-rss-mb",
        type=float,
        default=12_000,
        help="a run above this resident memory is stopped (the machine is shared)",
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=RESULTS,
        help="folder for the results files (default: benchmarks/results)",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
