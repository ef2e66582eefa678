"""The store's commands, driven as a user drives them, against both databases."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.engine import score_accounts
from tierwise.model import parse_model
from tierwise.store import Store, add_override, list_overrides, record_run

from .conftest import QUARTER_3, Score, record_demo_slices, results_of


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    return CliRunner()


@pytest.fixture
def two_runs(store: Store, score: Score) -> Store:
    """Runs 1 and 2: the demo's first 200 accounts, then its first 150."""
    return record_demo_slices(store, score, (200, 150))


def test_demo_records_its_run_once(cli: CliRunner, store_url: str) -> None:
    first = cli.invoke(app, ["demo", "--db", store_url])
    again = cli.invoke(app, ["demo", "--db", store_url])

    assert first.exit_code == 0, first.output
    assert "Store: recorded as run 1 (1,000 accounts)" in first.output
    assert "Store: already recorded as run 1" in again.output
    assert "Use --force to store it once more." in " ".join(again.output.split())


def test_the_database_can_come_from_the_environment(
    cli: CliRunner, two_runs: Store, store_url: str, score: Score
) -> None:
    result = cli.invoke(app, ["runs"], env={"TIERWISE_DATABASE_URL": store_url})

    assert result.exit_code == 0, result.output
    counts = r"\s+".join(str(tier.accounts) for tier in score(size=150).run.tiers)
    line = rf"^\s*2\s+2026-09-30\s+accounts-1\.csv\s+default v1\s+{counts}$"
    assert re.search(line, result.output, re.M), result.output


def test_tier_with_no_store_records_nothing(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["demo", "--no-store"])

    assert result.exit_code == 0, result.output
    assert "Store:" not in result.output
    assert not (tmp_path / "tierwise.db").exists()


@pytest.mark.parametrize(
    "url",
    ["sqlite://", "sqlite:///:memory:", "sqlite:///file:kept?mode=memory&uri=true"],
)
def test_a_store_kept_in_memory_is_refused_before_anything_is_written(
    cli: CliRunner, tmp_path: Path, url: str
) -> None:
    # Each command is a process of its own: the run "recorded" there was
    # gone when demo ended, and the summary said it was stored.
    result = cli.invoke(app, ["demo", "--db", url, "--out", "out"])
    listed = cli.invoke(app, ["runs", "--db", url])

    said = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "is kept in memory and forgotten when the command ends" in said
    assert "--no-store" in said
    assert not (tmp_path / "out").exists()
    assert listed.exit_code == 2, listed.output


def test_history_lists_every_run_of_an_account(
    cli: CliRunner, two_runs: Store, store_url: str
) -> None:
    result = cli.invoke(app, ["history", "F1000-0002", "--db", store_url])

    assert result.exit_code == 0, result.output
    assert (
        "F1000-0002 Amazon (amazon.com): first in run 1, last in run 2" in result.output
    )
    rows = re.findall(
        r"^\s*(\d)\s+2026-09-30\s+default v1\s+tier_\d", result.output, re.M
    )
    assert rows == ["1", "2"]


def test_diff_shows_the_matrix_and_who_left(
    cli: CliRunner, two_runs: Store, store_url: str
) -> None:
    result = cli.invoke(app, ["diff", "1", "2", "--db", store_url])

    assert result.exit_code == 0, result.output
    assert "Run 1 (as of 2026-09-30) → run 2 (as of 2026-09-30)" in result.output
    assert re.search(r"│ \(absent\)\s+(│\s+·\s+){4}│\s+│", result.output)
    assert "0 accounts changed tier, 50 no longer in the portfolio." in result.output


