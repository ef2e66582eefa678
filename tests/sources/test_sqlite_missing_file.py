"""A SQLite path that names no file is refused, and no file is made.

SQLite creates a database file wherever it is asked to open one, so a typo
in ``--source sqlite:///crm.sqlte::accounts`` left an empty file behind
and said only that the table was not there (tables there: none).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tierwise.errors import SourceError
from tierwise.sample import DEMO_AS_OF
from tierwise.table_jobs import tier_table


def test_a_missing_sqlite_file_is_named_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlte"

    with pytest.raises(SourceError, match="there is no SQLite file at ") as raised:
        tier_table(f"sqlite:///{path}::accounts", tmp_path / "out", DEMO_AS_OF)

    assert str(path) in str(raised.value)
    assert not path.exists()
    assert not (tmp_path / "out").exists()
