"""The command line, driven as a user drives it, in a scratch folder."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.model import load_model
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    return CliRunner()


def test_demo_prints_the_tier_summary_and_writes_results(
    cli: CliRunner, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["demo"])

    assert result.exit_code == 0, result.output
    tier_1 = re.search(r"tier_1\s+│\s+Strategic\s+│\s+(\d+)\s+│\s+15", result.output)
    assert tier_1 is not None and int(tier_1.group(1)) <= 15
    assert "warning:" in result.output and "capped" in result.output
    with (tmp_path / "tierwise-out" / "tiers.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1000
    assert all(row["tier"] and row["reason"] for row in rows)
    assert sum(row["tier"] == "tier_1" for row in rows) <= 15


def test_explain_adds_up_for_a_demo_account(cli: CliRunner) -> None:
    assert cli.invoke(app, ["demo"]).exit_code == 0

    result = cli.invoke(app, ["explain", "F1000-0002"])

    assert result.exit_code == 0, result.output
    total = re.search(r"Total: (\d+) of (\d+) → ([\d.]+)", result.output)
    assert total is not None
    earned, possible, shown = int(total.group(1)), int(total.group(2)), total.group(3)
    assert f"{earned * 10000 // possible / 100:.2f}" == shown
    subtotals = [
        int(n)
        for n in re.findall(r"\(weight \d+\)\s+→ [\d.]+\s+(\d+)\s+\d+", result.output)
    ]
    assert len(subtotals) == 4
    assert sum(subtotals) == earned
    assert "Tier:" in result.output and "reason" in result.output


def test_explain_says_in_words_which_gate_decided_the_reason(
    cli: CliRunner, tmp_path: Path
) -> None:
    accounts = build_demo_portfolio().slice(0, 20).to_pylist()
    accounts[0].update(account_id="no-potential", potential_acv=None)
    accounts[0]["annual_revenue"] = None
    with (tmp_path / "a.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(accounts[0]))
        writer.writeheader()
        writer.writerows(accounts)
    tiered = cli.invoke(
        app, ["tier", "a.csv", "--as-of", DEMO_AS_OF.isoformat(), "--no-store"]
    )
    assert tiered.exit_code == 0, tiered.output

    result = cli.invoke(app, ["explain", "no-potential"])

    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "reason insufficient_data" in said
    assert (
        "tier_3: potential: unknown — none given, no revenue to estimate it; "
        "needs at least 50,000 ◀ decides" in said
    )
    assert "Why: Programmatic (tier_3): the total" in said
    assert "disqualifier entrenched_competitor: not triggered" in said
    assert not re.search(r"\b(pass|fail)\b", said)


def test_explain_an_unknown_account_says_so(cli: CliRunner) -> None:
    assert cli.invoke(app, ["demo"]).exit_code == 0

    result = cli.invoke(app, ["explain", "nobody"])

    said = " ".join(result.output.split())
    assert result.exit_code == 2
    # Nothing else was asked: there is no rest to explain.
    assert "no account with id nobody in the run in tierwise-out" in said
    assert "check the id, or find it in tierwise-out/tiers.parquet" in said
    assert "the rest" not in said


def test_explain_names_an_unknown_id_among_known_ones(cli: CliRunner) -> None:
    # A typo among several ids must not be dropped without a word.
    assert cli.invoke(app, ["demo"]).exit_code == 0

    result = cli.invoke(app, ["explain", "F1000-0003", "f1000-0002"])

    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "no account with id f1000-0002 in the run in tierwise-out" in said
    assert "ids are case-sensitive" in said
    assert "leave them out to explain the rest" in said
    assert "Exxon" not in said


def test_explain_without_a_run_says_what_to_do(cli: CliRunner) -> None:
    result = cli.invoke(app, ["explain", "x"])

    assert result.exit_code == 2
    assert "run `tierwise tier ACCOUNTS --out DIR` first" in result.output


def test_init_writes_an_editable_model_and_mapping(
    cli: CliRunner, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["init"])

    assert result.exit_code == 0, result.output
    model_text = (tmp_path / "tierwise-model.yaml").read_text(encoding="utf-8")
    assert model_text.count("\n#") > 10  # comments explain the keys
    written = load_model(tmp_path / "tierwise-model.yaml")
    assert written.name == "my-model"
    assert written.model_copy(update={"name": "default"}) == load_model()
    assert "preset:" in (tmp_path / "tierwise-mapping.yaml").read_text(encoding="utf-8")

    again = cli.invoke(app, ["init"])
    assert again.exit_code == 1 and "--force" in again.output
    assert cli.invoke(app, ["init", "--force"]).exit_code == 0


def test_init_then_tier_with_both_files(cli: CliRunner, tmp_path: Path) -> None:
    assert cli.invoke(app, ["init"]).exit_code == 0
    assert (
        cli.invoke(app, ["sample", "--accounts", "300", "--out", "mine.csv"]).exit_code
        == 0
    )

    result = cli.invoke(
        app,
        [
            "tier",
            "mine.csv",
            "--model",
            "tierwise-model.yaml",
            "--mapping",
            "tierwise-mapping.yaml",
            "--as-of",
            "2026-09-30",
            "--out",
            "results",
        ],
    )

    assert result.exit_code == 0, result.output
    assert (tmp_path / "results" / "tiers.parquet").exists()


def test_init_models_exchange_rates_example_converts_dollars_once_uncommented(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert cli.invoke(app, ["init"]).exit_code == 0
    accounts = tmp_path / "usd.csv"
    accounts.write_text(
        "account_id,name,annual_revenue\nA1,Acme,$127.5M\n", encoding="utf-8"
    )
    tier = ["tier", "usd.csv", "--model", "tierwise-model.yaml", "--no-store"]
    tier += ["--as-of", "2026-09-30", "--out", "results"]

    stopped = cli.invoke(app, tier)
    assert stopped.exit_code == 2
    assert "add USD under `exchange_rates: rates:`" in stopped.output

    model = tmp_path / "tierwise-model.yaml"
    lines = model.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("# exchange_rates:\n")
    block = [line.removeprefix("# ") for line in lines[start : start + 5]]
    model.write_text("".join(lines[:start] + block + lines[start + 5 :]), "utf-8")
    rate = load_model(model).exchange_rates
    assert rate is not None

    result = cli.invoke(app, tier)

    assert result.exit_code == 0, result.output
    report = (tmp_path / "results" / "import-report.txt").read_text(encoding="utf-8")
    assert f"converted from USD at {rate.rates['USD']} EUR/USD" in report


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["check"], id="check"),
        pytest.param(["tier", "--no-store", "--out", "results"], id="tier"),
    ],
)
def test_a_missing_rate_on_the_default_model_says_to_write_it_out_first(
    cli: CliRunner, tmp_path: Path, command: list[str]
) -> None:
    (tmp_path / "usd.csv").write_text(
        "account_id,name,annual_revenue\nA1,Acme,$127.5M\nA2,Beta,$3M\n",
        encoding="utf-8",
    )

    stopped = cli.invoke(app, [command[0], "usd.csv", *command[1:]])

    assert stopped.exit_code == 2
    fix = " ".join(stopped.output.split()).split("To fix: ")[1]
    assert fix == (
        "annual_revenue: the built-in default model has no exchange rates: run "
        "`tierwise init`, add USD under `exchange_rates: rates:` (units of EUR "
        "per USD) in the tierwise-model.yaml it writes, and pass that file with "
        "--model; or correct the currency"
    )


def test_a_broken_model_stops_before_anything_is_written(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert (
        cli.invoke(app, ["sample", "--accounts", "20", "--out", "a.csv"]).exit_code == 0
    )
    (tmp_path / "bad.yaml").write_text(
        "name: x\ncurrency: EUR\ndimensions: []\ntiers: []\n", encoding="utf-8"
    )

    result = cli.invoke(
        app, ["tier", "a.csv", "--model", "bad.yaml", "--out", "results"]
    )

    assert result.exit_code == 2
    assert "dimensions (line 3)" in result.output and "tiers (line 4)" in result.output
    assert "nothing was scored" in result.output
    assert not (tmp_path / "results").exists()


def test_a_file_without_an_id_column_lists_the_headers(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "a.csv").write_text("Account Nr,name\n1,Acme\n", encoding="utf-8")

    result = cli.invoke(app, ["tier", "a.csv", "--out", "results"])

    assert result.exit_code == 2
    assert "account_id" in result.output and "Account Nr" in result.output
    assert not (tmp_path / "results").exists()


def test_tier_warns_when_a_must_have_reads_a_column_the_export_lacks(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "Account.csv").write_text(
        "Id,Name,Industry,AnnualRevenue,NumberOfEmployees\n"
        "001bm00001ZL8U9AAL,Edge Communications,Electronics,139000000,1000\n"
        "001bm00001ZL8UAAA1,Burlington Textiles,Apparel,350000000,9000\n",
        encoding="utf-8",
    )

    result = cli.invoke(
        app, ["tier", "Account.csv", "--preset", "salesforce", "--no-store"]
    )

    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert (
        "warning: Strategic (tier_1): must-have exec_sponsor reads exec_sponsor, "
        "which the accounts do not have (no such column)" in said
    )
    assert (
        "fill exec_sponsor from a file given with --contacts, or map a column to "
        "exec_sponsor" in said
    )


@pytest.mark.parametrize(
    "asked",
    ["001bm00001ZL8U9", "001bm00001ZL8U9AAL"],
    ids=["15-character-as-in-the-file", "18-character-as-in-the-results"],
)
def test_explain_finds_a_salesforce_account_by_either_form_of_its_id(
    cli: CliRunner, tmp_path: Path, asked: str
) -> None:
    # The import keys a Salesforce account on its 18-character id, so the
    # 15-character id of the export (and of the Salesforce UI) found nothing,
    # where history and override find it.
    (tmp_path / "Account.csv").write_text(
        "Id,Name,Industry,AnnualRevenue,NumberOfEmployees\n"
        "001bm00001ZL8U9,Edge Communications,Electronics,139000000,1000\n"
        "001bm00001ZL8UA,Burlington Textiles,Apparel,350000000,9000\n",
        encoding="utf-8",
    )
    tiered = cli.invoke(
        app, ["tier", "Account.csv", "--preset", "salesforce", "--no-store"]
    )
    assert tiered.exit_code == 0, tiered.output

    result = cli.invoke(app, ["explain", asked])

    assert result.exit_code == 0, result.output
    assert "Edge Communications (001bm00001ZL8U9AAL)" in result.output


def test_preset_and_mapping_together_are_refused(cli: CliRunner) -> None:
    result = cli.invoke(
        app, ["tier", "a.csv", "--preset", "salesforce", "--mapping", "m.yaml"]
    )

    assert result.exit_code == 2
    assert "either --preset or --mapping" in result.output


@pytest.mark.parametrize(
    "command",
    [["sql"], ["demo", "--no-store"], ["sample", "--accounts", "10"]],
    ids=["sql", "demo", "sample"],
)
def test_a_bad_as_of_date_is_refused(cli: CliRunner, command: list[str]) -> None:
    # sample read its date before it reported errors: a traceback, exit 1.
    result = cli.invoke(app, [*command, "--as-of", "2026-13-01"])

    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "--as-of must be a date like 2026-09-30" in result.output


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"], ids=["first", "last"])
@pytest.mark.parametrize(
    "command",
    [
        ["sql"],
        ["tier", "a.csv", "--no-store"],
        ["sample", "--accounts", "3000", "--signals", "--out", "s.csv"],
    ],
    ids=["sql", "tier", "sample"],
)
def test_an_as_of_date_at_the_calendars_ends_is_refused(
    cli: CliRunner, tmp_path: Path, command: list[str], day: str
) -> None:
    # Windows of up to 100 years are counted from it: 9999-12-31 stopped the
    # engine, and sample after the accounts file was written, in a traceback.
    (tmp_path / "a.csv").write_text("account_id,name\na1,Acme\n")

    result = cli.invoke(app, [*command, "--as-of", day])

    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "--as-of must be between 1900-01-01 and 2999-12-31" in result.output
    assert not (tmp_path / "s.csv").exists()


def test_sample_onto_a_folder_names_the_folder(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "accounts.csv").mkdir()

    result = cli.invoke(app, ["sample", "--accounts", "10", "--out", "accounts.csv"])

    assert result.exit_code == 2, result.output
    assert f"{tmp_path / 'accounts.csv'}: Is a directory" in result.output
    assert ".partial" not in result.output


@pytest.mark.parametrize("master", ["nonsense", "local[0]", "local[abc]", ""])
def test_a_spark_master_spark_cannot_take_is_refused_before_reading(
    cli: CliRunner, tmp_path: Path, master: str
) -> None:
    # Spark said so only after starting Java, in a stack trace, and tierwise
    # then told the user to check Java and whether the master answers.
    pa_csv.write_csv(build_demo_portfolio().slice(0, 5), tmp_path / "a.csv")
    tier = ["tier", "a.csv", "--engine", "spark", "--no-store", "--out", "results"]

    result = cli.invoke(app, [*tier, "--spark-master", master])

    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert f"--spark-master {master!r} is not a Spark master URL" in said
    assert "spark://HOST:7077" in said
    assert not (tmp_path / "results").exists()


def test_sql_prints_the_query_in_a_dialect(cli: CliRunner) -> None:
    result = cli.invoke(app, ["sql", "--as-of", "2026-09-30", "--dialect", "spark"])

    assert result.exit_code == 0, result.output
    assert result.output.lstrip().startswith("WITH")
    assert "LIMIT 15" in result.output


@pytest.mark.parametrize(
    ("dialect", "collation"),
    [("mysql", "utf8mb4_bin"), ("MariaDB", "utf8mb4_nopad_bin")],
)
def test_sql_for_mysql_is_the_query_a_mysql_table_is_scored_with(
    cli: CliRunner, dialect: str, collation: str
) -> None:
    result = cli.invoke(app, ["sql", "--as-of", "2026-09-30", "--dialect", dialect])

    assert result.exit_code == 0, result.output
    # Text compared by code point and a set of characters trimmed as
    # DuckDB does, not plain MySQL's collation and TRIM.
    assert f"COLLATE {collation}" in result.output
    assert "REGEXP_REPLACE" in result.output and "TRIM(" not in result.output


@pytest.mark.parametrize("dialect", ["nosuch", "dax", "prql", "tableau", "solr"])
def test_sql_refuses_a_dialect_no_sql_database_speaks(
    cli: CliRunner, dialect: str
) -> None:
    result = cli.invoke(app, ["sql", "--dialect", dialect])

    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert f"--dialect {dialect!r} is not the dialect of a SQL database" in said
    offered = said.split("use one of: ")[1].split(", ")
    assert {"duckdb", "postgres", "mysql", "mariadb", "tsql"} <= set(offered)
    assert not {"dax", "prql", "tableau", "solr"} & set(offered)
    assert "Traceback" not in result.output


def test_sql_takes_a_dialect_in_capitals(cli: CliRunner) -> None:
    result = cli.invoke(app, ["sql", "--as-of", "2026-09-30", "--dialect", "Postgres"])

    assert result.exit_code == 0, result.output
    assert result.output.lstrip().startswith("WITH")


def test_help_matches_the_snapshot(cli: CliRunner) -> None:
    result = cli.invoke(app, ["--help"], terminal_width=100)

    path = SNAPSHOTS / "cli-help.txt"
    if os.environ.get("TIERWISE_UPDATE_SNAPSHOTS") == "1":
        path.write_text(result.output, encoding="utf-8")
    assert result.output == path.read_text(encoding="utf-8")


def test_two_demo_runs_a_quarter_apart_show_who_moved(cli: CliRunner) -> None:
    first = cli.invoke(app, ["demo", "--as-of", "2026-06-30", "--out", "q2"])
    second = cli.invoke(app, ["demo", "--out", "q3"])
    assert (first.exit_code, second.exit_code) == (0, 0), first.output + second.output

    diff = cli.invoke(app, ["diff", "1", "2"])
    history = cli.invoke(app, ["history", "F1000-0002"])

    assert diff.exit_code == 0, diff.output
    moved = re.search(r"(\d+) accounts changed tier", diff.output)
    assert moved is not None and 0 < int(moved.group(1)) < 1000
    held = re.search(r"(\d+) more kept their tier with a different total", diff.output)
    assert held is not None and int(moved.group(1)) + int(held.group(1)) <= 1000
    assert history.exit_code == 0
    assert "2026-06-30" in history.output and "2026-09-30" in history.output
    # The movers' heading follows the line about accounts that kept their
    # tier, so it names the movers rather than saying "among them".
    assert "Accounts that changed tier, largest score change first" in diff.output
    assert "among them" not in diff.output


def test_version_prints_the_version(cli: CliRunner) -> None:
    result = cli.invoke(app, ["--version"])

    assert result.exit_code == 0
    assert result.output.startswith("tierwise ")


def _duckdb_table(folder: Path) -> str:
    """A DuckDB file holding twenty demo accounts, as a --source URL::TABLE."""
    import duckdb

    demo = build_demo_portfolio().slice(0, 20)
    with duckdb.connect(str(folder / "crm.duckdb")) as connection:
        connection.register("demo", demo)
        connection.execute("CREATE TABLE accounts AS SELECT * FROM demo")
    return "duckdb:///crm.duckdb::accounts"


def test_explain_all_with_a_table_writes_every_accounts_points(
    cli: CliRunner, tmp_path: Path
) -> None:
    # It was left out without a word (no explain.parquet, exit status 0),
    # then refused; the points are now computed where the table is.
    source = _duckdb_table(tmp_path)

    result = cli.invoke(
        app, ["tier", "--source", source, "--explain-all", "--no-store"]
    )

    assert result.exit_code == 0, result.output
    points = pq.read_table(tmp_path / "tierwise-out" / "explain.parquet")
    assert points.num_rows == 20


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["tier", "a.csv", "--no-store", "--out", "taken"], id="tier"),
        pytest.param(
            ["tier", "a.csv", "--no-store", "--out", "taken/q4"], id="tier-under"
        ),
        pytest.param(["sample", "--out", "taken/p.parquet"], id="sample"),
        pytest.param(["init", "--force"], id="init"),
    ],
)
def test_a_path_that_cannot_be_written_is_named_without_a_traceback(
    cli: CliRunner, tmp_path: Path, arguments: list[str]
) -> None:
    # A file stands where the output folder should go (for init, where its
    # model file should go: a folder of that name).
    pa_csv.write_csv(build_demo_portfolio().slice(0, 5), tmp_path / "a.csv")
    (tmp_path / "taken").write_text("not a folder", encoding="utf-8")
    (tmp_path / "tierwise-model.yaml").mkdir()

    result = cli.invoke(app, arguments)

    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert re.search(r"error: \S*(taken|tierwise-model\.yaml)\S*: ", said), said
    assert "stands where a" in said


def test_sample_makes_the_folder_it_is_asked_to_write_in(
    cli: CliRunner, tmp_path: Path
) -> None:
    result = cli.invoke(app, ["sample", "--accounts", "10", "--out", "new/p.csv"])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "p.csv").is_file()


@pytest.mark.parametrize(
    ("folder", "said"),
    [
        # Refused before anything is written: the accounts and activity
        # files were written before intent.csv failed.
        ("intent.csv", "{path}: a folder stands where"),
        # Fails only while intent.csv is written, after the accounts file:
        # the accounts file stayed.
        (".intent.csv.partial", "a folder stands where a file is needed"),
    ],
)
def test_sample_signals_that_cannot_be_written_leave_no_file(
    cli: CliRunner, tmp_path: Path, folder: str, said: str
) -> None:
    (tmp_path / folder).mkdir()

    result = cli.invoke(
        app, ["sample", "--accounts", "20", "--out", "accounts.csv", "--signals"]
    )

    assert result.exit_code == 2, result.output
    assert said.format(path=tmp_path / folder) in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == [folder]


def test_sample_refuses_accounts_named_as_a_signal_file(
    cli: CliRunner, tmp_path: Path
) -> None:
    # The activity rows overwrote the accounts, reported as written.
    result = cli.invoke(
        app, ["sample", "--accounts", "20", "--out", "activity.csv", "--signals"]
    )

    assert result.exit_code == 2, result.output
    assert "activity.csv is one of them" in result.output
    assert list(tmp_path.iterdir()) == []


def test_sample_keeps_a_file_already_at_out(cli: CliRunner, tmp_path: Path) -> None:
    # A made-up portfolio was written over the file there without a word.
    mine = tmp_path / "accounts.csv"
    mine.write_text("account_id,name\nacc-1,Mine\n", encoding="utf-8")

    refused = cli.invoke(app, ["sample", "--accounts", "20", "--out", "accounts.csv"])

    assert refused.exit_code == 2, refused.output
    assert "accounts.csv already exists; use --force" in refused.output
    assert "Nothing was written" in refused.output
    assert mine.read_text(encoding="utf-8") == "account_id,name\nacc-1,Mine\n"

    forced = cli.invoke(
        app, ["sample", "--accounts", "20", "--out", "accounts.csv", "--force"]
    )

    assert forced.exit_code == 0, forced.output
    assert len(mine.read_text(encoding="utf-8").splitlines()) == 21


def test_sample_signals_keep_a_file_already_there(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "intent.csv").write_text("domain,topic\n", encoding="utf-8")

    refused = cli.invoke(
        app, ["sample", "--accounts", "20", "--out", "p.csv", "--signals"]
    )

    assert refused.exit_code == 2, refused.output
    assert "intent.csv already exists" in refused.output
    assert "or --out to write in another folder" in refused.output
    assert sorted(path.name for path in tmp_path.iterdir()) == ["intent.csv"]

    forced = cli.invoke(
        app, ["sample", "--accounts", "20", "--out", "p.csv", "--signals", "--force"]
    )

    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "intent.csv").read_text(encoding="utf-8") != "domain,topic\n"


def test_piped_output_keeps_each_sentence_on_one_line(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not a terminal (a file, a pipe, a CI log) and no width asked for: a
    # warning wrapped at 80 columns is found by grep only in halves.
    monkeypatch.delenv("COLUMNS")

    result = cli.invoke(app, ["demo"])

    assert result.exit_code == 0, result.output
    first = next(line for line in result.output.splitlines() if "warning:" in line)
    assert len(first) > 80
    assert re.fullmatch(r"warning: Strategic holds .* capped to a lower tier", first)


def test_piped_messages_on_stderr_keep_each_sentence_on_one_line(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Standard error is piped too, and its messages (a refusal, the store's
    # notice that it waits for another process) were wrapped at 80.
    monkeypatch.delenv("COLUMNS")
    assert cli.invoke(app, ["init"]).exit_code == 0

    again = cli.invoke(app, ["init"])

    assert again.exit_code == 1, again.output
    assert again.output.splitlines() == [
        "tierwise-model.yaml, tierwise-mapping.yaml already exist; use --force "
        "to overwrite. Nothing was written."
    ]


def test_a_folder_named_with_square_brackets_is_shown_as_written(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read as markup, "[b]" was taken for bold and dropped, so the explain
    # command the summary offers pointed at another folder.
    monkeypatch.delenv("COLUMNS")  # piped: each sentence on one line
    tiered = cli.invoke(app, ["demo", "--out", "q3 [b]"])
    sampled = cli.invoke(app, ["sample", "--accounts", "5", "--out", "s[b]/p.csv"])

    assert tiered.exit_code == 0, tiered.output
    assert "from q3 [b]/demo-portfolio.csv" in tiered.output
    assert "Import report: q3 [b]/import-report.txt" in tiered.output
    assert "tierwise explain ACCOUNT_ID --out q3 [b]" in tiered.output
    assert sampled.exit_code == 0, sampled.output
    assert "Wrote 5 accounts to s[b]/p.csv" in sampled.output


def test_names_in_a_model_with_square_brackets_are_shown_as_written(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "[b]" and "[i]" in a model's, a tier's or a dimension's name were
    # read as bold and italic and dropped from the summary and explain.
    monkeypatch.delenv("COLUMNS")
    assert cli.invoke(app, ["init"]).exit_code == 0
    model = tmp_path / "tierwise-model.yaml"
    text = model.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^name: .*$", 'name: "abm [b]2027"', text, count=1)
    text = text.replace("name: Strategic value", 'name: "Strategic [i]value"', 1)
    text = text.replace("name: Strategic\n", 'name: "Strategic [i]A"\n', 1)
    model.write_text(text, encoding="utf-8")
    cli.invoke(app, ["sample", "--accounts", "50", "--out", "p.csv"])

    tiered = cli.invoke(app, ["tier", "p.csv", "--model", str(model), "--out", "o"])
    first = pq.read_table(tmp_path / "o" / "tiers.parquet").column("account_id")[0]
    explained = cli.invoke(app, ["explain", first.as_py(), "--out", "o"])

    assert tiered.exit_code == 0, tiered.output
    assert "model abm [b]2027" in tiered.output
    assert "Strategic [i]A" in tiered.output
    assert explained.exit_code == 0, explained.output
    assert "Strategic [i]value" in explained.output
