"""Every benchmark reads its sizes alike: 100000, 100k or 1M, in a list.

``run.py --sizes 100k`` ran where ``store_bench.py --sizes 100k`` stopped
with argparse's ``invalid int value``; both read ``--sizes`` through one
parser now, as ``signals_bench.py`` reads ``--accounts`` and ``--events``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"
REFUSED = "argument --sizes: 'lots' is not a size like 100000, 100k or 1M"


@pytest.fixture(scope="module")
def scripts() -> Iterator[dict[str, ModuleType]]:
    """run.py and store_bench.py as modules, importing their neighbours as
    they do when run; the modules they bring are dropped afterwards."""
    pytest.importorskip("psutil", reason="run.py needs the bench extra (psutil)")
    before = set(sys.modules)
    sys.path.insert(0, str(BENCHMARKS))
    loaded = {}
    try:
        for name in ("run", "store_bench"):
            spec = importlib.util.spec_from_file_location(
                f"bench_{name}", BENCHMARKS / f"{name}.py"
            )
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            # Their dataclasses look their module up while it is made.
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)
            loaded[name] = module
        yield loaded
    finally:
        sys.path.remove(str(BENCHMARKS))
        for name in set(sys.modules) - before:
            del sys.modules[name]


def _sizes(script: ModuleType, *given: str) -> list[int]:
    options = script._parser().parse_args(["--sizes", *given])
    return list(options.sizes)


@pytest.mark.parametrize("script", ["run", "store_bench"])
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(["100k"], [100_000], id="one-in-thousands"),
        pytest.param(["100000"], [100_000], id="one-in-digits"),
        pytest.param(["100k,1M"], [100_000, 1_000_000], id="commas"),
        pytest.param(["100k 1m"], [100_000, 1_000_000], id="spaces-in-one"),
        pytest.param(["100k", "1M"], [100_000, 1_000_000], id="one-each"),
    ],
)
def test_both_benchmarks_read_the_same_sizes(
    scripts: dict[str, ModuleType], script: str, given: list[str], expected: list[int]
) -> None:
    assert _sizes(scripts[script], *given) == expected


@pytest.mark.parametrize("script", ["run", "store_bench"])
def test_a_size_that_is_none_is_refused_alike(
    scripts: dict[str, ModuleType], script: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        _sizes(scripts[script], "lots")

    assert stopped.value.code == 2
    assert REFUSED in capsys.readouterr().err


def test_the_defaults_are_sizes_too(scripts: dict[str, ModuleType]) -> None:
    run_defaults = scripts["run"]._parser().parse_args([]).sizes
    store_defaults = scripts["store_bench"]._parser().parse_args([]).sizes

    assert run_defaults == [100_000, 1_000_000, 10_000_000]
    assert store_defaults == [100_000, 1_000_000]
