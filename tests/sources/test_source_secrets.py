"""A table source's password never shows, however it is written in the URL.

``--source URL::TABLE`` names a database; its URL may hold a password before
the host or as a query parameter (``password``, and libpq's ``sslpassword``
and ``oauth_client_secret``). An unencoded ``@``, space or ``#`` in it once
showed part of it in errors. The live cases run on the PostgreSQL server at
127.0.0.1:5432, whose trust authentication accepts any password.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from tests.postgres import POSTGRES, own_schema
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import SourceError
from tierwise.sources.database import parse_source
from tierwise.sources.urls import (
    hidden_password,
    hides_secret,
    unclear_password,
    without_secrets,
)

PARTS = ("Sup3r", "S3cret")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param(
            "postgresql://ann:Sup3r@S3cret@db:5432/abm",
            "postgresql://ann:***@db:5432/abm",
            id="at-before-the-host",
        ),
        pytest.param(
            "postgresql://ann:Sup3r S3cret@db:bad/abm",
            "postgresql://ann:***@db:bad/abm",
            id="space-before-the-host",
        ),
        pytest.param(
            "postgresql://ann:Sup3r#S3cret@db/abm",
            "postgresql://ann:***@db/abm",
            id="hash-before-the-host",
        ),
        pytest.param(
            "postgresql://db:bad/abm?password=Sup3r S3cret&sslmode=require",
            "postgresql://db:bad/abm?password=***&sslmode=require",
            id="space-in-query",
        ),
        pytest.param(
            "postgresql://db:bad/abm?password=Sup3r#S3cret",
            "postgresql://db:bad/abm?password=***",
            id="hash-in-query",
        ),
        pytest.param(
            "postgresql://db:5432/abm?password=Sup3r@S3cret",
            "postgresql://db:5432/abm?password=***",
            id="at-in-query",
        ),
        pytest.param(
            "postgresql://db/abm?sslmode=require&SSLPassword=Sup3r S3cret",
            "postgresql://db/abm?sslmode=require&SSLPassword=***",
            id="sslpassword-in-capitals",
        ),
        pytest.param(
            "postgresql://db/abm?oauth_client_secret=Sup3r-S3cret",
            "postgresql://db/abm?oauth_client_secret=***",
            id="oauth-client-secret",
        ),
    ],
)
def test_every_way_of_writing_a_password_is_hidden(url: str, shown: str) -> None:
    assert hidden_password(url) == shown


# libpq reads a dbname holding an = as a whole connection string, and a
# server repeats an unknown database's name in its error, so a password
# written inside a database name is hidden however it is written.
@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param(
            "postgresql:///?dbname=host=127.0.0.1 password=Sup3rS3cret user=x",
            "postgresql:///?dbname=host=127.0.0.1 password=*** user=x",
            id="dbname-without-a-host",
        ),
        pytest.param(
            "postgresql://u@127.0.0.1/test?dbname=password%3DSup3rS3cret",
            "postgresql://u@127.0.0.1/test?dbname=password=***",
            id="dbname-encoded",
        ),
        pytest.param(
            "postgresql://u@db/t?dbname=host=db password = 'Sup3r S3cret' user=x"
            "&sslmode=require",
            "postgresql://u@db/t?dbname=host=db password = *** user=x&sslmode=require",
            id="dbname-quoted-with-spaces",
        ),
        pytest.param(
            "postgresql://u@db/t?dbname=password%20%3D%20%27Sup3r%20S3cret%27",
            "postgresql://u@db/t?dbname=password = ***",
            id="dbname-quoted-and-encoded",
        ),
        pytest.param(
            "postgresql://u@db/t?dbname=password='Sup3r\\' S3cret' port=1",
            "postgresql://u@db/t?dbname=password=*** port=1",
            id="dbname-escaped-quote",
        ),
        pytest.param(
            "postgresql://u@db/t?dbname=password='Sup3r&S3cret'&sslmode=require",
            "postgresql://u@db/t?dbname=password=***",
            id="dbname-quote-cut-by-an-ampersand",
        ),
        pytest.param(
            "postgresql://u@db/t?sslmode=require&DBName=sslpassword=Sup3r-S3cret",
            "postgresql://u@db/t?sslmode=require&DBName=sslpassword=***",
            id="dbname-in-capitals-sslpassword",
        ),
        pytest.param(
            "postgresql://u@db/host=db%20password=Sup3rS3cret?sslmode=require",
            "postgresql://u@db/host=db password=***?sslmode=require",
            id="database-in-the-path",
        ),
        pytest.param(
            "postgresql://u:Sup3r@db/password='S3cret",
            "postgresql://u:***@db/password=***",
            id="path-and-before-the-host",
        ),
    ],
)
def test_a_password_inside_a_database_name_is_hidden(url: str, shown: str) -> None:
    rendered = hidden_password(make_url(url))

    assert hidden_password(url) == shown
    assert "***" in rendered
    assert not any(part in rendered for part in PARTS), rendered


@pytest.mark.parametrize(
    "conninfo",
    [
        pytest.param("host=127.0.0.1 password=Sup3rS3cret user=x", id="plain"),
        pytest.param("password = 'Sup3r S3cret' port=5432", id="quoted"),
        pytest.param("password='Sup3r\\'S3cret'", id="escaped-quote"),
    ],
)
def test_a_driver_message_naming_the_database_hides_its_password(
    conninfo: str,
) -> None:
    url = make_url("postgresql://u@db/test").update_query_dict({"dbname": conninfo})
    message = f'FATAL:  database "{conninfo}" does not exist'

    shown = without_secrets(message, url)

    assert shown.startswith('FATAL:  database "')
    assert not any(part in shown for part in PARTS)


def test_a_url_shown_with_a_hidden_conninfo_password_is_known_to_hide_it() -> None:
    # A run keeps the URL as shown; reading it back must ask for the secret.
    shown = hidden_password("postgresql://u@db/t?dbname=host=db password=Sup3r")

    assert hides_secret(make_url(shown))
    assert not hides_secret(make_url("postgresql://u@db/t?dbname=host=db"))


def test_a_url_read_by_sqlalchemy_is_hidden_as_it_renders() -> None:
    url = make_url("postgresql://ann:p%40ss@db/abm?sslpassword=Sup3r%26S3cret")

    assert hidden_password(url) == "postgresql://ann:***@db/abm?sslpassword=***"


@pytest.mark.parametrize(
    ("url", "unclear"),
    [
        pytest.param("postgresql://ann:a@b@db/abm", "it has 2 @ signs", id="two-ats"),
        pytest.param(
            "postgresql://db:5432/abm?password=a@b",
            "it has an @ after the ?",
            id="at-in-query-read-as-the-host",
        ),
        pytest.param("postgresql://ann:p%40ss@db/abm", None, id="encoded-at"),
        pytest.param("postgresql://ann:pa/ss@db/abm", None, id="slash-in-password"),
        pytest.param("sqlite:////data/q3@emea/tierwise.db", None, id="file-path"),
        pytest.param("postgresql:///abm?host=/run&password=a@b", None, id="no-host"),
    ],
)
def test_a_url_is_unclear_where_sqlalchemy_could_misread_its_password(
    url: str, unclear: str | None
) -> None:
    assert unclear_password(url) == unclear


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "postgresql://ann:Sup3r@S3cret@db/abm::accounts",
            "cannot tell where the URL's password ends, as it has 2 @ signs",
            id="at-before-the-host",
        ),
        pytest.param(
            "postgresql://ann:Sup3r S3cret@db:bad/abm::accounts",
            r"'postgresql://ann:\*\*\*@db:bad/abm::accounts': the URL cannot be read",
            id="bad-port",
        ),
        pytest.param(
            "postgresql://ann@db:bad/abm?password=Sup3r S3cret::accounts",
            r"'postgresql://ann@db:bad/abm\?password=\*\*\*::accounts': the URL",
            id="bad-port-query",
        ),
        pytest.param(
            "postgresql://ann:Sup3rS3cret@db/abm",
            r"'postgresql://ann:\*\*\*@db/abm': write the database URL, then ::",
            id="no-table",
        ),
        pytest.param(
            'postgresql://ann:Sup3rS3cret@db/abm::"accounts',
            r"""'postgresql://ann:\*\*\*@db/abm::"accounts': '"accounts' is not a """,
            id="bad-table-name",
        ),
    ],
)
def test_a_source_is_refused_without_its_password(text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message) as refused:
        parse_source(text)

    assert not any(part in str(refused.value) for part in PARTS)


@pytest.fixture
def accounts_schema() -> Iterator[str]:
    """A schema of this test's own with a two-account table; dropped after."""
    with own_schema("tierwise_secret") as (admin, schema):
        admin.execute(f'CREATE TABLE "{schema}".accounts (account_id text, name text)')
        admin.execute(f"INSERT INTO \"{schema}\".accounts VALUES ('a1', 'Alpha')")
        yield schema


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("written", "works"),
    [
        pytest.param("user:Sup3r S3cret", True, id="space-before-the-host"),
        pytest.param("query:sslpassword=Sup3r S3cret", True, id="sslpassword"),
        pytest.param(
            "query:oauth_client_secret=Sup3r#S3cret", True, id="oauth-client-secret"
        ),
        pytest.param("query:password=Sup3r S3cret", True, id="space-in-query"),
        pytest.param("user:Sup3r@S3cret", False, id="at-before-the-host"),
        pytest.param("query:password=Sup3r@S3cret", False, id="at-in-query"),
        pytest.param("database:nowhere", False, id="wrong-database"),
        pytest.param(
            "database:host=127.0.0.1 password=Sup3rS3cret",
            False,
            id="conninfo-as-the-database",
        ),
        pytest.param(
            "query:dbname=host=127.0.0.1 password = 'Sup3r S3cret' user=x",
            False,
            id="conninfo-in-dbname",
        ),
        pytest.param(
            "query:dbname=password%3D%27Sup3r%20S3cret%27",
            False,
            id="conninfo-in-dbname-encoded",
        ),
    ],
)
def test_tier_from_a_table_shows_no_part_of_its_password(
    accounts_schema: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    written: str,
    works: bool,
) -> None:
    monkeypatch.chdir(tmp_path)
    server = make_url(POSTGRES)
    place, _, secret = written.partition(":")
    user = f"{server.username}:{secret}" if place == "user" else server.username
    database = secret if place == "database" else server.database
    query = f"?{secret}" if place == "query" else "?sslpassword=Sup3r-S3cret"
    url = f"postgresql://{user}@{server.host}:{server.port}/{database}{query}"
    source = f"{url}::{accounts_schema}.accounts"

    result = CliRunner().invoke(
        app, ["tier", "--source", source, "--no-store", "--out", "out"]
    )

    assert result.exit_code == (0 if works else 2), result.output
    written_files = "".join(
        path.read_text("utf-8", "replace")
        for path in tmp_path.rglob("*")
        if path.is_file()
    )
    for part in PARTS:
        assert part not in "".join(result.output.split())
        assert part not in caplog.text
        assert part not in written_files


@pytest.mark.parametrize("as_url", [False, True], ids=["text", "sqlalchemy-url"])
def test_an_empty_password_is_not_shown_as_a_hidden_one(as_url: bool) -> None:
    # root:@host was recorded as root:***@host, so whatif and explain asked
    # for --source again, for a password the database does not need.
    written = "mysql+pymysql://root:@127.0.0.1:3306/test"
    url = make_url(written) if as_url else written

    assert hidden_password(url) == written
    secret = "mysql+pymysql://root:pw@127.0.0.1:3306/test"
    hidden = hidden_password(make_url(secret) if as_url else secret)
    assert hidden == "mysql+pymysql://root:***@127.0.0.1:3306/test"
