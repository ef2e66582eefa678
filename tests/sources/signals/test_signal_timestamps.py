"""Each timestamp form read to the row's local date, and the as-of cut-off."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from signal_helpers import AS_OF, in_zone, load, portfolio, rows

from tierwise.errors import SourceError
from tierwise.model import TieringModel


@pytest.mark.parametrize(
    ("zone", "stamp", "expected"),
    [
        pytest.param(
            "UTC", "2026-03-01T23:30:00+00:00", date(2026, 3, 1), id="iso-offset-utc"
        ),
        pytest.param(
            "Europe/Amsterdam",
            "2026-03-01T23:30:00Z",
            date(2026, 3, 2),
            id="iso-z-is-next-day-in-amsterdam",
        ),
        pytest.param(
            "Europe/Amsterdam",
            "2026-03-02T00:30:00+02:00",
            date(2026, 3, 1),
            id="iso-offset-east-is-previous-day-in-amsterdam",
        ),
        pytest.param(
            "America/New_York",
            "2026-03-02T03:30:00+0000",
            date(2026, 3, 1),
            id="iso-offset-without-colon-new-york",
        ),
        pytest.param(
            "Europe/Amsterdam",
            "2026-03-01 23:59:59",
            date(2026, 3, 1),
            id="naive-late-evening-stays-local",
        ),
        pytest.param(
            "America/New_York",
            "2026-03-02T00:00:01",
            date(2026, 3, 2),
            id="naive-just-after-midnight-stays-local",
        ),
        pytest.param("UTC", "1772407800", date(2026, 3, 1), id="epoch-seconds"),
        pytest.param(
            "Europe/Amsterdam",
            "1772407800",
            date(2026, 3, 2),
            id="epoch-seconds-past-midnight-in-amsterdam",
        ),
        pytest.param("UTC", "1772407800000", date(2026, 3, 1), id="epoch-milliseconds"),
        pytest.param("UTC", "3/1/2026", date(2026, 3, 1), id="month-day-year"),
        pytest.param(
            "UTC", "3/1/2026 11:45 PM", date(2026, 3, 1), id="month-day-year-time"
        ),
        pytest.param("Asia/Tokyo", "2026-03-01", date(2026, 3, 1), id="plain-date"),
        pytest.param("UTC", "20260301", date(2026, 3, 1), id="compact-date"),
    ],
)
def test_each_timestamp_form_gives_the_local_date(
    tmp_path: Path,
    default_model: TieringModel,
    zone: str,
    stamp: str,
    expected: date,
) -> None:
    model = in_zone(default_model, zone)
    connection = portfolio(tmp_path, model)

    report = load(
        connection,
        tmp_path,
        model,
        "activity",
        "activity.csv",
        f"account_id,timestamp,type\nacc-1,{stamp},web visit\n",
    )

    assert rows(connection, "signal_activity", "occurred_on") == [(expected,)]
    assert report.reconciles()


def test_rows_after_the_as_of_date_are_left_out(
    tmp_path: Path, default_model: TieringModel
) -> None:
    model = in_zone(default_model, "Europe/Amsterdam")
    connection = portfolio(tmp_path, model)
    text = (
        "account_id,timestamp,type\n"
        "acc-1,2026-09-30T23:59:00+02:00,web visit\n"  # as-of day, local
        "acc-1,2026-09-30T22:30:00Z,web visit\n"  # 00:30 on 1 Oct in Amsterdam
        "acc-1,2026-10-01,web visit\n"
        "acc-1,2026-09-29,web visit\n"
    )

    report = load(connection, tmp_path, model, "activity", "a.csv", text, AS_OF)

    assert rows(connection, "signal_activity", "source_row") == [(2,), (5,)]
    file = report.files["activity"]
    assert file.dropped["after the as-of date"].rows == 2
    assert file.dropped["after the as-of date"].examples == [3, 4]
    assert file.reconciles()


def test_a_column_with_both_date_orders_is_refused_naming_rows(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,timestamp,type\nacc-1,13/04/2026,call\nacc-2,04/13/2026,call\n"

    with pytest.raises(
        SourceError, match=r"a\.csv: column 'timestamp'.*\(row 2\).*\(row 3\)"
    ):
        load(connection, tmp_path, default_model, "activity", "a.csv", text)


def test_day_first_dates_are_read_day_first_when_the_column_shows_it(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,timestamp,type\nacc-1,03/04/2026,call\nacc-2,23/04/2026,call\n"

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    assert rows(connection, "signal_activity", "occurred_on") == [
        (date(2026, 4, 3),),
        (date(2026, 4, 23),),
    ]
    assert "dates with slashes read day first, as row 3 shows" in (
        report.files["activity"].notes
    )


def test_unreadable_timestamps_are_left_out_and_reported(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = (
        "account_id,timestamp,type\n"
        "acc-1,2026-09-01,call\n"
        "acc-1,last tuesday,call\n"
        "acc-1,,call\n"
        "acc-1,2026-02-30,call\n"
    )

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    dropped = report.files["activity"].dropped
    assert (
        dropped["timestamp not readable"].examples,
        dropped["no timestamp"].rows,
    ) == (
        [3, 5],
        1,
    )
    assert report.reconciles()


def test_eight_digits_that_are_no_date_are_not_read_as_epoch_seconds(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,timestamp,type\nacc-1,20260301,call\nacc-1,20261399,call\n"

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    assert rows(connection, "signal_activity", "occurred_on") == [(date(2026, 3, 1),)]
    assert report.files["activity"].dropped["timestamp not readable"].examples == [3]


def test_a_column_without_any_readable_timestamp_stops_naming_row_and_fix(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,when,type\nacc-1,yesterday,call\nacc-2,today,call\n"

    with pytest.raises(
        SourceError,
        match=r"a\.csv: row 2, column 'when': 'yesterday' is not a date.*"
        r"--signal-column activity\.timestamp=HEADER",
    ):
        load(
            connection,
            tmp_path,
            default_model,
            "activity",
            "a.csv",
            text,
            columns={"timestamp": "when"},
        )
