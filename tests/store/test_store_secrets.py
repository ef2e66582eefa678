"""A store URL's password never shows: not in errors, not in `runs` or `model list`.

PostgreSQL takes a password before the host (``user:secret@host``) or as a
query parameter (``?password=secret``); SQLAlchemy hides only the first.
These run against the real server at 127.0.0.1:5432, whose trust
authentication accepts any password, so a wrong one still opens the store.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store import DATABASE_ENV, StoreError, open_store, record_run
from tierwise.store.database import connect_store

from .conftest import Score

SECRET = "s3cr3t-Pa55"

pytestmark = pytest.mark.postgres


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv(DATABASE_ENV, raising=False)
    return CliRunner()


@pytest.fixture
def url_with_password(postgres_url: str, score: Score) -> str:
    """The test's own schema, a password in the query, and one recorded run."""
    url = f"{postgres_url}&password={SECRET}"
    scored = score(size=50)
    with open_store(url) as store:
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": "secrets"},
            accounts=scored.accounts,
            source="accounts.csv",
        )
    return url


def _server_url(postgres_server: str, **parts: Any) -> str:
    """The server's URL with ``parts`` (database, username, query…) changed."""
    url = make_url(postgres_server).set(**parts)
    return url.render_as_string(hide_password=False)


def _unwrapped(output: str) -> str:
    # Rich wraps long titles and messages; a secret cut in two is still shown.
    return "".join(output.split())


def test_location_hides_a_password_given_as_a_query_parameter() -> None:
    store = connect_store(f"postgresql://ann@db.example/abm?password={SECRET}")

    assert store.location == "postgresql+psycopg://ann@db.example/abm?password=***"


@pytest.mark.parametrize("command", [["runs"], ["model", "list"]])
def test_listings_name_the_store_without_its_password(
    cli: CliRunner, url_with_password: str, command: list[str]
) -> None:
    result = cli.invoke(app, [*command, "--db", url_with_password])

    assert result.exit_code == 0, result.output
    assert "password=***" in _unwrapped(result.output)
    assert SECRET not in _unwrapped(result.output)


@pytest.mark.parametrize(
    ("parts", "named"),
    [
        pytest.param(
            {"database": "no_such_database"},
            'database "no_such_database" does not exist',
            id="wrong-database",
        ),
        pytest.param(
            {"username": "no_such_role"},
            'role "no_such_role" does not exist',
            id="wrong-role",
        ),
    ],
)
@pytest.mark.parametrize("given", ["--db", "environment"])
def test_a_store_that_cannot_be_opened_is_named_without_its_password(
    cli: CliRunner,
    postgres_server: str,
    parts: dict[str, str],
    named: str,
    given: str,
) -> None:
    url = _server_url(postgres_server, query={"password": SECRET}, **parts)
    if given == "--db":
        result = cli.invoke(app, ["runs", "--db", url])
    else:
        result = cli.invoke(app, ["runs"], env={DATABASE_ENV: url})

    assert result.exit_code == 2, result.output
    assert "cannotopenthestoreat" in _unwrapped(result.output)
    assert _unwrapped(named) in _unwrapped(result.output)
    assert "password=***" in _unwrapped(result.output)
    assert SECRET not in _unwrapped(result.output)


def test_a_wrong_password_in_both_places_is_hidden_in_both(
    postgres_server: str,
) -> None:
    url = _server_url(
        postgres_server,
        username="no_such_role",
        password=SECRET,
        query={"password": SECRET},
    )

    with pytest.raises(StoreError, match="cannot open the store at") as raised:
        open_store(url)

    message = str(raised.value)
    assert re.search(r"no_such_role:\*\*\*@.*\?password=\*\*\*", message), message
    assert SECRET not in message


def test_a_mistyped_url_is_refused_without_its_password() -> None:
    with pytest.raises(StoreError, match="is not a database URL") as raised:
        open_store(f"postgresql://ann:{SECRET}@127.0.0.1:port/test?password={SECRET}")

    assert SECRET not in str(raised.value)


