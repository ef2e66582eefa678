"""The import report: reconciling counts, its text, the threshold, and the CLI.

``tierwise check`` prints the report without scoring; ``tier`` prints a short
form, writes the whole report beside the results, and stops before scoring
when too many rows have problems unless ``--accept-warnings``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pyarrow.csv as pa_csv
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import SourceError
from tierwise.jobs import check_file, tier_file
from tierwise.model.fields import FieldKind
from tierwise.sample import DEMO_SEED, write_portfolio
from tierwise.sample.signals import write_portfolio_signals
from tierwise.sources import (
    ColumnMapping,
    ColumnSpec,
    ImportReport,
    read_accounts,
    report_text,
    short_report,
)
from tierwise.sources.report import absent_lines

WriteFile = Callable[..., Path]

MESSY = (
    '"Accounts export"\n'
    "account_id,name,domain,annual_revenue,employees\n"
    "a-1,Acme,https://www.acme.example/,1.2M,51-200\n"
    "a-2,Globex,globex.example,< 1M,10\n"
    "a-3,Initech,eu.initech.example,7,1.000\n"
    ",Nameless id,,,\n"
    "\n"
    "Grand Totals (4 records),,,,\n"
)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    return CliRunner()


def test_report_reconciles_and_lists_every_kind(write_file: WriteFile) -> None:
    path = write_file("messy.csv", MESSY)
    fields = {
        "account_id": FieldKind.TEXT,
        "name": FieldKind.TEXT,
        "domain": FieldKind.TEXT,
        "annual_revenue": FieldKind.NUMBER,
        "employees": FieldKind.NUMBER,
    }
    mapping = ColumnMapping(
        "test",
        {
            "account_id": ColumnSpec("account_id"),
            "name": ColumnSpec("name"),
            "domain": ColumnSpec("domain", normalise="domain"),
            "annual_revenue": ColumnSpec("annual_revenue"),
            "employees": ColumnSpec("employees"),
        },
    )

    _, report = read_accounts(path, fields, mapping)

    assert report.reconciles()
    assert (report.rows_read, report.rows_used) == (7, 3)
    assert report.skipped == [
        (1, "title above the header"),
        (6, "blank account_id"),
        (7, "blank row"),
        (8, "total row"),
    ]
    assert report.problem_rows() == [4, 5, 6]
    text = report_text(report)
    for expected in (
        "Rows read 7 = used 3 + skipped 4",
        "row 6: blank account_id",
        "'< 1M' read as 0 (span 0 to 1,000,000)",
        # One employee, or a thousand with the dot grouping thousands.
        "'1.000' read as 1 (decimal point)",
        "a subdomain folded under its domain",
        "employees ('employees'): ",
    ):
        assert expected in text
    assert short_report(report)[0].startswith("Rows read 7 = used 3 + skipped 4")


def test_tier_stops_before_scoring_above_the_threshold(
    write_file: WriteFile, tmp_path: Path
) -> None:
    path = write_file("messy.csv", MESSY)

    with pytest.raises(
        SourceError, match=r"3 of 7 rows have problems \(rows 4, 5, 6\)"
    ):
        tier_file(path, tmp_path / "out", date(2026, 9, 30))

    assert not (tmp_path / "out").exists()


def test_one_problem_row_is_named_as_one_row(
    write_file: WriteFile, tmp_path: Path
) -> None:
    path = write_file("one.csv", "account_id,name\na-1,Acme\n,Globex\na-3,Initech\n")

    with pytest.raises(SourceError, match=r"1 of 3 rows has problems \(row 3\)"):
        tier_file(path, tmp_path / "out", date(2026, 9, 30))


def test_check_says_one_row_has_problems(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "one.csv").write_text("account_id,name\na-1,Acme\n,Globex\n", "utf-8")

    result = cli.invoke(app, ["check", "one.csv"])

    assert result.exit_code == 1, result.output
    assert "1 of 2 rows has problems:" in result.output


def test_accept_warnings_tiers_and_writes_both_reports(
    write_file: WriteFile, tmp_path: Path
) -> None:
    path = write_file("messy.csv", MESSY)

    job = tier_file(path, tmp_path / "out", date(2026, 9, 30), accept_warnings=True)

    assert job.run.accounts == 3
    written = json.loads((tmp_path / "out" / "import-report.json").read_text())
    assert (written["rows_read"], written["reconciles"]) == (7, True)
    assert written["problem_rows"] == [4, 5, 6]
    text = (tmp_path / "out" / "import-report.txt").read_text(encoding="utf-8")
    assert text.startswith(f"Import report for {path}")


def test_check_prints_the_report_and_exits_1_on_problems(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "messy.csv").write_text(MESSY, encoding="utf-8")

    result = cli.invoke(app, ["check", "messy.csv"])

    assert result.exit_code == 1, result.output
    assert "Rows read 7 = used 3 + skipped 4" in result.output
    assert "--accept-warnings" in result.output
    assert not (tmp_path / "tierwise-out").exists()


def test_check_of_a_clean_file_exits_0(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "clean.csv").write_text("account_id,name\na-1,Acme\n", "utf-8")

    result = cli.invoke(app, ["check", "clean.csv", "--preset", "generic"])

    assert result.exit_code == 0, result.output
    assert "0 row(s) with problems" in result.output


def test_check_of_an_unreadable_file_names_the_cell(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "bad.csv").write_text(
        "account_id,name,employees\na-1,Acme,lots\n", "utf-8"
    )

    result = cli.invoke(app, ["check", "bad.csv"])

    assert result.exit_code == 2
    assert "row 2, column 'employees' (employees): 'lots' is not a number" in (
        result.output
    )


def test_tier_cli_accept_warnings_and_short_report(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "messy.csv").write_text(MESSY, encoding="utf-8")

    stopped = cli.invoke(app, ["tier", "messy.csv", "--as-of", "2026-09-30"])
    accepted = cli.invoke(
        app,
        ["tier", "messy.csv", "--as-of", "2026-09-30", "--accept-warnings"],
    )

    assert stopped.exit_code == 2 and "nothing was scored" in stopped.output
    assert accepted.exit_code == 0, accepted.output
    assert "flagged: a bound, not an exact number" in accepted.output
    assert "import-report.txt" in accepted.output


def test_check_uses_the_models_exchange_rates(
    write_file: WriteFile, tmp_path: Path
) -> None:
    from tierwise.model import default_model_text

    model = tmp_path / "model.yaml"
    model.write_text(
        default_model_text()
        + "\nexchange_rates:\n  as_of: 2026-01-01\n  rates: {USD: 0.92}\n",
        encoding="utf-8",
    )
    path = write_file("usd.csv", 'account_id,name,annual_revenue\na,A,"$1,000"\n')

    report = check_file(path, model_path=model)

    assert [(tally.what, tally.example) for tally in report.repairs][-1] == (
        "converted from USD at 0.92 EUR/USD",
        "row 2: '$1,000' → 920.0",
    )
    with pytest.raises(SourceError, match=r"is in GBP, which the model has no"):
        check_file(write_file("gbp.csv", "account_id,name,annual_revenue\na,A,£5\n"))


def test_a_converted_amounts_example_is_the_scored_number(
    write_file: WriteFile, tmp_path: Path
) -> None:
    from tierwise.model import default_model_text
    from tierwise.sources import load_mapping_file

    model = tmp_path / "model.yaml"
    model.write_text(
        default_model_text()
        + "\nexchange_rates:\n  as_of: 2026-01-01\n  rates: {USD: 0.92}\n",
        encoding="utf-8",
    )
    mapping = load_mapping_file(
        write_file(
            "m.yaml",
            "columns:\n"
            "  account_id: id\n"
            "  name: name\n"
            "  annual_revenue: {column: Revenue (M), multiply: 1000000}\n",
        )
    )
    path = write_file("usd.csv", 'id,name,Revenue (M)\na,A,"$1,100.04"\n')

    report = check_file(path, model_path=model, mapping=mapping)

    assert [(tally.what, tally.example) for tally in report.repairs][-1] == (
        "converted from USD at 0.92 EUR/USD",
        "row 2: '$1,100.04' → 1012036800.0",
    )


def test_fields_signal_files_fill_are_listed_apart_from_account_columns() -> None:
    report = ImportReport("accounts.csv", rows_read=1, rows_used=1)
    report.absent_fields = ["industry", "engagement_decayed", "intent_score"]
    report.signal_fields = {
        "engagement_decayed": "activity",
        "web_visits_30d": "activity",
        "intent_score": "intent",
    }

    assert absent_lines(report) == [
        "Not in the file (scored by each criterion's missing-value policy): industry",
        "Filled from signal files when given (--activity, --intent), else scored "
        "by each criterion's missing-value policy: --activity: engagement_decayed; "
        "--intent: intent_score",
    ]

    report.signals_given = ["activity"]
    assert absent_lines(report)[1:] == [
        "Filled from signal files when given (--intent), else scored by each "
        "criterion's missing-value policy: --intent: intent_score",
    ]


AS_OF = date(2026, 9, 30)
SIGNAL_FIELDS = (
    "engagement_decayed",
    "buying_group_coverage_pct",
    "job_postings_90d",
    "contact_engagement",
    "last_funding_date",
)


def test_check_lists_signal_fields_apart(write_file: WriteFile) -> None:
    path = write_file("plain.csv", "account_id,name,industry\na1,Acme,Retail\n")

    lines = report_text(check_file(path)).splitlines()

    absent = next(line for line in lines if line.startswith("Absent: "))
    filled = next(line for line in lines if line.startswith("Filled from signal"))
    assert not [field for field in SIGNAL_FIELDS if field in absent]
    assert "employees" in absent
    assert filled.startswith(
        "Filled from signal files when given (--activity, --intent, --contacts, "
        "--events), else scored by each criterion's missing-value policy: "
        "--activity: "
    )
    # Only the fields scoring reads, as tier and lint say.
    assert not [field for field in SIGNAL_FIELDS if field in filled]
    read = ["web_visits_30d", "champion_identified", "competitor_contract_end"]
    assert all(field in filled for field in read)


def test_tier_summary_lists_signal_fields_apart(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "portfolio"
    folder.mkdir()
    written = write_portfolio(folder / "accounts.csv", 20, DEMO_SEED, as_of=AS_OF)
    files = write_portfolio_signals(folder, 20, DEMO_SEED, AS_OF).by_kind()
    # Without a column of its own for a field each of three signal files
    # fills, and which the default model's criteria and gates read.
    accounts = folder / "lacking.csv"
    unfilled = ["web_visits_30d", "champion_identified", "competitor_contract_end"]
    pa_csv.write_csv(pa_csv.read_csv(written).drop_columns(unfilled), accounts)
    command = ["tier", str(accounts), "--as-of", AS_OF.isoformat()]

    alone = cli.invoke(app, [*command, "--out", str(tmp_path / "alone")])
    given = cli.invoke(
        app,
        [
            *command,
            "--out",
            str(tmp_path / "given"),
            "--activity",
            str(files["activity"]),
        ],
    )

    assert (alone.exit_code, given.exit_code) == (0, 0)
    absent = [
        line for line in alone.output.splitlines() if line.startswith("Not in the")
    ]
    assert absent == []
    assert (
        "Filled from signal files when given (--activity, --contacts, --events), "
        "else scored by each criterion's missing-value policy: --activity: "
        "web_visits_30d; --contacts: champion_identified; --events: "
        "competitor_contract_end"
    ) in " ".join(alone.output.split())
    # The portfolio's own columns hold the intent score; only the contacts
    # and events files are left to give. Fields no criterion reads (such as
    # engagement_decayed) are named nowhere.
    assert "when given (--contacts, --events)" in " ".join(given.output.split())
    assert "--activity" not in given.output
    assert not [field for field in SIGNAL_FIELDS if field in alone.output]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            "A1,Acme\nA1,Acme\nB2,Beta\n",
            "1 row merged into another row with the same account_id: row 3 into "
            "row 2 (A1)",
            id="one-row",
        ),
        pytest.param(
            "A1,Acme\nA1,Acme\nA1,Acme\nB2,Beta\nB2,Beta\n",
            "3 rows merged into another row with the same account_id: row 3 into "
            "row 2 (A1), row 4 into row 2 (A1), row 6 into row 5 (B2)",
            id="three-rows-two-accounts",
        ),
    ],
)
def test_short_report_names_merged_rows_in_words_that_agree(
    write_file: WriteFile, rows: str, expected: str
) -> None:
    path = write_file("dup.csv", "account_id,name\n" + rows)
    fields = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}
    mapping = ColumnMapping(
        "test", {"account_id": ColumnSpec("account_id"), "name": ColumnSpec("name")}
    )

    _, report = read_accounts(path, fields, mapping)

    assert short_report(report)[1] == expected


def test_too_many_problems_names_every_option_check_needs(
    write_file: WriteFile, tmp_path: Path
) -> None:
    # The model decides which columns are read and its exchange rates, so a
    # `check` without the run's --model can stop where `tier` read on.
    path = write_file("messy.csv", MESSY)

    with pytest.raises(
        SourceError, match=r"same --model and --preset or --mapping as the run"
    ):
        tier_file(path, tmp_path / "out", date(2026, 9, 30))
