"""Finding an account in the store's registry by the id a person typed.

Imports key a Salesforce account by its 18-character id, while people copy
the 15-character one from a record's address; both find the record. Any
other id must match exactly (ids are case-sensitive), but an id that differs
from a known one only in case or surrounding spaces is named in the error,
so a typo is one look away from its fix.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from tierwise.sources.salesforce_ids import is_salesforce_id, to_18
from tierwise.store.database import StoreError
from tierwise.store.tables import Account

__all__ = ["known_account_id"]

# Close matches named in an error; more would only be noise.
SUGGESTED = 3


def known_account_id(connection: Connection, account_id: str, needed_for: str) -> str:
    """The registry's id for ``account_id`` (its 18-character form for a
    15-character Salesforce id).

    Raises:
        StoreError: when no recorded run has tiered the account; the message
            names close matches, then says ``needed_for`` (a sentence).
    """
    for candidate in _candidates(account_id):
        found = connection.execute(
            select(Account.account_id).where(Account.account_id == candidate)
        ).scalar_one_or_none()
        if found is not None:
            return found

    similar = _similar(connection, account_id)
    hint = (
        f"did you mean {' or '.join(similar)}?"
        if similar
        else "check the id (ids are case-sensitive)."
    )
    raise StoreError(
        f"no recorded run has tiered an account with id {account_id!r}; "
        f"{hint} {needed_for}"
    )


def _candidates(account_id: str) -> list[str]:
    if len(account_id) == 15 and is_salesforce_id(account_id):
        return [account_id, to_18(account_id)]
    return [account_id]


def _similar(connection: Connection, account_id: str) -> list[str]:
    # Only on a miss, so a scan of the registry is affordable here.
    wanted = account_id.strip().lower()
    if not wanted:
        return []
    query = (
        select(Account.account_id)
        .where(func.lower(Account.account_id) == wanted)
        .order_by(Account.account_id)
        .limit(SUGGESTED)
    )
    return list(connection.execute(query).scalars())
