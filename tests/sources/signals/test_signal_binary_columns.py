"""A Parquet signal file whose columns read by the run hold bytes is refused.

DuckDB read a binary column as text with every byte past ASCII escaped,
so an account id or a domain held as bytes matched (or failed to match)
the accounts without a word, while a Parquet accounts file's bytes are
refused. The file is refused in the same words, naming it, the column
and the fix, before anything is scored or written.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from signal_helpers import ACCOUNTS, AS_OF, portfolio, rows

from tierwise import jobs
from tierwise.errors import SourceError
from tierwise.model import TieringModel
from tierwise.sources.signals import SignalFile, load_signals

BINARY = "holds binary data (bytes), not text or a number"
ACTIVITY = {
    "account_id": ["acc-1", "acc-2"],
    "domain": ["lumengrid.example", "kestrelrow.example"],
    "occurred_at": ["2026-09-01", "2026-09-02"],
    "activity_type": ["Webinar", "Download"],
}


def _activity(path: Path, binary: tuple[str, ...], **more: list[object]) -> Path:
    columns = {
        name: pa.array([value.encode() for value in values], pa.binary())
        if name in binary
        else values
        for name, values in {**ACTIVITY, **more}.items()
    }
    pq.write_table(pa.table(columns), path)
    return path


@pytest.mark.parametrize(
    ("column", "role"),
    [
        pytest.param("account_id", "account_id", id="account-id"),
        pytest.param("domain", "domain", id="domain"),
        pytest.param("activity_type", "kind", id="another-column-the-run-reads"),
    ],
)
def test_a_binary_column_is_refused_naming_the_file_column_and_fix(
    column: str, role: str, tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    path = _activity(tmp_path / "activity.parquet", (column,))

    with pytest.raises(SourceError) as caught:
        load_signals(
            connection,
            [SignalFile("activity", path)],
            default_model,
            AS_OF,
            tmp_path / "scratch",
        )

    message = str(caught.value)
    assert message.startswith("activity.parquet: "), message
    assert f"{column!r} ({role}) {BINARY}" in message
    assert "Nothing was scored. Write it as text (a string column)" in message
    assert message.endswith(f"--signal-column activity.{role}=HEADER")


def test_tier_refuses_it_before_writing_anything(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ACCOUNTS, encoding="utf-8")
    path = _activity(tmp_path / "activity.parquet", ("account_id", "domain"))

    with pytest.raises(SourceError) as caught:
        jobs.tier_file(
            accounts,
            tmp_path / "out",
            AS_OF,
            signals=[SignalFile("activity", path)],
        )

    assert f"'account_id' (account_id) {BINARY}; 'domain' (domain) {BINARY}" in str(
        caught.value
    )
    assert not (tmp_path / "out").exists()


def test_a_binary_column_the_run_does_not_read_is_left_alone(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    path = _activity(tmp_path / "activity.parquet", (), payload=[b"\x00", b"\x01"])

    load_signals(
        connection,
        [SignalFile("activity", path)],
        default_model,
        AS_OF,
        tmp_path / "scratch",
    )

    assert rows(connection, "signal_activity", "account_id") == [
        ("acc-1",),
        ("acc-2",),
    ]
