"""A --source URL's driver: one that is not installed, or one that is not.

Every URL naming a driver that would not load was said to be "not
installed", so ``postgresql+nodriver://`` sent its user to pip for a
package that does not exist. A driver SQLAlchemy knows for the database
but that is not here now names its pip install line; a name it does not
know, or an asyncio driver (tierwise runs plain queries), lists the
drivers there are for that database instead.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tierwise.engine.backends.connections import connect
from tierwise.errors import TierwiseError
from tierwise.sources.database import parse_source

POSTGRES_DRIVERS = (
    "postgresql+pg8000, postgresql+psycopg, postgresql+psycopg2, "
    "postgresql+psycopg2cffi"
)


def _refusal(url: str) -> str:
    with pytest.raises(TierwiseError) as caught, connect(parse_source(url)):
        pass
    return " ".join(str(caught.value).split())


@pytest.mark.parametrize(
    ("url", "said"),
    [
        pytest.param(
            "postgresql+nodriver://127.0.0.1/test::accounts",
            "SQLAlchemy has no driver 'nodriver' for postgresql; write one of "
            f"{POSTGRES_DRIVERS}",
            id="postgresql",
        ),
        pytest.param(
            "mariadb+nodriver://127.0.0.1/test::accounts",
            "SQLAlchemy has no driver 'nodriver' for mariadb; write one of "
            "mariadb+cymysql, mariadb+mariadbconnector, mariadb+mysqlconnector, "
            "mariadb+mysqldb, mariadb+pymysql, mariadb+pyodbc",
            id="mariadb-has-mysqls-drivers",
        ),
        pytest.param(
            "postgresql+asyncpg://127.0.0.1/test::accounts",
            "asyncpg is a driver for asyncio programs, which tierwise does not "
            f"use; write one of {POSTGRES_DRIVERS}",
            id="asyncio-driver",
        ),
    ],
)
def test_a_driver_that_does_not_exist_lists_those_that_do(url: str, said: str) -> None:
    refused = _refusal(url)

    assert said in refused
    assert "not installed" not in refused
    assert refused.endswith(
        " (postgresql+psycopg is the one `pip install 'tierwise[postgres]'` installs)"
        if url.startswith("postgresql")
        else " (mariadb+pymysql is the one `pip install 'tierwise[mysql]'` installs)"
    )


def test_a_known_driver_not_installed_names_its_pip_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # None in sys.modules makes `import psycopg2` fail as if not installed.
    monkeypatch.setitem(sys.modules, "psycopg2", None)

    refused = _refusal("postgresql+psycopg2://127.0.0.1/test::accounts")

    assert "the driver psycopg2 for postgresql is not installed" in refused
    assert "install it with `pip install psycopg2-binary`" in refused


@pytest.mark.skipif(
    importlib.util.find_spec("snowflake") is not None,
    reason="Snowflake's SQLAlchemy dialect is installed here",
)
def test_a_database_whose_sqlalchemy_dialect_is_missing_names_its_package() -> None:
    refused = _refusal("snowflake://someone@127.0.0.1/db::accounts")

    assert "SQLAlchemy's dialect for snowflake is not installed" in refused
    assert "`pip install snowflake-sqlalchemy`" in refused