def test_override_pins_and_revokes(
    cli: CliRunner, two_runs: Store, store_url: str
) -> None:
    pinned = cli.invoke(
        app,
        [
            "override",
            "F1000-0002",
            "--tier",
            "Strategic",
            "--reason",
            "frame deal",
            "--by",
            "Ann",
            "--until",
            "2026-12-31",
            "--db",
            store_url,
        ],
    )
    listed = cli.invoke(app, ["overrides", "--db", store_url, "--as-of", "2026-12-31"])
    revoked = cli.invoke(
        app,
        [
            "override",
            "F1000-0002",
            "--revoke",
            "--reason",
            "deal off",
            "--by",
            "Bo",
            "--db",
            store_url,
        ],
    )

    assert pinned.exit_code == 0, pinned.output
    assert "Override 1: F1000-0002 pinned to tier_1 through 2026-12-31" in pinned.output
    assert re.search(r"1\s+F1000-0002\s+tier_1\s+2026-12-31\s+Ann", listed.output)
    assert "Revoked override 1 on F1000-0002 (tier_1)" in revoked.output
    assert "replaces" not in pinned.output
    every = cli.invoke(
        app, ["overrides", "--all", "--db", store_url, "--as-of", "2026-12-31"]
    )
    assert "revoked by Bo: deal off" in " ".join(every.output.split())


