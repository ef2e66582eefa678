"""Recording on PostgreSQL as an operator sets the store up.

A run's results become a table of their own, filled on a second
connection (`tierwise.store.postgres_results`), so recording asks more of
the server than one connection with rights on the tables: a second
connection, CREATE on the schema and ownership of ``run_results``. These
tests hold that a store where one of them is missing says which and how
to get it, stores nothing, and that a schema whose name needs quotes works.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg
import pytest
from sqlalchemy import func, make_url, select, text

from tierwise.store import Store, StoreError, open_store, record_run
from tierwise.store.tables import Run

from .conftest import Score

pytestmark = pytest.mark.postgres


def _admin(url: str) -> psycopg.Connection:
    plain = make_url(url).set(drivername="postgresql", query={})
    return psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True)


def _schema_of(url: str) -> str:
    options = str(make_url(url).query["options"])
    return options.removeprefix("-csearch_path=").strip('"')


@contextmanager
def _role(url: str, options: str = "") -> Iterator[str]:
    """A login role of its own for the test, dropped with the rights it was
    given; what it owns goes back to the test's own user."""
    name = f"tierwise_test_{uuid.uuid4().hex[:12]}"
    with _admin(url) as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN {options}")
        try:
            yield name
        finally:
            admin.execute(f"REASSIGN OWNED BY {name} TO CURRENT_USER")
            admin.execute(f"DROP OWNED BY {name}")
            admin.execute(f"DROP ROLE {name}")


def _as(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


def _record(store: Store, score: Score, label: str, size: int = 40) -> int:
    scored = score(size=size)
    return record_run(
        store, scored.run, model_text=scored.model_text, inputs={"accounts": label}
    ).run_id


def _runs(store: Store) -> int:
    with store.reading() as connection:
        return connection.execute(select(func.count()).select_from(Run)).scalar_one()


def test_a_schema_whose_name_needs_quotes_records_runs(
    postgres_server: str, score: Score
) -> None:
    schema = f"Tierwise-Test-{uuid.uuid4().hex[:8]}"
    with _admin(postgres_server) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        try:
            search_path = quote(f'-csearch_path="{schema}"')
            url = f"{postgres_server}?options={search_path}"
            with open_store(url) as store:
                first = _record(store, score, "first")
                second = _record(store, score, "second", size=60)
                with store.reading() as connection:
                    where = connection.execute(text("SELECT current_schema()"))
                    assert where.scalar_one() == schema
            assert second > first
            tables = admin.execute(
                "SELECT relname FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE nspname = %s "
                "AND relname LIKE 'run_results_%%' ORDER BY relname",
                (schema,),
            ).fetchall()
            assert tables == [(f"run_results_{first}",), (f"run_results_{second}",)]
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def test_a_user_with_rights_on_the_tables_only_is_told_what_recording_needs(
    postgres_store: Store, postgres_url: str, score: Score
) -> None:
    _record(postgres_store, score, "by the owner")
    schema = _schema_of(postgres_url)
    with _role(postgres_url) as user, _admin(postgres_url) as admin:
        admin.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO {user}')
        admin.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "
            f'"{schema}" TO {user}'
        )
        admin.execute(f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {user}')
        with (
            open_store(_as(postgres_url, user)) as store,
            pytest.raises(
                StoreError,
                match=rf"(?s){user} cannot record runs, so nothing was stored.*"
                rf"CREATE on schema {schema}.*own run_results.*GRANT CREATE ON",
            ),
        ):
            _record(store, score, "by a user", size=60)

    assert _runs(postgres_store) == 1


def test_a_server_refusing_the_second_connection_stores_nothing_and_says_why(
    postgres_url: str, score: Score
) -> None:
    schema = _schema_of(postgres_url)
    with _role(postgres_url, "CONNECTION LIMIT 1") as user:
        with _admin(postgres_url) as admin:
            admin.execute(f'ALTER SCHEMA "{schema}" OWNER TO {user}')
        with open_store(_as(postgres_url, user)) as store:
            with pytest.raises(
                StoreError,
                match=r"(?s)second connection .*too many connections.*"
                r"two connections at once.*nothing was stored",
            ):
                _record(store, score, "one connection only")
            assert _runs(store) == 0
