"""What the command line loads before it does any work."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest


def _loaded_after(statement: str, modules: list[str]) -> list[str]:
    probe = (
        f"import sys; {statement}; "
        f"print(','.join(m for m in {modules!r} if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    return [name for name in found.split(",") if name]


def test_the_engine_alone_loads_no_store_and_no_spreadsheet_reader() -> None:
    loaded = _loaded_after(
        "import tierwise.engine.run, tierwise.jobs",
        ["sqlalchemy", "alembic", "openpyxl"],
    )

    assert loaded == []


def test_the_command_line_loads_no_spreadsheet_writer() -> None:
    loaded = _loaded_after("import tierwise.cli", ["openpyxl"])

    assert loaded == []


def test_the_tier_command_loads_no_store() -> None:
    loaded = _loaded_after("import tierwise.cli", ["sqlalchemy", "alembic"])

    assert loaded == []


def test_naming_the_store_loads_no_database_library() -> None:
    loaded = _loaded_after(
        "from tierwise.store import ABSENT, DATABASE_ENV", ["sqlalchemy", "alembic"]
    )

    assert loaded == []


def test_every_store_name_is_the_one_its_module_defines() -> None:
    import tierwise.store

    homes = {
        name: importlib.import_module(f"tierwise.store.{module}")
        for name, module in tierwise.store._HOMES.items()
    } | {name: tierwise.store.constants for name in tierwise.store.constants.__all__}

    assert sorted(homes) == sorted(tierwise.store.__all__)
    for name, home in homes.items():
        assert getattr(tierwise.store, name) is getattr(home, name), name
    assert set(tierwise.store.__all__) <= set(dir(tierwise.store))


def test_a_name_the_store_does_not_have_is_an_attribute_error() -> None:
    import tierwise.store

    with pytest.raises(AttributeError, match="has no attribute 'open_stor'"):
        _ = tierwise.store.open_stor  # type: ignore[attr-defined]


def test_the_command_line_loads_the_sample_generator_only_to_use_it() -> None:
    loaded = _loaded_after("import tierwise.cli", ["tierwise.sample"])

    assert loaded == []