def test_a_second_pin_of_an_account_names_the_pin_it_replaces(
    cli: CliRunner, two_runs: Store, store_url: str
) -> None:
    def pin(tier: str, reason: str, *until: str) -> str:
        arguments = ["override", "F1000-0002", "--tier", tier, "--reason", reason]
        result = cli.invoke(app, [*arguments, "--by", "Ann", *until, "--db", store_url])
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    pin("tier_1", "frame deal", "--until", "2027-03-31")
    said = pin("tier_3", "deal lost")

    assert ("It replaces override 1 (tier_1 through 2027-03-31, set by Ann on ") in said
    assert "frame deal" in said


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            ["--revoke", "--until", "2027-01-01"],
            "--until has no meaning with --revoke",
            id="revoke-with-until",
        ),
    ],
)
def test_override_options_that_do_not_go_together_are_refused(
    cli: CliRunner, two_runs: Store, store_url: str, arguments: list[str], message: str
) -> None:
    # --revoke --until revoked at once and dropped the date without a word.
    add_override(two_runs, "F1000-0002", "tier_1", "frame deal", by="Ann")
    common = ["--reason", "x", "--by", "Bo", "--db", store_url]
    result = cli.invoke(app, ["override", "F1000-0002", *arguments, *common])

    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert [r.revoked_at for r in list_overrides(two_runs)] == [None]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            ["diff", "1", "9"],
            "the store has no run 9; `tierwise runs`",
            id="diff-unknown-run",
        ),
        pytest.param(
            ["history", "NOPE"],
            "no recorded run has tiered an account with id 'NOPE'",
            id="history-unknown-account",
        ),
        pytest.param(
            [
                "override",
                "F1000-0002",
                "--tier",
                "tier_1",
                "--revoke",
                "--reason",
                "x",
                "--by",
                "Ann",
            ],
            "give either --tier to pin a tier or --revoke",
            id="override-pin-and-revoke",
        ),
        pytest.param(
            [
                "override",
                "F1000-0002",
                "--tier",
                "tier_1",
                "--reason",
                "x",
                "--by",
                "Ann",
                "--until",
                "31/12/2026",
            ],
            "--until must be a date like 2026-12-31, got '31/12/2026'",
            id="override-bad-date",
        ),
    ],
)
def test_mistakes_are_reported_with_the_fix_and_exit_status_2(
    cli: CliRunner, two_runs: Store, store_url: str, arguments: list[str], message: str
) -> None:
    result = cli.invoke(app, [*arguments, "--db", store_url])

    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_diff_of_runs_without_a_shared_account_says_so(
    cli: CliRunner, tmp_path: Path, store_url: str
) -> None:
    (tmp_path / "a.csv").write_text("account_id,name\na1,Alpha\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("account_id,name\nb1,Beta\n", encoding="utf-8")
    for name in ("a.csv", "b.csv"):
        tiered = cli.invoke(
            app,
            [
                "tier",
                str(tmp_path / name),
                "--as-of",
                "2026-09-30",
                "--db",
                store_url,
                "--out",
                str(tmp_path / name.replace(".csv", "-out")),
            ],
        )
        assert tiered.exit_code == 0, tiered.output

    result = cli.invoke(app, ["diff", "1", "2", "--db", store_url])

    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "0 accounts changed tier, 1 new, 1 no longer in the portfolio." in said
    assert "no account in common" in said


def test_history_finds_an_18_character_id_from_its_15_characters(
    cli: CliRunner, tmp_path: Path, store_url: str
) -> None:
    accounts = tmp_path / "sf.csv"
    accounts.write_text("Id,Name\n001A000001xYzAb,Acme\n", encoding="utf-8")
    tiered = cli.invoke(
        app,
        [
            "tier",
            str(accounts),
            "--preset",
            "salesforce",
            "--as-of",
            "2026-09-30",
            "--db",
            store_url,
        ],
    )
    assert tiered.exit_code == 0, tiered.output

    short = cli.invoke(app, ["history", "001A000001xYzAb", "--db", store_url])
    other = cli.invoke(app, ["history", "001A000001xYzAc", "--db", store_url])

    assert short.exit_code == 0, short.output
    assert "001A000001xYzAbIAK Acme" in short.output
    assert other.exit_code != 0

    # The override was refused as an unknown account, where history found it.
    pinned = cli.invoke(
        app,
        [
            "override",
            "001A000001xYzAb",
            "--tier",
            "tier_1",
            "--reason",
            "renewal",
            "--by",
            "Ann",
            "--db",
            store_url,
        ],
    )
    assert pinned.exit_code == 0, pinned.output
    assert "Override 1: 001A000001xYzAbIAK pinned to tier_1" in pinned.output


def test_an_override_ending_in_the_past_is_kept_with_a_warning(
    cli: CliRunner, two_runs: Store, store_url: str
) -> None:
    def pin(until: str) -> str:
        result = cli.invoke(
            app,
            [
                "override",
                "F1000-0002",
                "--tier",
                "tier_2",
                "--reason",
                "re-tiering last year's run",
                "--by",
                "Ann",
                "--until",
                until,
                "--db",
                store_url,
            ],
        )
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    past, future = pin("2025-01-01"), pin("2099-12-31")

    assert "pinned to tier_2 through 2025-01-01" in past
    assert "warning: --until 2025-01-01 is already past" in past
    assert "runs as of 2025-01-01 or earlier" in past
    assert "warning" not in future


def test_tables_on_a_narrow_output_keep_ids_dates_and_codes_whole(
    cli: CliRunner, two_runs: Store, store_url: str
) -> None:
    pinned = [
        "override",
        "F1000-0002",
        "--tier",
        "tier_1",
        "--reason",
        "a board-level deal that needs a long sentence to explain",
        "--by",
        "A. Jansen",
        "--until",
        "2099-03-31",
        "--db",
        store_url,
    ]
    assert cli.invoke(app, pinned).exit_code == 0

    listed = cli.invoke(app, ["overrides", "--db", store_url], env={"COLUMNS": "80"})
    history = cli.invoke(
        app, ["history", "F1000-0002", "--db", store_url], env={"COLUMNS": "80"}
    )

    assert "…" not in listed.output and "…" not in history.output
    assert "F1000-0002" in listed.output and "2099-03-31" in listed.output


def test_diff_names_the_accounts_only_one_run_holds_and_counts_them_apart(
    cli: CliRunner, two_runs: Store, store_url: str, score: Score
) -> None:
    earlier = results_of(score(size=200).run)
    later = results_of(score(size=150).run)
    gone = sorted(
        (a for a in earlier if a not in later),
        key=lambda a: (-float(str(earlier[a]["total"])), a),
    )

    dropped = cli.invoke(app, ["diff", "1", "2", "--limit", "3", "--db", store_url])
    added = cli.invoke(app, ["diff", "2", "1", "--db", store_url])

    assert dropped.exit_code == 0, dropped.output
    shown = " ".join(dropped.output.split())
    assert "0 accounts changed tier, 50 no longer in the portfolio." in shown
    for account_id in gone[:3]:
        row = earlier[account_id]
        line = rf"^{account_id}\s+{re.escape(str(row['name']))}\s+{row['tier']}\s"
        assert re.search(line, dropped.output, re.M), dropped.output
    assert gone[3] not in dropped.output
    assert "and 47 more" in shown
    assert added.exit_code == 0, added.output
    assert "0 accounts changed tier, 50 new." in " ".join(added.output.split())
    assert all(account_id in added.output for account_id in gone)


def test_runs_names_each_run_s_input_file(
    cli: CliRunner, two_runs: Store, store_url: str, score: Score
) -> None:
    scored = score(size=20)
    record_run(
        two_runs,
        scored.run,
        model_text=scored.model_text,
        inputs={"accounts": "no source"},
    )

    result = cli.invoke(app, ["runs", "--db", store_url])

    assert result.exit_code == 0, result.output
    inputs = re.findall(
        r"^\s*(\d)\s+2026-09-30\s+(\S+)\s+default v1", result.output, re.M
    )
    assert inputs == [("3", "—"), ("2", "accounts-1.csv"), ("1", "accounts-0.csv")]


def test_runs_tells_apart_same_named_files_from_two_folders(
    cli: CliRunner, tmp_path: Path, store_url: str
) -> None:
    for folder, company in (("emea", "Alpha"), ("americas", "Beta")):
        accounts = tmp_path / folder / "accounts.csv"
        accounts.parent.mkdir()
        accounts.write_text(f"account_id,name\na1,{company}\n", encoding="utf-8")
        arguments = ["tier", str(accounts), "--as-of", "2026-09-30"]
        out = ["--out", str(tmp_path / folder / "out")]
        tiered = cli.invoke(app, [*arguments, *out, "--db", store_url])
        assert tiered.exit_code == 0, tiered.output

    wide = cli.invoke(app, ["runs", "--db", store_url])
    narrow = cli.invoke(app, ["runs", "--db", store_url], env={"COLUMNS": "80"})

    assert wide.exit_code == 0, wide.output
    line = r"^\s*{}\s+2026-09-30\s+accounts\.csv \({}\)\s+default v1\s"
    assert re.search(line.format(2, "americas"), wide.output, re.M), wide.output
    assert re.search(line.format(1, "emea"), wide.output, re.M), wide.output
    # At 80 columns the folder may go to a line of its own, but whole.
    assert max(len(text) for text in narrow.output.splitlines()) <= 80
    words = narrow.output.split()
    assert words.count("accounts.csv") == 2 and "(americas)" in words, narrow.output


def test_history_and_diff_at_80_columns_keep_each_reason_code_on_one_line(
    cli: CliRunner, store: Store, store_url: str, score: Score
) -> None:
    # Without a potential or revenue, an account whose total meets a tier
    # gets insufficient_data; the others keep their longer codes.
    demo = score(size=200).accounts
    bare = demo.drop_columns(["potential_acv", "annual_revenue"])
    for number, accounts in enumerate((demo, bare)):
        scored = score(accounts=accounts)
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": str(number)},
            accounts=accounts,
            source=f"a-portfolio-file-name-{number}.csv",
        )
    before = results_of(score(accounts=demo).run)
    after = results_of(score(accounts=bare).run)
    thin = next(a for a, row in after.items() if row["reason"] == "insufficient_data")
    longest = max(before, key=lambda a: (len(str(before[a]["reason"])), a))

    for account_id in (thin, longest):
        result = cli.invoke(
            app, ["history", account_id, "--db", store_url], env={"COLUMNS": "80"}
        )
        lines = result.output.splitlines()
        reasons = [before[account_id]["reason"], after[account_id]["reason"]]

        assert result.exit_code == 0, result.output
        for reason in reasons:
            assert any(f" {reason}" in line for line in lines), result.output
        assert max(len(line) for line in lines) <= 80, result.output

    # At 80 columns a mover takes two lines, codes first; wide, a table.
    cases = [("1", "2", after), ("2", "1", before)]
    for (first, second, now), width in itertools.product(cases, (80, 160)):
        compared = cli.invoke(
            app,
            ["diff", first, second, "--limit", "200", "--db", store_url],
            env={"COLUMNS": str(width)},
        )
        listed = list(re.finditer(r"^(F1000-\d{4})\s.*$", compared.output, re.M))

        assert compared.exit_code == 0, compared.output
        assert len(listed) > 100, compared.output
        for match in listed:
            reason = re.escape(str(now[match.group(1)]["reason"]))
            assert re.search(rf"\s{reason}(\s|$)", match.group(0)), match.group(0)
        lines = compared.output.splitlines()
        assert max(len(line) for line in lines) <= width, compared.output


