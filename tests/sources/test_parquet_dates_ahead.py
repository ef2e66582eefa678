"""Dates after the as-of date in a Parquet file read in place are warned
about as in a CSV of the same rows: counted among the rows kept alone,
field by field, whatever the file's row groups hold."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from tierwise.engine import score_accounts
from tierwise.engine.run import open_connection
from tierwise.file_inputs import read_accounts_view
from tierwise.model import TieringModel, load_model
from tierwise.sources import load_preset

AS_OF = date(2026, 9, 30)
FIX = "check --as-of; a date after it counts as not yet happened"
# Two rows to a row group: the left-out row's dates (no name) are the
# latest of its group, and of the file.
ROWS = [
    ("a", "A", date(2026, 10, 5), date(2026, 1, 1)),
    ("b", "B", AS_OF, date(2027, 2, 1)),
    ("c", "C", date(2026, 8, 1), None),
    ("d", None, date(2031, 1, 1), date(2031, 1, 1)),
    ("e", "E", date(2027, 1, 2), date(2026, 12, 1)),
    ("f", "F", None, None),
]
EXPECTED = [
    "last_engagement_date: 2 accounts have a date after the as-of date "
    "2026-09-30 (the latest 2027-01-02); recency scores such a date as "
    f"missing; {FIX}",
    "signed_on: 2 accounts have a date after the as-of date 2026-09-30 (the "
    "latest 2027-02-01); a days_since_above test does not hold for such a "
    f"date; {FIX}",
]


def _signed_on_model() -> TieringModel:
    """The default model, reading a second date as past: signed_on."""
    document = load_model().model_dump(by_alias=True, exclude_unset=True)
    document["fields"] = {**document.get("fields", {}), "signed_on": "date"}
    engagement = next(d for d in document["dimensions"] if d["key"] == "engagement")
    engagement["criteria"].append(
        {
            "key": "signed_lately",
            "label": "Signed lately",
            "field": "signed_on",
            "kind": "conditions",
            "weight": 1,
            "rules": [
                {"when": {"field": "signed_on", "days_since_above": 365}, "points": 5}
            ],
            "otherwise": 0,
        }
    )
    return TieringModel.model_validate(document)


def _late_in_the_day(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(23, 59, 59))


def _accounts(folder: Path, kind: str) -> Path:
    ids, names, engaged, signed = (list(column) for column in zip(*ROWS, strict=True))
    if kind == "timestamp":
        # A time late on the as-of date is still on it, not after it.
        engaged = [_late_in_the_day(day) for day in engaged]
    table = pa.table(
        {
            "account_id": ids,
            "name": names,
            "last_engagement_date": engaged,
            "signed_on": signed,
        }
    )
    if kind == "csv":
        path = folder / "accounts.csv"
        pa_csv.write_csv(table, path)
    else:
        path = folder / "accounts.parquet"
        pq.write_table(table, path, row_group_size=2)
    return path


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("csv", id="csv-cell-by-cell"),
        pytest.param("date", id="parquet-dates-in-place"),
        pytest.param("timestamp", id="parquet-timestamps-in-place"),
    ],
)
def test_dates_ahead_are_counted_among_the_kept_rows_field_by_field(
    kind: str, tmp_path: Path
) -> None:
    model = _signed_on_model()
    connection = open_connection()
    path = _accounts(tmp_path, kind)

    table, report = read_accounts_view(connection, path, model, load_preset("generic"))
    run = score_accounts(
        model, "accounts" if table is None else table, AS_OF, connection=connection
    )

    assert (table is None) == (kind != "csv")
    assert report.rows_used == 5
    ahead = [warning for warning in run.warnings if "after the as-of date" in warning]
    assert ahead == EXPECTED


def test_a_file_whose_dates_all_lie_before_the_as_of_date_warns_of_none(
    tmp_path: Path,
) -> None:
    model = _signed_on_model()
    connection = open_connection()
    path = _accounts(tmp_path, "date")

    read_accounts_view(connection, path, model, load_preset("generic"))
    run = score_accounts(model, "accounts", date(2031, 1, 1), connection=connection)

    assert [w for w in run.warnings if "after the as-of date" in w] == []
