"""A stop that Python dropped on its way rolls the store's write back."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from tests.conftest import lose_a_stop
from tierwise import stops
from tierwise.store import open_store
from tierwise.store.tables import Account

from .conftest import row_counts


def test_a_stop_lost_inside_a_write_rolls_it_back(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SIGTERM came while Python ran a finaliser, which dropped it: the
    # write committed and the command then exited as stopped.
    monkeypatch.setattr(stops, "_asked", [])
    row = {"account_id": "A-1", "first_seen_run_id": 1, "last_seen_run_id": None}
    with open_store(store_url) as store:
        with pytest.raises(SystemExit), store.writing() as connection:
            connection.execute(insert(Account).values(**row))
            lose_a_stop()

        assert row_counts(store, Account) == {"accounts": 0}
