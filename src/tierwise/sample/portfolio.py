"""Demo and synthetic portfolios as Arrow tables with the canonical columns.

A portfolio of n accounts is the Fortune 1000 demo's first n rows while n is at
most 1,000; beyond that, synthetic companies follow the 1,000 Fortune rows.
Synthetic rows are generated in fixed blocks of ``SYNTHETIC_BLOCK_ROWS``, each
from its own random stream derived from the seed and the block's number, so
the rows are the same whatever batch size a caller reads them in, and no more
than one block's intermediate arrays are held at a time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date, datetime

import numpy as np
import pyarrow as pa

from tierwise.errors import TierwiseError
from tierwise.model.fields import CANONICAL_FIELDS, FieldKind
from tierwise.sample.fortune import FORTUNE_ACCOUNT_COUNT, read_fortune_list
from tierwise.sample.generator import generate_behaviour
from tierwise.sample.synthetic import synthesise_firmographics

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEMO_AS_OF",
    "DEMO_SEED",
    "PORTFOLIO_SCHEMA",
    "PortfolioError",
    "build_demo_portfolio",
    "generate_portfolio",
    "iter_portfolio_batches",
]

log = logging.getLogger(__name__)

DEMO_AS_OF = date(2026, 9, 30)
DEMO_SEED = 2020
DEFAULT_BATCH_SIZE = 131_072
SYNTHETIC_BLOCK_ROWS = 65_536

# Random streams: the demo and each synthetic block draw from their own.
DEMO_STREAM = 0
SYNTHETIC_STREAM = 1

ARROW_TYPES: dict[FieldKind, pa.DataType] = {
    FieldKind.TEXT: pa.string(),
    FieldKind.NUMBER: pa.float64(),
    FieldKind.BOOLEAN: pa.bool_(),
    FieldKind.DATE: pa.date32(),
}

PORTFOLIO_SCHEMA = pa.schema(
    [pa.field(name, ARROW_TYPES[kind]) for name, kind in CANONICAL_FIELDS.items()]
)


class PortfolioError(TierwiseError, ValueError):
    """An argument that no portfolio can be made from; nothing was generated."""


def build_demo_portfolio(seed: int = DEMO_SEED, as_of: date = DEMO_AS_OF) -> pa.Table:
    """The Fortune 1000 (2020) companies as a demo portfolio, one row each.

    Firmographics come from the bundled list (see `tierwise.sample.fortune`);
    potential, engagement and accessibility are drawn from ``seed`` (see
    `tierwise.sample.generator`). The same seed and ``as_of`` always give the
    same table; dates lie on or before ``as_of`` except contract ends.
    """
    _check_whole_number("seed", seed, minimum=0)
    _check_as_of(as_of)
    started = time.perf_counter()

    firmographics = read_fortune_list()
    annual_revenue = firmographics["annual_revenue"].to_numpy()
    rng = np.random.default_rng([seed, DEMO_STREAM])
    behaviour = generate_behaviour(rng, annual_revenue, as_of)
    demo = _table(firmographics | behaviour, len(annual_revenue))

    log.info(
        "built the demo portfolio: %d accounts in %.3f s",
        demo.num_rows,
        time.perf_counter() - started,
    )
    return demo


def generate_portfolio(accounts: int, seed: int, as_of: date = DEMO_AS_OF) -> pa.Table:
    """A portfolio of ``accounts`` rows: the demo's, then synthetic companies.

    Holds every row in memory; for millions of rows prefer
    `iter_portfolio_batches` or `write_portfolio`, which stream.
    """
    batches = iter_portfolio_batches(accounts, seed, as_of=as_of)
    return pa.Table.from_batches(batches, schema=PORTFOLIO_SCHEMA)


def iter_portfolio_batches(
    accounts: int,
    seed: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    as_of: date = DEMO_AS_OF,
) -> Iterator[pa.RecordBatch]:
    """Yield the rows of ``generate_portfolio`` in record batches.

    Every batch but the last holds exactly ``batch_size`` rows. Raises
    PortfolioError (a ValueError), before generating anything, when ``accounts`` or
    ``batch_size`` is not a whole number of at least 1, ``seed`` is negative
    or not whole, or ``as_of`` is not a date.
    """
    _check_whole_number("accounts", accounts, minimum=1)
    _check_whole_number("seed", seed, minimum=0)
    _check_whole_number("batch_size", batch_size, minimum=1)
    _check_as_of(as_of)

    return _rebatch(_iter_blocks(accounts, seed, as_of), batch_size)


def _iter_blocks(accounts: int, seed: int, as_of: date) -> Iterator[pa.Table]:
    demo_rows = min(accounts, FORTUNE_ACCOUNT_COUNT)
    yield build_demo_portfolio(seed, as_of).slice(0, demo_rows)

    synthetic_rows = accounts - demo_rows
    for first_row in range(0, synthetic_rows, SYNTHETIC_BLOCK_ROWS):
        block_rows = min(SYNTHETIC_BLOCK_ROWS, synthetic_rows - first_row)
        block_number = first_row // SYNTHETIC_BLOCK_ROWS
        rng = np.random.default_rng([seed, SYNTHETIC_STREAM, block_number])
        yield _synthetic_block(rng, first_row + 1, block_rows, as_of)


def _synthetic_block(
    rng: np.random.Generator, first_number: int, count: int, as_of: date
) -> pa.Table:
    firmographics = synthesise_firmographics(rng, first_number, count)
    annual_revenue = firmographics["annual_revenue"].to_numpy()
    behaviour = generate_behaviour(rng, annual_revenue, as_of)
    return _table(firmographics | behaviour, count)


def _rebatch(blocks: Iterator[pa.Table], batch_size: int) -> Iterator[pa.RecordBatch]:
    """Cut a stream of tables into record batches of exactly ``batch_size`` rows."""
    pending = PORTFOLIO_SCHEMA.empty_table()
    for block in blocks:
        pending = pa.concat_tables([pending, block])
        while pending.num_rows >= batch_size:
            yield _single_batch(pending.slice(0, batch_size))
            pending = pending.slice(batch_size)

    if pending.num_rows:
        yield _single_batch(pending)


def _single_batch(rows: pa.Table) -> pa.RecordBatch:
    return rows.combine_chunks().to_batches()[0]


def _table(columns: dict[str, pa.Array], row_count: int) -> pa.Table:
    """The canonical columns in schema order, with ``parent_id`` all null.

    No group structures are made up, so no account has a parent.
    """
    parents = {"parent_id": pa.nulls(row_count, pa.string())}
    complete = columns | parents
    arrays = [complete[field.name] for field in PORTFOLIO_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=PORTFOLIO_SCHEMA)


def _check_as_of(as_of: object) -> None:
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise PortfolioError(
            f"as_of must be a date such as date(2026, 9, 30), got {as_of!r}"
        )


def _check_whole_number(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PortfolioError(
            f"{name} must be a whole number of at least {minimum}, got {value!r}"
        )