# A password written every way that once leaked part of it: an unencoded @,
# a space or a # in it, and the secrets libpq takes as query parameters.
# Each case is (how the URL's secret is written, what tierwise answers).
PARTS = ("Sup3r", "S3cret")
WRITTEN = [
    pytest.param("user:Sup3r S3cret", "opens", id="space-before-the-host"),
    pytest.param("query:password=Sup3r S3cret", "opens", id="space-in-query"),
    pytest.param("query:password=Sup3r#S3cret", "opens", id="hash-in-query"),
    pytest.param("query:PassWord=Sup3r-S3cret", "fails", id="name-in-capitals"),
    pytest.param("query:sslpassword=Sup3r-S3cret", "opens", id="sslpassword"),
    pytest.param(
        "query:oauth_client_secret=Sup3r-S3cret", "opens", id="oauth-client-secret"
    ),
    pytest.param(
        "query:dbname=host=127.0.0.1 password = 'Sup3r S3cret'",
        "fails",
        id="conninfo-in-dbname",
    ),
    pytest.param(
        "query:dbname=password%3DSup3r-S3cret", "fails", id="conninfo-encoded"
    ),
    pytest.param("user:Sup3r@S3cret", "refused", id="at-before-the-host"),
    pytest.param("query:password=Sup3r@S3cret", "refused", id="at-in-query"),
    pytest.param("bare:password=Sup3r@S3cret", "refused", id="at-in-query-no-user"),
    pytest.param("port:user:Sup3r S3cret", "unreadable", id="space-bad-port"),
    pytest.param("port:query:password=Sup3r S3cret", "unreadable", id="query-bad-port"),
    pytest.param("port:query:password=Sup3r#S3cret", "unreadable", id="hash-bad-port"),
]
ANSWERS = {
    "opens": "password",
    "fails": "cannotopenthestoreat",
    "refused": "as%40",
    "unreadable": "isnotadatabaseURL",
}


def _written_url(server_url: str, written: str) -> str:
    """The test schema's URL with a secret typed in by hand, unencoded."""
    url = make_url(server_url)
    port = url.port
    if written.startswith("port:"):
        written, port = written.removeprefix("port:"), "bad"
    place, _, secret = written.partition(":")
    query = server_url.partition("?")[2]  # the test schema, as encoded
    if place in ("query", "bare"):
        query = f"{query}&{secret}"
    user = f"{url.username}:{secret}" if place == "user" else url.username
    at = "" if place == "bare" else f"{user}@"
    return f"postgresql://{at}{url.host}:{port}/{url.database}?{query}"


def _everything_written(tmp_path: Path) -> str:
    return "\n".join(
        path.read_bytes().decode("utf-8", "replace")
        for path in tmp_path.rglob("*")
        if path.is_file()
    )


@pytest.mark.parametrize(("written", "answer"), WRITTEN)
def test_no_command_shows_any_part_of_a_password_however_it_is_written(
    cli: CliRunner,
    postgres_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    written: str,
    answer: str,
) -> None:
    url = _written_url(postgres_url, written)
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name\na1,Alpha\na2,Beta\n", encoding="utf-8")
    commands = [
        ["tier", str(accounts), "--as-of", "2026-09-30", "--out", "results"],
        ["runs"],
        ["history", "a1"],
        ["model", "list"],
        ["overrides"],
    ]

    outputs = [cli.invoke(app, [*command, "--db", url]) for command in commands]

    shown = _unwrapped("\n".join(result.output for result in outputs))
    for result in outputs:
        if answer == "opens":
            assert result.exit_code == 0, result.output
        else:
            assert result.exit_code == 2, result.output
            assert ANSWERS[answer] in _unwrapped(result.output), result.output
    if answer == "opens":
        assert "***" in _unwrapped(outputs[1].output), outputs[1].output
    for part in PARTS:
        assert part not in shown
        assert part not in caplog.text
        assert part not in _everything_written(tmp_path)
