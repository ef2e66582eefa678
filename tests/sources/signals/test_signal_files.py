"""Signal files as they come: no header, packed columns, Mac Roman, Parquet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from signal_helpers import AS_OF, load, portfolio, rows

from tierwise.errors import SourceError
from tierwise.model import TieringModel
from tierwise.sources.signals import SignalFile, load_signals

# A vendor's weekly file: no header row, several topics and weeks per
# domain, and columns packing several values (location|size, key=value).
INTENT = """\
lumengrid.example,Lumen,2026-09-21,Account-Based Marketing,87,US|51-200,s=b;c=A
lumengrid.example,Lumen,2026-09-14,account based marketing,64,US|51-200,s=b;c=A
lumengrid.example,Lumen,2026-09-21,Sales_Intelligence,71,US|51-200,s=b;c=SI
kestrelrow.example,Kestrel,2026-10-05,ABM Platform,90,DE|201-500,s=b;c=A
kestrelrow.example,Kestrel,2026-09-28,ABM Platform,140,DE|201-500,s=b;c=A
junipermesa.example,Juniper,2026-09-28,Marketing Automation,55,NL|11-50,s=b;c=MA
"""


def test_an_intent_file_without_header_is_read_by_what_its_columns_hold(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)

    report = load(connection, tmp_path, default_model, "intent", "surge.csv", INTENT)

    assert rows(
        connection, "signal_intent", "account_id", "topic", "score", "week"
    ) == [
        ("acc-1", "account based marketing", 87.0, date(2026, 9, 21)),
        ("acc-1", "account based marketing", 64.0, date(2026, 9, 14)),
        ("acc-1", "sales intelligence", 71.0, date(2026, 9, 21)),
    ]
    file = report.files["intent"]
    assert file.columns == {
        "domain": "column 1",
        "topic": "column 4",
        "score": "column 5",
        "week": "column 3",
    }
    assert {reason: count.examples for reason, count in file.dropped.items()} == {
        "week after the as-of date": [4],
        "score not a number from 0 to 100": [5],
        "ambiguous: domain shared by several accounts": [6],
    }
    assert file.reconciles()


def test_a_headerless_column_can_be_named_by_position(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)

    load(
        connection,
        tmp_path,
        default_model,
        "intent",
        "surge.csv",
        INTENT,
        columns={"topic": "column7"},
    )

    assert rows(connection, "signal_intent", "topic")[0] == ("s=b;c=a",)


def test_mac_roman_with_cr_line_endings_is_read_as_is(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = (
        "company,funding_round_type,funded_at,note\r"
        "acc-1,series-a,2026-05-01,Caf\u00e9 \u2122\r"
        "acc-2,Venture,2026-09-01,Z\u00fcrich\r"
    )

    report = load(
        connection,
        tmp_path,
        default_model,
        "events",
        "rounds.csv",
        text.encode("mac_roman"),
        columns={"account_id": "company"},
    )

    assert rows(connection, "signal_events", "account_id", "kind", "occurred_on") == [
        ("acc-1", "funding_round", date(2026, 5, 1)),
        ("acc-2", "funding_round", date(2026, 9, 1)),
    ]
    assert report.files["events"].encoding == "Mac Roman"


def test_a_parquet_activity_file_with_typed_columns(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    path = tmp_path / "activity.parquet"
    table = pa.table(
        {
            "account_id": ["acc-1", "acc-2", "acc-3"],
            "occurred_at": pa.array(
                [1_788_000_000_000, 1_788_100_000_000, 1_700_000_000_000],
                pa.timestamp("ms", tz="UTC"),
            ),
            "activity_type": ["Download", "Webinar", "visit"],
            "weight": [2.5, None, 1.0],
        }
    )
    pq.write_table(table, path)

    report = load_signals(
        connection,
        [SignalFile("activity", path)],
        default_model,
        AS_OF,
        tmp_path / "scratch",
    )

    assert rows(
        connection, "signal_activity", "account_id", "kind", "weight", "source_row"
    ) == [
        ("acc-1", "content_download", 2.5, 1),
        ("acc-2", "event_attended", 1.0, 2),
        ("acc-3", "web_visit", 1.0, 3),
    ]
    assert report.reconciles()


@pytest.mark.parametrize(
    ("content", "delimiter"),
    [
        pytest.param(
            "\ufeffAccount ID;Date;Activity Type\r\nacc-1;2026-09-01;Email\r\n",
            ";",
            id="bom-semicolon-crlf",
        ),
        pytest.param(
            "Account ID\tDate\tActivity Type\nacc-1\t2026-09-01\tEmail\n",
            "\t",
            id="tab",
        ),
    ],
)
def test_byte_order_marks_and_other_delimiters(
    tmp_path: Path, default_model: TieringModel, content: str, delimiter: str
) -> None:
    connection = portfolio(tmp_path, default_model)

    report = load(connection, tmp_path, default_model, "activity", "a.csv", content)

    assert rows(connection, "signal_activity", "account_id", "kind") == [
        ("acc-1", "email")
    ]
    assert report.files["activity"].columns["account_id"] == "Account ID"


def test_activity_kinds_statuses_and_weights(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = (
        "account_id,timestamp,type,status,weight\n"
        "acc-1,2026-09-01,Web Visit,Completed,\n"
        "acc-1,2026-09-01,Partner Referral,done,2\n"
        "acc-1,2026-09-01,meeting,No-Show,1\n"
        "acc-1,2026-09-01,meeting,cancelled,1\n"
        "acc-1,2026-09-01,email,,-1\n"
        "acc-1,2026-09-01,email,,lots\n"
        "acc-1,2026-09-01,,,\n"
    )

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    assert rows(connection, "signal_activity", "kind", "weight") == [
        ("web_visit", 1.0),
        ("partner_referral", 2.0),
    ]
    assert {r: c.examples for r, c in report.files["activity"].dropped.items()} == {
        "weight not a number of 0 or more": [6, 7],
        "no activity type": [8],
        "status cancelled": [5],
        "status no show": [4],
    }


def test_a_missing_column_names_file_headers_and_fix(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,when,what\nacc-1,2026-09-01,call\n"

    with pytest.raises(
        SourceError,
        match=r"a\.csv: no column for timestamp \(when it happened\) in this activity "
        r"file.*The headers read are: 'account_id', 'when', 'what'.*"
        r"--signal-column activity\.timestamp=HEADER",
    ):
        load(connection, tmp_path, default_model, "activity", "a.csv", text)


def test_a_file_without_account_id_or_domain_is_refused(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "company,date,type\nLumen Grid,2026-09-01,seed\n"

    with pytest.raises(
        SourceError, match=r"e\.csv: no column for account_id or domain"
    ):
        load(connection, tmp_path, default_model, "events", "e.csv", text)


def test_a_row_with_too_many_fields_stops_with_the_file_and_line(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,date,type\nacc-1,2026-09-01,seed\nacc-2,2026-09-01,seed,extra\n"

    with pytest.raises(SourceError, match=r"e\.csv: line 3: the CSV cannot be read"):
        load(connection, tmp_path, default_model, "events", "e.csv", text)


def test_an_empty_file_and_a_missing_file(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)

    with pytest.raises(SourceError, match=r"e\.csv: the file is empty"):
        load(connection, tmp_path, default_model, "events", "e.csv", "\n\n")
    with pytest.raises(SourceError, match=r"nowhere\.csv: no such file"):
        load_signals(
            connection,
            [SignalFile("events", tmp_path / "nowhere.csv")],
            default_model,
            AS_OF,
            tmp_path,
        )


def test_an_intent_column_without_any_score_stops_naming_row_and_fix(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = (
        "domain,topic,stage,week\n"
        "lumengrid.example,abm platform,,2026-09-21\n"
        "lumengrid.example,abm platform,Hot,2026-09-21\n"
        "kestrelrow.example,abm platform,Warm,2026-09-21\n"
    )

    with pytest.raises(
        SourceError,
        match=r"i\.csv: row 3, column 'stage': 'Hot' is not a score from 0 to 100.*"
        r"--signal-column intent\.score=HEADER",
    ):
        load(
            connection,
            tmp_path,
            default_model,
            "intent",
            "i.csv",
            text,
            columns={"score": "stage"},
        )


def test_an_intent_column_with_one_score_keeps_the_rest_left_out(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = (
        "domain,topic,score,week\n"
        "lumengrid.example,abm platform,Hot,2026-09-21\n"
        "kestrelrow.example,abm platform,64%,2026-09-21\n"
    )

    report = load(connection, tmp_path, default_model, "intent", "i.csv", text)

    dropped = report.files["intent"].dropped
    assert dropped["score not a number from 0 to 100"].examples == [2]
    assert rows(connection, "signal_intent", "score") == [(64.0,)]


def test_a_headerless_file_missing_a_role_says_which_to_name_by_position(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "lumengrid.example,ABM Platform,88\nkestrelrow.example,ABM Platform,61\n"

    with pytest.raises(
        SourceError,
        match=r"intent\.week=HEADER\. The file seems to have no header row: add "
        r"one, or name its columns by position: --signal-column "
        r"intent\.week=columnN, N from 1 to 3$",
    ):
        load(connection, tmp_path, default_model, "intent", "i.csv", text)


def test_a_folder_given_as_a_signal_file_is_named_as_a_folder(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    folder = tmp_path / "exports"
    folder.mkdir()

    with pytest.raises(SourceError, match=r"exports: a folder, not a file"):
        load_signals(
            connection, [SignalFile("events", folder)], default_model, AS_OF, tmp_path
        )


def test_a_kind_the_model_does_not_configure_is_refused(
    tmp_path: Path, default_model: TieringModel
) -> None:
    model = default_model.model_copy(update={"signals": None})
    connection = portfolio(tmp_path, model)

    with pytest.raises(SourceError, match=r"the model has no signals\.events section"):
        load(connection, tmp_path, model, "events", "e.csv", "account_id,date,type\n")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(
            "account_id,date,type,note\r\nacc-1,2026-05-01,seed,Zürich ™\r\n".encode(
                "utf-16"
            ),
            "UTF-16",
            id="utf-16-with-bom",
        ),
        pytest.param(
            (
                "account_id,date,type,note\r" + "acc-1,2026-05-01,seed,Zürich\r" * 900
            ).encode("utf-8"),
            "UTF-8",
            id="utf-8-with-cr-only",
        ),
        pytest.param(
            "account_id,date,type,note\nacc-1,2026-05-01,seed,Zürich\n".encode(
                "cp1252"
            ),
            "Windows-1252",
            id="windows-1252",
        ),
    ],
)
def test_other_encodings_and_line_endings_are_read_through_a_copy(
    tmp_path: Path, default_model: TieringModel, data: bytes, encoding: str
) -> None:
    connection = portfolio(tmp_path, default_model)

    report = load(connection, tmp_path, default_model, "events", "e.csv", data)

    assert report.files["events"].encoding == encoding
    assert rows(connection, "signal_events", "account_id", "kind")[0] == (
        "acc-1",
        "funding_round",
    )
    assert report.reconciles()


def test_a_file_whose_every_header_is_named_for_the_run_keeps_its_header(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "Acct,Logged,Subtype\nacc-1,2026-09-01,Call\n"
    named = {"account_id": "Acct", "timestamp": "Logged", "kind": "Subtype"}

    report = load(
        connection, tmp_path, default_model, "activity", "a.csv", text, columns=named
    )

    assert rows(connection, "signal_activity", "account_id", "kind") == [
        ("acc-1", "meeting")
    ]
    assert report.files["activity"].columns == named


def test_a_quote_never_closed_stops_with_the_line(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = 'account_id,date,type\nacc-1,2026-09-01,seed\nacc-2,"2026-09-01,seed\n'

    with pytest.raises(SourceError, match=r"e\.csv: line 3: the CSV cannot be read"):
        load(connection, tmp_path, default_model, "events", "e.csv", text)


def test_row_numbers_follow_the_file_in_a_file_read_in_parallel(
    tmp_path: Path, default_model: TieringModel
) -> None:
    # Each row's weight is the row a spreadsheet shows it on (the header is
    # row 1), so the two must agree.
    connection = portfolio(tmp_path, default_model)
    lines = [f"acc-{1 + n % 5},2026-09-01,call,{n}" for n in range(2, 300_002)]
    text = "account_id,timestamp,type,weight\n" + "\n".join(lines) + "\n"

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    assert report.files["activity"].rows_used == 300_000
    [(misplaced,)] = connection.sql(
        "SELECT count(*) FROM signal_activity WHERE weight <> source_row"
    ).fetchall()
    assert misplaced == 0


@pytest.mark.parametrize(
    ("blank", "encoding", "line_end"),
    [
        pytest.param("", "utf-8", "\n", id="empty-lines"),
        pytest.param(" ,  , ", "utf-8", "\r\n", id="blank-cells-crlf"),
        pytest.param("", "cp1252", "\n", id="windows-1252-copy"),
    ],
)
def test_empty_lines_before_the_header_are_skipped_and_counted(
    tmp_path: Path,
    default_model: TieringModel,
    blank: str,
    encoding: str,
    line_end: str,
) -> None:
    connection = portfolio(tmp_path, default_model)
    lines = [blank, blank, "account_id,timestamp,type"]
    lines += ["acc-1,2026-09-20,Web Visit", "acc-2,2026-09-21,Café Meeting"]
    content = line_end.join(lines) + line_end

    report = load(
        connection,
        tmp_path,
        default_model,
        "activity",
        "a.csv",
        content.encode(encoding),
    )

    read = rows(connection, "signal_activity", "account_id", "kind", "source_row")
    assert read == [("acc-1", "web_visit", 4), ("acc-2", "café_meeting", 5)]
    activity = report.files["activity"]
    assert activity.columns["kind"] == "type"
    assert "2 empty lines before the first row skipped" in " ".join(activity.notes)


@pytest.mark.parametrize("name", ["activity.xlsx", "activity-renamed.csv"])
def test_an_excel_workbook_is_refused_with_how_to_save_a_csv(
    tmp_path: Path, default_model: TieringModel, name: str
) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["account_id", "timestamp", "type"])
    workbook.active.append(["acc-1", "2026-09-20", "Web Visit"])
    workbook.save(tmp_path / name)
    connection = portfolio(tmp_path, default_model)

    with pytest.raises(SourceError) as refused:
        load_signals(
            connection,
            [SignalFile("activity", tmp_path / name)],
            default_model,
            AS_OF,
            tmp_path / "scratch",
        )

    message = str(refused.value)
    assert message.startswith(f"{name}: an Excel workbook; signal files must be CSV ")
    assert "CSV UTF-8 (Comma delimited) (.csv)" in message
    assert "import the .xlsx" not in message


@pytest.mark.parametrize(
    "given",
    [
        pytest.param("NaN", id="not-a-number"),
        pytest.param("inf", id="infinite"),
        pytest.param("-Infinity", id="minus-infinite"),
    ],
)
def test_a_weight_that_is_no_finite_number_is_left_out(
    tmp_path: Path, default_model: TieringModel, given: str
) -> None:
    # A float column from a dataframe keeps NaN and infinity as values; a
    # NaN weight was counted, and a decayed sum of it scored full points.
    connection = portfolio(tmp_path, default_model)
    parquet = tmp_path / "a.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["acc-1", "acc-2"],
                "timestamp": ["2026-09-01", "2026-09-01"],
                "type": ["visit", "visit"],
                "weight": pa.array([2.0, float(given)], pa.float64()),
            }
        ),
        parquet,
    )

    report = load_signals(
        connection, [SignalFile("activity", parquet)], default_model, AS_OF, tmp_path
    )

    assert rows(connection, "signal_activity", "account_id", "weight") == [
        ("acc-1", 2.0)
    ]
    dropped = report.files["activity"].dropped
    assert dropped["weight not a number of 0 or more"].examples == [2]
