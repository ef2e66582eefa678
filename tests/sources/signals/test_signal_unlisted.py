"""Activity types and event kinds the model does not list, in the match report.

A type such as ``LinkedIn InMail`` that the model's ``kinds:`` does not list
is still counted by the features that read every type, and left out by the
ones that list theirs. The report names such types, their rows, and the
fields that counted them; the engine's own roll-up is the judge of that.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
from signal_helpers import AS_OF, load, portfolio
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.engine.compile import compile_model
from tierwise.model import TieringModel
from tierwise.sources.signals import signal_report_lines
from tierwise.sources.signals.report import Count, UnlistedKinds
from tierwise.sources.signals.tally import MAX_GROUPED_LABELS
from tierwise.sources.signals.unlisted import MAX_UNLISTED_SHOWN

# acc-5's only activity is of types the default model does not list.
ACTIVITY = """account_id,timestamp,type
acc-1,2026-09-20,Web Visit
acc-1,2026-09-21,LinkedIn InMail
acc-5,2026-09-20,LinkedIn InMail
acc-5,2026-06-20,linkedin-inmail
acc-5,2026-09-01,Trade Show
acc-2,2026-09-01,Page View
"""
EVERY_TYPE = ["last_engagement_date", "engagement_decayed", "engagement_vs_baseline"]
LISTED_ONLY = ["web_visits_30d", "content_downloads_90d", "events_attended_180d"]


def _fields(
    connection: duckdb.DuckDBPyConnection, model: TieringModel, source: str
) -> dict[str, dict[str, Any]]:
    """Each account's fields as the engine fills them from the signal rows."""
    columns = [row[0] for row in connection.sql("DESCRIBE accounts").fetchall()]
    compiled = compile_model(model, AS_OF, columns, signal_sources=[source])
    cursor = connection.sql(compiled.step_query("source").sql(dialect="duckdb"))
    names = cursor.columns
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["account_id"]: row for row in rows}


def test_unlisted_activity_types_are_named_with_their_rows_and_fields(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)

    report = load(connection, tmp_path, default_model, "activity", "a.csv", ACTIVITY)

    assert report.files["activity"].unlisted == UnlistedKinds(
        rows=4,
        kind_count=2,
        shown={"linkedin_inmail": Count(3, [3, 4, 5]), "trade_show": Count(1, [6])},
        counted_in=EVERY_TYPE,
        left_out_of=LISTED_ONLY,
        weight="1 (the file has no weight column)",
    )


