"""The copy of tierwise a benchmark measures is compiled before any run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def code_copy():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "code_copy", BENCHMARKS / "code_copy.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["code_copy"] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules["code_copy"]


def test_every_module_of_the_copy_has_its_bytecode_even_where_python_writes_none(
    code_copy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")

    code_copy.snapshot_code(tmp_path)

    sources = sorted((tmp_path / "tierwise").rglob("*.py"))
    assert len(sources) > 100
    missing = [
        str(path.relative_to(tmp_path))
        for path in sources
        if not Path(importlib.util.cache_from_source(str(path))).exists()
    ]
    assert missing == []


def test_the_copy_holds_the_code_as_it_is_in_the_checkout(
    code_copy, tmp_path: Path
) -> None:
    code_copy.snapshot_code(tmp_path)

    source = code_copy.REPO / "src" / "tierwise" / "engine" / "run.py"
    copied = tmp_path / "tierwise" / "engine" / "run.py"
    assert copied.read_bytes() == source.read_bytes()