def test_runs_shows_a_status_only_for_a_run_stored_again(
    cli: CliRunner, two_runs: Store, store_url: str, score: Score
) -> None:
    plain = cli.invoke(app, ["runs", "--db", store_url])
    scored = score(size=150)
    record_run(
        two_runs,
        scored.run,
        model_text=scored.model_text,
        inputs={"accounts": "1"},
        source="accounts-1.csv",
        force=True,
    )

    again = cli.invoke(app, ["runs", "--db", store_url])

    assert re.search(
        r"^run\s+as of\s+input\s+model\s.*\sunassigned$", plain.output, re.M
    )
    assert "complete" not in plain.output
    assert re.search(r"^run\s+as of\s.*\sunassigned\s+status\s*$", again.output, re.M)
    # "repeat 1" read as a repeat of run 1; it names the run it repeats.
    assert re.search(r"^\s*3\s.*\scomplete \(repeat of run 2\)$", again.output, re.M)
    assert re.search(r"^\s*2\s.*\scomplete\s*$", again.output, re.M), again.output


def test_runs_keeps_its_codes_whole_at_80_columns_when_more_columns_come(
    cli: CliRunner, two_runs: Store, store_url: str, score: Score
) -> None:
    # A forced repeat adds the status column and a model with another tier
    # key adds a tier column; at 80 columns they squeezed the input and model
    # to nothing and cut tier keys ("tier_", "unassigne").
    again = score(size=150)
    record_run(
        two_runs,
        again.run,
        model_text=again.model_text,
        inputs={"accounts": "1"},
        source="accounts-1.csv",
        force=True,
    )
    renamed_text = again.model_text.replace("key: tier_1", "key: strategic")
    renamed = score_accounts(parse_model(renamed_text), again.accounts, QUARTER_3)
    record_run(
        two_runs,
        renamed,
        model_text=renamed_text,
        inputs={"accounts": "2"},
        accounts=again.accounts,
        source="accounts-2.csv",
    )

    result = cli.invoke(app, ["runs", "--db", store_url], env={"COLUMNS": "80"})

    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    for word in ("accounts-0.csv", "accounts-2.csv", "default v2", "strategic"):
        assert word in said, result.output
    assert "complete (repeat of run 2)" in said, result.output
    assert re.search(r"\btier_1\b.*\bunassigned\b", said), result.output


