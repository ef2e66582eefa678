"""Choosing and opening the database: --db, the environment, the default, mistakes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tierwise.store import DATABASE_ENV, StoreError, list_runs, open_store
from tierwise.store.database import connect_store


def test_the_environment_names_the_database_when_no_url_is_given(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATABASE_ENV, store_url)

    with open_store() as store:
        assert (store.location, list_runs(store)) == (
            connect_store(store_url).location,
            [],
        )


def test_without_a_url_or_environment_the_store_is_tierwise_db_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    monkeypatch.chdir(tmp_path)

    with open_store() as store:
        assert (store.backend, store.location) == ("sqlite", "sqlite:///tierwise.db")

    assert (tmp_path / "tierwise.db").is_file()


def test_a_postgres_url_uses_the_psycopg_driver() -> None:
    store = connect_store("postgres://ann:secret@db.example:5432/abm")

    assert store.engine.url.drivername == "postgresql+psycopg"
    assert store.location == "postgresql+psycopg://ann:***@db.example:5432/abm"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(
            "mysql://db/abm",
            "tierwise stores runs in SQLite or PostgreSQL, not 'mysql'",
            id="unsupported-database",
        ),
        pytest.param(
            "tierwise.db",
            "'tierwise.db' (from --db) is not a database URL",
            id="a-path",
        ),
        pytest.param(
            "postgresql://postgres@127.0.0.1:1/test",
            "cannot open the store at postgresql+psycopg://postgres@127.0.0.1:1/test",
            id="no-server-there",
        ),
        pytest.param(
            "sqlite:////no/such/folder/tierwise.db",
            "cannot open the store at sqlite:////no/such/folder/tierwise.db",
            id="missing-folder",
        ),
    ],
)
def test_a_database_that_cannot_be_used_is_named_in_the_error(
    url: str, message: str
) -> None:
    with pytest.raises(StoreError, match=re.escape(message)):
        open_store(url)


def test_a_sqlite_store_in_a_missing_folder_names_the_folder_not_the_url(
    tmp_path: Path,
) -> None:
    # SQLite only says "unable to open database file"; the URL is right.
    folder = tmp_path / "no" / "such"

    with pytest.raises(StoreError) as raised:
        open_store(f"sqlite:///{folder}/tierwise.db")

    said = str(raised.value)
    assert f"the folder {folder} does not exist" in said
    assert "--no-store" in said
    assert "unable to open database file" not in said


def test_a_bad_url_from_the_environment_says_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without --db the user may not know the variable is set at all.
    monkeypatch.setenv(DATABASE_ENV, "garbage")

    with pytest.raises(StoreError, match=rf"'garbage' \(from \${DATABASE_ENV}\)"):
        open_store()
    with pytest.raises(StoreError, match=r"'other' \(from --db\) is not"):
        open_store("other")
