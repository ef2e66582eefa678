"""A Parquet cell that holds no plain value is refused in plain words.

The cell reader named the value's Python type, so a binary account id read
"each holds a bytes" and a struct "holds a dict"; each kind of value is now
said in words a user knows, with one wording for any other kind.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import load_preset, read_accounts
from tierwise.sources.columns import checked
from tierwise.sources.values import CellError

FIELDS = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}


@pytest.mark.parametrize(
    ("ids", "said"),
    [
        pytest.param(
            pa.array([b"a1", b"a2"], pa.binary()),
            "binary data (bytes), not text or a number",
            id="binary",
        ),
        pytest.param(
            pa.array([b"a1", b"a2"], pa.binary(2)),
            "binary data (bytes), not text or a number",
            id="fixed-size-binary",
        ),
        pytest.param(
            pa.array([["a"], ["b"]]), "a list of values, not a single value", id="list"
        ),
        pytest.param(
            pa.array([{"x": 1}, {"x": 2}]),
            "a record of named values (a struct), not a single value",
            id="struct",
        ),
        pytest.param(
            pa.array([[("k", 1)], [("k", 2)]], pa.map_(pa.string(), pa.int64())),
            "a list of values, not a single value",
            id="map",
        ),
    ],
)
def test_an_account_id_column_of_another_kind_is_named_in_words(
    tmp_path: Path, ids: pa.Array, said: str
) -> None:
    path = tmp_path / "accounts.parquet"
    pq.write_table(pa.table({"account_id": ids, "name": ["A", "B"]}), path)

    with pytest.raises(SourceError) as caught:
        read_accounts(path, FIELDS, load_preset("generic"))

    assert f"; each holds {said}\n" in str(caught.value)


@pytest.mark.parametrize(
    ("cell", "said"),
    [
        pytest.param(
            timedelta(days=2),
            "holds a length of time, not text, a number or a date",
            id="duration",
        ),
        pytest.param(
            complex(1, 2),
            "holds a value of a kind that is not text, a number or a date",
            id="any-other-kind",
        ),
    ],
)
def test_every_other_kind_is_named_in_words(cell: object, said: str) -> None:
    with pytest.raises(CellError) as caught:
        checked(cell)  # type: ignore[arg-type]

    assert caught.value.problem == said