def test_diff_tells_apart_two_tiers_of_one_name(
    cli: CliRunner, store: Store, store_url: str, score: Score
) -> None:
    # A model that renames tier_1's key keeps its name, Strategic: the matrix
    # showed two rows and two columns called Strategic.
    before = score(size=150)
    record_run(
        store,
        before.run,
        model_text=before.model_text,
        inputs={"accounts": "1"},
        accounts=before.accounts,
    )
    renamed_text = before.model_text.replace("key: tier_1", "key: strategic")
    renamed = score_accounts(parse_model(renamed_text), before.accounts, QUARTER_3)
    record_run(
        store,
        renamed,
        model_text=renamed_text,
        inputs={"accounts": "2"},
        accounts=before.accounts,
    )

    result = cli.invoke(app, ["diff", "1", "2", "--db", store_url])

    header = next(line for line in result.output.splitlines() if "Focus" in line)
    assert result.exit_code == 0, result.output
    assert "Strategic (tier_1)" in header and "Strategic (strategic)" in header
    assert "Focus (" not in header


def test_diff_of_a_named_store_hints_at_history_in_the_same_store(
    cli: CliRunner, store_url: str
) -> None:
    # The hint said `tierwise history ACCOUNT_ID`, which looks in tierwise.db
    # here rather than in the store the diff read.
    for as_of, out in (("2026-06-30", "q2"), ("2026-09-30", "q3")):
        ran = cli.invoke(
            app, ["demo", "--as-of", as_of, "--out", out, "--db", store_url]
        )
        assert ran.exit_code == 0, ran.output

    named = cli.invoke(app, ["diff", "1", "2", "--db", store_url])

    said = " ".join(named.output.split())
    assert named.exit_code == 0, named.output
    assert "(`tierwise history ACCOUNT_ID --db <the same store>` shows one)" in said
    assert store_url not in named.output
