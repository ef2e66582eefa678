"""A benchmark's results files name the code they measured."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def reporting() -> ModuleType:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import reporting as module
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


def _result(reporting: ModuleType, code: str) -> object:
    return reporting.SizeResult(
        accounts=100_000,
        label="100k",
        input="portfolio.parquet",
        input_mb=3.0,
        load_at_start=(0.5, 0.5, 0.5),
        code=code,
    )


def test_runs_of_other_code_on_one_day_keep_both_results(
    reporting: ModuleType, tmp_path: Path
) -> None:
    machine = {
        "cores": 2,
        "cpu": "a processor",
        "memory_gb": 8.0,
        "seed": 2020,
        "as_of": "2026-09-30",
        "tierwise": "0.1.0",
        "versions": {"python": "3.11"},
    }

    first = reporting.write(
        _result(reporting, "aaaa111"), machine, tmp_path, "2026-12-06"
    )
    second = reporting.write(
        _result(reporting, "bbbb222"), machine, tmp_path, "2026-12-06"
    )

    assert (first.name, second.name) == (
        "2026-12-06-aaaa111-100k.md",
        "2026-12-06-bbbb222-100k.md",
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "2026-12-06-aaaa111-100k.json",
        "2026-12-06-aaaa111-100k.md",
        "2026-12-06-bbbb222-100k.json",
        "2026-12-06-bbbb222-100k.md",
    ]
