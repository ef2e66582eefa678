"""A NUL character in an account's id, name or domain.

A Parquet file or an Arrow table can carry one; CSV imports cannot.
PostgreSQL stores no text holding it, so a PostgreSQL store refuses the
run with a message naming the account and the field, and stores nothing,
where the server's refusal came up half-way through the copy as a
traceback. SQLite keeps such text as it is.
"""

from __future__ import annotations

import pyarrow as pa
import pytest
from sqlalchemy import select

from tierwise.store import Store, StoreError, record_run
from tierwise.store.tables import Account, Run

from .conftest import Score

NUL_NAME = "Acme\x00Corp"


def _with_nul(score: Score, column: str, value: str) -> pa.Table:
    base = score(size=30).accounts
    values = base.column(column).to_pylist()
    values[7] = value
    return base.set_column(
        base.schema.get_field_index(column), column, pa.array(values, pa.string())
    )


def _record(store: Store, score: Score, accounts: pa.Table) -> None:
    scored = score(accounts=accounts)
    record_run(
        store,
        scored.run,
        model_text=scored.model_text,
        inputs={"accounts": "nul"},
        accounts=scored.accounts,
    )


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("column", "value", "said"),
    [
        pytest.param("name", NUL_NAME, "name", id="name"),
        pytest.param("domain", "acme\x00.com", "domain", id="domain"),
        pytest.param("account_id", "ACME\x00-7", "id", id="id"),
    ],
)
def test_postgres_refuses_a_nul_naming_the_account_and_stores_nothing(
    postgres_store: Store, score: Score, column: str, value: str, said: str
) -> None:
    accounts = _with_nul(score, column, value)
    account = accounts.column("account_id")[7].as_py()

    with pytest.raises(StoreError, match=f"{said} holds a NUL character") as refused:
        _record(postgres_store, score, accounts)

    assert repr(account) in str(refused.value)
    assert "nothing was stored" in str(refused.value)
    with postgres_store.reading() as connection:
        assert connection.execute(select(Run)).all() == []
        assert connection.execute(select(Account)).all() == []


def test_sqlite_keeps_a_nul_in_a_name(sqlite_store: Store, score: Score) -> None:
    accounts = _with_nul(score, "name", NUL_NAME)
    account = accounts.column("account_id")[7].as_py()

    _record(sqlite_store, score, accounts)

    with sqlite_store.reading() as connection:
        name = connection.execute(
            select(Account.name).where(Account.account_id == account)
        ).scalar_one()
    assert name == NUL_NAME
