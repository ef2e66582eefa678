"""The sampled portfolios the benchmarks tier, made once and kept.

`make bench` and `make bench-signals` tier the same portfolios, made by
`tierwise sample` with one seed and as-of date and kept in ``.data`` (ignored
by git), so a size is generated only the first time either asks for it.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
AS_OF = date(2026, 9, 30)
SEED = 2020


def ensure_portfolio(accounts: int) -> Path:
    """The kept portfolio of ``accounts`` accounts, generated on first use."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"portfolio-{accounts}-seed{SEED}-{AS_OF.isoformat()}.parquet"
    if path.exists():
        return path
    # A run stopped while generating leaves this file behind: --force
    # writes over it.
    partial = path.with_name(f"partial-{path.name}")
    print(f"generating {accounts:,} accounts into {path.relative_to(HERE)} …")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tierwise",
            "sample",
            "--force",
            "--accounts",
            str(accounts),
            "--seed",
            str(SEED),
            "--as-of",
            AS_OF.isoformat(),
            "--out",
            str(partial),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    partial.replace(path)
    return path
