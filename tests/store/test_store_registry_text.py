"""The registry keeps any name and domain exactly, and rewrites only changes.

On PostgreSQL the run's names and domains travel to the server as CSV,
through a straight copy into an empty registry and through a staged join
after that; on SQLite through scratch files. Text that CSV must quote
(commas, quotes, line breaks), an empty text and a missing value must each
arrive as they went in, and be told apart when they change.
"""

from __future__ import annotations

import pyarrow as pa
from sqlalchemy import select, text

from tierwise.store import Store, record_run
from tierwise.store.tables import Account

from .conftest import Score, results_of

ODD_NAMES = ["Smith, Jones & Co", 'The "Best" Ltd', "Two\nLines", " Spaced ", "Ünïcode"]
ODD_DOMAINS = ["a.com", "", None, "d,e.com", '"q".com']
# The second quarter: one domain goes from empty to missing, one the other
# way, and one name changes only by its trailing space.
LATER_NAMES = [
    "Smith, Jones & Co",
    'The "Best" Ltd',
    "Two\nLines",
    " Spaced",
    "Ünïcode",
]
LATER_DOMAINS = ["a.com", None, "", "d,e.com", '"q".com']


def _portfolio(base: pa.Table, names: list[str], domains: list[str | None]) -> pa.Table:
    table = base.set_column(
        base.schema.get_field_index("name"), "name", pa.array(names, pa.string())
    )
    return table.set_column(
        table.schema.get_field_index("domain"), "domain", pa.array(domains, pa.string())
    )


def _registry(store: Store) -> dict[str, tuple[str | None, str | None]]:
    with store.reading() as connection:
        return {
            row.account_id: (row.name, row.domain)
            for row in connection.execute(select(Account))
        }


def _record(store: Store, score: Score, accounts: pa.Table, number: int) -> object:
    scored = score(accounts=accounts)
    record_run(
        store,
        scored.run,
        model_text=scored.model_text,
        inputs={"accounts": f"odd-{number}"},
        accounts=scored.accounts,
    )
    return scored


def test_names_and_domains_that_csv_must_quote_reach_the_registry_exactly(
    store: Store, score: Score, demo_accounts: pa.Table
) -> None:
    five = demo_accounts.slice(0, 5)
    registries = []
    expected = []
    for number, (names, domains) in enumerate(
        [(ODD_NAMES, ODD_DOMAINS), (LATER_NAMES, LATER_DOMAINS)]
    ):
        accounts = _portfolio(five, names, domains)
        scored = _record(store, score, accounts, number)
        engine = results_of(scored.run)  # type: ignore[attr-defined]
        ids = accounts["account_id"].to_pylist()
        expected.append(
            {
                account_id: (engine[account_id]["name"], domain)
                for account_id, domain in zip(ids, domains, strict=True)
            }
        )
        registries.append(_registry(store))

    assert registries == expected
    assert registries[0] != registries[1]


def test_a_run_that_changes_nothing_rewrites_no_registry_row_on_postgres(
    postgres_store: Store, score: Score, demo_accounts: pa.Table
) -> None:
    accounts = _portfolio(demo_accounts.slice(0, 5), ODD_NAMES, ODD_DOMAINS)
    versions = []
    for number in range(2):
        _record(postgres_store, score, accounts, number)
        with postgres_store.reading() as connection:
            versions.append(
                dict(
                    connection.execute(
                        text("SELECT account_id, xmin FROM accounts")
                    ).all()
                )
            )

    assert len(versions[0]) == 5
    assert versions[1] == versions[0]
