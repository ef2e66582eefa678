"""The floor: DuckDB reads the columns the peers read and sums them.

No scoring at all; it is the least any engine must spend to read the same
input from Parquet. Text is summed as its length, so each string is really
read; booleans as 0/1 and dates as days since 1970. The sums are written to a
one-row Parquet file, so the floor also opens and writes an output.

    python benchmarks/peers/floor.py ACCOUNTS.parquet OUT.parquet
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
from default_model import INPUT_COLUMNS


def summed(connection: duckdb.DuckDBPyConnection, accounts: str) -> str:
    """A SELECT that sums every input column, by its DuckDB type."""
    described = connection.sql(f"DESCRIBE SELECT * FROM read_parquet({accounts})")
    types = {str(name): str(kind) for name, kind, *_ in described.fetchall()}
    sums = []
    for column in INPUT_COLUMNS:
        kind = types[column]
        if kind == "VARCHAR":
            value = f"strlen({column})"
        elif kind == "BOOLEAN":
            value = f"{column}::INTEGER"
        elif kind == "DATE":
            value = f"{column} - DATE '1970-01-01'"
        else:
            value = column
        sums.append(f"sum({value}) AS {column}")
    return (
        f"SELECT count(*) AS accounts, {', '.join(sums)} FROM read_parquet({accounts})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("accounts", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--as-of", help="accepted and ignored, like the peers'")
    args = parser.parse_args()

    connection = duckdb.connect()
    accounts = "'" + str(args.accounts).replace("'", "''") + "'"
    out = "'" + str(args.out).replace("'", "''") + "'"
    connection.execute(
        f"COPY ({summed(connection, accounts)}) TO {out} (FORMAT parquet)"
    )


if __name__ == "__main__":
    main()
