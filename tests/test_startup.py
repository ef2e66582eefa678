"""What the command line loads before it does any work."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import sampled_portfolio


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


@pytest.mark.parametrize(
    "package",
    [
        "tierwise",
        "tierwise.lifecycle",
        "tierwise.model",
        "tierwise.model.lint",
        "tierwise.report",
        "tierwise.sources",
        "tierwise.sources.signals",
    ],
)
def test_every_name_a_package_lends_is_the_one_its_module_defines(
    package: str,
) -> None:
    lender = importlib.import_module(package)

    homes = {
        name: importlib.import_module(home) for name, home in lender._HOMES.items()
    }

    assert sorted(homes) == sorted(set(lender.__all__) - {"__version__"})
    for name, home in homes.items():
        assert getattr(lender, name) is getattr(home, name), name
    assert dir(lender) == sorted(lender.__all__)
    with pytest.raises(AttributeError, match=f"'{package}' has no attribute 'nope'"):
        _ = lender.nope


def test_a_name_the_store_does_not_have_is_an_attribute_error() -> None:
    import tierwise.store

    with pytest.raises(AttributeError, match="has no attribute 'open_stor'"):
        _ = tierwise.store.open_stor  # type: ignore[attr-defined]


def test_the_command_line_loads_the_sample_generator_only_to_use_it() -> None:
    loaded = _loaded_after("import tierwise.cli", ["tierwise.sample"])

    assert loaded == []


def test_the_field_names_load_no_model_schema_and_no_lint() -> None:
    loaded = _loaded_after(
        "import tierwise.model.fields",
        ["pydantic", "tierwise.model.loader", "tierwise.model.lint"],
    )

    assert loaded == []


def test_loading_a_model_loads_no_lint() -> None:
    loaded = _loaded_after(
        "from tierwise.model import load_model; load_model()",
        ["tierwise.model.lint", "tierwise.sources"],
    )

    assert loaded == []


def test_the_lint_of_absent_fields_loads_no_other_lint() -> None:
    loaded = _loaded_after(
        "import tierwise.model.lint.absent",
        ["tierwise.model.lint.run", "tierwise.model.lint.codes"],
    )

    assert loaded == []


def test_reading_one_cell_loads_no_file_reader() -> None:
    loaded = _loaded_after(
        "import tierwise.sources.values",
        ["pyarrow", "duckdb", "tierwise.sources.accounts"],
    )

    assert loaded == []


def test_comparing_signal_labels_loads_no_signal_file_reader() -> None:
    loaded = _loaded_after(
        "import tierwise.sources.signals.labels",
        ["numpy", "pyarrow", "duckdb", "tierwise.sources.signals.loading"],
    )

    assert loaded == []


# What only the work of a command needs: the engine, the data libraries,
# the model's schema and the readers. (Typer itself loads pydantic to parse
# a command's options, so pydantic is not among them.)
_WORK = [
    "duckdb",
    "numpy",
    "pyarrow",
    "sqlglot",
    "yaml",
    "tierwise.engine.run",
    "tierwise.jobs",
    "tierwise.model.schema",
    "tierwise.sources.accounts",
]


def _loaded_by_command(
    arguments: list[str], modules: list[str], folder: Path | None = None
) -> list[str]:
    """The ``modules`` loaded once ``tierwise ARGUMENTS`` has run to its end."""
    probe = (
        "import sys; from tierwise.cli import main; "
        f"sys.argv = ['tierwise', *{arguments!r}]\n"
        "try:\n    main()\n"
        "except SystemExit as stop:\n    assert not stop.code, stop.code\n"
        f"print(','.join(m for m in {modules!r} if m in sys.modules))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
    )
    found = finished.stdout.splitlines()[-1]
    return [name for name in found.split(",") if name]


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["--version"], id="version"),
        pytest.param(["--help"], id="help"),
        pytest.param(["tier", "--help"], id="tier-help"),
    ],
)
def test_asking_the_command_about_itself_loads_none_of_its_work(
    arguments: list[str],
) -> None:
    loaded = _loaded_by_command(arguments, _WORK)

    assert loaded == []


def test_tiering_a_file_loads_no_store_table_run_lint_or_sample(
    tmp_path: Path,
) -> None:
    accounts = sampled_portfolio(tmp_path, 50)
    unused = [
        "sqlalchemy",
        "openpyxl",
        "tierwise.engine.backends.database",
        "tierwise.lifecycle.models",
        "tierwise.lifecycle.whatif",
        "tierwise.lint_accounts",
        "tierwise.model.lint.run",
        "tierwise.sample",
        "tierwise.sources.database",
        "tierwise.store.database",
        "tierwise.table_jobs",
    ]

    loaded = _loaded_by_command(
        ["tier", str(accounts), "--no-store", "--quiet"], unused, tmp_path
    )

    assert loaded == []
