"""An account id too long for PostgreSQL to index.

The registry and each run's results are keyed by account id, and a key
PostgreSQL cannot compress under about 2,700 bytes does not fit in its
index. Such a run is refused with a message naming the account, and
nothing is stored, where the server's "index row size exceeds maximum"
came up as a traceback. SQLite keeps such ids.
"""

from __future__ import annotations

import random
import string

import pyarrow as pa
import pytest
from sqlalchemy import func, select

from tierwise.store import Store, StoreError, record_run
from tierwise.store.tables import Run

from .conftest import Score

# Random letters: PostgreSQL cannot compress them below the index's limit.
LONG_ID = "".join(random.Random(7).choices(string.ascii_letters, k=3000))


def _with_long_id(score: Score) -> pa.Table:
    base = score(size=30).accounts
    ids = base.column("account_id").to_pylist()
    ids[4] = LONG_ID
    return base.set_column(0, "account_id", pa.array(ids, pa.string()))


def _record(store: Store, score: Score, accounts: pa.Table, label: str) -> None:
    scored = score(accounts=accounts)
    record_run(
        store,
        scored.run,
        model_text=scored.model_text,
        inputs={"accounts": label},
        accounts=scored.accounts,
    )


def _runs(store: Store) -> int:
    with store.reading() as connection:
        return connection.execute(select(func.count()).select_from(Run)).scalar_one()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "earlier", [pytest.param(0, id="first-run"), pytest.param(1, id="later-run")]
)
def test_postgres_refuses_an_id_too_long_to_index_naming_the_account(
    postgres_store: Store, score: Score, earlier: int
) -> None:
    if earlier:
        _record(postgres_store, score, score(size=20).accounts, "plain")

    with pytest.raises(
        StoreError,
        match=rf"account '{LONG_ID[:20]}…': its id is 3,000 bytes long.*"
        r"nothing was stored",
    ):
        _record(postgres_store, score, _with_long_id(score), "long")

    assert _runs(postgres_store) == earlier


def test_sqlite_keeps_an_id_of_any_length(sqlite_store: Store, score: Score) -> None:
    _record(sqlite_store, score, _with_long_id(score), "long")

    assert _runs(sqlite_store) == 1
