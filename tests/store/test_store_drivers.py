"""The store's URL names a driver SQLAlchemy has, and not an asyncio one.

``--db postgresql+nodriver://…`` (a typo) and ``postgresql+asyncpg://…``
were switched to psycopg without a word, and a SQLite URL naming either
kind stopped on a traceback. Both are refused as ``--source`` refuses
them, listing the drivers there are, with the URL shown without its
password; nothing is opened or written. The URLs the store took before
(SQLite, PostgreSQL through psycopg) open as they did.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store import DATABASE_ENV, StoreError
from tierwise.store.database import connect_store

# Written plainly in the URLs below; it must never be shown.
SECRET = "s3cret"


@pytest.mark.parametrize(
    ("url", "shown", "said"),
    [
        pytest.param(
            f"postgresql+nodriver://ann:{SECRET}@127.0.0.1:5432/abm",
            "postgresql+nodriver://ann:***@127.0.0.1:5432/abm",
            "SQLAlchemy has no driver 'nodriver' for postgresql; write one of "
            "postgresql+pg8000, postgresql+psycopg, postgresql+psycopg2",
            id="postgres-unknown-driver",
        ),
        pytest.param(
            f"postgres+nodriver://ann:{SECRET}@127.0.0.1:5432/abm",
            "postgres+nodriver://ann:***@127.0.0.1:5432/abm",
            "SQLAlchemy has no driver 'nodriver' for postgresql; write one of",
            id="postgres-alias-unknown-driver",
        ),
        pytest.param(
            f"postgresql+asyncpg://ann:{SECRET}@127.0.0.1:5432/abm",
            "postgresql+asyncpg://ann:***@127.0.0.1:5432/abm",
            "asyncpg is a driver for asyncio programs, which tierwise does not "
            "use; write one of postgresql+pg8000, postgresql+psycopg",
            id="postgres-asyncio-driver",
        ),
        pytest.param(
            "sqlite+nodriver:///tierwise.db",
            "sqlite+nodriver:///tierwise.db",
            "SQLAlchemy has no driver 'nodriver' for sqlite; write one of "
            "sqlite+pysqlcipher, sqlite+pysqlite",
            id="sqlite-unknown-driver",
        ),
        pytest.param(
            "sqlite+aiosqlite:///tierwise.db",
            "sqlite+aiosqlite:///tierwise.db",
            "aiosqlite is a driver for asyncio programs, which tierwise does not use",
            id="sqlite-asyncio-driver",
        ),
    ],
)
def test_a_driver_there_is_none_of_is_refused_listing_those_there_are(
    url: str, shown: str, said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(StoreError) as raised:
        connect_store(url)

    message = str(raised.value)
    assert message.startswith(f"the store's URL {shown!r} (from --db): "), message
    assert said in message
    assert message.endswith("; nothing was opened")
    assert SECRET not in message
    assert list(tmp_path.iterdir()) == []


def test_the_environment_variable_is_named_as_the_urls_origin(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(DATABASE_ENV, "postgresql+nodriver://ann@127.0.0.1/abm")

    with pytest.raises(StoreError, match=re.escape(f"(from ${DATABASE_ENV}): ")):
        connect_store()


def test_psycopg_named_in_the_extra_is_the_one_advised() -> None:
    with pytest.raises(StoreError) as raised:
        connect_store("postgresql+nodriver://ann@127.0.0.1/abm")

    assert (
        "(postgresql+psycopg is the one `pip install 'tierwise[postgres]'` installs)"
        in str(raised.value)
    )


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        pytest.param("postgresql://ann@127.0.0.1/abm", "postgresql+psycopg", id="pg"),
        pytest.param("postgres://ann@127.0.0.1/abm", "postgresql+psycopg", id="alias"),
        pytest.param(
            "postgresql+psycopg://ann@127.0.0.1/abm", "postgresql+psycopg", id="psycopg"
        ),
        # Another driver SQLAlchemy has runs through psycopg, as before: the
        # store's bulk writes use psycopg's COPY.
        pytest.param(
            "postgresql+pg8000://ann@127.0.0.1/abm", "postgresql+psycopg", id="pg8000"
        ),
        pytest.param("sqlite:///tierwise.db", "sqlite", id="sqlite"),
        pytest.param(
            "sqlite+pysqlite:///tierwise.db", "sqlite+pysqlite", id="pysqlite"
        ),
    ],
)
def test_the_urls_the_store_took_before_open_as_they_did(
    url: str, driver: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    store = connect_store(url)

    assert store.engine.url.drivername == driver
    store.close()


def test_tier_refuses_it_before_writing_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    # No server listens on port 1: a URL let through fails there, never
    # making a store in the shared database.
    url = f"postgresql+nodriver://postgres:{SECRET}@127.0.0.1:1/test"

    result = CliRunner().invoke(app, ["demo", "--db", url, "--out", "out"])

    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert (
        "the store's URL 'postgresql+nodriver://postgres:***@127.0.0.1:1/test'" in said
    )
    assert "SQLAlchemy has no driver 'nodriver' for postgresql" in said
    assert SECRET not in result.output
    assert list(tmp_path.iterdir()) == []