def test_the_fields_the_report_names_are_the_ones_the_engine_fills(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    report = load(connection, tmp_path, default_model, "activity", "a.csv", ACTIVITY)
    unlisted = report.files["activity"].unlisted
    assert unlisted is not None

    only_unlisted = _fields(connection, default_model, "activity")["acc-5"]

    assert all(only_unlisted[name] for name in unlisted.counted_in), only_unlisted
    assert [only_unlisted[name] for name in unlisted.left_out_of] == [0, 0, 0]


def test_a_weight_column_is_named_as_the_weight_unlisted_rows_count_at(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,timestamp,type,weight\nacc-1,2026-09-20,InMail,3\n"

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    unlisted = report.files["activity"].unlisted
    assert unlisted is not None
    assert unlisted.weight == "the file's weight (1 where it is blank)"


def test_types_listed_by_label_key_or_feature_are_not_reported(
    tmp_path: Path, default_model: TieringModel
) -> None:
    signals = default_model.signals
    assert signals is not None and signals.activity is not None
    features = signals.activity.features
    trade_shows = features[0].model_copy(
        update={"field": "trade_shows_90d", "kinds": ["Trade Show"]}
    )
    section = signals.activity.model_copy(update={"features": [*features, trade_shows]})
    model = default_model.model_copy(
        update={"signals": signals.model_copy(update={"activity": section})}
    )
    connection = portfolio(tmp_path, model)
    text = (
        "account_id,timestamp,type\n"
        "acc-1,2026-09-20,Page View\n"
        "acc-1,2026-09-20,web_visit\n"
        "acc-1,2026-09-20,TRADE-SHOW\n"
    )

    report = load(connection, tmp_path, model, "activity", "a.csv", text)

    assert report.files["activity"].unlisted is None


def test_unlisted_event_kinds_are_left_out_of_every_field(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = (
        "account_id,event_type,date\nacc-1,IPO,2026-07-01\nacc-2,Series B,2026-07-01\n"
    )

    report = load(connection, tmp_path, default_model, "events", "e.csv", text)

    unlisted = report.files["events"].unlisted
    assert unlisted is not None
    assert (unlisted.shown, unlisted.counted_in, unlisted.weight) == (
        {"ipo": Count(1, [2])},
        [],
        None,
    )
    assert "last_funding_date" in unlisted.left_out_of
    lines = signal_report_lines(report)
    assert "    left out of last_funding_date" in " ".join(lines)
    assert not any("counted in" in line for line in lines)


def test_many_unlisted_types_are_counted_and_the_most_frequent_named(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    rows = "".join(
        f"acc-1,2026-09-20,Custom Type {n}\n" * (1 + (n == 7)) for n in range(25)
    )

    report = load(
        connection,
        tmp_path,
        default_model,
        "activity",
        "a.csv",
        "account_id,timestamp,type\n" + rows,
    )

    unlisted = report.files["activity"].unlisted
    assert unlisted is not None
    assert (unlisted.rows, unlisted.kind_count, len(unlisted.shown)) == (26, 25, 20)
    assert next(iter(unlisted.shown)) == "custom_type_7"
    heading = signal_report_lines(report)[2]
    assert heading.startswith(
        "  not listed under signals.activity.kinds: 26 rows of 25 types: "
        "custom_type_7 2 (rows 9, 10), custom_type_0 1 (row 2)"
    )
    assert heading.endswith(", …")


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def test_tier_prints_the_unlisted_types_and_how_they_counted(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "accounts.csv").write_text(
        "account_id,name\nacc-1,Lumen Grid\nacc-2,Kestrel Row\nacc-5,Orchid Bay\n",
        encoding="utf-8",
    )
    (tmp_path / "activity.csv").write_text(ACTIVITY, encoding="utf-8")

    result = cli.invoke(
        app,
        [
            "tier",
            "accounts.csv",
            "--activity",
            "activity.csv",
            "--as-of",
            AS_OF.isoformat(),
            "--no-store",
        ],
    )

    assert result.exit_code == 0, result.output
    assert (
        "not listed under signals.activity.kinds: 4 rows of 2 types: "
        "linkedin_inmail 3 (rows 3, 4, 5), trade_show 1 (row 6)"
    ) in result.output
    assert (
        f"counted in {', '.join(EVERY_TYPE)}, whose features read every type, "
        "each row at weight 1 (the file has no weight column)"
    ) in result.output
    assert f"left out of {', '.join(LISTED_ONLY)}" in result.output


# A type column that holds free text about people: an address, a sentence.
FREE_TEXT = """account_id,timestamp,type
acc-1,2026-09-20,Call with jane.doe@example.com
acc-1,2026-09-21,Meeting with Jane Doe
acc-2,2026-09-21,Follow-up email to Mr. Kowalski re pricing
acc-2,2026-09-22,Trade Show
acc-5,2026-09-22,555 0123 4567
"""
PERSONAL = ("jane", "example.com", "kowalski", "4567")


def test_types_that_look_like_free_text_are_counted_but_never_named(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)

    report = load(connection, tmp_path, default_model, "activity", "a.csv", FREE_TEXT)

    unlisted = report.files["activity"].unlisted
    assert unlisted is not None
    assert (unlisted.rows, unlisted.kind_count, unlisted.free_text) == (5, 5, 4)
    assert unlisted.shown == {"trade_show": Count(1, [5])}
    lines = signal_report_lines(report)
    assert "4 more types not shown: they look like free text" in "\n".join(lines)
    shown = "\n".join(lines).lower()
    assert not [word for word in PERSONAL if word in shown]


def test_tier_writes_no_free_text_type_to_any_output(
    cli: CliRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "accounts.csv").write_text(
        "account_id,name\nacc-1,Lumen Grid\nacc-2,Kestrel Row\nacc-5,Orchid Bay\n",
        encoding="utf-8",
    )
    (tmp_path / "activity.csv").write_text(FREE_TEXT, encoding="utf-8")

    result = cli.invoke(
        app,
        [
            *("--verbose", "tier", "accounts.csv", "--activity", "activity.csv"),
            *("--as-of", AS_OF.isoformat(), "--no-store", "--out", "out"),
        ],
    )

    assert result.exit_code == 0, result.output
    assert "4 more types not shown" in result.output
    written = [
        path.read_bytes().decode("utf-8", "replace")
        for path in (tmp_path / "out").rglob("*")
        if path.is_file() and path.suffix != ".parquet"
    ]
    everything = "\n".join([result.output, caplog.text, *written]).lower()
    assert not [word for word in PERSONAL if word in everything]


@pytest.mark.xfail(
    strict=True,
    reason="a short type that names a person without a word such as 'with' "
    "(Call Jane) does not look like free text, so the report names it",
)
def test_a_short_type_naming_a_person_is_not_named(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = "account_id,timestamp,type\nacc-1,2026-09-20,Call Jane\n"

    report = load(connection, tmp_path, default_model, "activity", "a.csv", text)

    unlisted = report.files["activity"].unlisted
    assert unlisted is not None
    assert unlisted.shown == {}


def test_past_a_thousand_types_only_the_most_frequent_are_counted_one_by_one(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)
    count = MAX_GROUPED_LABELS + 500
    rows = [f"acc-{1 + n % 2},2026-09-20,Custom Type {n}\n" for n in range(count)]
    rows += ["acc-5,2026-09-21,Trade Show\n"] * 40 + ["acc-1,2026-09-21,Web Visit\n"]

    report = load(
        connection,
        tmp_path,
        default_model,
        "activity",
        "a.csv",
        "account_id,timestamp,type\n" + "".join(rows),
    )

    unlisted = report.files["activity"].unlisted
    assert unlisted is not None
    assert unlisted.estimated
    assert unlisted.rows == count + 40
    assert abs(unlisted.kind_count - (count + 1)) < 0.05 * count
    first, *_ = unlisted.shown.items()
    assert first == ("trade_show", Count(40, list(range(count + 2, count + 7))))
    assert len(unlisted.shown) == MAX_UNLISTED_SHOWN
    heading, hint = signal_report_lines(report)[2:4]
    assert heading.startswith(
        f"  not listed under signals.activity.kinds: {count + 40:,} rows of about "
    )
    assert hint.startswith("    so many types are rarely a type column: if 'type'")


def test_a_kind_label_with_a_dotted_capital_i_matches_every_spelling(
    tmp_path: Path, default_model: TieringModel
) -> None:
    signals = default_model.signals
    assert signals is not None and signals.activity is not None
    kinds = {**signals.activity.kinds, "meeting": ["İş Görüşmesi"]}
    section = signals.activity.model_copy(update={"kinds": kinds})
    model = default_model.model_copy(
        update={"signals": signals.model_copy(update={"activity": section})}
    )
    connection = portfolio(tmp_path, model)
    text = (
        "account_id,timestamp,type\n"
        "acc-1,2026-09-20,İş Görüşmesi\n"
        "acc-1,2026-09-21,İŞ GÖRÜŞMESİ\n"
        "acc-1,2026-09-22,iş görüşmesi\n"
    )

    report = load(connection, tmp_path, model, "activity", "a.csv", text)

    assert report.files["activity"].unlisted is None
    kinds_read = connection.sql("SELECT DISTINCT kind FROM signal_activity").fetchall()
    assert kinds_read == [("meeting",)]
