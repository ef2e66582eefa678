"""Fixtures for the store tests: every test runs on SQLite and on PostgreSQL.

SQLite lives in ``tmp_path``. PostgreSQL is the server at 127.0.0.1:5432
(database ``test``, trust auth; ``TIERWISE_TEST_POSTGRES_URL`` names another),
with each test in a schema of its own that is dropped afterwards. When the
server cannot be reached the PostgreSQL cases skip, or fail when ``CI`` is
set, so a CI run never passes without them.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from sqlalchemy import func, insert, make_url, select
from sqlalchemy.exc import IntegrityError

import tierwise.store.staging as staging
from tierwise.engine import TieringRun, score_accounts
from tierwise.model import default_model_text, parse_model
from tierwise.sample import build_demo_portfolio
from tierwise.store import Store, open_store, record_run
from tierwise.store.tables import Base, Override, utc_now

POSTGRES_URL = os.environ.get(
    "TIERWISE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
QUARTER_2 = date(2026, 6, 30)
QUARTER_3 = date(2026, 9, 30)

# Dimensions a model can have beyond the bundled four. The demo gives every
# account a partner value, so network always has a score; it gives an intent
# score to under half of its first accounts, so buying is often unknown.
NETWORK = """  - key: network
    name: Network
    weight: 10
    criteria:
      - key: partner_network
        label: Partner network
        field: partner_value
        kind: boolean
        weight: 1
        true_points: 10
        false_points: 0
        missing: unknown
"""
BUYING = """  - key: buying
    name: Buying signals
    weight: 5
    criteria:
      - key: high_intent
        label: High intent
        field: intent_score
        kind: bands
        weight: 1
        bands:
          - {at_least: 50, points: 10}
        otherwise: 0
        missing: unknown
"""

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@dataclass
class Scored:
    """An engine run with what it was made from, ready to record."""

    run: TieringRun
    accounts: pa.Table
    model_text: str


Score = Callable[..., Scored]


@pytest.fixture(scope="session")
def postgres_server() -> str:
    import psycopg

    plain = make_url(POSTGRES_URL).set(drivername="postgresql")
    try:
        psycopg.connect(
            plain.render_as_string(hide_password=False), connect_timeout=3
        ).close()
    except psycopg.OperationalError as error:
        reason = f"PostgreSQL at {plain.render_as_string()} is unreachable: {error}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so the PostgreSQL cases must run)")
        pytest.skip(reason)
    return POSTGRES_URL


@contextmanager
def fresh_schema(server: str) -> Iterator[str]:
    """A URL whose connections work in a new schema, dropped afterwards."""
    import psycopg

    schema = f"tierwise_test_{uuid.uuid4().hex[:12]}"
    plain = make_url(server).set(drivername="postgresql")
    admin = psycopg.connect(
        plain.render_as_string(hide_password=False), autocommit=True
    )
    admin.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in server else "?"
    try:
        yield f"{server}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    with fresh_schema(postgres_server) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Like ``store_url``, shared by a module's tests that only read."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store')}/tierwise.db"
        return
    with fresh_schema(request.getfixturevalue("postgres_server")) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path}/tierwise.db"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    opened = open_store(sqlite_url)
    yield opened
    opened.close()


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[Store]:
    opened = open_store(postgres_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def demo_accounts() -> pa.Table:
    return build_demo_portfolio(as_of=QUARTER_3)


@pytest.fixture(scope="session")
def score() -> Score:
    """Score a portfolio (the demo's first ``size`` accounts by default).

    The engine takes about a second per call whatever the size, so each
    distinct portfolio, date and set of pins is scored once per session;
    recording only reads a run, so tests can share it.
    """
    text = default_model_text()
    model = parse_model(text)
    scored_before: dict[tuple[object, ...], Scored] = {}

    def scored(
        accounts: pa.Table | None = None,
        size: int = 200,
        as_of: date = QUARTER_3,
        pins: dict[str, str] | None = None,
    ) -> Scored:
        if accounts is None:
            accounts = build_demo_portfolio(as_of=as_of).slice(0, size)
        key = (repr(accounts.to_pydict()), as_of, tuple(sorted((pins or {}).items())))
        if key not in scored_before:
            run = score_accounts(model, accounts, as_of, pins=pins)
            scored_before[key] = Scored(run=run, accounts=accounts, model_text=text)
        return scored_before[key]

    return scored


def wider_model_text(*dimensions: str, text: str | None = None) -> str:
    """A model (the bundled one by default) with ``dimensions`` after its own."""
    text = default_model_text() if text is None else text
    wider = text.replace("\ntiers:\n", "\n" + "".join(dimensions) + "\ntiers:\n", 1)
    if wider == text:
        raise ValueError("the model text has no tiers: line to add dimensions before")
    return wider


def results_of(run: TieringRun) -> dict[str, dict[str, object]]:
    """The engine's own result rows, by account id."""
    rows = run.table().to_pylist()
    return {str(row["account_id"]): row for row in rows}


def row_counts(store: Store, *tables: type[Base]) -> dict[str, int]:
    """The rows each of ``tables`` holds, by table name."""
    with store.reading() as connection:
        return {
            table.__tablename__: connection.execute(
                select(func.count()).select_from(table)
            ).scalar_one()
            for table in tables
        }


def assert_overrides_point_at_the_registry(store: Store) -> None:
    """The overrides' key to the registry holds: pinning an account the
    registry lacks is refused by the database."""
    with pytest.raises(IntegrityError), store.writing() as connection:
        connection.execute(
            insert(Override).values(
                account_id="NOT-AN-ACCOUNT",
                action="pin",
                tier="tier_1",
                reason="typo",
                created_by="Ann",
                created_at=utc_now(),
            )
        )


def without(accounts: pa.Table, *ids: str) -> pa.Table:
    """``accounts`` minus the rows with these ids."""
    keep = pc.invert(pc.is_in(accounts["account_id"], pa.array(ids)))
    return accounts.filter(keep)


def record_demo_slices(store: Store, score: Score, sizes: tuple[int, ...]) -> Store:
    """Record one run per size: the demo's first ``size`` accounts each, run
    N read from ``accounts-N.csv`` (N from 0)."""
    for number, size in enumerate(sizes):
        scored = score(size=size)
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": str(number)},
            accounts=scored.accounts,
            source=f"accounts-{number}.csv",
        )
    return store


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder a SQLite store stages runs in, watched by the test."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def attached_files(store: Store) -> list[str]:
    """The files attached to the store's connection beside its own."""
    with store.reading() as connection:
        rows = connection.exec_driver_sql("PRAGMA database_list").all()
    return [row[1] for row in rows if row[1] not in ("main", "temp")]


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A SQLite store stages chunks of at least 40 rows, at most 3 of them."""
    monkeypatch.setattr(staging, "CHUNK_ROWS", 40)
    monkeypatch.setattr(staging, "MAX_CHUNKS", 3)
